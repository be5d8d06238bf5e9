"""``population``: whom a figure counts, from the words next to it.

Rules, in order; the first that answers wins:

1. ``owner_after``: a population noun right after the figure in its clause.
   "43% of consumers say ..." -> consumers; "63% 的营销人员" -> marketers.
2. ``owner_before``: the nearest population noun before the figure in its clause.
   "营销人员中有 63% ..." -> marketers; "among marketers, 63%" (same clause) -> marketers.
3. ``sentence_owner``: the nearest population noun anywhere in the sentence.
   "Marketers struggle: 63% ..." -> marketers.
4. ``label_owner``: a population noun in the answer label, row or column header.
   row "用户数据传输" under a TV table -> (no owner noun: next rule).
5. ``section_owner``: a population noun in the nearest heading.

The noun ``respondents`` (受访者, "those surveyed", teams) is resolved per report by
``report_respondents``: the population named in the report's title, else the base of its largest
sample statement (``sample.py``), else the population most often named in its figures' clauses.
Finally ``practice_is_business``: a leaders' figure whose clause carries a practice verb (use,
invest, adopt, 使用, 投资) counts businesses, as the vocabulary files practices there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from pipelines.semantics.lexicon import load, word_pattern
from pipelines.semantics.text import Context, fold

POPULATIONS = ("consumers", "businesses", "leaders", "employees", "marketers", "it_developers", "public", "other")
RESPONDENTS = "respondents"
RULES = ("owner_after", "owner_before", "sentence_owner", "label_owner", "section_owner")


@lru_cache(maxsize=1)
def _cues() -> list[tuple[str, object]]:
    cues = load("population")["cues"]
    return [(name, word_pattern(spec.get("en", []) + spec.get("zh", []))) for name, spec in cues.items()]


@lru_cache(maxsize=1)
def _practice():
    spec = load("population")["practice_verbs"]
    return word_pattern(spec["en"] + spec["zh"], prefix=True)


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, population) of every population noun in folded ``text``, longest match first."""
    found: list[tuple[int, int, str]] = []
    for name, pattern in _cues():
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), name))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept, last_end = [], -1
    for start, end, name in found:
        if start >= last_end:
            kept.append((start, end, name))
            last_end = end
    return kept


def owner(ctx: Context, label: str = "", section: str = "") -> tuple[str | None, str | None]:
    """(population or "respondents" or None, the rule that decided)."""
    after = [m for m in mentions(ctx.after)]
    if after and after[0][0] <= 40:
        return after[0][2], "owner_after"
    before = mentions(ctx.before)
    if before:
        return before[-1][2], "owner_before"
    sentence = mentions(ctx.sentence_text)
    if sentence:
        pos = ctx.start - ctx.sentence[0]
        return min(sentence, key=lambda m: abs(m[0] - pos))[2], "sentence_owner"
    for text, rule in ((label, "label_owner"), (section, "section_owner")):
        hits = mentions(text)
        if hits:
            return hits[0][2], rule
    return None, None


def report_respondents(title: str, sample_bases: Iterable[str], named: Iterable[str]) -> str | None:
    """Whom a report surveyed: a title cue, else the largest sample's base noun, else the most named
    population among its figures (businesses and other excluded: those are what respondents talk about)."""
    cues = load("population")["report_cues"]
    folded = fold(title)
    for name, spec in cues.items():
        pattern = word_pattern(spec.get("en", []) + spec.get("zh", []), prefix=True)
        if folded and pattern and pattern.search(folded):
            return name
    for base in sample_bases:
        hits = [m[2] for m in mentions(fold(base)) if m[2] not in (RESPONDENTS, "other")]
        if hits:
            return hits[0]
    counts = Counter(n for n in named if n not in (RESPONDENTS, "other", "businesses", None))
    return counts.most_common(1)[0][0] if counts else None


def is_practice(ctx: Context) -> bool:
    """Whether the figure's clause reports something done or used (the ``practice_is_business`` cue)."""
    return bool(_practice().search(ctx.clause_text))
