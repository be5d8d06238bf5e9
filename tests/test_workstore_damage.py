"""A stored output that cannot be loaded is computed again, never an error and never a wrong value
(issue 14: "recompute when a stored output cannot be loaded").

Pickles have no checksum: a truncated one raised at best, and a flipped byte could unpickle into a
different value (a letter of a quote) that the next build reused and published. The work store now
checks a SHA-256 of each pickle before unpickling it.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from support import SOURCES

from pipelines.source_changes import work_dir_for
from pipelines.workstore import WorkStore


def _stored(tmp_path: Path) -> tuple[WorkStore, Path, bytes]:
    store = WorkStore(tmp_path / "store")
    value = {"quote": "Satisfaction rose to 61% in 2024", "frame": pd.DataFrame({"v": [1.5, 2.5]}), "n": 3}
    path = store.save("extracts", "report", value)
    return store, path, path.read_bytes()


def test_every_truncation_and_every_flipped_byte_is_recomputed_not_loaded(tmp_path: Path) -> None:
    store, path, data = _stored(tmp_path)
    original = store.load("extracts", "report")
    assert original["quote"] == "Satisfaction rose to 61% in 2024" and not store.unreadable
    damaged = [data[:n] for n in range(len(data))]
    for i in range(len(data)):
        flipped = bytearray(data)
        flipped[i] ^= 0x01
        damaged.append(bytes(flipped))
    for n, bad in enumerate(damaged):
        path.write_bytes(bad)
        assert store.load("extracts", "report", "missing") == "missing", n
        assert not path.exists()  # deleted, so the value computed again replaces it
    assert len(store.unreadable) == len(damaged)
    reasons = {why for _, _, why in store.unreadable}
    assert reasons == {"truncated", "damaged (unknown header)", "truncated or damaged (digest mismatch)"}


def test_a_pickle_without_a_digest_is_recomputed_once(tmp_path: Path) -> None:
    store = WorkStore(tmp_path)
    store.path("assets", "old").parent.mkdir(parents=True)
    store.path("assets", "old").write_bytes(pickle.dumps({"written": "by an older cxbench"}))
    assert store.load("assets", "old") is None
    assert store.unreadable == [("assets", "old", "written by an older version (no digest)")]
    store.save("assets", "old", 1)
    assert store.load("assets", "old") == 1


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_a_damaged_stored_extract_is_extracted_again_and_the_release_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, catalogue, home = tmp_path / "sources", tmp_path / "catalogue", tmp_path / "home"
    sources.mkdir()
    for name in ("formosa-cx-trends-2023.txt", "harbor-contact-centre-benchmark-2024.md"):
        shutil.copy(SOURCES / name, sources)
    run = ("run", "--sources", str(sources), "--catalogue", str(catalogue), "--full")
    first = _cli(*run, home=home)
    assert first.returncode == 0 and first.stdout.startswith("published catalogue 1.0.0"), first.stdout + first.stderr

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    extracts = work_dir_for(sources) / "extracts"
    truncated = extracts / "harbor-contact-centre-benchmark-2024.pkl"
    os.truncate(truncated, truncated.stat().st_size // 2)
    # A letter of a published quote, flipped inside the stored extract: it still unpickles, as a
    # different quote (before, the next build reused it and published the changed quote).
    flipped = extracts / "formosa-cx-trends-2023.pkl"
    quotes = pd.read_parquet(catalogue / "versions" / "1.0.0" / "observations.parquet")["quote"]
    data = bytearray(flipped.read_bytes())
    word = next(w for q in quotes for w in re.findall(r"[a-z]{6,}", q) if data.find(w.encode()) > 0)
    at = data.find(word.encode()) + 2
    data[at] ^= 0x01
    flipped.write_bytes(bytes(data))

    second = _cli(*run, home=home)
    assert second.returncode == 0, second.stdout + second.stderr
    lines = second.stdout.splitlines()
    assert lines[0] == "nothing new to publish: catalogue 1.0.0 is current", second.stdout
    assert "reports: 2: extracted 2 on the process engine, reused 0, failed 0" in lines, second.stdout
    assert (
        "extracted again 2 report(s) whose stored extract could not be loaded: "
        "formosa-cx-trends-2023 (truncated or damaged (digest mismatch)), "
        "harbor-contact-centre-benchmark-2024 (truncated or damaged (digest mismatch))"
    ) in lines, second.stdout
    assert [v["version"] for v in json.loads((catalogue / "index.json").read_text())["versions"]] == ["1.0.0"]
    assert _cli("catalogue", "verify", "--catalogue", str(catalogue), home=home).returncode == 0

    third = _cli(*run, home=home)  # the extracts stored again are whole: reused
    reused = "reports: 2: extracted 0 on the process engine, reused 2, failed 0"
    assert reused in third.stdout.splitlines(), third.stdout


class _SlowToPickle:
    """Pickles slowly: a save of it is still writing when the test ends the process."""

    def __reduce__(self):
        import time

        time.sleep(60)
        return (dict, ())


def _save_slowly(root: str) -> None:
    WorkStore(root).save("extracts", "report", {"rows": ["x" * 100_000], "tail": _SlowToPickle()})


def test_a_worker_ended_mid_write_leaves_no_extract_visible(tmp_path: Path) -> None:
    """Workers store their own extracts; one ended by the engine (SIGKILL) half-way through a write
    leaves only a hidden temporary file, which nothing loads and the next map sweeps away."""
    import multiprocessing as mp
    import time

    store = WorkStore(tmp_path / "store")
    worker = mp.get_context("fork").Process(target=_save_slowly, args=(str(store.root),))
    worker.start()
    folder = store.root / "extracts"
    deadline = time.monotonic() + 30
    while not (folder.is_dir() and any(p.stat().st_size > 50_000 for p in folder.glob(".*.tmp"))):
        assert time.monotonic() < deadline, "the write never started"
        time.sleep(0.05)
    worker.kill()
    worker.join()
    assert store.keys("extracts") == [] and store.load("extracts", "report", "absent") == "absent"
    assert store.unreadable == []  # never a half-read value, never a damage report either
    assert store.sweep_temporary("extracts") == 1 and not list(folder.iterdir())
