"""Hold back rows that break a row-level rule, so one odd figure never blocks a release.

"Complaints fell by 200%", "150% of shoppers", a figure dated 1975 in a 2024 survey or a
registry ``survey_year: 1950`` break one row-level rule each. ``split`` takes the assembled
datasets and returns them without the offending rows, plus a ``quarantine`` frame (schema
``pipelines.schema.QUARANTINE``) naming each held-back row, the rule it broke, the offending
value and, for figures, the quote and page. It is published beside the data, so nothing is lost
and a reader can see what was held back and why.

The rules are the quality gate's own (``rules.row_rules`` and the row-level checks of
``relational``), one definition each. What is held back:

- an observations or tables row that breaks a rule: that row;
- a reports row that breaks a rule: the whole report, its figures and table cells, because its
  facts (the survey year every figure is dated against, its format) cannot be trusted;
- nothing else. Dataset-level rules (columns, types, required values, keys, foreign keys,
  enumerations) and the regression checks against the previous release still block: the gate
  runs on the kept datasets after ``split``.

``reports.n_observations`` of a report that lost figures is lowered by the number held back.
Pure pandas, no Great Expectations or Dagster: the asset that assembles the datasets calls it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipelines.quality.relational import RELATIONAL_CHECKS, RelationalCheck, member_of
from pipelines.quality.rules import Rule, row_rules
from pipelines.schema import DATASETS, QUARANTINE, Dataset

RowRule = Rule | RelationalCheck


def default_rules() -> list[RowRule]:
    """Every row-level rule of the gate: the GX row rules, then the row-level relational checks."""
    return [*row_rules(), *(check for check in RELATIONAL_CHECKS if check.row_level)]


def split(
    datasets: Mapping[str, pd.DataFrame], rules: Sequence[RowRule] | None = None
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """(kept datasets, quarantine frame). Datasets the rules do not name pass through unchanged."""
    from pipelines.build import frame as typed_frame

    rules = default_rules() if rules is None else list(rules)
    frames = {name: f.reset_index(drop=True) for name, f in datasets.items()}
    held = {name: np.zeros(len(f), dtype=bool) for name, f in frames.items()}
    records: list[dict[str, Any]] = []
    for rule in rules:
        if not _can_run(rule, frames):
            continue
        frame = frames[rule.dataset]
        labels = _offending(rule, frames)
        if not len(labels):
            continue
        held[rule.dataset][frame.index.get_indexer(labels)] = True
        records += _records(rule, frame.loc[labels])
    kept = _kept(frames, held)
    quarantine = typed_frame(QUARANTINE, records)
    return kept, quarantine


def _can_run(rule: RowRule, frames: Mapping[str, pd.DataFrame]) -> bool:
    needs = rule.needs if isinstance(rule, RelationalCheck) else (rule.dataset,)
    columns = rule.checked if isinstance(rule, RelationalCheck) else rule.columns
    return all(n in frames for n in needs) and all(c in frames[rule.dataset].columns for c in columns)


def _offending(rule: RowRule, frames: Mapping[str, pd.DataFrame]) -> pd.Index:
    if isinstance(rule, RelationalCheck):
        if rule.offending is None:
            raise ValueError(f"{rule.name} is a dataset-level check")
        return rule.offending(frames)
    frame = frames[rule.dataset]
    return frame.index[rule.violations(frame)]


def _records(rule: RowRule, rows: pd.DataFrame) -> list[dict[str, Any]]:
    key = DATASETS[rule.dataset].primary_key
    checked = list(rule.checked)
    out = []
    for row in rows.to_dict(orient="records"):
        values = {c: _plain(row.get(c)) for c in checked}
        value = values[checked[0]] if len(checked) == 1 else values
        out.append(
            {
                "report_id": row["report_id"],
                "dataset": rule.dataset,
                "row_key": json.dumps([_plain(row[k]) for k in key], ensure_ascii=False, default=str),
                "observation_id": row.get("observation_id"),
                "rule": rule.name,
                "description": rule.description,
                "column": ",".join(checked),
                "value": json.dumps(value, ensure_ascii=False, default=str),
                "stated_as": row.get("stated_as"),
                "quote": row.get("quote"),
                "page": _plain(row.get("page")),
                "held_back": "report" if rule.dataset == "reports" else "row",
            }
        )
    return out


def _kept(frames: dict[str, pd.DataFrame], held: dict[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    held_reports: set[str] = set()
    if "reports" in frames:
        held_reports = set(frames["reports"].loc[held["reports"], "report_id"])
    kept = {}
    for name, frame in frames.items():
        drop = held[name].copy()
        if name != "reports" and "report_id" in frame.columns and held_reports:
            drop |= frame["report_id"].isin(held_reports).to_numpy(dtype=bool)
        kept[name] = frame[~drop].reset_index(drop=True)
    if "reports" in kept and "observations" in frames:
        obs = frames["observations"]
        lost = obs.loc[held["observations"], "report_id"].value_counts()
        reports = kept["reports"]
        if len(lost) and "n_observations" in reports.columns:
            fewer = reports["report_id"].map(lost).fillna(0).astype("int64")
            reports["n_observations"] = (reports["n_observations"] - fewer.to_numpy()).astype(
                reports["n_observations"].dtype
            )
    for name, dataset in DATASETS.items():
        if name in kept:
            _unlink_held(kept[name], frames[name], dataset)
    return kept


def _unlink_held(frame: pd.DataFrame, before: pd.DataFrame, dataset: Dataset) -> None:
    """A kept row that points at a held-back row of its own dataset loses that link (in place).

    ``observations.restates`` and ``previous_of`` name other figures; when the named figure is held
    back, the link would dangle and fail the blocking foreign-key check, so one odd figure would
    still stop the release. The link is dropped, not the kept figure: it is fine on its own.
    """
    for column, target, key in dataset.foreign_keys:
        if target != dataset.name or column not in frame.columns:
            continue
        held_keys = before[key][~member_of(before[key], frame[key])]  # rows held back, not rows never there
        dangling = member_of(frame[column], held_keys)
        if dangling.any():
            frame.loc[dangling, column] = None


def _plain(value: Any) -> Any:
    """A JSON-able Python value (numpy scalars unwrapped, NA and NaN as None)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if isinstance(value, np.generic) else value
