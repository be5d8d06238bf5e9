"""SnapshotStore (content-addressed raw bytes + fetch records) and the capped local-file reader."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from pipelines.errors import ReportError
from pipelines.ingest.limits import read_local_bytes
from pipelines.ingest.snapshots import SnapshotStore

DOC = "2023年净推荐值为41，比上年提高了6个百分点。\nNPS reached 41, up 6 points.\n".encode()


def test_bytes_live_under_their_digest_and_read_back(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    snap = store.put_bytes("r1", DOC, source_file="r1.txt")
    digest = hashlib.sha256(DOC).hexdigest()
    assert snap.sha256 == digest and snap.size == len(DOC)
    assert Path(snap.path) == tmp_path / digest[:2] / digest
    assert store.read(snap) == DOC
    assert snap.fetched_at is None and snap.source_url is None  # local files stay reproducible
    assert not stat.S_IMODE(os.stat(snap.path).st_mode) & 0o222  # stored read-only


def test_record_is_json_with_the_promised_fields(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    record = {"status": 200, "etag": '"e"', "last_modified": None}
    snap = store.put_bytes(
        "r1", DOC, source_file=None, source_url="https://example.org/r", fetched_at=when, record=record
    )
    on_disk = json.loads((tmp_path / "records" / "r1.json").read_text(encoding="utf-8"))
    assert on_disk == store.last_record("r1") == snap.fetch_record
    assert on_disk["url"] == "https://example.org/r" and on_disk["fetched_at"] == "2024-05-01T12:30:00+00:00"
    assert on_disk["sha256"] == snap.sha256 and on_disk["bytes"] == len(DOC) and on_disk["status"] == 200
    assert snap.fetched_at == when


def test_same_bytes_are_not_rewritten(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    first = store.put_bytes("a", DOC, source_file="a.txt")
    inode = os.stat(first.path).st_ino
    second = store.put_bytes("b", DOC, source_file="b.txt")
    assert second.path == first.path and os.stat(first.path).st_ino == inode
    assert (
        store.last_record("a")["source_file"] == "a.txt" and store.last_record("b")["source_file"] == "b.txt"
    )


def test_new_content_for_a_report_keeps_the_old_bytes(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    old = store.put_bytes("r1", DOC, source_file="r1.txt")
    new = store.put_bytes("r1", DOC + b"Revised.\n", source_file="r1.txt")
    assert store.read(old) == DOC and store.read(new).endswith(b"Revised.\n")
    assert store.last_record("r1")["sha256"] == new.sha256


def test_no_temporary_files_are_left_behind(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    store.put_bytes("r1", DOC, source_file="r1.txt")
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_damaged_bytes_are_detected_on_read(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    snap = store.put_bytes("r1", DOC, source_file="r1.txt")
    os.chmod(snap.path, 0o644)
    Path(snap.path).write_bytes(DOC.replace(b"41", b"14"))
    with pytest.raises(ReportError, match="corrupt"):
        store.read(snap)


def test_missing_bytes_are_reported(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    snap = store.put_bytes("r1", DOC, source_file="r1.txt")
    os.chmod(snap.path, 0o644)
    Path(snap.path).unlink()
    with pytest.raises(ReportError, match="missing"):
        store.read(snap)


@pytest.mark.parametrize("bad_id", ["../escape", "a/b", ".hidden", "", "a\\b"])
def test_report_ids_cannot_name_paths_outside_the_store(tmp_path: Path, bad_id: str):
    store = SnapshotStore(tmp_path / "store")
    with pytest.raises(ReportError) as caught:
        store.put_bytes(bad_id, DOC, source_file=None)
    assert caught.value.stage == "registry"
    assert not (tmp_path / "escape.json").exists()


def test_unknown_or_damaged_record_reads_as_none(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    assert store.last_record("never") is None
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "torn.json").write_text('{"sha256": "ab', encoding="utf-8")
    assert store.last_record("torn") is None


def test_naive_fetch_time_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="timezone-aware"):
        SnapshotStore(tmp_path).put_bytes("r1", DOC, source_file=None, fetched_at=dt.datetime(2024, 1, 1))


def test_local_file_reader_applies_the_cap(tmp_path: Path):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_bytes(DOC)
    big.write_bytes(b"x" * 2048)
    assert read_local_bytes(small, max_bytes=1024) == DOC
    with pytest.raises(ReportError, match=r"big.txt is 2.0 KiB, over the 1.0 KiB cap"):
        read_local_bytes(big, max_bytes=1024)
    with pytest.raises(ReportError, match="cannot read"):
        read_local_bytes(tmp_path / "absent.txt")


def corrupt_one_byte(path: str) -> None:
    """Flip one byte in place: same size, different digest (what disk damage looks like)."""
    os.chmod(path, 0o644)
    data = bytearray(Path(path).read_bytes())
    data[len(data) // 2] ^= 0x01
    Path(path).write_bytes(bytes(data))


def test_same_size_corruption_is_repaired_from_the_source_bytes(tmp_path: Path):
    """Issue 14: a cached snapshot with one byte changed was kept (its size matched), so the report
    failed at every run. Now the stored copy is checked against its digest and replaced."""
    store = SnapshotStore(tmp_path)
    snap = store.put_bytes("r1", DOC, source_file="r1.txt")
    corrupt_one_byte(snap.path)
    assert not store.has(snap.sha256)
    again = store.put_bytes("r1", DOC, source_file="r1.txt")
    assert again.sha256 == snap.sha256 and store.read(again) == DOC
    assert oct(os.stat(again.path).st_mode & 0o777) == "0o444"
