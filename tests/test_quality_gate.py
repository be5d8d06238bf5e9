"""The quality gate judges real frames: a clean release passes, each injected fault fails its own check."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.build import add_benchmarks
from pipelines.quality import GateResult, run_gate, suite_names
from pipelines.quality.rules import all_rules
from pipelines.quality.synthetic import release_frames
from pipelines.schema import DATASETS, UNITS

Frames = dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def clean() -> Frames:
    return release_frames(n_observations=400, n_reports=8, seed=3)


@pytest.fixture(scope="module")
def clean_result(clean: Frames) -> GateResult:
    return run_gate(clean)


def copy(frames: Frames) -> Frames:
    return {name: frame.copy() for name, frame in frames.items()}


def failed_names(result: GateResult) -> set[str]:
    return {check.name for check in result.failed()}


def test_clean_release_passes_every_check(clean_result: GateResult) -> None:
    assert clean_result.success, clean_result.summary()
    assert [c.name for c in clean_result.results] == suite_names()
    assert clean_result.summary().startswith("Quality gate passed")


# ---- the five faults of the acceptance criteria, and a few more -------------------------------


def percent_level_140(f: Frames) -> str:
    obs = f["observations"]
    obs.loc[7, ["unit", "kind", "value"]] = ["percent", "level", 140.0]
    return obs.loc[7, "observation_id"]


def duplicate_observation_id(f: Frames) -> str:
    obs = f["observations"]
    obs.loc[11, "observation_id"] = obs.loc[10, "observation_id"]
    return obs.loc[11, "observation_id"]


def orphan_report_id(f: Frames) -> str:
    extra = f["observations"].iloc[[0]].assign(report_id="ghost-report", observation_id="ghost-1")
    f["observations"] = pd.concat([f["observations"], extra], ignore_index=True)
    return "ghost-1"


def null_quote(f: Frames) -> str:
    f["observations"].loc[3, "quote"] = None
    return f["observations"].loc[3, "observation_id"]


def unit_outside_list(f: Frames) -> str:
    f["observations"].loc[4, "unit"] = "furlongs"
    return f["observations"].loc[4, "observation_id"]


def blank_quote(f: Frames) -> str:
    f["observations"].loc[5, "quote"] = "  \u3000 "
    return f["observations"].loc[5, "observation_id"]


def negative_count(f: Frames) -> str:
    f["observations"].loc[6, ["unit", "kind", "value"]] = ["count", "level", -3.0]
    return f["observations"].loc[6, "observation_id"]


def implausible_year(f: Frames) -> str:
    f["observations"].loc[8, "year"] = 1900
    return f["observations"].loc[8, "observation_id"]


def pdf_row_without_page(f: Frames) -> str:
    obs = f["observations"]
    pdf_ids = set(f["reports"].loc[f["reports"]["format"] == "pdf", "report_id"])
    label = obs.index[obs["report_id"].isin(pdf_ids)][0]
    obs.loc[label, "page"] = None
    return obs.loc[label, "observation_id"]


FAULTS: list[tuple[Callable[[Frames], str], str]] = [
    (percent_level_140, "observations.expect_column_values_to_be_between[value:percent-level]"),
    (duplicate_observation_id, "observations.expect_column_values_to_be_unique[observation_id]"),
    (orphan_report_id, "observations.foreign_key[report_id->reports]"),
    (null_quote, "observations.expect_column_values_to_not_be_null[quote]"),
    (unit_outside_list, "observations.expect_column_values_to_be_in_set[unit]"),
    (blank_quote, "observations.expect_column_value_lengths_to_be_between[quote:not-blank]"),
    (negative_count, "observations.expect_column_values_to_be_between[value:count-level]"),
    (implausible_year, "observations.year_plausible[reports.survey_year]"),
    (pdf_row_without_page, "observations.page_present[pdf]"),
]


@pytest.mark.parametrize(("inject", "check_name"), FAULTS, ids=[f.__name__ for f, _ in FAULTS])
def test_each_fault_fails_its_own_check_only(clean: Frames, inject: Callable[[Frames], str], check_name: str) -> None:
    frames = copy(clean)
    observation_id = inject(frames)
    del frames["benchmarks"]  # derived from the faulty rows: judged in the benchmarks tests below
    result = run_gate(frames)

    assert not result.success
    assert failed_names(result) == {check_name}
    check = result.failed()[0]
    assert observation_id in [row.get("observation_id") for row in check.sample]
    offending = frames["observations"].set_index("observation_id").loc[observation_id, "report_id"]
    assert set(pd.Series(offending).tolist()) <= set(check.report_ids)
    assert check.observed["unexpected_count"] >= 1


def test_orphan_tables_fail_the_tables_foreign_key(clean: Frames) -> None:
    frames = copy(clean)
    frames["tables"].loc[0, "report_id"] = "nowhere"
    result = run_gate(frames)
    assert failed_names(result) == {"tables.foreign_key[report_id->reports]"}
    assert result.failed()[0].report_ids == ["nowhere"]


def test_wrong_column_type_and_missing_column_are_reported(clean: Frames) -> None:
    frames = copy(clean)
    frames["observations"]["value"] = frames["observations"]["value"].astype(str)
    frames["reports"] = frames["reports"].drop(columns=["title"])
    failed = failed_names(run_gate(frames))
    assert "observations.column_types[arrow_schema]" in failed
    assert "reports.expect_table_columns_to_match_set" in failed


# ---- regression guard against the previous release --------------------------------------------


def without_report(frames: Frames, report_id: str) -> Frames:
    return {name: f[f["report_id"] != report_id].reset_index(drop=True) for name, f in frames.items()}


def drop_share_of(frames: Frames, report_id: str, share: float) -> Frames:
    out = copy(frames)
    obs = out["observations"]
    rows = obs.index[obs["report_id"] == report_id]
    out["observations"] = obs.drop(rows[: int(len(rows) * share)]).reset_index(drop=True)
    counts = out["observations"]["report_id"].value_counts()
    out["reports"]["n_observations"] = out["reports"]["report_id"].map(counts).fillna(0).astype("int32")
    return add_benchmarks(out)


def test_a_benchmark_naming_an_unpublished_figure_fails_the_benchmarks_check_only(clean: Frames) -> None:
    frames = copy(clean)
    frames["benchmarks"].at[3, "observation_ids"] = [*frames["benchmarks"].at[3, "observation_ids"], "held-back-1"]
    result = run_gate(frames)
    assert failed_names(result) == {"benchmarks.observation_ids_exist[observations]"}
    assert result.failed()[0].sample[0]["missing_ids"] == ["held-back-1"]


def test_vanished_report_fails_unless_its_source_changed(clean: Frames) -> None:
    gone = clean["reports"]["report_id"].iloc[2]
    current = without_report(clean, gone)

    result = run_gate(current, previous=clean)
    assert failed_names(result) == {"reports.regression[vanished]"}
    assert result.failed()[0].report_ids == [gone]

    assert run_gate(current, previous=clean, changed_reports={gone}).success


def test_observation_drop_beyond_share_fails_unless_source_changed(clean: Frames) -> None:
    rid = clean["reports"]["report_id"].iloc[1]
    current = drop_share_of(clean, rid, 0.7)

    result = run_gate(current, previous=clean)
    assert failed_names(result) == {"observations.regression[observation_drop]"}
    check = result.failed()[0]
    assert check.report_ids == [rid]
    assert check.sample[0]["drop_share"] > 0.5

    assert run_gate(current, previous=clean, changed_reports={rid}).success
    assert run_gate(drop_share_of(clean, rid, 0.3), previous=clean).success


def test_first_publish_skips_the_regression_guard(clean_result: GateResult) -> None:
    guard = [c for c in clean_result.results if ".regression[" in c.name]
    assert len(guard) == 2
    assert all(c.success and "skipped" in c.observed for c in guard)


# ---- what the lead shows: validation.json and the summary ----------------------------------------


def test_to_json_round_trips_and_lists_every_expectation(clean: Frames) -> None:
    frames = copy(clean)
    percent_level_140(frames)
    null_quote(frames)
    document = run_gate(frames).to_json()

    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert [r["name"] for r in document["results"]] == suite_names()
    assert document["success"] is False
    assert document["great_expectations_version"].startswith("1.")
    assert document["statistics"]["unsuccessful_checks"] == 2
    gx_checks = [r for r in document["results"] if r["engine"] == "great_expectations"]
    assert all("element_count" in r["observed"] or "observed_value" in r["observed"] for r in gx_checks)


def test_summary_names_the_check_why_and_a_sample_row(clean: Frames) -> None:
    frames = copy(clean)
    observation_id = percent_level_140(frames)
    text = run_gate(frames).summary()

    assert "observations.expect_column_values_to_be_between[value:percent-level]" in text
    assert observation_id in text
    assert "140.0" in text
    assert "within 0..100" in text
    assert len(text.splitlines()) < 12


# ---- interface details ---------------------------------------------------------------------------


def test_datasets_limits_what_is_judged(clean: Frames) -> None:
    result = run_gate({"observations": clean["observations"]}, datasets=["observations"])
    assert {c.dataset for c in result.results} == {"observations"}
    fk = next(c for c in result.results if c.name == "observations.foreign_key[report_id->reports]")
    assert fk.success and "skipped" in fk.observed
    with pytest.raises(ValueError, match="tables"):
        run_gate({"observations": clean["observations"]}, datasets=["tables"])


def test_duplicate_index_labels_still_point_at_the_right_row(clean: Frames) -> None:
    frames = copy(clean)
    frames["observations"].index = [0] * len(frames["observations"])
    frames["observations"].iloc[9, frames["observations"].columns.get_loc("unit")] = "parsecs"
    check = run_gate(frames, datasets=["observations"]).failed()[0]
    assert check.sample[0]["unit"] == "parsecs"


def test_suite_names_do_not_import_great_expectations() -> None:
    code = (
        "import sys; from pipelines.quality import suite_names; "
        "assert len(suite_names()) > 50; assert 'great_expectations' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_range_rules_name_only_published_units() -> None:
    named = {
        unit
        for rule in all_rules()
        for column, _, value in rule.where
        if column == "unit"
        for unit in ((value,) if isinstance(value, str) else value)
    }
    assert named and named <= set(UNITS)


def test_frames_read_back_from_parquet_pass(clean: Frames, tmp_path: Path) -> None:
    """The lead reads the previous release from Parquet: Arrow's dtypes must pass the same checks."""
    read_back = {}
    for name, frame in clean.items():
        table = pa.Table.from_pandas(frame, schema=DATASETS[name].arrow_schema(), preserve_index=False)
        pq.write_table(table, tmp_path / f"{name}.parquet")
        read_back[name] = pd.read_parquet(tmp_path / f"{name}.parquet")
    result = run_gate(read_back, previous=read_back)
    assert result.success, result.summary()


def test_failed_reports_maps_each_report_to_its_failed_checks(clean: Frames) -> None:
    frames = copy(clean)
    percent_level_140(frames)
    unit_outside_list(frames)
    verdicts = run_gate(frames, datasets=["observations"]).failed_reports()
    rid = frames["observations"].loc[7, "report_id"]
    assert "observations.expect_column_values_to_be_between[value:percent-level]" in verdicts[rid]
    assert all(names for names in verdicts.values())


def test_multi_column_rules_report_their_rows(clean: Frames) -> None:
    frames = copy(clean)
    frames["tables"] = pd.concat([frames["tables"], frames["tables"].iloc[[4]]], ignore_index=True)
    frames["observations"].loc[2, "char_end"] = frames["observations"].loc[2, "char_start"] - 1
    result = run_gate(frames)
    assert failed_names(result) == {
        "tables.expect_compound_columns_to_be_unique[report_id,table_id,row,col]",
        "observations.expect_column_pair_values_a_to_be_greater_than_b[char_end,char_start]",
    }
    by_name = {c.name: c for c in result.failed()}
    assert by_name["tables.expect_compound_columns_to_be_unique[report_id,table_id,row,col]"].sample[0]["row"] >= 0


# ---- incremental validation: row-level rules recheck only the rows of changed reports ----------


def comparable(result: GateResult) -> list[tuple]:
    """Each check's name, verdict, counts, offending reports and sample: what must not depend on reuse."""
    keys = ("element_count", "unexpected_count", "missing_count", "observed_value")
    return [
        (c.name, c.success, {k: c.observed.get(k) for k in keys}, c.report_ids, c.sample) for c in result.results
    ]


def test_unchanged_reports_reuse_their_row_verdicts_and_every_rule_still_judges_the_whole_dataset(
    clean: Frames, clean_result: GateResult
) -> None:
    again = run_gate(clean, row_verdicts=clean_result.row_verdicts)
    assert clean_result.rechecked_reports["observations"] == clean["reports"]["report_id"].nunique()
    assert again.rechecked_reports == dict.fromkeys(again.datasets, 0)
    assert comparable(again) == comparable(clean_result)


def test_a_fault_in_a_changed_report_is_found_and_a_stored_one_is_still_reported(clean: Frames) -> None:
    frames = copy(clean)
    observation_id = percent_level_140(frames)
    report_id = frames["observations"].set_index("observation_id").loc[observation_id, "report_id"]
    rule = "observations.expect_column_values_to_be_between[value:percent-level]"
    # only the changed report is rechecked, and its bad row is found
    found = run_gate(frames, row_verdicts=run_gate(clean).row_verdicts)
    assert found.rechecked_reports["observations"] == 1
    assert failed_names(found) == {rule}
    # nothing changed since: nothing is rechecked, and the bad row is still reported, from the stored verdict
    kept = run_gate(frames, row_verdicts=found.row_verdicts)
    assert kept.rechecked_reports["observations"] == 0
    assert comparable(kept) == comparable(found) == comparable(run_gate(frames))
    check = kept.failed()[0]
    assert check.report_ids == [report_id] and check.observed["unexpected_count"] == 1
    assert observation_id in [row["observation_id"] for row in check.sample]


def test_each_dataset_is_validated_once(clean: Frames, monkeypatch: pytest.MonkeyPatch) -> None:
    from great_expectations.datasource.fluent.interfaces import Batch

    calls: list[str] = []
    real = Batch.validate

    def counted(self, expect, *args, **kwargs):
        calls.append(expect.name)
        return real(self, expect, *args, **kwargs)

    monkeypatch.setattr(Batch, "validate", counted)
    result = run_gate(clean)
    assert sorted(calls) == sorted(f"cxbench.{name}" for name in result.datasets)


@pytest.mark.parametrize(
    "values",
    [["a", None], {"b", "c"}, pd.Series(["c", "zz"], dtype="str"), pd.Index(["a"]), [], [float("nan")]],
)
def test_member_of_answers_as_isin_does(values) -> None:
    """The Arrow membership test the foreign keys and quarantine use gives pandas' answer, nulls included."""
    from pipelines.quality.relational import member_of

    column = pd.Series(["a", None, "b", "c", "a"], dtype="str")
    assert member_of(column, values).tolist() == column.isin(values).tolist()
    as_object = column.astype(object)  # not Arrow-backed: pandas' own isin
    assert member_of(as_object, values).tolist() == as_object.isin(values).tolist()


def test_row_hashes_tell_list_cells_apart(clean: Frames) -> None:
    """Benchmarks carry lists of observation ids; their rows still hash by content, fast and stably."""
    from pipelines.quality.gate import row_hashes

    frame = clean["benchmarks"].head(3).copy()
    frame["observation_ids"] = [["o1", "o2"], ["o1"], ["o2", "o1"]]
    first = row_hashes(frame)
    assert len(set(first.tolist())) == 3
    assert row_hashes(frame.copy()).tolist() == first.tolist()
    frame.at[frame.index[1], "observation_ids"] = ["o1", "o3"]
    assert row_hashes(frame)[1] != first[1]
