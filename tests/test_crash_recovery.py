"""``cxbench run`` killed with SIGKILL mid-run: the catalogue never shows anything half-written,
and the rerun completes and publishes.

Each run is the real console script in a subprocess with its own DAGSTER_HOME and catalogue in a
temporary folder. Kills land at a fixed delay (somewhere in start-up or ingest) and, through the
catalogue's pause hook, exactly inside the publish steps where a crash would do the most harm.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import PROJECT, SOURCES

from pipelines.catalogue import layout, verify
from pipelines.catalogue.publish import PAUSE_ENV
from pipelines.catalogue.reader import verify_folder
from pipelines.catalogue.storage import Store

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("crash_recovery")]

CXBENCH = Path(sys.executable).parent / "cxbench"
TEXT_SOURCES = ("registry.yaml", "*.txt", "*.md", "*.html", "*.pdf")  # every bundled report (all quick)


def quick_sources(target: Path) -> Path:
    target.mkdir()
    for pattern in TEXT_SOURCES:
        for path in SOURCES.glob(pattern):
            shutil.copy(path, target / path.name)
    return target


def start(base: Path, **env: str) -> subprocess.Popen:
    out = (base / "stdout.log").open("a")
    return subprocess.Popen(
        [str(CXBENCH), "run", "--sources", str(base / "sources"), "--catalogue", str(base / "catalogue")],
        env={**os.environ, "DAGSTER_HOME": str(base / "home"), **env},
        cwd=PROJECT,
        stdout=out,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_after(proc: subprocess.Popen, seconds: float) -> None:
    """SIGKILL after ``seconds`` (draining stderr meanwhile so the child never blocks on the pipe)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 0.2)
        if ready:
            proc.stderr.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def kill_at_pause(proc: subprocess.Popen, step: str, limit: float = 300) -> None:
    """SIGKILL once the child announces it paused at publish step ``step`` (a correctness wait)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if not ready:
            continue
        line = proc.stderr.readline()
        if line.strip() == f"paused at {step}":
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"cxbench never paused at {step} (exit {proc.poll()})")


def assert_nothing_half_written(root: Path) -> str | None:
    """latest.json, if any, names a verified version; every folder under versions/ is complete."""
    latest = None
    if (root / layout.LATEST).exists():
        latest = json.loads((root / layout.LATEST).read_text())["version"]  # never half a JSON file
        assert verify(str(root)) == []
    versions = root / layout.VERSIONS
    for folder in sorted(versions.iterdir()) if versions.exists() else []:
        assert not folder.name.startswith("."), folder
        assert verify_folder(Store(str(root)), f"{layout.VERSIONS}/{folder.name}") == [], folder
    for entry in root.iterdir() if root.exists() else []:
        assert entry.name in {layout.LATEST, layout.INDEX, layout.VERSIONS} or entry.name.startswith("."), entry
    return latest


def test_sigkill_anywhere_then_rerun_publishes(tmp_path: Path) -> None:
    quick_sources(tmp_path / "sources")
    root = tmp_path / "catalogue"

    kill_after(start(tmp_path), 4.0)  # start-up or ingest
    assert assert_nothing_half_written(root) is None

    kill_at_pause(start(tmp_path, **{PAUSE_ENV: "renamed"}), "renamed")  # folder in place, not released
    assert assert_nothing_half_written(root) is None

    rerun = start(tmp_path)
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err[-3000:]
    assert assert_nothing_half_written(root) == "1.0.0"

    # With a release out, a crash while publishing the next one leaves the first one current.
    with (tmp_path / "sources" / "late-addition.txt").open("w", encoding="utf-8") as handle:
        handle.write("Late addition 2024\n\nIn 2024, 57% of members said renewals were easy, up from 49%.\n")
    kill_at_pause(start(tmp_path, **{PAUSE_ENV: "renamed"}), "renamed")  # the last step before latest.json
    assert assert_nothing_half_written(root) == "1.0.0"
