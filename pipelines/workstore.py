"""Private intermediates kept between runs: per-report extracts, the assets' values, gate results.

Belongs here: where and how they are stored. What is stored, and when it is reused (by a fingerprint
of everything it was computed from), is decided by ``pipelines.incremental``. Storage is pickle
because these are private, same-version intermediates; everything published goes through
``pipelines.catalogue`` as Parquet. Nothing here imports the rest of the project.

Each pickle starts with a short header and the SHA-256 of what follows, checked before unpickling.
A stored output that cannot be loaded (truncated by a full disk or a killed copy, a flipped byte,
written by incompatible code) is never an error: ``load`` returns the default, so the caller
computes it again, deletes the damaged file and notes it in ``unreadable`` for the run to report.
Without the digest a flipped byte could unpickle into a wrong value, raise anything from
``UnicodeDecodeError`` to ``MemoryError``, or ask for gigabytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


MAGIC = b"cxbench-workstore-1\n"  # then the 32-byte SHA-256 of the pickle, then the pickle
_CHUNK = 1 << 20


class WorkStore:
    """``<root>/<stage>/<report_id>.pkl`` files written atomically, each with a digest of its pickle."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        # (stage, key, why) of every stored output this object found it could not load.
        self.unreadable: list[tuple[str, str, str]] = []

    def path(self, stage: str, key: str) -> Path:
        return self.root / stage / f"{key}.pkl"

    def save(self, stage: str, key: str, obj: Any) -> Path:
        path = self.path(stage, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + bytes(32))  # the digest goes in once the pickle is written
                digest = _DigestWriter(handle)
                pickle.dump(obj, digest, protocol=pickle.HIGHEST_PROTOCOL)
                handle.seek(len(MAGIC))
                handle.write(digest.sha256.digest())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def load(self, stage: str, key: str, default: Any = None) -> Any:
        """The stored value, or ``default`` when there is none or it cannot be loaded (see ``unreadable``)."""
        path = self.path(stage, key)
        if not path.is_file():
            return default
        try:
            with path.open("rb") as handle:
                why = _damage(handle)
                if why is None:
                    return pickle.load(handle)
        except OSError as exc:
            why = f"unreadable ({exc.strerror or exc})"
        except Exception as exc:  # the digest matched, but the code that wrote it is gone
            why = f"written by incompatible code ({type(exc).__name__})"
        self.unreadable.append((stage, key, why))
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)  # the caller computes it again and stores the new value
        return default

    def save_json(self, stage: str, key: str, obj: Any) -> Path:
        """A small JSON record (read without unpickling, e.g. by the no-change check of ``cxbench run``)."""
        path = self.root / stage / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(obj, handle, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def load_json(self, stage: str, key: str) -> Any:
        try:
            return json.loads((self.root / stage / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def keys(self, stage: str) -> list[str]:
        folder = self.root / stage
        return sorted(p.stem for p in folder.glob("*.pkl")) if folder.is_dir() else []

    def discard(self, stage: str, keys: Iterable[str]) -> int:
        """Delete the stored outputs of ``keys`` (e.g. reports that left the sources); returns how many."""
        removed = 0
        for key in keys:
            path = self.path(stage, key)
            if path.is_file():
                path.unlink()
                removed += 1
        return removed

    def sweep_temporary(self, stage: str) -> int:
        """Delete the temporary files of writes that never finished (a worker ended mid-``save``).

        Call it only while nothing writes to ``stage``: they are invisible to ``load`` and ``keys``
        (a value appears only by ``os.replace``), but would pile up. Returns how many it deleted.
        """
        folder = self.root / stage
        if not folder.is_dir():
            return 0
        removed = 0
        for path in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed

    def keep_newest(self, stage: str, count: int) -> int:
        """Delete all but the ``count`` most recently written outputs of a per-run stage."""
        folder = self.root / stage
        if not folder.is_dir():
            return 0
        files = sorted(folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in files[count:]:
            path.unlink(missing_ok=True)
        return max(len(files) - count, 0)


class _DigestWriter:
    """A file that hashes what is written through it (so a pickle is hashed while it is dumped)."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.sha256 = hashlib.sha256()

    def write(self, data: Any) -> int:
        self.sha256.update(data)
        return self.handle.write(data)


def _damage(handle: Any) -> str | None:
    """Why the stored pickle in ``handle`` must not be unpickled, or None (then ``handle`` is at it)."""
    header = handle.read(len(MAGIC) + 32)
    if header[: len(MAGIC)] != MAGIC:
        if header[:1] == pickle.PROTO:  # a bare pickle, as stored before the digest
            return "written by an older version (no digest)"
        return "truncated" if MAGIC.startswith(header) else "damaged (unknown header)"
    if len(header) < len(MAGIC) + 32:
        return "truncated"
    digest = hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    if digest.digest() != header[len(MAGIC) :]:
        return "truncated or damaged (digest mismatch)"
    handle.seek(len(header))
    return None
