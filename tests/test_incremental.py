"""Incremental builds: an unchanged build launches no run; a change to one report re-extracts that
report only; ``--report ID`` rebuilds one report; two sources folders keep their state apart; a
document that outruns the time limit is ended and recorded while the others publish. Real runs of
the Dagster job on copies of the project's own sample sources, in a temporary DAGSTER_HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from pipelines.defs.jobs import TAG_SOURCES, TAG_VERSION
from pipelines.defs.progress import build_progress
from pipelines.defs.runs import launch_build, settings_for
from pipelines.incremental import EXTRACTS

PROJECT_SOURCES = Path(__file__).resolve().parents[1] / "sources"
CHANGED = "harbor-contact-centre-benchmark-2024"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dagster_runs")]


@pytest.fixture
def workspace(instance, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(PROJECT_SOURCES, sources)
    return instance, sources, tmp_path / "catalogue"


def n_reports(sources: Path) -> int:
    return len([p for p in sources.iterdir() if p.suffix != ".yaml"])


def test_unchanged_build_is_skipped_and_one_change_extracts_one_report(workspace):
    instance, sources, catalogue = workspace
    n = n_reports(sources)

    first = launch_build(sources, str(catalogue), instance=instance)
    assert first.success and first.release["published"] and first.failures == [], first.failures
    assert (first.extracts["computed"], first.extracts["reused"]) == (n, 0)
    run = instance.get_run_by_id(first.run_id)
    assert run.tags[TAG_SOURCES] == str(sources.resolve()) and run.tags[TAG_VERSION] == "1.0.0"

    second = launch_build(sources, str(catalogue), instance=instance)
    assert second.skipped and second.release["version"] == "1.0.0" and not second.release["published"]
    assert len(instance.get_runs()) == 1  # nothing changed: no run at all

    forced = launch_build(sources, str(catalogue), instance=instance, full=True)
    assert forced.success and (forced.extracts["computed"], forced.extracts["reused"]) == (0, n)
    assert forced.release["published"] is False

    changed = sources / f"{CHANGED}.md"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nA late addendum says 64% of callers preferred a callback.\n",
        encoding="utf-8",
    )
    console = Console(record=True, width=120)
    store = settings_for(sources, str(catalogue)).work_store()
    with build_progress(instance, store, console=console):  # the CLI's bars follow the run
        third = launch_build(sources, str(catalogue), instance=instance)
    shown = console.export_text()
    assert "1/1" in shown and "done" in shown, shown  # one report extracted
    assert third.success and third.release["published"]
    assert (third.extracts["computed"], third.extracts["reused"]) == (1, n - 1)
    status = third.status.set_index("report_id")
    assert status.loc[CHANGED, "reused"] == False  # noqa: E712 - numpy bool
    assert status.reused.sum() == n - 1 and (status.outcome == "ok").all()
    assert third.release["counts"]["reports"] == first.release["counts"]["reports"]
    # Events do not grow with reports: a run that extracts one report writes as many as one that
    # extracts every report, give or take the gate's checks.
    assert abs(third.events - first.events) <= 0.1 * first.events, (first.events, third.events)

    rebuilt = launch_build(sources, str(catalogue), instance=instance, reports=["formosa-cx-trends-2023"])
    assert rebuilt.success and rebuilt.extracts["computed"] == 1
    assert not rebuilt.status.set_index("report_id").loc["formosa-cx-trends-2023", "reused"]


def test_removed_report_leaves_the_next_release(workspace):
    instance, sources, catalogue = workspace
    first = launch_build(sources, str(catalogue), instance=instance)
    assert first.success and first.release["published"]
    (sources / "formosa-cx-trends-2023.txt").unlink()
    registry = sources / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    start = text.index("  - id: formosa-cx-trends-2023")
    end = text.index("  - id:", start + 5)
    registry.write_text(text[:start] + text[end:], encoding="utf-8")

    second = launch_build(sources, str(catalogue), instance=instance)
    assert second.success and second.release["published"]
    assert second.extracts["computed"] == 0
    assert second.release["counts"]["reports"] == first.release["counts"]["reports"] - 1
    store = settings_for(sources, str(catalogue)).work_store()
    assert "formosa-cx-trends-2023" not in store.keys(EXTRACTS)
    assert CHANGED in store.keys(EXTRACTS)


def test_two_sources_folders_do_not_disturb_each_other(instance, tmp_path):
    a, b = tmp_path / "a" / "sources", tmp_path / "b" / "sources"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    shutil.copy(PROJECT_SOURCES / f"{CHANGED}.md", a)
    shutil.copy(PROJECT_SOURCES / "formosa-cx-trends-2023.txt", b)
    shutil.copy(PROJECT_SOURCES / "northwind-retail-cx-2025.html", b)

    first_a = launch_build(a, str(tmp_path / "a" / "catalogue"), instance=instance)
    first_b = launch_build(b, str(tmp_path / "b" / "catalogue"), instance=instance)
    assert first_a.success and first_b.success
    assert (first_a.extracts["computed"], first_b.extracts["computed"]) == (1, 2)

    again_a = launch_build(a, str(tmp_path / "a" / "catalogue"), instance=instance)
    assert again_a.skipped  # building b touched nothing of a's
    forced_a = launch_build(a, str(tmp_path / "a" / "catalogue"), instance=instance, full=True)
    assert (forced_a.extracts["computed"], forced_a.extracts["reused"]) == (0, 1)
    store_a = settings_for(a, "x").work_store()
    store_b = settings_for(b, "x").work_store()
    assert store_a.root != store_b.root
    assert store_a.keys(EXTRACTS) == [CHANGED]
    assert store_b.keys(EXTRACTS) == ["formosa-cx-trends-2023", "northwind-retail-cx-2025"]
    tags = {r.run_id: r.tags[TAG_SOURCES] for r in instance.get_runs()}
    assert tags[first_a.run_id] == str(a.resolve()) and tags[first_b.run_id] == str(b.resolve())


def test_a_document_over_the_time_limit_is_ended_and_the_others_publish(instance, tmp_path, monkeypatch):
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(PROJECT_SOURCES / f"{CHANGED}.md", sources)
    shutil.copy(PROJECT_SOURCES / "formosa-cx-trends-2023.txt", sources)
    # 30 MB of prose with figures: minutes of figure extraction, far over a 5 s budget.
    line = "In 2024, 61% of callers waited under a minute, up from 48% the year before. " * 20 + "\n"
    (sources / "endless-survey.txt").write_text(line * (30_000_000 // len(line)), encoding="utf-8")
    monkeypatch.setenv("CXBENCH_DOCUMENT_TIME_LIMIT", "5")

    outcome = launch_build(sources, str(tmp_path / "catalogue"), instance=instance)
    assert outcome.success and outcome.release["published"]
    assert outcome.release["counts"]["reports"] == 2
    (failure,) = outcome.failures
    assert failure["report_id"] == "endless-survey" and failure["source"] == "endless-survey.txt"
    assert (failure["stage"], failure["error"]) == ("limits", "TimeLimit") and "5 s limit" in failure["message"]
    assert outcome.extracts["ended_by_limits"] == 1
    status = pd.read_parquet(settings_for(sources, "x").work_store().root / "report_status.parquet")
    row = status.set_index("report_id").loc["endless-survey"]
    assert row.outcome == "failed" and row.stage_reached == "limits"


def test_cli_rebuild_of_an_unknown_report_is_one_clear_line(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(PROJECT_SOURCES, sources)
    cxbench = Path(sys.executable).parent / "cxbench"
    done = subprocess.run(
        [str(cxbench), "run", "--sources", str(sources), "--catalogue", str(tmp_path / "c"), "--report", "nope"],
        capture_output=True,
        text=True,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path / "home")},
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"cxbench: no such report in {sources.resolve()}: nope"]


def _bundled_tasks(tmp_path) -> dict:
    """One extract task per bundled sample report, its snapshot stored under ``tmp_path``."""
    from pipelines.build import ExtractTask
    from pipelines.ingest.registry import load_registry
    from pipelines.ingest.snapshots import SnapshotStore

    snapshots = SnapshotStore(tmp_path / "snapshots")
    return {
        spec.report_id: ExtractTask(
            spec, snapshots.put_bytes(spec.report_id, (PROJECT_SOURCES / spec.file).read_bytes(), source_file=spec.file)
        )
        for spec in load_registry(PROJECT_SOURCES).specs
    }


def test_datasets_assembled_a_chunk_of_reports_at_a_time_equal_the_whole(tmp_path):
    """Extracts keep no rows in memory; the datasets read them back from the store in chunks, in order."""
    from pipelines.build import assemble
    from pipelines.engine import ProcessPoolEngine
    from pipelines.incremental import assemble_datasets, run_extracts
    from pipelines.workstore import WorkStore

    tasks = _bundled_tasks(tmp_path)
    store = WorkStore(tmp_path / "work")
    run = run_extracts(store, tasks, ProcessPoolEngine(1))
    assert all(e.rows is None for e in run.extracts.values())
    whole = assemble_datasets(store, run, chunk=len(tasks))
    assert len(whole["reports"]) == len(tasks) and len(whole["observations"]) > 50
    for name, frame in assemble_datasets(store, run, chunk=2).items():
        pd.testing.assert_frame_equal(frame, whole[name])
    stored = [store.load(EXTRACTS, key)[1].rows for key in sorted(tasks)]
    for name, frame in assemble(stored).items():
        pd.testing.assert_frame_equal(frame, whole[name])


def test_workers_store_their_extracts_and_send_back_only_the_status(tmp_path):
    """The rows are pickled once, by the worker that made them: what the engine returns has none."""
    from pipelines.engine import ProcessPoolEngine
    from pipelines.incremental import run_extracts, task_fingerprint
    from pipelines.workstore import WorkStore

    class Watched(ProcessPoolEngine):
        def map(self, fn, items):
            for outcome in super().map(fn, items):
                returned.append(outcome)
                yield outcome

    returned: list = []
    tasks = _bundled_tasks(tmp_path)
    store = WorkStore(tmp_path / "work")
    run = run_extracts(store, tasks, Watched(2), code="v1")
    assert len(returned) == len(tasks) and all(o.ok and o.value.rows is None for o in returned)
    assert run.computed == set(tasks) and store.keys(EXTRACTS) == sorted(tasks)
    for key, task in tasks.items():
        fingerprint, extract = store.load(EXTRACTS, key)
        assert fingerprint == task_fingerprint(task, "v1") == run.prints[key]
        assert extract.ok and extract.rows.report["report_id"] == key and extract.rows.observations
