"""Two `cxbench run` at once on one Dagster home take turns or stay apart, and each says truthfully
what it did (issue 14).

Before: the run that published 1.0.0 printed "nothing published" (it read the other run's latest
materialization), two runs of one folder extracted everything twice into one work store, and two
runs into one catalogue each judged their datasets against a release the other replaced.

Every test starts real `cxbench run` subprocesses. Where the order matters, the test itself first
holds the lock the runs need (the same ``pipelines.locks`` file), waits until both runs say they
are waiting, and lets go: both then race for real, and the test needs no sleeps.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import SOURCES

from pipelines.locks import catalogue_lock_path, hold, work_store_lock_path
from pipelines.source_changes import work_dir_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("concurrent_runs")]

TIMEOUT = 600


class Run:
    """A `cxbench run` subprocess whose stderr is read as it arrives."""

    def __init__(self, sources: Path, catalogue: Path, home: Path) -> None:
        cmd = [sys.executable, "-m", "pipelines.cli", "run", "--sources", str(sources), "--catalogue", str(catalogue)]
        env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONWARNINGS": "ignore"}
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True)
        self._reader.start()
        self.stdout = ""

    def said(self, text: str) -> bool:
        return any(text in line for line in list(self.stderr))

    def finish(self) -> Run:
        self.stdout = self.proc.stdout.read()
        self.proc.wait(TIMEOUT)
        self._reader.join(10)
        return self

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def run_id(self) -> str:
        line = next(x for x in self.lines if x.startswith("dagster run "))
        return line.split()[2].rstrip(":")


def _wait_until_all_say(runs: list[Run], text: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not all(r.said(text) for r in runs):
        assert all(r.proc.poll() is None for r in runs), [(r.finish().stdout, r.stderr) for r in runs]
        assert time.monotonic() < deadline, [r.stderr for r in runs]
        time.sleep(0.2)


def _sources(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(SOURCES / name, folder)
    return folder


def _versions(catalogue: Path) -> list[str]:
    return [v["version"] for v in json.loads((catalogue / "index.json").read_text())["versions"]]


def _verify(catalogue: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "catalogue", "verify", "--catalogue", str(catalogue)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


FORMOSA, HARBOR, LIANHUA = (
    "formosa-cx-trends-2023.txt",
    "harbor-contact-centre-benchmark-2024.md",
    "lianhua-service-survey-2024.html",
)


def test_two_runs_of_one_folder_take_turns_and_the_second_reports_the_first(tmp_path: Path, monkeypatch) -> None:
    home, catalogue = tmp_path / "home", tmp_path / "catalogue"
    sources = _sources(tmp_path / "sources", FORMOSA, HARBOR)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with hold(work_store_lock_path(work_dir_for(sources)), "the test", notice=None):
        runs = [Run(sources, catalogue, home), Run(sources, catalogue, home)]
        _wait_until_all_say(runs, f"waiting for another cxbench run on {sources.resolve()}")
    for run in runs:
        run.finish()
        assert run.proc.returncode == 0, run.stdout + "".join(run.stderr)
        assert not any("Traceback" in line for line in run.stderr), run.stderr
    firsts = sorted(r.lines[0] for r in runs)
    assert firsts == ["nothing new to publish: catalogue 1.0.0 is current", "published catalogue 1.0.0"], firsts
    publisher = next(r for r in runs if r.lines[0] == "published catalogue 1.0.0")
    other = next(r for r in runs if r is not publisher)
    assert "reports: 2: extracted 2 on the process engine, reused 0, failed 0" in publisher.lines, publisher.stdout
    assert any(line.startswith("checks: ") for line in publisher.lines), publisher.stdout
    # The one that waited did not build again: it names the run that did.
    assert other.lines[1] == f"nothing changed since run {publisher.run_id()}: no run launched", other.stdout
    assert _versions(catalogue) == ["1.0.0"]
    _verify(catalogue)


def test_runs_of_two_folders_at_once_keep_their_own_outputs_and_report_their_own_release(
    tmp_path: Path, monkeypatch
) -> None:
    home = tmp_path / "home"
    first = _sources(tmp_path / "first", FORMOSA, HARBOR)
    second = _sources(tmp_path / "second", LIANHUA)
    runs = [Run(first, tmp_path / "cat-first", home), Run(second, tmp_path / "cat-second", home)]
    for run in runs:
        run.finish()
        assert run.proc.returncode == 0, run.stdout + "".join(run.stderr)
        assert run.lines[0] == "published catalogue 1.0.0", run.stdout
    assert "reports: 2: extracted 2 on the process engine, reused 0, failed 0" in runs[0].lines, runs[0].stdout
    assert "reports: 1: extracted 1 on the process engine, reused 0, failed 0" in runs[1].lines, runs[1].stdout
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    stores = {folder: work_dir_for(folder) for folder in (first, second)}
    assert sorted(p.stem for p in (stores[first] / "extracts").glob("*.pkl")) == [
        "formosa-cx-trends-2023",
        "harbor-contact-centre-benchmark-2024",
    ]
    assert sorted(p.stem for p in (stores[second] / "extracts").glob("*.pkl")) == ["lianhua-service-survey-2024"]
    for catalogue, reports in ((tmp_path / "cat-first", 2), (tmp_path / "cat-second", 1)):
        assert json.loads((catalogue / "latest.json").read_text())["counts"]["reports"] == reports
        _verify(catalogue)

    # Each run's outcome is read from its own events, whichever run materialized the same assets last.
    from pipelines.defs.runs import get_instance, read_outcome
    from pipelines.workstore import WorkStore

    instance = get_instance()
    for run, folder in zip(runs, (first, second), strict=True):
        outcome = read_outcome(instance, WorkStore(stores[folder]), run.run_id(), True)
        assert outcome.release and outcome.release["published"], run.run_id()
        assert outcome.extracts["reports"] == (2 if folder == first else 1)


def test_two_folders_publishing_into_one_catalogue_take_turns(tmp_path: Path, monkeypatch) -> None:
    home, catalogue = tmp_path / "home", tmp_path / "catalogue"
    small = _sources(tmp_path / "small", FORMOSA, HARBOR)
    larger = _sources(tmp_path / "larger", FORMOSA, HARBOR, LIANHUA)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with hold(catalogue_lock_path(home, str(catalogue.resolve())), "the test", notice=None):
        runs = [Run(small, catalogue, home), Run(larger, catalogue, home)]
        _wait_until_all_say(runs, f"waiting for another cxbench run on catalogue {catalogue.resolve()}")
    for run in runs:
        run.finish()
        assert run.proc.returncode == 0, run.stdout + "".join(run.stderr)
    versions = _versions(catalogue)
    assert len(versions) == 2, versions
    firsts = sorted(r.lines[0] for r in runs)
    assert firsts == [f"published catalogue {v}" for v in versions], (firsts, versions)
    # The later run diffed against (and its gate judged) the release the earlier one published.
    later = next(r for r in runs if r.lines[0] == f"published catalogue {versions[1]}")
    assert any(f"bump from {versions[0]}" in line for line in later.lines), later.stdout
    _verify(catalogue)


_OPEN_INSTANCE = (
    "import os, sys; os.environ['DAGSTER_HOME'] = sys.argv[1]; "
    "from pipelines.defs.runs import get_instance; get_instance()"
)


def test_first_runs_on_a_new_dagster_home_at_once_leave_an_instance_that_opens(tmp_path: Path) -> None:
    """Four processes open a new DAGSTER_HOME together, as two first runs of two folders do.

    Unserialised, each created the SQLite schedule storage and left two alembic heads: every later
    process failed with "Version table 'alembic_version' has more than one head present" (4 of 5
    trials here before the instance lock).
    """
    home = tmp_path / "home"
    procs = [
        subprocess.Popen([sys.executable, "-c", _OPEN_INSTANCE, str(home)], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    later = subprocess.run([sys.executable, "-c", _OPEN_INSTANCE, str(home)], capture_output=True, text=True)
    assert later.returncode == 0, later.stderr
