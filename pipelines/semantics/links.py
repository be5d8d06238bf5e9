"""``restates`` and ``previous_of``: links between figures of one report.

``restates`` (on the restating figure: the id of the figure it restates), rules in order:

1. ``parenthesised``: two text figures side by side, one in brackets right after the other
   (at most 3 characters apart, an opening bracket between), same unit, values within 10 points:
   the verbal or approximate one restates the exact one.
   "近七成(68%)": 近七成 (~70) restates 68%; "63% (nearly two-thirds)": two-thirds restates 63%.
2. ``chart_repeats_text``: a chart label with the value, unit and page of exactly one text figure
   of the same report restates it. Cisco p. 11 "65%" label restates "65% ... saying that".

``previous_of`` (on the later figure: the id of its earlier value), rule:

1. ``nearest_previous``: a text figure of period "previous" and the nearest text figure of period
   "current" in the same sentence (kind level, same unit, at most 60 characters apart, each used
   once). "從 32% 增長到 39%": 39% -> 32%; "61%, up from 54% last year": 61% -> 54%;
   "50% in 2019 ... 39% in 2021": 39% -> 50%.
"""

from __future__ import annotations

import itertools
import re

import pandas as pd

RULES_RESTATES = ("parenthesised", "chart_repeats_text")
RULES_PREVIOUS = ("nearest_previous",)
_EXACT_DIGITS = re.compile(r"\d")
_OPEN = re.compile(r"^\s*[(（\[]\s*$")
MAX_PAIR_GAP = 60


def _is_verbal(row: pd.Series) -> bool:
    return row["qualifier"] != "=" or not _EXACT_DIGITS.search(str(row["stated_as"]))


def restates(df: pd.DataFrame) -> pd.Series:
    """The ``restates`` column for ``df`` (index-aligned)."""
    out = pd.Series([None] * len(df), index=df.index, dtype=object)
    text = df[(df["source"] == "text") & df["char_start"].notna()].sort_values(["report_id", "char_start"])
    for _, group in text.groupby("report_id", sort=False):
        rows = list(group.iterrows())
        for (ia, a), (ib, b) in itertools.pairwise(rows):
            gap = int(b["char_start"]) - int(a["char_end"])
            if not 0 <= gap <= 3 or a["unit"] != b["unit"] or abs(float(a["value"]) - float(b["value"])) > 10:
                continue
            between = _between(a, b)
            if between is not None and not _OPEN.match(between):
                continue
            if _is_verbal(a) and not _is_verbal(b):
                out[ia] = b["observation_id"]
            elif _is_verbal(b) and not _is_verbal(a):
                out[ib] = a["observation_id"]
    texts = df[df["source"] == "text"]
    charts = df[(df["source"] == "chart") & out.isna()]
    if len(charts) and len(texts):
        keyed = texts.groupby(["report_id", "page", "unit", "value"], dropna=False)["observation_id"].agg(list)
        for i, row in charts.iterrows():
            ids = keyed.get((row["report_id"], row["page"], row["unit"], row["value"]))
            if ids is not None and len(ids) == 1:
                out[i] = ids[0]
    return out


def _between(a: pd.Series, b: pd.Series) -> str | None:
    """The characters between two adjacent figures, read from a's quote when both stand in it."""
    quote = str(a.get("quote") or "")
    ia = quote.find(str(a["stated_as"]))
    if ia < 0:
        return None
    ib = quote.find(str(b["stated_as"]), ia + len(str(a["stated_as"])))
    if ib < 0:
        return None
    return quote[ia + len(str(a["stated_as"])) : ib]


def previous_of(df: pd.DataFrame) -> pd.Series:
    """The ``previous_of`` column for ``df`` (index-aligned)."""
    out = pd.Series([None] * len(df), index=df.index, dtype=object)
    text = df[(df["source"] == "text") & df["char_start"].notna() & (df["kind"] == "level")]
    for _, group in text.groupby(["report_id", "quote"], sort=False):
        earlier = group[group["period"] == "previous"]
        later = group[group["period"] == "current"]
        if earlier.empty or later.empty:
            continue
        pairs = []
        for ie, e in earlier.iterrows():
            for il, lt in later.iterrows():
                distance = abs(int(lt["char_start"]) - int(e["char_start"]))
                if e["unit"] == lt["unit"] and distance <= MAX_PAIR_GAP:
                    pairs.append((distance, ie, il))
        used_e, used_l = set(), set()
        for _, ie, il in sorted(pairs):
            if ie in used_e or il in used_l:
                continue
            used_e.add(ie)
            used_l.add(il)
            out[il] = df.at[ie, "observation_id"]
    return out
