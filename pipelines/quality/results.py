"""What a quality gate run reports: one ``CheckResult`` per check, gathered in a ``GateResult``.

Both the Great Expectations adapter and the plain-pandas checks build their results here, so the
Dagster asset checks, ``validation.json`` and the command-line summary all read one shape.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipelines.schema import DATASETS

SAMPLE_SIZE = 5
_MAX_TEXT = 120


@dataclass
class CheckResult:
    """The verdict of one check on one dataset.

    ``report_ids`` lists every offending report so per-report asset checks can be derived without
    re-running anything; ``sample`` keeps only a few rows because validation.json must stay small.
    """

    name: str
    dataset: str
    success: bool
    description: str
    observed: dict[str, Any] = field(default_factory=dict)
    sample: list[dict[str, Any]] = field(default_factory=list)
    report_ids: list[str] = field(default_factory=list)
    engine: str = "pandas"  # "great_expectations" or "pandas": who computed the verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dataset": self.dataset,
            "success": self.success,
            "description": self.description,
            "engine": self.engine,
            "observed": jsonable(self.observed),
            "sample": jsonable(self.sample),
            "report_ids": list(self.report_ids),
        }


@dataclass
class GateResult:
    """All check results of one gate run; ``success`` only when every check passed."""

    results: list[CheckResult]
    started_at: dt.datetime
    duration_s: float
    gx_version: str | None = None
    datasets: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    # Per report: a digest of its rows -> the offending rows of each row-level rule (``gate.run_gate``).
    row_verdicts: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict, repr=False)
    rechecked_reports: dict[str, int] = field(default_factory=dict)  # dataset -> reports the row rules rechecked

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success]

    def by_dataset(self, name: str) -> list[CheckResult]:
        return [r for r in self.results if r.dataset == name]

    def failed_reports(self) -> dict[str, list[str]]:
        """report_id -> names of the failed checks that name it: the per-report verdicts."""
        verdicts: dict[str, list[str]] = {}
        for check in self.failed():
            for report_id in check.report_ids:
                verdicts.setdefault(report_id, []).append(check.name)
        return verdicts

    def to_json(self) -> dict[str, Any]:
        """The content of validation.json: every check, its verdict and observed values."""
        return {
            "success": self.success,
            "started_at": self.started_at.isoformat(),
            "duration_s": round(self.duration_s, 3),
            "great_expectations_version": self.gx_version,
            "datasets": list(self.datasets),
            "row_counts": dict(self.row_counts),
            "statistics": {
                "evaluated_checks": len(self.results),
                "successful_checks": sum(r.success for r in self.results),
                "unsuccessful_checks": len(self.failed()),
            },
            "results": [r.to_json() for r in self.results],
        }

    def summary(self, max_failures: int = 10) -> str:
        """A short text for the person running cxbench: which check failed, on which rows, why."""
        failed = self.failed()
        if not failed:
            return f"Quality gate passed: {len(self.results)} checks on {', '.join(self.datasets)}."
        lines = [f"Quality gate FAILED: {len(failed)} of {len(self.results)} checks failed."]
        for check in failed[:max_failures]:
            lines.append(f"x {check.name}: {_count_text(check.observed)}")
            lines.append(f"    why: {check.description}")
            if check.report_ids:
                shown = ", ".join(check.report_ids[:SAMPLE_SIZE])
                more = len(check.report_ids) - SAMPLE_SIZE
                lines.append(f"    reports: {shown}" + (f" (+{more} more)" if more > 0 else ""))
            for row in check.sample[:3]:
                lines.append(f"    e.g. {_row_text(row)}")
        if len(failed) > max_failures:
            lines.append(f"... and {len(failed) - max_failures} more failed checks (see validation.json).")
        return "\n".join(lines)


def rows_result(
    *,
    name: str,
    dataset: str,
    description: str,
    frame: pd.DataFrame,
    offending: pd.Index | Sequence[Any] | np.ndarray,
    columns: Iterable[str] = (),
    element_count: int | None = None,
    observed: dict[str, Any] | None = None,
    engine: str = "pandas",
) -> CheckResult:
    """Build a row-level result from the index labels of the offending rows of ``frame``.

    The one place that turns offending rows into a sample and a report list, for GX and pandas
    checks alike, so both show the same key columns.
    """
    labels = pd.Index(offending)
    total = len(frame) if element_count is None else element_count
    keys = ("report_id", *DATASETS[dataset].primary_key) if dataset in DATASETS else ("report_id",)
    shown = [c for c in (*keys, *columns) if c in frame.columns]
    shown = list(dict.fromkeys(shown))
    rows = frame.loc[labels] if len(labels) else frame.iloc[0:0]
    report_ids: list[str] = []
    if "report_id" in frame.columns and len(rows):
        report_ids = sorted({str(r) for r in rows["report_id"].dropna().unique()})
    sample = [{k: _short(v) for k, v in row.items()} for row in rows[shown].head(SAMPLE_SIZE).to_dict(orient="records")]
    stats = {
        "element_count": int(total),
        "unexpected_count": len(labels),
        "unexpected_percent": (100.0 * len(labels) / total) if total else 0.0,
    }
    stats.update(observed or {})
    return CheckResult(
        name=name,
        dataset=dataset,
        success=len(labels) == 0,
        description=description,
        observed=stats,
        sample=jsonable(sample),
        report_ids=report_ids,
        engine=engine,
    )


def jsonable(value: Any) -> Any:
    """Turn numpy, pandas and date values into plain JSON types (NaN and NA become None)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Index):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _MAX_TEXT:
        return value[: _MAX_TEXT - 1] + "…"
    return value


def _count_text(observed: dict[str, Any]) -> str:
    if "unexpected_count" in observed and "element_count" in observed:
        pct = observed.get("unexpected_percent") or 0.0
        return f"{observed['unexpected_count']} of {observed['element_count']} rows ({pct:.3g}%)"
    if "exception" in observed:
        return f"could not run: {observed['exception']}"
    if "observed_value" in observed:
        return f"observed {observed['observed_value']}"
    return ", ".join(f"{k}={v}" for k, v in observed.items()) or "failed"


def _row_text(row: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in row.items())
