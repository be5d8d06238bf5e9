"""Gates: cheap necessary conditions checked before a regex runs, derived so they cannot drift from it.

Belongs here: what a guard or matcher may test instead of running a pattern that cannot match:
``right_head`` (the first non-space character after a figure, kept as ``Reading.after``) and
``first_chars`` (the characters a pattern's match can start on, read from its parsed structure).
``EndsWith`` keeps its own gate for the words before a figure (``suffix``). Every gate is a
necessary condition only: skipping a regex it rules out changes no answer
(tests/figures/test_fast_patterns.py checks each against its pattern).
"""

from __future__ import annotations

import re
from functools import cache
from re import _parser as _re_parser  # reads a pattern's structure (standard library, 3.11+)

_SPACES = list(_re_parser.parse(r"\s"))  # [(IN, [(CATEGORY, CATEGORY_SPACE)])]: how a leading \s* repeats


def right_head(norm: str, end: int) -> str:
    """The first character at or after ``end`` that is no space ("" at the end of the text): ``Reading.after``."""
    head = norm[end : end + 1]
    if head.isspace():
        found = _NON_SPACE.search(norm, end)
        head = found.group() if found else ""
    return head


_NON_SPACE = re.compile(r"\S")


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start on once leading spaces (``\\s*``) are skipped.

    For a pattern read right after a figure (``\\s*(?:increase|rise|...)``) a match is possible only
    when ``Reading.after`` is one of these characters, which a guard can test for the price of a set
    lookup instead of a regex call. Derived from the parsed pattern, so it cannot drift from it: zero-width
    assertions are ignored (a superset is still a necessary condition), and None (no gate) whenever the
    pattern can start on any character, on a space after the leading ones, or match nothing at all.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    found, can_be_empty = _first(_re_parser.parse(pattern.pattern, pattern.flags), True)
    if found is None or can_be_empty or any(ch.isspace() for ch in found):
        return None
    return frozenset(found)


def _first(items: list, at_start: bool) -> tuple[set[str] | None, bool]:
    """(characters a match of this sequence can start on, whether it can match the empty string)."""
    chars: set[str] = set()
    for op, av in items:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width: ignoring its condition keeps a superset
        if at_start and name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and list(av[2]) == _SPACES:
            continue  # leading spaces (\s*, \s+, \s?): the caller skips them (Reading.after)
        if name == "LITERAL":
            return chars | {chr(av)}, False
        if name == "IN":
            members = _members(av)
            return (None, False) if members is None else (chars | members, False)
        if name == "SUBPATTERN":
            found, empty = _first(av[3], at_start)
        elif name == "BRANCH":
            found, empty = set(), False
            for branch in av[1]:
                more, more_empty = _first(branch, at_start)
                if more is None:
                    return None, False
                found |= more
                empty = empty or more_empty
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            found, empty = _first(av[2], at_start)
            empty = empty or av[0] == 0
        else:
            return None, False  # any character, a back-reference ...: no gate
        if found is None:
            return None, False
        chars |= found
        if not empty:
            return chars, False
    return chars, True


def _members(items: list) -> set[str] | None:
    """The characters of a class ``[...]`` or ``\\d`` (None for negated or other category classes, or wide ranges)."""
    members: set[str] = set()
    for op, av in items:
        if str(op) == "LITERAL":
            members.add(chr(av))
        elif str(op) == "RANGE" and av[1] - av[0] < 256:
            members.update(map(chr, range(av[0], av[1] + 1)))
        elif str(op) == "CATEGORY" and str(av) == "CATEGORY_DIGIT":
            members |= _decimal_digits()
        else:
            return None
    return members


_DIGITS_BELOW = 0x20000  # every Unicode decimal digit lies in the first two planes (a test checks all of them)


@cache
def _decimal_digits() -> frozenset[str]:
    """Every character ``\\d`` matches in a str pattern: the Unicode decimal digits (computed once, ~5 ms)."""
    return frozenset(ch for ch in map(chr, range(_DIGITS_BELOW)) if ch.isdecimal())
