"""`make run` installs only the runtime dependencies; `make test` and `make bench` add the dev group."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV_ONLY = ("camelot-py", "opencv-python-headless", "reportlab", "polars", "pytest", "ruff")
pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="needs make")


def planned(target: str, venv: Path) -> str:
    """The commands `make` would run for ``target`` on a machine without a virtualenv yet."""
    done = subprocess.run(
        ["make", "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_run_syncs_the_runtime_group_only_and_never_uninstalls(tmp_path):
    plan = planned("run", tmp_path / "venv")
    assert "sync --frozen --no-dev --inexact" in plan
    assert "sync --frozen --python" not in plan  # the dev sync is not part of `make run`
    assert ".synced-runtime" in plan


@pytest.mark.parametrize("target", ["test", "bench", "lint"])
def test_development_targets_sync_the_dev_group(tmp_path, target):
    plan = planned(target, tmp_path / "venv")
    assert "sync --frozen --python" in plan and "--no-dev" not in plan


def test_the_runtime_resolution_in_the_lock_has_no_development_tools():
    uv = ROOT / ".tools" / "bin" / "uv"
    if not uv.exists():
        pytest.skip("uv is bootstrapped by `make setup`")
    runtime = subprocess.run(
        [str(uv), "export", "--frozen", "--no-dev", "--no-hashes"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    everything = subprocess.run(
        [str(uv), "export", "--frozen", "--no-hashes"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    names = lambda text: {line.split("==")[0].lower() for line in text.splitlines() if "==" in line}  # noqa: E731
    assert not names(runtime) & set(DEV_ONLY)
    assert set(DEV_ONLY) <= names(everything)
    assert {"dagster", "pdfplumber", "great-expectations", "httpx"} <= names(runtime)
