"""The first line of `cxbench run` says what happened, failed reports included (issue 14)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import SOURCES

pytestmark = pytest.mark.slow


def test_the_first_line_names_the_release_and_the_failed_report(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SOURCES / "formosa-cx-trends-2023.txt", sources)
    (sources / "bad.txt").write_bytes(b"")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home")}
    cli = [sys.executable, "-m", "pipelines.cli", "run", "--sources", str(sources), "--catalogue", str(tmp_path / "c")]
    done = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines()[0] == "published catalogue 1.0.0; 1 of 2 report(s) failed: bad", done.stdout

    again = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 3, again.stderr
    assert again.stdout.splitlines()[0].startswith("nothing changed since run"), again.stdout
