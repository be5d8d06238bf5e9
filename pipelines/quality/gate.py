"""The quality gate: every check of every dataset in one call, before anything is published.

``run_gate`` is pure (frames in, verdicts out) so Dagster asset checks, the publish step and tests
call the same thing; it decides nothing about files or releases.

Incremental validation: a row-level rule (``Rule.row_level``) judges one row at a time, so its
verdict on a report's rows holds as long as those rows do. ``run_gate`` returns, per report and
dataset, a digest of the report's rows with the offending rows each row-level rule found there
(``GateResult.row_verdicts``); given them back on the next run, Great Expectations rechecks the
row-level rules only on the rows of reports whose digest is new, and the earlier offenders of the
others still count. Dataset-level rules (columns, required values, keys, enumerations) and the
relational checks always judge every row, and every rule still reports one verdict on the whole
dataset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from pipelines.quality import gx_adapter
from pipelines.quality.relational import RELATIONAL_CHECKS, GateInputs
from pipelines.quality.results import CheckResult, GateResult
from pipelines.quality.rules import rules_for
from pipelines.schema import DATASETS

RowVerdict = dict[str, tuple[int, ...]]  # row-level rule -> positions of its offending rows among one report's rows


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
    row_verdicts: Mapping[str, RowVerdict] | None = None,
) -> GateResult:
    """Validate ``frames`` ("reports", "observations", "tables") and return every check's verdict.

    ``previous`` is the last published release (None on the first publish); reports listed in
    ``changed_reports`` changed source since then, so their drops are allowed. ``datasets`` limits
    which datasets are judged; checks needing a frame that was not given report themselves skipped.
    ``row_verdicts`` are an earlier run's ``GateResult.row_verdicts``: reports whose rows are
    unchanged are not rechecked by the row-level rules.
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
    verdicts: dict[str, RowVerdict] = {}
    rechecked: dict[str, int] = {}
    for name in judged:
        suite, kept, rechecked[name] = _validate(name, inputs.frames[name], row_verdicts or {})
        results += suite
        verdicts.update(kept)
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
        row_verdicts=verdicts,
        rechecked_reports=rechecked,
    )


def _validate(
    name: str, frame: pd.DataFrame, earlier: Mapping[str, RowVerdict]
) -> tuple[list[CheckResult], dict[str, RowVerdict], int]:
    """One GX validation of ``name``, rechecking row-level rules only on reports without an earlier verdict.

    Returns the results, the row verdicts of every report in ``frame`` (none when a row-level rule
    could not run) and how many reports were rechecked.
    """
    codes, digests, order, bounds = _reports(name, frame)
    recheck = np.ones(len(frame), dtype=bool)
    known: dict[str, list] = {}
    for code, digest in enumerate(digests):
        verdict = earlier.get(digest)
        if verdict is None:
            continue
        rows = order[bounds[code] : bounds[code + 1]]
        recheck[rows] = False
        for rule, ranks in verdict.items():
            known.setdefault(rule, []).extend(frame.index[rows[list(ranks)]])
    run = gx_adapter.run_suite(name, frame, recheck=None if recheck.all() else recheck, known=known)
    fresh = {code for code, digest in enumerate(digests) if digest not in earlier}
    row_rules = [r.name for r in rules_for(name) if r.row_level]
    if not all(rule in run.found for rule in row_rules):
        return run.results, {}, len(fresh)
    kept: dict[str, RowVerdict] = {d: earlier[d] for d in digests if d in earlier}
    kept.update({digests[code]: {} for code in fresh})
    rank = np.zeros(len(frame), dtype="int64")
    rank[order] = np.arange(len(frame)) - bounds[np.maximum(codes[order], 0)]
    position = pd.Series(np.arange(len(frame)), index=frame.index)
    for rule in row_rules:
        for p in position.loc[run.found[rule]].to_numpy() if run.found[rule] else ():
            if codes[p] >= 0:
                verdict = kept[digests[codes[p]]]
                verdict[rule] = (*verdict.get(rule, ()), int(rank[p]))
    return run.results, kept, len(fresh)


def _reports(name: str, frame: pd.DataFrame) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Group ``frame``'s rows by report: (report code per row, -1 when none; a digest of each report's
    rows; row positions sorted by report; where each report's positions start and end in that order)."""
    if "report_id" not in frame.columns or frame.empty:
        return np.full(len(frame), -1), [], np.arange(len(frame)), np.zeros(1, dtype="int64")
    codes, uniques = pd.factorize(frame["report_id"])
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    hashes = row_hashes(frame)
    prefix = f"{name}|{list(frame.columns)}|{[str(t) for t in frame.dtypes]}|".encode()
    digests = [
        hashlib.sha256(prefix + hashes[order[bounds[k] : bounds[k + 1]]].tobytes()).hexdigest()
        for k in range(len(uniques))
    ]
    return codes, digests, order, bounds


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row's values (index left out).

    Cells holding lists (``benchmarks.observation_ids``) cannot be hashed by pandas; only those
    columns are hashed as their joined text (17 ms for a 1,000-report build's benchmarks, where the
    text of the whole frame took 0.3 s, and the gate asked twice per build).
    """
    try:
        return pd.util.hash_pandas_object(frame, index=False).to_numpy()
    except TypeError:
        listed = {c: frame[c].map(_joined) for c in frame.columns if frame[c].dtype == object}
        return pd.util.hash_pandas_object(frame.assign(**listed), index=False).to_numpy()


def _joined(cell: object) -> object:
    return "\x1f".join(map(str, cell)) if isinstance(cell, (list, tuple, np.ndarray)) else cell


def _unique_index(frame: pd.DataFrame) -> pd.DataFrame:
    """GX reports offending rows by index label, which must therefore name exactly one row."""
    return frame if frame.index.is_unique else frame.reset_index(drop=True)
