"""The one sentence and clause model every figure rule reads: where sentences and clauses start and end.

Belongs here: sentence boundaries (``Sentences``), the clause breaks rules cut a sentence at
(``ClauseBreaks``: one class, a few named break sets, each saying why it differs) and the quote
span a figure is published with. Rules elsewhere never define their own sentence or clause.

Sentences never cross a line end. A clause is the part of a sentence after the last break
character before a figure:

- ``CLAUSE`` (, ; 。 ! ? line end): the clause a period, forecast or back-reference opens
  (而去年这一比例为 63%, "last year, 40% ...").
- ``OPTION_CLAUSE`` (``CLAUSE`` plus dashes): answer options and their figures ('"very important" — 41%'
  states the option in its own clause).
- ``HARD_BREAK`` (; and sentence ends, no comma): a quoted option reaches over commas to its figure.
- ``YEAR_PART`` then ``COMMA``: a year opening the figure's sentence part (after the last ';', else after the
  last ',').
- ``QUOTE_CUT`` (, ; : 、 but no thousands comma): where the quote widening below cuts the previous sentence.
- ``LIST_JOIN`` / ``RESPECTIVELY``: items listed one after the other, and lists paired in order.
- ``MEANING_CLAUSE_END`` / ``MEANING_SENTENCE_END``: the clause and sentence of a published quote that
  ``pipelines.semantics`` reads a figure's measure and population in (regular expressions, wider breaks).

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
QUOTE_CUT = re.compile(r",(?<!\d,)|,(?!\d)|;|:|、")


class ClauseBreaks:
    """A named set of break characters and the clause questions asked with it (on the matching copy)."""

    __slots__ = ("_last", "_re", "chars", "name")

    def __init__(self, name: str, chars: str) -> None:
        self.name = name
        self.chars = chars
        self._re = re.compile(f"[{re.escape(chars)}]")
        # The last break before hi, in one call: ``.*`` runs to hi and backs off to the last break.
        self._last = re.compile(f"(?s:.*)[{re.escape(chars)}]")

    def clause_start(self, norm: str, lo: int, hi: int) -> int:
        """Offset after the last break in ``norm[lo:hi]`` (or ``lo``): where the clause holding ``hi`` starts.

        e.g. ``CLAUSE.clause_start("增长了 5%,而去年为 3%", 0, 14)`` is 7, the start of 而去年为.
        """
        if len(self.chars) == 1:
            at = norm.rfind(self.chars, lo, hi) + 1
            return at if at > lo else lo
        last = self._last.match(norm, lo, hi)
        return last.end() if last else lo

    def clause_end(self, norm: str, lo: int, hi: int) -> int:
        """Offset of the first break in ``norm[lo:hi]`` (or ``hi``)."""
        m = self._re.search(norm, lo, hi)
        return m.start() if m else hi

    def breaks_between(self, norm: str, lo: int, hi: int) -> bool:
        """Whether a break stands in ``norm[lo:hi]``."""
        return self._re.search(norm, lo, hi) is not None

    def breaks_in(self, text: str) -> bool:
        """Whether a break stands in ``text``."""
        return self._re.search(text) is not None


CLAUSE = ClauseBreaks("clause", ",;。!?\n")
OPTION_CLAUSE = ClauseBreaks("option clause", ",;。!?\n—–")
HARD_BREAK = ClauseBreaks("hard break", ";。!?\n")
YEAR_PART = ClauseBreaks("sentence part", ";")
COMMA = ClauseBreaks("comma", ",")

# Two items listed one after the other (62% and 70%, 5%和 2.4%, A, B & C) and the word that pairs two
# lists in order (respectively, 分别, 各自): figures listed after one change word share it (``extract``),
# years listed in order date figures listed in order (``period.years_in_order``), options quoted in
# order label figures listed in order (``labels.listed_respectively``).
LIST_JOIN = re.compile(r"\s*(?:,\s*and|,|and|&|和|与|及|、)\s*")
RESPECTIVELY = re.compile(r"分别|各自|respectively")

# The clause and sentence a published figure's *meaning* is read in (``pipelines.semantics``: what it
# measures, whom it counts), on its quote's matching copy rather than on the page. Wider breaks than
# ``CLAUSE``: a ':' or a '、' list and a spaced dash start another item's words, and a '. ' ends the
# clause before any word (a quote is one sentence or one table row; only the second dot of "e.g." is
# kept). A thousands comma (1,200) is not a break.
MEANING_CLAUSE_END = re.compile(r"[，;；。!?！？:：、\n]|,(?!\d)|(?<!\.[a-z])\.(?=\s|$)|\s-\s|\s–\s")
MEANING_SENTENCE_END = re.compile(r"[;；。!?！？\n]|\.(?=\s|$)")


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
        line_start, line_end, ends = self._line  # the cache test of _ends, inlined: once per figure
        if not line_start <= offset < line_end:
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
            cut = max((m.end() for m in QUOTE_CUT.finditer(body)), default=0)
            if prev.strip():
                s = ps + cut
        return s, e
