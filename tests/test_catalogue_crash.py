"""A publish killed with SIGKILL, or racing another publish, never damages the catalogue."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from catalogue_samples import BUILD, SOURCES, VALIDATION, frames

from pipelines.catalogue import latest_version, list_versions, publish, verify
from pipelines.catalogue.publish import PAUSE_ENV, PAUSE_SECONDS_ENV
from pipelines.catalogue.reader import verify_folder
from pipelines.catalogue.storage import Store

TESTS = Path(__file__).resolve().parent
CHILD = (
    "import sys, json; from catalogue_samples import *; from pipelines.catalogue import publish;"
    "r = publish(sys.argv[1], frames(with_third_report=sys.argv[2] == 'add', first_value=float(sys.argv[3])),"
    " validation=VALIDATION, build_info=BUILD, sources=SOURCES);"
    "print(json.dumps([r.version, r.previous_version]))"
)


def child(root: Path, kind: str = "add", value: float = 61.0, **env: str) -> subprocess.Popen:
    full_env = {**os.environ, "PYTHONPATH": f"{TESTS}{os.pathsep}{TESTS.parent}", **env}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), kind, str(value)],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_pause(proc: subprocess.Popen, step: str, limit: float = 120) -> None:
    """Block until the child says it reached ``step`` (a correctness wait, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if ready:
            line = proc.stderr.readline()
            if line.strip() == f"paused at {step}":
                return
            if not line and proc.poll() is not None:
                break
    proc.kill()
    raise AssertionError(f"child never reached {step}: {proc.stderr.read()}")


def assert_catalogue_sound(root: Path, allowed: set[str]) -> None:
    latest = json.loads((root / "latest.json").read_text())  # valid JSON, never half written
    assert latest["version"] in allowed
    assert verify(str(root)) == []
    store = Store(str(root))
    for folder in (root / "versions").iterdir():  # nothing half-written is visible
        assert verify_folder(store, f"versions/{folder.name}") == [], folder.name


def base_catalogue(root: Path) -> None:
    publish(str(root), frames(), validation=VALIDATION, build_info=BUILD, sources=SOURCES)


@pytest.mark.parametrize("step", ["locked", "staging", "staged", "renamed", "released", "indexed"])
def test_sigkill_at_each_step_leaves_latest_valid(tmp_path: Path, step: str) -> None:
    base_catalogue(tmp_path)
    proc = child(tmp_path, **{PAUSE_ENV: step})
    wait_for_pause(proc, step)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    committed = step in ("released", "indexed")  # latest.json is the commit point; index.json follows
    expected = "1.1.0" if committed else "1.0.0"
    assert_catalogue_sound(tmp_path, {expected})
    assert [e["version"] for e in list_versions(str(tmp_path))][-1] == expected
    # The next publish recovers: it replaces leftovers and releases the new version.
    result = publish(
        str(tmp_path),
        frames(with_third_report=True),
        validation=VALIDATION,
        build_info=BUILD,
        sources=SOURCES,
    )
    assert result.version == "1.1.0" and result.published == (not committed)
    assert_catalogue_sound(tmp_path, {"1.1.0"})
    assert not (tmp_path / ".staging").exists() or not any((tmp_path / ".staging").iterdir())


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_sigkill_after_arbitrary_delays(tmp_path: Path, delay: float) -> None:
    base_catalogue(tmp_path)
    proc = child(tmp_path)
    time.sleep(delay)  # wherever the child is by now; the assertions hold for any point
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert_catalogue_sound(tmp_path, {"1.0.0", "1.1.0"})


def test_two_publishes_at_once_are_serialised(tmp_path: Path) -> None:
    base_catalogue(tmp_path)
    first = child(tmp_path, "add", 61.0, **{PAUSE_ENV: "locked", PAUSE_SECONDS_ENV: "3"})
    wait_for_pause(first, "locked")  # first holds the lock while the second starts
    second = child(tmp_path, "same", 66.0)
    out_first, err_first = first.communicate(timeout=300)
    out_second, err_second = second.communicate(timeout=300)
    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    assert json.loads(out_first) == ["1.1.0", "1.0.0"]
    # The second saw the first's release: dropping nordic and correcting a value is a patch on 1.1.0.
    assert json.loads(out_second) == ["1.1.1", "1.1.0"]
    assert [e["version"] for e in list_versions(str(tmp_path))] == ["1.0.0", "1.1.0", "1.1.1"]
    assert latest_version(str(tmp_path)) == "1.1.1"
    assert verify(str(tmp_path)) == []


@pytest.mark.parametrize("step", ["renamed", "released"])
def test_first_publish_killed_late_recovers(tmp_path: Path, step: str) -> None:
    """A folder no pointer names is a leftover; once latest.json exists, the version is released."""
    proc = child(tmp_path, "same", **{PAUSE_ENV: step})
    wait_for_pause(proc, step)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert (tmp_path / "versions" / "1.0.0").is_dir()
    assert latest_version(str(tmp_path)) == (None if step == "renamed" else "1.0.0")
    result = publish(str(tmp_path), frames(), validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    assert result.version == "1.0.0" and result.published == (step == "renamed")
    assert_catalogue_sound(tmp_path, {"1.0.0"})
    assert [e["version"] for e in list_versions(str(tmp_path))] == ["1.0.0"]
