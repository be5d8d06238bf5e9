"""A small adapter from the code-kept ``Rule`` suites to Great Expectations 1.x (GX Core).

dagster-ge only speaks GX 0.x, so this module owns the GX calls: an ephemeral context with one
pandas data source, one whole-dataframe batch per dataset, and ``batch.validate(suite)``. GX is
imported inside the functions because importing it costs seconds; nothing else in the project
touches GX.
"""

from __future__ import annotations

import functools
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
_ENGINE = "great_expectations"


def gx_version() -> str:
    import great_expectations as gx

    return gx.__version__


def validate(dataset: str, frame: pd.DataFrame) -> list[CheckResult]:
    """Run the dataset's suite on ``frame`` (unique index required) and return one result per rule.

    Table-level rules (the column set) run on an empty copy and row rules on a slim view: GX
    hashes and re-filters the whole frame it is given, so narrow, cheap dtypes are what make a
    million rows affordable (measured in benchmarks/bench_quality.py).
    """
    rules = rules_for(dataset)
    table_rules = [r for r in rules if r.expectation.startswith("expect_table_")]
    row_rules = [r for r in rules if r not in table_rules]
    by_name = {}
    for part, rules_part, data in (
        ("table", table_rules, frame.iloc[0:0]),
        ("rows", row_rules, _row_view(frame, row_rules)),
    ):
        if rules_part:
            batch = _batch_definition(dataset).get_batch(batch_parameters={"dataframe": data})
            outcome = batch.validate(_suite(dataset, part), result_format=_RESULT_FORMAT)
            by_name.update({r.expectation_config.meta["check"]: r for r in outcome.results})
    return [_to_check(rule, by_name[rule.name], frame) for rule in rules]


def _row_view(frame: pd.DataFrame, rules: list[Rule]) -> pd.DataFrame:
    """The columns the row rules read, in the dtypes GX's pandas code handles fast.

    Measured on a million rows: GX's range check is vectorised only for int64/float64 (nullable
    Int32 goes value by value in Python), enumerations as categories make its per-rule null
    filtering cheap, and a conditional rule gets its own column (the value where the condition
    holds, NaN elsewhere) because GX applies a row_condition with ``DataFrame.query`` on the
    whole frame for every metric: 2.5 s for four range rules against 0.2 s each this way.
    Length-checked text is stripped so that a whitespace-only quote counts as empty.
    """
    plain = [r for r in rules if not r.where]
    wanted = list(dict.fromkeys(c for rule in plain for c in rule.columns if c in frame.columns))
    enums = {f.name for f in DATASETS[rules[0].dataset].fields if f.enum} | {"report_id"}
    stripped = {r.kwargs["column"] for r in plain if r.expectation == "expect_column_value_lengths_to_be_between"}
    view = {}
    for name in wanted:
        column = frame[name]
        if _is_number(column):
            column = _float64(column)
        elif name in enums:
            column = column.astype("category")
        elif name in stripped:
            column = column.str.strip()
        view[name] = column
    for rule in (r for r in rules if r.where):
        if all(c in frame.columns for c in rule.columns):
            holds = np.logical_and.reduce([_matches(frame[c], op, value) for c, op, value in rule.where])
            view[_gx_column(rule)] = _float64(frame[rule.kwargs["column"]]).where(holds)
    return pd.DataFrame(view, index=frame.index)


def _gx_column(rule: Rule) -> str:
    """The column GX validates for ``rule``: the rule's own, or its per-condition column."""
    return f"{rule.kwargs['column']} where {_condition_text(rule)}" if rule.where else rule.kwargs["column"]


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
def _suite(dataset: str, part: str) -> Any:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"cxbench.{dataset}.{part}")
    for rule in rules_for(dataset):
        if rule.expectation.startswith("expect_table_") == (part == "table"):
            suite.add_expectation(_expectation(rule))
    return suite


def _expectation(rule: Rule) -> Any:
    import great_expectations as gx

    cls = getattr(gx.expectations, "".join(part.title() for part in rule.expectation.split("_")))
    kwargs = dict(rule.kwargs)
    if rule.where:
        kwargs["column"] = _gx_column(rule)
    return cls(**kwargs, meta={"check": rule.name}, description=rule.description)


def _to_check(rule: Rule, result: Any, frame: pd.DataFrame) -> CheckResult:
    raw = result.result or {}
    failure = _exception(result.exception_info)
    if failure:
        return CheckResult(rule.name, rule.dataset, False, rule.description, {"exception": failure}, engine=_ENGINE)
    observed = {k: v for k, v in raw.items() if k not in _DROPPED_KEYS}
    for key in ("partial_unexpected_list", "partial_unexpected_counts"):
        if key in observed:
            observed[key] = observed[key][:5]
    if rule.where:  # rows outside the condition are NaN in its column: not part of the count
        observed["element_count"] = observed.get("element_count", 0) - observed.pop("missing_count", 0)
        for key in ("missing_percent", "unexpected_percent_total", "unexpected_percent_nonmissing"):
            observed.pop(key, None)
        observed["row_condition"] = _condition_text(rule)
    if "unexpected_index_list" in raw:
        labels = raw["unexpected_index_list"] or []
        check = rows_result(
            name=rule.name,
            dataset=rule.dataset,
            description=rule.description,
            frame=frame,
            offending=labels,
            columns=rule.columns,
            element_count=observed.get("element_count"),
            observed=jsonable(observed),
            engine=_ENGINE,
        )
        check.success = bool(result.success)
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
