"""The quality gate: every check of every dataset in one call, before anything is published.

``run_gate`` is pure (frames in, verdicts out) so Dagster asset checks, the publish step and tests
call the same thing; it decides nothing about files or releases.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

import pandas as pd

from pipelines.quality import gx_adapter
from pipelines.quality.relational import RELATIONAL_CHECKS, GateInputs
from pipelines.quality.results import CheckResult, GateResult
from pipelines.quality.rules import rules_for
from pipelines.schema import DATASETS


def suite_names(dataset: str | None = None) -> list[str]:
    """Every check name the gate reports (for one dataset, or all), known without importing GX.

    Names are stable, so Dagster can declare one asset check per name before anything runs.
    """
    names = [dataset] if dataset else list(DATASETS)
    return [n for name in names for n in _check_names(name)]


def _check_names(dataset: str) -> list[str]:
    return [r.name for r in rules_for(dataset)] + [c.name for c in RELATIONAL_CHECKS if c.dataset == dataset]


def run_gate(
    frames: dict[str, pd.DataFrame],
    *,
    previous: dict[str, pd.DataFrame] | None = None,
    changed_reports: set[str] | None = None,
    max_drop_share: float = 0.5,
    datasets: Iterable[str] | None = None,
) -> GateResult:
    """Validate ``frames`` ("reports", "observations", "tables") and return every check's verdict.

    ``previous`` is the last published release (None on the first publish); reports listed in
    ``changed_reports`` changed source since then, so their drops are allowed. ``datasets`` limits
    which datasets are judged; checks needing a frame that was not given report themselves skipped.
    """
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    judged = [d for d in DATASETS if d in frames] if datasets is None else list(datasets)
    unknown = [d for d in judged if d not in DATASETS or d not in frames]
    if unknown:
        raise ValueError(f"no frame or schema for dataset(s): {', '.join(unknown)}")
    inputs = GateInputs(
        frames={name: _unique_index(f) for name, f in frames.items() if name in DATASETS},
        previous=previous,
        changed_reports=frozenset(changed_reports or ()),
        max_drop_share=max_drop_share,
    )
    results: list[CheckResult] = []
    for name in judged:
        results += gx_adapter.validate(name, inputs.frames[name])
        for check in RELATIONAL_CHECKS:
            if check.dataset != name:
                continue
            missing = [n for n in check.needs if n not in inputs.frames]
            if missing:
                results.append(
                    CheckResult(
                        check.name,
                        name,
                        True,
                        check.description,
                        {"skipped": f"frame(s) not given: {', '.join(missing)}"},
                    )
                )
            else:
                results.append(check.run(inputs, check))
    return GateResult(
        results=results,
        started_at=started,
        duration_s=time.perf_counter() - clock,
        gx_version=gx_adapter.gx_version(),
        datasets=judged,
        row_counts={name: len(inputs.frames[name]) for name in judged},
    )


def _unique_index(frame: pd.DataFrame) -> pd.DataFrame:
    """GX reports offending rows by index label, which must therefore name exactly one row."""
    return frame if frame.index.is_unique else frame.reset_index(drop=True)
