"""File-system access for the catalogue: every read, write, rename and lock goes through here.

The catalogue root is a local path or any fsspec URL (``s3://bucket/cxbench``, ``memory://x``), so
moving to object storage is configuration. What each backend guarantees:

* Local disks: files are written, fsynced and swapped in with ``os.replace``; a version folder is
  moved into ``versions/`` with one ``os.replace`` of the directory. Both are atomic on POSIX.
  Publishes are serialised by a ``filelock`` lock file in the catalogue root.
* Object stores: a single-object PUT is atomic (S3, GCS and Azure never show a half object), so
  ``latest.json`` and ``index.json`` swaps are safe. A folder "rename" is copy + delete and NOT
  atomic; a half-copied ``versions/X`` can exist after a crash, but it is never listed by
  ``latest.json``/``index.json`` (written afterwards), the next publish replaces it, and
  ``verify`` reports it. Cross-machine locking is not available: the orchestrator must run one
  publish at a time (e.g. a Dagster concurrency limit); a lock in the local temp dir still
  serialises publishes from the same machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import tempfile
import uuid
from collections.abc import Iterator
from typing import Any

from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem

LOCK_NAME = ".publish.lock"


class Store:
    """A catalogue root: relative POSIX paths in, bytes and JSON out."""

    def __init__(self, root: str) -> None:
        self.url = str(root)
        self.fs, self.base = url_to_fs(self.url)
        self.local = isinstance(self.fs, LocalFileSystem)

    def path(self, rel: str = "") -> str:
        """Backend path of ``rel`` (what fsspec and pyarrow take)."""
        return posixpath.join(self.base, rel) if rel else self.base

    def url_of(self, rel: str = "") -> str:
        """Address to show people: a plain path for local roots, a URL otherwise."""
        return self.path(rel) if self.local else self.fs.unstrip_protocol(self.path(rel))

    def exists(self, rel: str) -> bool:
        return bool(self.fs.exists(self.path(rel)))

    def read_bytes(self, rel: str) -> bytes:
        return self.fs.cat_file(self.path(rel))

    def read_json(self, rel: str) -> Any | None:
        """Parsed JSON, or None when the file is absent (an empty catalogue is not an error)."""
        try:
            return json.loads(self.read_bytes(rel))
        except FileNotFoundError:
            return None

    def list_dirs(self, rel: str) -> list[str]:
        """Names of the folders directly under ``rel`` (empty when it does not exist)."""
        if not self.exists(rel):
            return []
        entries = self.fs.ls(self.path(rel), detail=True)
        return sorted(posixpath.basename(e["name"].rstrip("/")) for e in entries if e["type"] == "directory")

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Plain write, for files inside a staging folder nobody reads yet."""
        if self.local:
            target = self.path(rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            self.fs.pipe_file(self.path(rel), data)

    def replace_file(self, rel: str, data: bytes) -> None:
        """Swap in a file so readers see the old or the new bytes, never a mix."""
        if not self.local:
            self.fs.pipe_file(self.path(rel), data)  # one PUT: atomic on object stores
            return
        target = self.path(rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = f"{target}.tmp-{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        _fsync_dir(os.path.dirname(target))

    def move_dir(self, src: str, dst: str) -> None:
        """Move a finished folder into place (atomic locally; copy + delete on object stores)."""
        if self.local:
            os.makedirs(os.path.dirname(self.path(dst)), exist_ok=True)
            os.replace(self.path(src), self.path(dst))
            _fsync_dir(os.path.dirname(self.path(dst)))
        else:
            self.fs.mv(self.path(src), self.path(dst), recursive=True)

    def remove_tree(self, rel: str) -> None:
        if self.exists(rel):
            self.fs.rm(self.path(rel), recursive=True)

    @contextlib.contextmanager
    def lock(self, timeout: float = 600) -> Iterator[None]:
        """Hold the publish lock: a lock file in the root locally, a per-machine lock otherwise."""
        if self.local:
            os.makedirs(self.base, exist_ok=True)
            lock_path = os.path.join(self.base, LOCK_NAME)
        else:
            digest = hashlib.sha256(self.url.encode()).hexdigest()[:16]
            lock_path = os.path.join(tempfile.gettempdir(), f"cxbench-catalogue-{digest}.lock")
        import filelock  # only publishers and repair lock; readers skip the import

        with filelock.FileLock(lock_path, timeout=timeout):
            yield


def _fsync_dir(path: str) -> None:
    """Make a rename durable, not just atomic (a power cut must not resurrect the old name)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
