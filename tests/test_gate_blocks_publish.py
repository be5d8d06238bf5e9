"""Injected dataset-level faults fail the right Dagster asset check, nothing is published, and the
previous release stays byte-for-byte as it was; a row-level fault (an impossible percentage) is held
back in the quarantine dataset while everything else publishes."""

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
from pipelines.defs.runs import launch_build
from pipelines.incremental import EXTRACTS
from pipelines.workstore import WorkStore

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gate")]

REPORT = "harbor-contact-centre-benchmark-2024"


def _with_first(rows, **changes):
    rows = [dict(r) for r in rows]
    rows[0].update(changes)
    return rows


def _percent_level_140(rows):
    levels = [r for r in rows if r["unit"] == "percent" and r["kind"] == "level"]
    return _with_first(levels, value=140.0) + [r for r in rows if r not in levels]


FAULTS = {
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
        outcome = launch_build(sources, str(base / "catalogue"), work_dir=str(base / "work"))
    finally:
        os.environ.pop("DAGSTER_HOME", None)
    assert outcome.success and outcome.release["published"], outcome
    return base


def _corrupt_stored_extract(base: Path, mutate) -> None:
    """Corrupt the stored extract in place: its fingerprint still matches, so the run reuses it, as it
    would reuse any stored extract, and the gate (or the quarantine) must catch the damage."""
    store = WorkStore(base / "work")
    fingerprint, stored = store.load(EXTRACTS, REPORT)
    rows = replace(stored.rows, observations=mutate(stored.rows.observations))
    store.save(EXTRACTS, REPORT, (fingerprint, replace(stored, rows=rows)))


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

    mutate, expected_check = FAULTS[fault]
    _corrupt_stored_extract(base, mutate)

    instance = dg.DagsterInstance.get()
    outcome = launch_build(base / "sources", str(catalogue), instance=instance, work_dir=str(base / "work"), full=True)
    assert not outcome.success
    assert outcome.extracts["computed"] == 0, outcome.extracts  # the damaged extract was reused
    evaluations = {
        (
            e.dagster_event.asset_check_evaluation_data.asset_key.to_user_string(),
            e.dagster_event.asset_check_evaluation_data.check_name,
        ): e.dagster_event.asset_check_evaluation_data.passed
        for e in instance.all_logs(outcome.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    }
    expected_key = (expected_check.split(".")[0], check_name(expected_check))
    assert evaluations[expected_key] is False, evaluations
    failed = sorted(name for name, passed in evaluations.items() if not passed)
    # Moving a row to an unknown report also changes that report's count, and the benchmark derived
    # from a faulty row carries its fault (an unknown report, a unit outside the list): the only
    # co-failures allowed.
    also = {
        "orphan_report_id": {
            ("reports", check_name("reports.n_observations_matches[observations]")),
            ("benchmarks", check_name("benchmarks.foreign_key[report_id->reports]")),
        },
        "unit_outside_list": {("benchmarks", check_name("benchmarks.expect_column_values_to_be_in_set[unit]"))},
    }.get(fault, set())
    assert set(failed) - also == {expected_key}, failed
    gate = outcome.gate
    assert expected_check in {r.name for r in gate.failed()}
    assert expected_check in gate.summary()
    materialized = {
        e.dagster_event.asset_key.to_user_string()
        for e in instance.all_logs(outcome.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    }
    assert "catalogue_release" not in materialized
    assert json.loads((catalogue / "latest.json").read_text()) == latest_before
    assert snapshot_files(catalogue) == before


def test_an_impossible_percentage_is_quarantined_and_the_rest_publishes(first_release, tmp_path, monkeypatch):
    import pandas as pd

    base = tmp_path / "copy"
    shutil.copytree(first_release, base)
    monkeypatch.setenv("DAGSTER_HOME", str(base / "home"))
    catalogue = base / "catalogue"
    before = pd.read_parquet(catalogue / "versions" / "1.0.0" / "observations.parquet")
    _corrupt_stored_extract(base, _percent_level_140)

    outcome = launch_build(base / "sources", str(catalogue), work_dir=str(base / "work"), full=True)
    assert outcome.success and outcome.release["published"], outcome
    version = catalogue / outcome.release["path"].split(str(catalogue) + "/")[-1]
    quarantine = pd.read_parquet(version / "quarantine.parquet")
    assert quarantine["rule"].tolist() == ["observations.expect_column_values_to_be_between[value:percent-level]"]
    assert quarantine["report_id"].tolist() == [REPORT] and quarantine["held_back"].tolist() == ["row"]
    held = quarantine["observation_id"].iloc[0]
    after = pd.read_parquet(version / "observations.parquet")
    assert held not in set(after["observation_id"])
    # every other figure is published as it was
    assert set(before["observation_id"]) - set(after["observation_id"]) == {held}
