"""Sentences, quotes and quoted answer options: where a figure's quote starts and ends.

Quote rule: the quote is the sentence holding the figure (split at 。!? and line ends, and at
'. ' in English). When the figure opens its sentence (fewer than ``OPENING`` characters before
it, as in "…的關注。超過五分之四的企業…"), the quote is widened backwards by one clause of the
previous sentence on the same line, so the words that introduce the figure stay with it and the quote stays a
readable sentence rather than a bare "40% 認為…".
"""

from __future__ import annotations

import re
from bisect import bisect_right

OPENING = 12
# Read on the original text: the matching copy is lower-case, and '. ' ends a sentence only before
# a capital, a digit or an opening quote ("Inc. and", "e.g. the" and 2.5 do not). Written to open
# with one character class (each branch re-checks its first character by lookbehind): re's search
# then skips to those characters instead of trying every position of the line. ! and ? always take
# the first branch, so the second is about "." only.
_SENTENCE_END = re.compile(
    r"[。!?\uff01\uff1f.](?:(?<=[。!?\uff01\uff1f])[。!?\uff01\uff1f]*[”」』\"']?"
    r"|(?<=[a-z0-9)%\"”]\.)(?=\s+[\"“A-Z0-9(]))"
)
_CLOSERS = "。!?!?.\n”」』\"'"  # characters that close a sentence, stripped as a set
# On the matching copy (full-width forms are folded); every branch opens with a literal so that
# re's search skips to those characters (an opening lookbehind makes it try every position).
_CLAUSE_END = re.compile(r",(?<!\d,)|,(?!\d)|;|:|、")
QUOTED = re.compile(r"“([^“”\n]{1,40})”|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』|\"([^\"\n]{1,40})\"")


class Sentences:
    """Sentence boundaries of a text, split line by line on demand (figure-free lines cost nothing)."""

    def __init__(self, text: str, norm: str) -> None:
        self.text = text
        self.norm = norm
        self._line: tuple[int, int, list[int]] = (-1, -1, [])

    def _ends(self, offset: int) -> tuple[int, int, list[int]]:
        line_start, line_end, ends = self._line
        if not line_start <= offset < line_end:
            line_start = self.text.rfind("\n", 0, offset) + 1
            line_end = self.text.find("\n", offset)
            line_end = len(self.text) if line_end < 0 else line_end
            ends = [m.end() for m in _SENTENCE_END.finditer(self.text, line_start, line_end)]
            ends = [line_start, *ends, line_end]
            self._line = (line_start, line_end, ends)
        return line_start, line_end, ends

    def bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``offset``; sentences never cross a line end."""
        _, _, ends = self._ends(offset)
        i = bisect_right(ends, offset)
        return ends[i - 1], ends[i] if i < len(ends) else ends[-1]

    def quote_bounds(self, start: int, end: int, sentence: tuple[int, int] | None = None) -> tuple[int, int]:
        """Bounds of the quote for a figure at [start, end): its sentence, widened when it opens it.

        ``sentence`` is ``bounds(start)`` when the caller has it already.
        """
        s, e = sentence or self.bounds(start)
        if start - s >= 2 * OPENING:
            return s, e  # far from the sentence start: no widening, skip the strip below
        if len(self.norm[s:start].strip()) < OPENING and s > 0 and self.norm[s - 1] != "\n":
            ps, _ = self.bounds(s - 1)
            self._ends(start)
            prev = self.norm[ps:s]
            body = prev.rstrip().rstrip(_CLOSERS)
            cut = max((m.end() for m in _CLAUSE_END.finditer(body)), default=0)
            if prev.strip():
                s = ps + cut
        return s, e
