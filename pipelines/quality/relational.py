"""Checks GX cannot express on pandas, done with plain pandas and reported like expectations.

They need a second frame: foreign keys, facts joined from ``reports`` (survey year, format),
report totals, and the comparison with the previous published release (the regression guard).
Column types are here too: GX's pandas type expectations compare numpy dtype names, which
cannot tell "int column read back as float64 with NaN" from "wrong type"; what consumers need is
that every column converts losslessly to its published Arrow type, which pyarrow answers directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.quality.results import CheckResult, rows_result
from pipelines.schema import DATASETS

YEAR_WINDOW = (-30, 10)  # observation.year within [survey_year - 30, survey_year + 10]

Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class GateInputs:
    """Everything a relational check may read."""

    frames: Frames
    previous: Frames | None
    changed_reports: frozenset[str]
    max_drop_share: float


@dataclass(frozen=True)
class RelationalCheck:
    dataset: str
    name: str
    description: str
    needs: tuple[str, ...]  # frames that must be present (in the current release) to run it
    run: Callable[[GateInputs, RelationalCheck], CheckResult]
    # Row-level checks name their offending rows (index labels of frames[dataset]) and the column
    # judged: a failure quarantines those rows (pipelines.quality.quarantine) instead of blocking.
    offending: Callable[[Frames], pd.Index] | None = None
    checked: tuple[str, ...] = ()

    @property
    def row_level(self) -> bool:
        return self.offending is not None


def member_of(column: pd.Series, values: Any) -> np.ndarray:
    """``column.isin(values)`` as a bool array, in Arrow when ``column`` holds Arrow-backed text.

    pandas 3's ``isin`` on its Arrow string dtype turns every element of ``values`` into a pyarrow
    scalar in Python: 0.3 s of a core for the 52,700 observation ids of a 1,000-report build, and a
    build asks four times (two foreign keys, two quarantine links). ``pyarrow.compute.is_in`` on the
    same arrays takes 5 ms. Same answer, nulls included (a null matches a null in ``values``).
    """
    if not isinstance(column.dtype, pd.StringDtype) or column.dtype.storage != "pyarrow":
        return column.isin(values).to_numpy(dtype=bool)
    if isinstance(values, (set, frozenset)):
        values = list(values)
    value_set = pa.array(pd.array(values, dtype=column.dtype))
    return np.asarray(pc.is_in(pa.array(column), value_set=value_set), dtype=bool)


def _foreign_key(column: str, ref: str, ref_column: str) -> Callable[[GateInputs, RelationalCheck], CheckResult]:
    def run(inputs: GateInputs, check: RelationalCheck) -> CheckResult:
        frame = inputs.frames[check.dataset]
        known = inputs.frames[ref][ref_column].dropna().unique()
        offending = frame.index[frame[column].notna().to_numpy(dtype=bool) & ~member_of(frame[column], known)]
        return _rows(check, frame, offending, [column])

    return run


def _implausible_years(frames: Frames) -> pd.Index:
    obs = frames["observations"]
    survey = _report_fact(obs, frames["reports"], "survey_year")
    offset = pd.to_numeric(obs["year"], errors="coerce") - pd.to_numeric(survey, errors="coerce")
    lo, hi = YEAR_WINDOW
    return obs.index[offset.notna() & ((offset < lo) | (offset > hi))]


def _year_plausible(inputs: GateInputs, check: RelationalCheck) -> CheckResult:
    obs = inputs.frames["observations"]
    offending = _implausible_years(inputs.frames)
    result = _rows(check, obs, offending, ["year"])
    survey = _report_fact(obs.loc[offending[: len(result.sample)]], inputs.frames["reports"], "survey_year")
    for row, label in zip(result.sample, offending[: len(result.sample)], strict=True):
        row["survey_year"] = _plain(survey.loc[label])
    return result


def _pages_missing(dataset: str) -> Callable[[Frames], pd.Index]:
    def offending(frames: Frames) -> pd.Index:
        frame = frames[dataset]
        fmt = _report_fact(frame, frames["reports"], "format")
        return frame.index[(fmt == "pdf") & frame["page"].isna()]

    return offending


def _page_present(inputs: GateInputs, check: RelationalCheck) -> CheckResult:
    frame = inputs.frames[check.dataset]
    return _rows(check, frame, _pages_missing(check.dataset)(inputs.frames), ["page"])


def _count_matches(inputs: GateInputs, check: RelationalCheck) -> CheckResult:
    reports = inputs.frames["reports"]
    counts = inputs.frames["observations"]["report_id"].value_counts()
    actual = reports["report_id"].map(counts).fillna(0)
    stated = pd.to_numeric(reports["n_observations"], errors="coerce")
    offending = reports.index[stated.notna() & (stated != actual)]
    result = _rows(check, reports, offending, ["n_observations"])
    for row, label in zip(result.sample, offending[: len(result.sample)], strict=True):
        row["observations_found"] = int(actual.loc[label])
    return result


def _column_types(inputs: GateInputs, check: RelationalCheck) -> CheckResult:
    frame = inputs.frames[check.dataset]
    problems: dict[str, str] = {}
    for f in DATASETS[check.dataset].fields:
        if f.name in frame.columns:
            problem = _arrow_problem(frame[f.name], f.type)
            if problem:
                problems[f.name] = problem
    observed = {
        "columns_checked": int(sum(f.name in frame.columns for f in DATASETS[check.dataset].fields)),
        "mismatched_columns": problems,
    }
    return CheckResult(check.name, check.dataset, not problems, check.description, observed)


def _arrow_problem(series: pd.Series, target: pa.DataType) -> str | None:
    """Why ``series`` cannot become ``target`` without loss, or None when it can."""
    numeric_target = pa.types.is_integer(target) or pa.types.is_floating(target)
    if numeric_target and not (pd.api.types.is_numeric_dtype(series) or series.isna().all()):
        return f"dtype {series.dtype} is not numeric (published as {target})"
    try:
        pa.array(series, type=target, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError) as exc:
        return f"dtype {series.dtype} does not convert to {target}: {str(exc)[:160]}"
    return None


def _observation_counts(frames: Frames) -> pd.Series:
    """Observations per report: counted from the rows when present, else the reports' own totals."""
    if "observations" in frames:
        return frames["observations"]["report_id"].value_counts()
    reports = frames["reports"]
    return pd.Series(reports["n_observations"].to_numpy(), index=reports["report_id"])


def _report_ids(frames: Frames) -> pd.Index:
    source = frames["reports"] if "reports" in frames else frames["observations"]
    return pd.Index(source["report_id"].dropna().unique())


def _vanished(inputs: GateInputs, check: RelationalCheck) -> CheckResult:
    if inputs.previous is None:
        return _skipped(check)
    before, now = _report_ids(inputs.previous), _report_ids(inputs.frames)
    gone = sorted(set(before.difference(now)) - inputs.changed_reports)
    return _report_rows(check, gone, len(before), lambda rid: {"report_id": rid})


def _count_drop(inputs: GateInputs, check: RelationalCheck) -> CheckResult:
    if inputs.previous is None:
        return _skipped(check)
    before = _observation_counts(inputs.previous)
    still_published = before.index.isin(_report_ids(inputs.frames))
    now = _observation_counts(inputs.frames).reindex(before.index).fillna(0)
    present = pd.Series(still_published, index=before.index) & (before > 0)
    share = ((before - now) / before).where(present)
    dropped = sorted(set(share.index[share > inputs.max_drop_share]) - inputs.changed_reports)

    def row(rid: str) -> dict:
        return {
            "report_id": rid,
            "previous_count": int(before[rid]),
            "current_count": int(now[rid]),
            "drop_share": round(float(share[rid]), 4),
        }

    result = _report_rows(check, dropped, int(present.sum()), row)
    result.observed["max_drop_share"] = inputs.max_drop_share
    return result


def _report_rows(check: RelationalCheck, report_ids: list[str], total: int, row: Callable) -> CheckResult:
    observed = {
        "element_count": total,
        "unexpected_count": len(report_ids),
        "unexpected_percent": 100.0 * len(report_ids) / total if total else 0.0,
    }
    return CheckResult(
        check.name,
        check.dataset,
        not report_ids,
        check.description,
        observed,
        [row(rid) for rid in report_ids[:5]],
        list(report_ids),
    )


def _skipped(check: RelationalCheck) -> CheckResult:
    return CheckResult(
        check.name, check.dataset, True, check.description, {"skipped": "no previous release to compare with"}
    )


def _rows(check: RelationalCheck, frame: pd.DataFrame, offending: pd.Index, columns: list[str]) -> CheckResult:
    return rows_result(
        name=check.name,
        dataset=check.dataset,
        description=check.description,
        frame=frame,
        offending=offending,
        columns=columns,
    )


def _report_fact(frame: pd.DataFrame, reports: pd.DataFrame, column: str) -> pd.Series:
    """``reports[column]`` for each row of ``frame``, joined on report_id (NaN for orphans).

    Factorising the few distinct report_ids first is 5x faster than ``Series.map`` on a million
    Arrow strings (0.08 s vs 0.42 s).
    """
    codes, uniques = pd.factorize(frame["report_id"])
    facts = reports.drop_duplicates("report_id").set_index("report_id")[column].reindex(uniques)
    values = facts.to_numpy(dtype=object)
    joined = np.where(codes >= 0, values[np.maximum(codes, 0)] if len(values) else None, None)
    return pd.Series(joined, index=frame.index)


def _plain(value: object) -> object:
    return None if pd.isna(value) else value


def _benchmark_ids_exist(inputs: GateInputs, check: RelationalCheck) -> CheckResult:
    """Every observation id a benchmark row lists is a published observation (dataset level: ids are a list)."""
    bench, known = inputs.frames["benchmarks"], set(inputs.frames["observations"]["observation_id"])
    missing = bench["observation_ids"].map(lambda ids: [i for i in ids if i not in known] if ids is not None else [])
    offending = bench.index[missing.map(len) > 0]
    result = _rows(check, bench, offending, ["observation_ids"])
    for row, label in zip(result.sample, offending[: len(result.sample)], strict=True):
        row["missing_ids"] = missing.loc[label][:5]
    return result


def _build_checks() -> list[RelationalCheck]:
    checks = [
        RelationalCheck(
            name,
            f"{name}.column_types[arrow_schema]",
            f"Every {name} column converts losslessly to its published Arrow type.",
            (name,),
            _column_types,
        )
        for name in DATASETS
    ]
    for ds in DATASETS.values():
        for column, ref, ref_column in ds.foreign_keys:
            checks.append(
                RelationalCheck(
                    ds.name,
                    f"{ds.name}.foreign_key[{column}->{ref}]",
                    f"Every {ds.name}.{column} names a row of {ref}: no orphan rows.",
                    (ds.name, ref),
                    _foreign_key(column, ref, ref_column),
                )
            )
    lo, hi = YEAR_WINDOW
    checks += [
        RelationalCheck(
            "observations",
            "observations.year_plausible[reports.survey_year]",
            f"A figure's year lies within survey_year{lo}..survey_year+{hi} of its report.",
            ("observations", "reports"),
            _year_plausible,
            _implausible_years,
            ("year",),
        ),
        RelationalCheck(
            "observations",
            "observations.page_present[pdf]",
            "Figures from PDF reports cite their page.",
            ("observations", "reports"),
            _page_present,
            _pages_missing("observations"),
            ("page",),
        ),
        RelationalCheck(
            "tables",
            "tables.page_present[pdf]",
            "Tables from PDF reports cite their page.",
            ("tables", "reports"),
            _page_present,
            _pages_missing("tables"),
            ("page",),
        ),
        RelationalCheck(
            "reports",
            "reports.n_observations_matches[observations]",
            "reports.n_observations equals the observations published for the report.",
            ("reports", "observations"),
            _count_matches,
        ),
        RelationalCheck(
            "benchmarks",
            "benchmarks.observation_ids_exist[observations]",
            "Every observation id a benchmark lists is published in observations: no benchmark without its figures.",
            ("benchmarks", "observations"),
            _benchmark_ids_exist,
        ),
        RelationalCheck(
            "reports",
            "reports.regression[vanished]",
            "A report in the previous release is still published, unless its source changed.",
            ("reports",),
            _vanished,
        ),
        RelationalCheck(
            "observations",
            "observations.regression[observation_drop]",
            "A report keeps most of its observations, unless its source changed.",
            ("observations",),
            _count_drop,
        ),
    ]
    return checks


RELATIONAL_CHECKS: tuple[RelationalCheck, ...] = tuple(_build_checks())
