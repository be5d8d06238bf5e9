"""Which word list ends a short text window: the fast way to read the words right before a figure.

Belongs here: the ``EndsWith`` matcher the lexicons compile their word lists into; no words.

A regex searched over a window with a trailing ``$`` retries every start position; matching the
reversed window against reversed word lists is one anchored ``match`` instead (about 20x faster
here), which is what keeps the context rules near regex-scan speed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _reversed_alternation(words: Iterable[str]) -> str:
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        part = re.escape(word[::-1]).replace(r"\ ", r"\s+")
        if word[0].isascii() and word[0].isalpha():
            part += "(?![a-z])"  # an English word must start at a word boundary
        parts.append(part)
    return "|".join(parts)


class EndsWith:
    """Match word groups at the end of ``norm[start - span:start]``, skipping spaces and ``between`` words.

    ``between`` words may sit between the group word and the figure (只有 -> 只 + 有; 增长了约 ->
    增长 + 了 + 约); with ``repeat`` several of them may.
    """

    def __init__(
        self,
        groups: dict[str, Iterable[str]],
        between: Iterable[str] = (),
        repeat: bool = False,
        span: int = 24,
    ) -> None:
        groups = {name: tuple(words) for name, words in groups.items()}  # read twice below
        between = tuple(between)
        body = "|".join(f"(?P<{name}>{_reversed_alternation(words)})" for name, words in groups.items())
        skip = ""
        if between:
            skip = rf"(?:(?:{_reversed_alternation(between)})\s*){'*' if repeat else '?'}"
        self._re = re.compile(rf"\s*{skip}(?:{body})")
        self.span = span
        # The character a match starts on after the window's spaces is the last one of some word:
        # when the window's first non-space character ends no word, no match is possible and the
        # regex is not run (most figures: 的 58%, (63%), of 64%). None when a word ends in a space.
        ends = {w[-1] for ws in (*groups.values(), between) for w in ws if w}
        self._ends = None if any(ch.isspace() for ch in ends) else frozenset(ends)

    def __call__(self, norm: str, start: int) -> str | None:
        """Name of the group whose word ends the window before ``start``, or None.

        The window stops at a line end: a heading's last word ("… catching up") is not context of
        the figure that opens the next line.
        """
        window = _last  # the cache test of reversed_left, inlined: 4+ calls per figure
        if window[1] != start or window[0] is not norm:
            window = _window(norm, start)
        if self._ends is not None and window[3] not in self._ends:
            return None
        m = self._re.match(window[2], 0, self.span)
        return m.lastgroup if m else None


_WINDOW = 40  # longest span any rule reads
_last: tuple[str, int, str, str] = ("", -1, "", "")  # norm, start, reversed window, its first non-space character


def reversed_left(norm: str, start: int) -> str:
    """The text before ``start`` on its line (up to ``_WINDOW`` characters), reversed.

    Every rule of one figure reads the same window, so the last one is kept: one slice and one
    reversal per figure instead of one per rule. The tuple is replaced whole, so threads that
    share it see a consistent entry.
    """
    window = _last
    if window[1] != start or window[0] is not norm:
        window = _window(norm, start)
    return window[2]


def _window(norm: str, start: int) -> tuple[str, int, str, str]:
    """Compute and keep the cache entry for ``start`` (see ``_last``)."""
    global _last
    lo = start - _WINDOW if start > _WINDOW else 0
    cut = norm.rfind("\n", lo, start)
    rev = norm[cut + 1 if cut >= 0 else lo : start][::-1]
    _last = window = (norm, start, rev, rev.lstrip()[:1])
    return window
