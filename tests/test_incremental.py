"""Incremental `cxbench run`: an unchanged second run redoes nothing and publishes nothing; a
change to one report re-extracts that report only. Real runs of the Dagster job on copies of the
project's own sample sources, in a temporary DAGSTER_HOME."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from rich.console import Console

from pipelines.defs.progress import build_progress
from pipelines.defs.resources import CxbenchSettings
from pipelines.defs.runs import launch_build
from pipelines.defs.stages import PER_REPORT_STAGES

PROJECT_SOURCES = Path(__file__).resolve().parents[1] / "sources"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dagster_runs")]


@pytest.fixture
def workspace(instance, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(PROJECT_SOURCES, sources)
    return instance, sources, tmp_path / "catalogue"


def computed(outcome) -> dict[str, int]:
    return {stage: outcome.stage_stats[stage]["computed"] for stage in PER_REPORT_STAGES}


def test_second_run_redoes_nothing_and_one_change_costs_one_report(workspace):
    instance, sources, catalogue = workspace
    n = len([p for p in sources.iterdir() if p.suffix != ".yaml"])

    first = launch_build(sources, str(catalogue), instance=instance)
    assert first.success and first.release["published"] and first.failures == [], first.failures
    assert computed(first) == dict.fromkeys(PER_REPORT_STAGES, n)
    assert len(first.added) == n

    second = launch_build(sources, str(catalogue), instance=instance)
    assert second.success
    assert computed(second) == dict.fromkeys(PER_REPORT_STAGES, 0)
    # Nothing changed: the run covers one (reused) report, just enough to reassemble the release.
    assert all(second.stage_stats[s]["reused"] == 1 for s in PER_REPORT_STAGES)
    assert all(second.stage_stats[s]["not in run"] == n - 1 for s in PER_REPORT_STAGES)
    assert second.release["published"] is False
    assert second.release["version"] == first.release["version"]

    changed = sources / "harbor-contact-centre-benchmark-2024.md"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nA late addendum says 64% of callers preferred a callback.\n",
        encoding="utf-8",
    )
    console = Console(record=True, width=120)
    with build_progress(instance, console=console):  # the CLI's bar follows the run's event log
        third = launch_build(sources, str(catalogue), instance=instance)
    shown = console.export_text()
    assert "4/4" in shown and "done" in shown, shown  # one report through four stages
    assert third.success and third.release["published"]
    assert computed(third) == dict.fromkeys(PER_REPORT_STAGES, 1)
    assert all(third.stage_stats[s]["not in run"] == n - 1 for s in PER_REPORT_STAGES)
    assert third.release["version"] != first.release["version"]
    assert third.release["counts"]["reports"] == first.release["counts"]["reports"]

    # One run per build (not one run per report): the first over every report, the next two
    # over the span that needed work.
    runs = list(reversed(instance.get_runs()))  # newest first -> oldest first
    assert len(runs) == 3
    keys = list(instance.get_dynamic_partitions("reports"))
    assert [
        (r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"]) for r in runs
    ] == [
        (keys[0], keys[-1]),
        (keys[-1], keys[-1]),
        ("harbor-contact-centre-benchmark-2024", "harbor-contact-centre-benchmark-2024"),
    ]

    full = launch_build(sources, str(catalogue), instance=instance, full=True)
    assert full.success and computed(full) == dict.fromkeys(PER_REPORT_STAGES, 0)
    assert all(full.stage_stats[s]["reused"] == n for s in PER_REPORT_STAGES)

    # As the sensor asks after a change: a run over the changed report's partition only still
    # publishes a complete release (every other report's rows come from the work store).
    key = "formosa-cx-trends-2023"
    changed = sources / f"{key}.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n另有 58% 的受訪者表示滿意。\n", encoding="utf-8")
    narrow = launch_build(sources, str(catalogue), instance=instance, partition_range=(key, key))
    assert narrow.success and narrow.release["published"]
    assert narrow.release["counts"]["reports"] == third.release["counts"]["reports"]
    event = instance.get_latest_materialization_event(dg.AssetKey("parsed_documents"))
    assert event.run_id == narrow.run_id and event.asset_materialization.partition == key
    assert event.asset_materialization.metadata["computed"].value == 1


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
    assert second.removed == ["formosa-cx-trends-2023"]
    assert second.success and second.release["published"]
    assert computed(second)["parsed_documents"] == 0
    assert second.release["counts"]["reports"] == first.release["counts"]["reports"] - 1
    store = CxbenchSettings(sources_dir=str(sources), catalogue_root=str(catalogue)).work_store()
    for stage in PER_REPORT_STAGES:  # the removed report's stored outputs went with its partition
        assert "formosa-cx-trends-2023" not in store.keys(stage)
        assert "harbor-contact-centre-benchmark-2024" in store.keys(stage)
