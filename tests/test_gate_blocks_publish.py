"""Injected faults fail the right Dagster asset check, nothing is published, and the previous
release stays byte-for-byte as it was (issue: Great Expectations gates)."""

import hashlib
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import dagster as dg
import pytest
from support import SOURCES

from pipelines.defs.checks import check_name
from pipelines.defs.resources import CxbenchSettings
from pipelines.defs.runs import launch_build, run_config
from pipelines.workstore import WorkStore

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gate")]

REPORT = "harbor-contact-centre-benchmark-2024"
RELEASE_SELECTION = ["reports", "observations", "tables", "report_failures", "catalogue_release"]


def _with_first(rows, **changes):
    rows = [dict(r) for r in rows]
    rows[0].update(changes)
    return rows


FAULTS = {
    "percent_level_140": (
        lambda rows: (
            _with_first([r for r in rows if r["unit"] == "percent" and r["kind"] == "level"], value=140.0)
            + [r for r in rows if not (r["unit"] == "percent" and r["kind"] == "level")]
        ),
        "observations.expect_column_values_to_be_between[value:percent-level]",
    ),
    "duplicate_observation_id": (
        lambda rows: [rows[0], dict(rows[1], observation_id=rows[0]["observation_id"]), *rows[2:]],
        "observations.expect_column_values_to_be_unique[observation_id]",
    ),
    "orphan_report_id": (
        lambda rows: _with_first(rows, report_id="no-such-report"),
        "observations.foreign_key[report_id->reports]",
    ),
    "null_quote": (
        lambda rows: _with_first(rows, quote=None),
        "observations.expect_column_values_to_not_be_null[quote]",
    ),
    "unit_outside_list": (
        lambda rows: _with_first(rows, unit="furlongs"),
        "observations.expect_column_values_to_be_in_set[unit]",
    ),
}


@pytest.fixture(scope="module")
def first_release(tmp_path_factory):
    base = tmp_path_factory.mktemp("gate")
    sources = base / "sources"
    sources.mkdir()
    for name in (f"{REPORT}.md", "formosa-cx-trends-2023.txt"):
        shutil.copy(SOURCES / name, sources / name)
    os.environ["DAGSTER_HOME"] = str(base / "home")
    try:
        outcome = launch_build(sources, str(base / "catalogue"))
    finally:
        os.environ.pop("DAGSTER_HOME", None)
    assert outcome.success and outcome.release["published"], outcome
    return base


def snapshot_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_injected_fault_blocks_the_release(first_release, tmp_path, monkeypatch, fault):
    base = tmp_path / "copy"
    shutil.copytree(first_release, base)
    monkeypatch.setenv("DAGSTER_HOME", str(base / "home"))
    catalogue = base / "catalogue"
    before = snapshot_files(catalogue)
    latest_before = json.loads((catalogue / "latest.json").read_text())

    # Corrupt the stored per-report rows in place: the fingerprint still matches, so the run
    # reuses them, as it would reuse any stored output, and the gate must catch the damage.
    settings = CxbenchSettings(sources_dir=str(base / "sources"), catalogue_root=str(catalogue))
    store = WorkStore(base / "home" / "storage" / "cxbench")
    stored = store.load("report_rows", REPORT)
    mutate, expected_check = FAULTS[fault]
    rows = replace(stored.value, observations=mutate(stored.value.observations))
    store.save("report_rows", REPORT, replace(stored, value=rows))

    instance = dg.DagsterInstance.get()
    from pipelines import definitions

    result = dg.execute_job(
        dg.reconstructable(definitions.build_catalogue),
        instance=instance,
        run_config=run_config(settings),
        asset_selection=[dg.AssetKey(k) for k in RELEASE_SELECTION],
        raise_on_error=False,
    )
    assert not result.success
    evaluations = {
        (
            e.asset_check_evaluation_data.asset_key.to_user_string(),
            e.asset_check_evaluation_data.check_name,
        ): e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    expected_key = (expected_check.split(".")[0], check_name(expected_check))
    assert evaluations[expected_key] is False, evaluations
    failed = sorted(name for name, passed in evaluations.items() if not passed)
    # Moving a row to an unknown report also changes that report's count: the only co-failure allowed.
    also = (
        {("reports", check_name("reports.n_observations_matches[observations]"))}
        if fault == "orphan_report_id"
        else set()
    )
    assert set(failed) - also == {expected_key}, failed
    gate = store.load("quality_gate", result.run_id)
    assert expected_check in {r.name for r in gate.failed()}
    assert expected_check in gate.summary()
    materialized = {
        e.asset_key.to_user_string() for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert "catalogue_release" not in materialized
    assert json.loads((catalogue / "latest.json").read_text()) == latest_before
    assert snapshot_files(catalogue) == before
