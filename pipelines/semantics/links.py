"""``restates`` and ``previous_of``: links between figures of one report.

``restates`` (on the restating figure: the id of the figure it restates), rules in order:

1. ``parenthesised``: two text figures side by side, the second in brackets right after the first
   or its noun (at most ``MAX_RESTATE_GAP`` characters, ending in an opening bracket), same unit,
   values within 10 points: the verbal or approximate one restates the exact one.
   "近七成(68%)": 近七成 (~70) restates 68%; "超过一半的消费者(54%)": 一半 restates 54%;
   "63% (nearly two-thirds)": two-thirds restates 63%.
2. ``chart_repeats_text``: a chart label with the value, unit and page of exactly one text figure
   of the same report restates it. Cisco p. 11 "65%" label restates "65% ... saying that".
3. ``caption_repeats_text``: the same for a text figure whose quote is a caption, not a sentence (no
   sentence end: a callout read as prose), and exactly one figure of a sentence on its page.
   "Use of AI by 65% organizations has already eroded trust in them" restates "65% saying that
   they have already lost some trust in organizations ...".

``previous_of`` (on the later figure: the id of its earlier value), rule:

1. ``from_to``: a text figure of period "previous" and the nearest text figure of period
   "current" (kind level, same unit, at most ``MAX_PAIR_GAP`` characters apart, each used once)
   with an order cue between them (``lexicon/links.yaml``): "從 32% 增長到 39%": 39% -> 32%;
   "61%, up from 60% last year and 53% two years ago": 61% -> 60%; "(50% in 2019 to 39% in
   2021)": 39% -> 50%. Two figures with no cue between ("60% last year and 53% ...") are not paired.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import pandas as pd

from pipelines.semantics.lexicon import load, word_pattern
from pipelines.semantics.text import fold

RULES_RESTATES = ("parenthesised", "chart_repeats_text", "caption_repeats_text")
_SENTENCE_END = re.compile(r"[.!?。！？][\"”’)）]?\s*$")
RULES_PREVIOUS = ("from_to",)
_EXACT_DIGITS = re.compile(r"\d")
# Between a figure and its bracketed restatement: an opening bracket, perhaps after the noun of
# the first ("超过一半的消费者(54%)", "two-thirds of consumers (63%)").
_OPEN = re.compile(r"^[^\d%,，。;；.]{0,12}[(（\[]\s*$")
MAX_RESTATE_GAP = 14
MAX_PAIR_GAP = 120  # characters: "37% ... switched providers (similar to last year and up from 34% two years ago)"


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
            close = abs(float(a["value"]) - float(b["value"])) <= 10
            if not 0 <= gap <= MAX_RESTATE_GAP or a["unit"] != b["unit"] or not close:
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
    sentence = pd.Series(
        [bool(_SENTENCE_END.search(q)) if isinstance(q, str) else False for q in texts["quote"]],
        index=texts.index,
        dtype=bool,
    )
    captions = texts[~sentence & texts["page"].notna() & out.loc[texts.index].isna()]
    if len(captions):
        full = texts[sentence & texts["page"].notna()]
        keyed = full.groupby(["report_id", "page", "unit", "value"])["observation_id"].agg(list)
        for i, row in captions.iterrows():
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


@lru_cache(maxsize=1)
def _order_cues():
    spec = load("links")
    return word_pattern(spec["earlier_first"]), word_pattern(spec["later_first"])


def _text_between(first: pd.Series, second: pd.Series, quotes: list[object]) -> str | None:
    """Folded text between two figures, read from the first quote that holds both in order."""
    for quote in quotes:
        text = fold(quote)
        a = text.find(fold(first["stated_as"]))
        if a < 0:
            continue
        b = text.find(fold(second["stated_as"]), a + len(fold(first["stated_as"])))
        if b >= 0:
            return text[a + len(fold(first["stated_as"])) : b]
    # the extraction split the sentence (a line or page break): the first quote's tail and the
    # second quote's head, the figures being at most MAX_PAIR_GAP characters apart anyway
    head, tail = fold(first["quote"]), fold(second["quote"])
    a, b = head.find(fold(first["stated_as"])), tail.find(fold(second["stated_as"]))
    if a >= 0 and b >= 0 and first["quote"] != second["quote"]:
        return head[a + len(fold(first["stated_as"])) :] + " " + tail[:b]
    return None


def previous_of(df: pd.DataFrame) -> pd.Series:
    """The ``previous_of`` column for ``df`` (index-aligned)."""
    out = pd.Series([None] * len(df), index=df.index, dtype=object)
    text = df[(df["source"] == "text") & df["char_start"].notna() & (df["kind"] == "level")]
    earlier_first, later_first = _order_cues()
    for _, group in text.groupby("report_id", sort=False):
        earlier = group[group["period"] == "previous"]
        later = group[group["period"] == "current"]
        pairs = []
        for ie, e in earlier.iterrows():
            for il, lt in later.iterrows():
                distance = int(lt["char_start"]) - int(e["char_start"])
                if e["unit"] != lt["unit"] or not 0 < abs(distance) <= MAX_PAIR_GAP:
                    continue
                first, second = (e, lt) if distance > 0 else (lt, e)
                between = _text_between(first, second, [first["quote"], second["quote"]])
                cue = earlier_first if distance > 0 else later_first
                if between is not None and cue.search(between):
                    pairs.append((abs(distance), ie, il))
        used_e, used_l = set(), set()
        for _, ie, il in sorted(pairs):
            if ie in used_e or il in used_l:
                continue
            used_e.add(ie)
            used_l.add(il)
            out[il] = df.at[ie, "observation_id"]
    return out
