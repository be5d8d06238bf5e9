"""The ``benchmarks`` dataset: one row per (topic, measure, population, year, report), so the same
measure lines up across reports and years.

Only levels count (changes are not benchmarks); a figure that restates another (``restates``) adds
its id but not its value. Where one key holds several figures, ``value`` is the first one in
reading order and ``n_values`` says how many distinct values the key holds, so a reader sees a
measure that is not yet specific enough instead of a silently averaged number.
"""

from __future__ import annotations

import pandas as pd

KEY = ("topic", "measure", "population", "year", "report_id")
COLUMNS = (*KEY, "value", "unit", "n_values", "observation_ids")


def benchmarks(observations: pd.DataFrame) -> pd.DataFrame:
    """Benchmarks from annotated observations (``pipelines.semantics.annotate``'s output)."""
    keep = (observations["kind"] == "level") & observations["measure"].notna() & observations["topic"].notna()
    df = observations[keep]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    df = df.sort_values(["report_id", "observation_id"], kind="stable")
    primary = df[df["restates"].isna()] if "restates" in df else df
    rows = []
    for key, group in df.groupby(list(KEY), dropna=False, sort=True):
        main = primary.loc[primary.index.intersection(group.index)]
        first = (main if len(main) else group).iloc[0]
        rows.append(
            {
                **dict(zip(KEY, key, strict=True)),
                "value": float(first["value"]),
                "unit": first["unit"],
                "n_values": int((main if len(main) else group)["value"].nunique()),
                "observation_ids": group["observation_id"].tolist(),
            }
        )
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["year"] = out["year"].astype("Int32")
    return out


def dangling_ids(benchmarks_df: pd.DataFrame, observations: pd.DataFrame) -> list[str]:
    """Observation ids that benchmark rows name but ``observations`` does not hold (the quality gate's
    check that every benchmark is backed by published figures); empty when all resolve."""
    known = set(observations["observation_id"])
    return sorted({i for ids in benchmarks_df["observation_ids"] for i in ids} - known)
