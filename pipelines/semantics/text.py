"""Where a figure stands in its quote, and the clause around it, on the matching copy.

Rules read the matching copy (NFKC, Simplified, lower case; ``pipelines.figures.normalise``) so a
cue is written once for both Chinese scripts and all widths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.figures.clauses import MEANING_CLAUSE_END, MEANING_SENTENCE_END
from pipelines.figures.normalise import matching_copy


@dataclass(frozen=True)
class Context:
    """A figure's words: the folded quote, where the figure stands in it, and its clause and sentence."""

    text: str
    start: int
    end: int
    clause: tuple[int, int]
    sentence: tuple[int, int]

    @property
    def before(self) -> str:
        """The clause up to the figure."""
        return self.text[self.clause[0] : self.start]

    @property
    def after(self) -> str:
        """The clause after the figure."""
        return self.text[self.end : self.clause[1]]

    @property
    def clause_text(self) -> str:
        return self.text[self.clause[0] : self.clause[1]]

    @property
    def sentence_text(self) -> str:
        return self.text[self.sentence[0] : self.sentence[1]]


def fold(text: object) -> str:
    """The matching copy of any cell (None and NaN give "")."""
    if not isinstance(text, str) or not text:
        return ""
    return matching_copy(text)


REACH = 400  # characters each side of the figure that its rules read, as figure extraction does


def clip(quote: str | None, stated_as: str | None) -> str | None:
    """``quote`` cut to ``REACH`` characters each side of the figure's first occurrence in it.

    A "sentence" without stops (a megabyte of scraped markup) is every figure's quote in it; read
    whole by every rule for every figure, and copied into each row's frame, it costs quadratic time.
    """
    if not quote or len(quote) <= 2 * REACH + len(stated_as or ""):
        return quote
    at = quote.find(stated_as) if stated_as else -1
    at = max(at, 0)
    return quote[max(0, at - REACH) : at + len(stated_as or "") + REACH]


def locate(quote: object, stated_as: object) -> Context:
    """The figure's place in its quote: the first occurrence of ``stated_as``; the quote's start when the
    figure is not in it (table cells, chart labels whose quote is a caption). Reads ``clip``'s window."""
    text = fold(clip(quote, stated_as) if isinstance(quote, str) else quote)
    needle = fold(stated_as).strip()
    start = text.find(needle) if needle else -1
    if start < 0:
        start, end = 0, 0
    else:
        end = start + len(needle)
    clause = _span(text, start, end, MEANING_CLAUSE_END)
    return Context(text, start, end, clause, _span(text, start, end, MEANING_SENTENCE_END))


def _span(text: str, start: int, end: int, boundary: re.Pattern[str]) -> tuple[int, int]:
    left = 0
    for m in boundary.finditer(text, 0, start):
        left = m.end()
    m = boundary.search(text, end)
    return left, (m.start() if m else len(text))
