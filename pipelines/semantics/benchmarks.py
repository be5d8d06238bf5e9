"""The ``benchmarks`` dataset: one row per (topic, measure, population, year, report), so the same
measure lines up across reports and years.

Only levels count (changes are not benchmarks); a figure that restates another (``restates``) adds
its id but not its value. Where one key holds several figures, ``value`` is the first one in
reading order and ``n_values`` says how many distinct values the key holds, so a reader sees a
measure that is not yet specific enough instead of a silently averaged number.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

KEY = ("topic", "measure", "population", "year", "report_id")
COLUMNS = ("benchmark_id", *KEY, "value", "unit", "n_values", "observation_ids")


def benchmark_id(key: tuple) -> str:
    """Stable id of a benchmark row: the same key gives the same id in every release."""
    digest = hashlib.sha256(json.dumps([_plain(v) for v in key], ensure_ascii=False).encode()).hexdigest()
    return "bm-" + digest[:24]


def _plain(value: object) -> object:
    """A key part as JSON sees it: nulls as None, whole numbers (a year read back as 2021.0) as int."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def benchmarks(observations: pd.DataFrame) -> pd.DataFrame:
    """Benchmarks from annotated observations (``pipelines.semantics.annotate``'s output).

    Vectorised (one groupby): a million observations take seconds, not minutes.
    """
    keep = (observations["kind"] == "level") & observations["measure"].notna() & observations["topic"].notna()
    df = observations.loc[
        keep,
        [
            c
            for c in (*KEY, "value", "unit", "observation_id", "restates", "page", "char_start")
            if c in observations.columns
        ],
    ]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    order = [c for c in ("report_id", "page", "char_start", "observation_id") if c in df.columns]
    df = df.sort_values(order, kind="stable", na_position="last")  # reading order
    restated = df["restates"].notna() if "restates" in df.columns else pd.Series(False, index=df.index)
    df = df.assign(_restated=restated.to_numpy(dtype=bool))
    groups = df.groupby(list(KEY), dropna=False, sort=True)
    sizes = groups.size()
    # each group's ids in reading order, split out of one stable argsort (agg(list) iterates Arrow strings)
    codes = groups.ngroup().to_numpy()
    ordered = df["observation_id"].to_numpy(dtype=object)[np.argsort(codes, kind="stable")]
    ids = pd.Series([c.tolist() for c in np.split(ordered, np.cumsum(sizes.to_numpy())[:-1])], index=sizes.index)
    # the value: the first figure in reading order that restates no other (else the first of all)
    firsts = df.sort_values("_restated", kind="stable").groupby(list(KEY), dropna=False, sort=True)
    first = firsts[["value", "unit"]].first()
    primary = df[~df["_restated"]].groupby(list(KEY), dropna=False, sort=True)["value"].nunique()
    n_values = primary.reindex(ids.index).fillna(groups["value"].nunique()).astype(int)
    out = ids.index.to_frame(index=False)
    for column in ("topic", "measure", "population", "report_id"):  # a null key part is None, not NaN
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out.insert(0, "benchmark_id", [benchmark_id(key) for key in ids.index])
    out["value"] = first["value"].to_numpy(dtype=float)
    out["unit"] = first["unit"].to_numpy()
    out["n_values"] = n_values.to_numpy()
    out["observation_ids"] = ids.to_numpy()
    out["year"] = out["year"].astype("Int32")
    return out[list(COLUMNS)]


def dangling_ids(benchmarks_df: pd.DataFrame, observations: pd.DataFrame) -> list[str]:
    """Observation ids that benchmark rows name but ``observations`` does not hold (the quality gate's
    check that every benchmark is backed by published figures); empty when all resolve."""
    known = set(observations["observation_id"])
    return sorted({i for ids in benchmarks_df["observation_ids"] for i in ids} - known)
