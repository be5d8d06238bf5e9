"""The work store forgets what no longer matters: outputs of removed reports, old gate results."""

from __future__ import annotations

import os

from pipelines.workstore import WorkStore


def test_discard_removes_only_the_named_reports(tmp_path):
    store = WorkStore(tmp_path)
    for key in ("a", "b", "c"):
        store.save("report_rows", key, {"id": key})
    assert store.discard("report_rows", {"b", "missing"}) == 1
    assert store.keys("report_rows") == ["a", "c"]
    assert store.load("report_rows", "a") == {"id": "a"}
    assert store.keys("never_written") == []


def test_keep_newest_keeps_the_most_recent_writes(tmp_path):
    store = WorkStore(tmp_path)
    for i, key in enumerate(("run-old", "run-mid", "run-new")):
        path = store.save("quality_gate", key, i)
        os.utime(path, ns=(1_000_000_000 * (i + 1), 1_000_000_000 * (i + 1)))  # distinct, ordered mtimes
    assert store.keep_newest("quality_gate", 2) == 1
    assert store.keys("quality_gate") == ["run-mid", "run-new"]
    assert store.keep_newest("quality_gate", 5) == 0
    assert store.keep_newest("absent", 1) == 0
