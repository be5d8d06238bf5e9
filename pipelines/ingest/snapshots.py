"""Immutable, content-addressed storage of raw report bytes and the record of how they arrived.

Belongs here: where raw bytes live on disk (``<root>/<sha256[:2]>/<sha256>``), the latest fetch
record per report (``<root>/records/<report_id>.json``) and atomic writes of both. How bytes are
obtained (HTTP, local files) belongs to ``pipelines.ingest.fetch``.

Why content addressing: a release can name exactly which bytes it was built from, a re-fetch that
returns the same document costs no new storage, and a report that changes upstream keeps its old
bytes, so an earlier release can still be rebuilt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from pipelines.errors import ReportError
from pipelines.model import Snapshot

_SAFE_REPORT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class SnapshotStore:
    """Raw bytes under ``root``, each file named by its SHA-256 and never overwritten."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.records_dir = self.root / "records"

    def path_for(self, sha256: str) -> Path:
        """Where the bytes with this digest live (two-character fan-out keeps folders small)."""
        if not _SHA256_HEX.fullmatch(sha256):
            raise ValueError(f"not a lower-case SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put_bytes(
        self,
        report_id: str,
        data: bytes,
        *,
        source_file: str | None,
        source_url: str | None = None,
        fetched_at: dt.datetime | None = None,
        record: dict | None = None,
    ) -> Snapshot:
        """Store ``data`` (if not already stored), write the report's latest record, return it.

        ``record`` carries fetch details (status, etag, last_modified, ...); ``fetched_at`` stays
        None for local files so rebuilding from the same files gives the same release.
        """
        sha256 = self.put_blob(data)
        full_record = {
            **(record or {}),
            "report_id": report_id,
            "source_file": source_file,
            "url": source_url,
            "fetched_at": _iso(fetched_at),
            "sha256": sha256,
            "bytes": len(data),
        }
        self.write_record(report_id, full_record)
        return self.snapshot_from_record(report_id, full_record)

    def put_blob(self, data: bytes) -> str:
        """Store bytes without touching any record (e.g. a refused download kept for inspection)."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path_for(sha256)
        if self.has(sha256):
            return sha256
        # Missing, or damaged on disk (even with the right size): these bytes are the good copy.
        _atomic_write(path, data, read_only=True)
        return sha256

    def read(self, snapshot: Snapshot) -> bytes:
        """The snapshot's bytes, verified against its digest so silent disk damage is caught."""
        path = self.path_for(snapshot.sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ReportError(
                "fetch", f"snapshot {snapshot.sha256} of {snapshot.report_id} is missing"
            ) from None
        if hashlib.sha256(data).hexdigest() != snapshot.sha256:
            raise ReportError("fetch", f"snapshot {path} is corrupt: its bytes no longer match their SHA-256")
        return data

    def has(self, sha256: str) -> bool:
        """Whether intact bytes with this digest are stored (False for anything that is not a
        digest, and for a file whose bytes no longer match it, so callers fetch or copy afresh)."""
        if not _SHA256_HEX.fullmatch(sha256):
            return False
        digest = hashlib.sha256()
        try:
            with self.path_for(sha256).open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return False
        return digest.hexdigest() == sha256

    def last_record(self, report_id: str) -> dict | None:
        """The latest record written for the report, or None if it was never stored."""
        path = self._record_path(report_id)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None  # a damaged record only costs an unconditional re-fetch

    def write_record(self, report_id: str, record: dict) -> None:
        """Replace the report's latest record atomically (readers never see half a file)."""
        text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        _atomic_write(self._record_path(report_id), text.encode("utf-8"), read_only=False)

    def snapshot_from_record(self, report_id: str, record: dict) -> Snapshot:
        """Rebuild the ``Snapshot`` a record describes (a 304 returns the previous one this way)."""
        sha256 = record["sha256"]
        fetched_at = record.get("fetched_at")
        return Snapshot(
            report_id=report_id,
            sha256=sha256,
            path=str(self.path_for(sha256)),
            size=int(record["bytes"]),
            source_file=record.get("source_file"),
            source_url=record.get("url"),
            fetched_at=dt.datetime.fromisoformat(fetched_at) if fetched_at else None,
            fetch_record=dict(record),
        )

    def _record_path(self, report_id: str) -> Path:
        # The registry already slugs ids; this guard keeps a bad id from naming a path outside root.
        if not _SAFE_REPORT_ID.fullmatch(report_id):
            raise ReportError("registry", f"report id {report_id!r} cannot be used as a file name")
        return self.records_dir / f"{report_id}.json"


def utc_now() -> dt.datetime:
    """Current time in UTC, whole microseconds (the precision of the ``fetched_at`` column)."""
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware (UTC)")
    return moment.astimezone(dt.UTC).isoformat()


def _atomic_write(path: Path, data: bytes, *, read_only: bool) -> None:
    """Write via a temporary file in the same folder and ``os.replace``: all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if read_only:
            os.chmod(tmp, 0o444)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
