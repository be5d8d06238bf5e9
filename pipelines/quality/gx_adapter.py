"""A small adapter from the code-kept ``Rule`` suites to Great Expectations 1.x (GX Core).

dagster-ge only speaks GX 0.x, so this module owns the GX calls: an ephemeral context with one
pandas data source, one whole-dataframe batch per dataset, and one ``batch.validate(suite)`` per
dataset. GX is imported inside the functions because importing it costs seconds; nothing else in
the project touches GX.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipelines.quality.results import CheckResult, jsonable, rows_result
from pipelines.quality.rules import Rule, rules_for
from pipelines.schema import DATASETS

# COMPLETE returns every offending index label, needed for the per-report verdicts; on a clean
# frame it costs no more than SUMMARY (measured: 2.46 s vs 2.31 s for 6 rules on 1M rows).
_RESULT_FORMAT = {"result_format": "COMPLETE", "partial_unexpected_count": 5}
_DROPPED_KEYS = {
    "unexpected_list",
    "unexpected_index_list",
    "unexpected_index_query",
    "partial_unexpected_index_list",
}
# What GX counted on the rows it was given; replaced by whole-frame counts when only some rows were rechecked.
_PARTIAL_KEYS = (
    "unexpected_count",
    "unexpected_percent",
    "unexpected_percent_total",
    "unexpected_percent_nonmissing",
    "missing_percent",
    "partial_unexpected_list",
    "partial_unexpected_counts",
)
_ENGINE = "great_expectations"


def gx_version() -> str:
    import great_expectations as gx

    return gx.__version__


@dataclass
class SuiteRun:
    """One validation of a dataset's suite: a result per rule, and what the row-level rules found.

    ``found`` maps each row-level rule that ran to the index labels GX named as offending among the
    rows it rechecked, so ``pipelines.quality.gate`` can keep them per report.
    """

    results: list[CheckResult]
    found: dict[str, list[Any]] = field(default_factory=dict)


def validate(
    dataset: str,
    frame: pd.DataFrame,
    *,
    recheck: np.ndarray | None = None,
    known: Mapping[str, Sequence[Any]] | None = None,
) -> list[CheckResult]:
    """Run the dataset's suite on ``frame`` (unique index required) in one GX validation.

    Returns one result per rule; see ``run_suite`` for ``recheck`` and ``known``.
    """
    return run_suite(dataset, frame, recheck=recheck, known=known).results


def run_suite(
    dataset: str,
    frame: pd.DataFrame,
    *,
    recheck: np.ndarray | None = None,
    known: Mapping[str, Sequence[Any]] | None = None,
) -> SuiteRun:
    """One ``batch.validate`` of the dataset's whole suite on a slim view of ``frame``.

    ``recheck`` (a bool per row) limits the row-level rules (``Rule.row_level``) to those rows, and
    ``known`` gives, per row-level rule, the offending index labels among the other rows, found by
    an earlier validation of the same rows. Dataset-level rules (columns, required values, keys,
    enumerations) always judge every row.
    """
    rules = rules_for(dataset)
    view, counts = _view(frame, rules, recheck)
    synthetic = tuple(c for c in view.columns if c not in frame.columns)
    batch = _batch_definition(dataset).get_batch(batch_parameters={"dataframe": view})
    outcome = batch.validate(_suite(dataset, synthetic), result_format=_RESULT_FORMAT)
    by_name = {r.expectation_config.meta["check"]: r for r in outcome.results}
    whole = counts if recheck is not None else {}
    known = known or {}
    run = SuiteRun([_to_check(r, by_name[r.name], frame, synthetic, whole.get(r.name), known) for r in rules])
    for rule in rules:
        gx_result = by_name[rule.name]
        if rule.row_level and not _exception(gx_result.exception_info):
            run.found[rule.name] = list((gx_result.result or {}).get("unexpected_index_list") or [])
    return run


def _view(
    frame: pd.DataFrame, rules: list[Rule], recheck: np.ndarray | None
) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    """The frame as GX sees it, and per row-level rule (rows judged, rows missing) over every row.

    GX hashes and re-filters the whole frame it is given, so narrow, cheap dtypes are what make a
    million rows affordable (measured in benchmarks/bench_quality.py): GX's range check is
    vectorised only for int64/float64 (nullable Int32 goes value by value in Python), enumerations
    as categories make its per-rule null filtering cheap, and a conditional rule gets its own column
    (the value where the condition holds, NaN elsewhere) because GX applies a row_condition with
    ``DataFrame.query`` on the whole frame for every metric: 2.5 s for four range rules against
    0.2 s each this way. Length-checked text is stripped so that a whitespace-only quote counts as
    empty.

    Every row-level rule reads columns of its own (``_gx_column``) holding values only in the
    ``recheck`` rows (missing elsewhere: GX leaves missing values out of a row rule), so the
    dataset-level rules of the same suite still see every row. Columns no rule reads are one-byte
    placeholders: the column-set rule needs their names, nothing needs their values.
    """
    enums = {f.name for f in DATASETS[rules[0].dataset].fields if f.enum} | {"report_id"}
    read = {c for r in rules if not r.row_level and not r.expectation.startswith("expect_table_") for c in r.columns}
    view: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name]
        if name not in read:
            column = pd.Series(np.zeros(len(frame), dtype="int8"), index=frame.index)
        elif _is_number(column):
            column = _float64(column)
        elif name in enums:
            column = column.astype("category")
        view[name] = column
    own: dict[str, pd.Series] = {}
    counts: dict[str, tuple[int, int]] = {}
    for rule in (r for r in rules if r.row_level):
        if not all(c in frame.columns for c in rule.columns):
            continue  # GX then reports the rule as unable to run: its column is missing
        names = []
        for source in rule.checked:
            name = _gx_column(rule, source)
            if name not in own:
                own[name] = _rule_column(rule, frame, source)
            names.append(name)
        present = int(np.logical_and.reduce([own[n].notna().to_numpy(dtype=bool) for n in names]).sum())
        counts[rule.name] = (present if rule.where else len(frame), len(frame) - present)
    for name, column in own.items():
        view[name] = column if recheck is None else column.where(recheck)
    return pd.DataFrame(view, index=frame.index), counts


def _rule_column(rule: Rule, frame: pd.DataFrame, source: str) -> pd.Series:
    column = frame[source]
    if rule.expectation == "expect_column_value_lengths_to_be_between":
        return column.str.strip()
    if rule.where:
        holds = np.logical_and.reduce([_matches(frame[c], op, value) for c, op, value in rule.where])
        return _float64(column).where(holds)
    return _float64(column) if _is_number(column) else column


def _gx_column(rule: Rule, column: str) -> str:
    """The view column a row-level rule reads for ``column``, apart from the dataset-level rules' columns."""
    return f"{column} where {_condition_text(rule)}" if rule.where else f"{column} (row rule)"


def _condition_text(rule: Rule) -> str:
    return " and ".join(f"{c} {'in' if op == 'in' else '=='} {value!r}" for c, op, value in rule.where)


def _matches(column: pd.Series, op: str, value: Any) -> np.ndarray:
    hit = column.isin(list(value)) if op == "in" else column == value
    return hit.fillna(False).to_numpy(dtype=bool)


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _float64(column: pd.Series) -> pd.Series:
    if not _is_number(column):
        return pd.to_numeric(column, errors="coerce").astype("float64")
    return pd.Series(column.to_numpy(dtype="float64", na_value=np.nan), index=column.index)


def warm_up() -> None:
    """Import GX and build its context and batch definitions now, so the first validation does not wait for them."""
    for dataset in DATASETS:
        _batch_definition(dataset)


@functools.cache
def _context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


@functools.cache
def _batch_definition(dataset: str) -> Any:
    context = _context()
    try:
        source = context.data_sources.get("cxbench")
    except (KeyError, ValueError):
        source = context.data_sources.add_pandas("cxbench")
    asset = source.add_dataframe_asset(name=dataset)
    return asset.add_batch_definition_whole_dataframe(f"{dataset}-whole")


@functools.cache
def _suite(dataset: str, synthetic: tuple[str, ...]) -> Any:
    """The dataset's one suite; ``synthetic`` names the view's own columns, which the column-set rule allows."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"cxbench.{dataset}")
    for rule in rules_for(dataset):
        suite.add_expectation(_expectation(rule, synthetic))
    return suite


def _expectation(rule: Rule, synthetic: tuple[str, ...]) -> Any:
    import great_expectations as gx

    cls = getattr(gx.expectations, "".join(part.title() for part in rule.expectation.split("_")))
    kwargs = dict(rule.kwargs)
    if rule.row_level:
        for key in ("column", "column_A", "column_B"):
            if key in kwargs:
                kwargs[key] = _gx_column(rule, kwargs[key])
    if rule.expectation == "expect_table_columns_to_match_set":
        kwargs["column_set"] = [*kwargs["column_set"], *synthetic]
    return cls(**kwargs, meta={"check": rule.name}, description=rule.description)


def _to_check(
    rule: Rule,
    result: Any,
    frame: pd.DataFrame,
    synthetic: tuple[str, ...],
    whole: tuple[int, int] | None,
    known: Mapping[str, Sequence[Any]],
) -> CheckResult:
    """One rule's verdict. ``whole`` is (rows judged, rows missing) over every row when GX saw only
    the rechecked rows; ``known`` adds the offending rows found earlier among the others."""
    raw = result.result or {}
    failure = _exception(result.exception_info)
    if failure:
        return CheckResult(rule.name, rule.dataset, False, rule.description, {"exception": failure}, engine=_ENGINE)
    observed = {k: v for k, v in raw.items() if k not in _DROPPED_KEYS}
    if isinstance(observed.get("observed_value"), list):  # the column set: the view's own columns are not the frame's
        observed["observed_value"] = [c for c in observed["observed_value"] if c not in synthetic]
    for key in ("partial_unexpected_list", "partial_unexpected_counts"):
        if key in observed:
            observed[key] = observed[key][:5]
    if rule.where:  # rows outside the condition are NaN in its column: not part of the count
        observed["element_count"] = observed.get("element_count", 0) - observed.pop("missing_count", 0)
        for key in ("missing_percent", "unexpected_percent_total", "unexpected_percent_nonmissing"):
            observed.pop(key, None)
        observed["row_condition"] = _condition_text(rule)
    if whole is not None:
        for key in _PARTIAL_KEYS:
            observed.pop(key, None)
        observed["element_count"] = whole[0]
        if not rule.where:
            observed["missing_count"] = whole[1]
    earlier = list(known.get(rule.name, ())) if rule.row_level else []
    if "unexpected_index_list" in raw or earlier:
        check = rows_result(
            name=rule.name,
            dataset=rule.dataset,
            description=rule.description,
            frame=frame,
            offending=list(raw.get("unexpected_index_list") or []) + earlier,
            columns=rule.columns,
            element_count=observed.get("element_count"),
            observed=jsonable(observed),
            engine=_ENGINE,
        )
        check.success = bool(result.success) and not earlier
        return check
    return CheckResult(
        rule.name, rule.dataset, bool(result.success), rule.description, jsonable(observed), engine=_ENGINE
    )


def _exception(info: Any) -> str | None:
    """GX reports a crashed expectation (e.g. a missing column) as exception_info, not an error."""
    if not info:
        return None
    entries = info.values() if isinstance(info, dict) and "raised_exception" not in info else [info]
    for entry in entries:
        entry = entry if isinstance(entry, dict) else getattr(entry, "to_json_dict", dict)()
        if entry.get("raised_exception"):
            return str(entry.get("exception_message") or "exception")
    return None
