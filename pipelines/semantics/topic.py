"""``topic``: the CX taxonomy class of a figure (``lexicon/topics.yaml`` lists and documents each).

Rules, in order; the first that finds a cue wins:

1. ``label_cue``: a topic cue in the answer label or table row label.
   label "非常满意" -> satisfaction.
2. ``clause_cue``: of the topics with a cue in the figure's clause, the one listed first.
   "76% would not buy from a company they do not trust with their data" -> trust_privacy
   (before loyalty_churn's "not buy").
3. ``sentence_cue``: the topic cue nearest the figure in its sentence (ties: listed first).
4. ``heading_cue``: a topic cue in the column header, the section heading or the table caption.
   section "Trust and AI" -> trust_privacy.
5. ``report_topic``: the topic of most of the report's cued figures when it holds at least half of
   them and the report has at least ``REPORT_TOPIC_MIN`` cued figures (a privacy survey's uncued
   figures are privacy figures: "Among those aware of the law, 61% felt it had a positive impact"
   -> trust_privacy); else ``other``.
"""

from __future__ import annotations

from functools import lru_cache

from pipelines.semantics.lexicon import load, word_pattern
from pipelines.semantics.text import Context

RULES = ("label_cue", "clause_cue", "sentence_cue", "heading_cue", "report_topic")
REPORT_TOPIC_SHARE = 0.5
REPORT_TOPIC_MIN = 20


@lru_cache(maxsize=1)
def _topics() -> list[tuple[str, object]]:
    spec = load("topics")["topics"]
    return [(name, word_pattern(t.get("en", []) + t.get("zh", []), prefix=True)) for name, t in spec.items()]


def names() -> tuple[str, ...]:
    """Every topic, in priority order (``other`` last)."""
    return tuple(load("topics")["topics"])


def cues(text: str) -> list[tuple[int, str, int]]:
    """(position, topic, priority) of every topic cue in folded ``text``."""
    out = []
    for rank, (name, pattern) in enumerate(_topics()):
        if pattern is None:
            continue
        out += [(m.start(), name, rank) for m in pattern.finditer(f" {text} ")]
    return out


def nearest(text: str, pos: int) -> str | None:
    """The topic whose cue stands nearest ``pos`` in ``text`` (ties: topics.yaml order)."""
    found = cues(text)
    if not found:
        return None
    return min(found, key=lambda c: (abs(c[0] - 1 - pos), c[2]))[1]


def first(text: str) -> str | None:
    """The highest-priority topic with a cue anywhere in ``text``."""
    found = cues(text)
    return min(found, key=lambda c: c[2])[1] if found else None


def classify(
    ctx: Context, label: str = "", row_label: str = "", headings: str = "", previous: str = ""
) -> tuple[str | None, str]:
    """(topic, rule); None for ``report_topic`` to settle once the report's figures are all read."""
    for text in (label, row_label):
        hit = nearest(text, 0) if text else None
        if hit:
            return hit, "label_cue"
    hit = first(ctx.clause_text)
    if hit:
        return hit, "clause_cue"
    hit = nearest(ctx.sentence_text, ctx.start - ctx.sentence[0])
    if hit:
        return hit, "sentence_cue"
    hit = nearest(headings, 0) if headings else None
    if hit:
        return hit, "heading_cue"
    return None, "report_topic"
