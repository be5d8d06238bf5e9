"""Unit and value resolver: which scanned candidates are stated figures.

Belongs here: the rules that drop a candidate the scan found (``patterns`` owns the surface forms
and gives each candidate its value, unit, built-in qualifier and ranges). Every rule below returns
True to drop the candidate; the first that does decides. ``candidates`` runs them right after the
scan, lazily, so each figure's context rules reuse the left window its checks read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator

from pipelines.figures.patterns import Candidate, scan
from pipelines.figures.rules import Reading, first_answer, near_before, when

LABELLED_UNITS = ("percent", "percentage_points")  # units that can be a share of an answer option

# Bare "points" / 个点 after a rating on the same line (7.6 out of 10, 满分 5 分) are score points
_RATING_SCALE = re.compile(r"\bout of (?:5|7|10|100)\b|满分|/\s?(?:5|10)\s?分|\d\s?分\s?[((]满分")
# A net score or index named next to bare points makes them score points (gold: other); a rate's stay
# (English only: the Chinese gold reads 净推荐值提高了 5 个点 as percentage points)
# Market indices count index points too: "the Dow lost 190 points" is no share at all.
_SCORE_NAME = re.compile(  # CSAT points are a rate's (gold: pp)
    r"\bnps\b|net promoter|\bindex\b|\bdow\b|nasdaq|s&p|\bftse\b|nikkei|\bdax\b|hang seng"
)
# More than 100 bare points cannot be percentage points between two shares: index or score points.
_MAX_SHARE_POINTS = 100
_ENGLISH_POINTS = re.compile(r"point|pts")
_SCORE_BEFORE, _SCORE_AFTER = 40, 24
_PERCENT_POINT_WORDS = re.compile(r"百分点|percentage|pct|ppt|pp\b")
# Survey methodology, not findings: "margin of error ±1.5 percentage points", "at the 95% confidence
# level", 抽样误差为 ±3%, 置信度为 95%, and the rounding note "加总可能不等于 100%" / "may not add up to 100%"
_METHOD_LEFT = re.compile(
    r"(?:±|\+/-|正负|margin of error(?: is| of)?|sampling error(?: is| of)?|误差(?:范围)?(?:为|是|在)?"
    r"|置信(?:水平|度)(?:为|是)?)\s*(?:(?:about|around|approximately|plus or minus|约|大约)\s*)?(?:±|\+/-|正负)?\s*$"
)
_ROUNDING_LEFT = re.compile(r"(?:不(?:一定)?等于|(?:add|adds|sum|sums|total|totals)(?: up)? to(?: exactly)?)\s*$")
_METHOD_RIGHT = re.compile(r"\s*(?:confidence\b|置信|可信度)")
METHOD_CUE = re.compile(
    r"±|\+/-|正负|误差|置信|可信度|margin of error|sampling error|confidence|不(?:一定)?等于|add up|sum to|total"
)

_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)[!-~]+")  # a link ends at a space or a CJK character
_URL_MARK = re.compile(r"://|www\.")  # every link holds one
_NOT_URL_CHAR = re.compile(r"[^!-~]")


def url_spans(norm: str) -> list[tuple[int, int]]:
    """Spans of links in the matching copy (figures in URLs are not stated figures).

    Same spans as ``_URL.finditer(norm)``, found without running ``_URL`` at every letter of the
    text (it has no first character to skip to): a link is a run of printable ASCII holding ``://``
    or ``www.`` and ends where the run ends, so ``_URL`` is searched only within such runs.
    """
    spans: list[tuple[int, int]] = []
    run_end = 0
    for mark in _URL_MARK.finditer(norm):
        at = mark.start()
        if at < run_end:
            continue  # a later mark in a run already searched
        run_start = at
        while run_start > 0 and "!" <= norm[run_start - 1] <= "~":
            run_start -= 1
        stop = _NOT_URL_CHAR.search(norm, at)
        run_end = stop.start() if stop else len(norm)
        link = _URL.search(norm, run_start, run_end)
        if link is not None:
            spans.append(link.span())
    return spans


@when("r.lex.not_a_figure_before(r.norm, r.c.start)")
def ordinal_or_reference(r: Reading) -> bool | None:
    """第 12 次 and page 12 are no figures; "top 10%" is one, so only 第 stops a percent.

    Example: 这是第 12 次调查。 -> 12 次: dropped
    """
    before = r.lex.not_a_figure_before(r.norm, r.c.start)
    return before == "ordinal" or (before == "reference" and r.c.unit not in LABELLED_UNITS)


def inside_link(r: Reading) -> bool | None:
    """A number inside a link (https://example.com/report-2024/50%) is part of an address.

    Example: 详见 https://example.com/survey/40% 的页面。 -> 40%: dropped
    """
    if not r.urls:
        return None
    i = bisect_right(r.url_starts, r.c.start) - 1
    return i >= 0 and r.c.start < r.urls[i][1]


def score_points(r: Reading) -> bool | None:
    """Bare points of a score or index, not percentage points.

    0.4 points after "7.6 out of 10" on the same line, points next to a score's or market index's
    name ("NPS 40 points higher", "the Dow lost 90 points"), or more bare points than two shares
    can differ by ("down 190 points").

    Example: Our NPS rose 12 points this year. -> 12 points: dropped
    """
    c = r.c
    if c.unit != "percentage_points":
        return None
    norm = r.norm
    if _PERCENT_POINT_WORDS.search(norm, c.start, c.end):
        return False
    if abs(c.value) > _MAX_SHARE_POINTS:
        return True
    line_start = norm.rfind("\n", 0, c.start) + 1
    if _RATING_SCALE.search(norm, line_start, c.start) is not None:
        return True
    if not _ENGLISH_POINTS.search(norm, c.start, c.end):
        return False
    line_end = norm.find("\n", c.end)
    hi = min(c.end + _SCORE_AFTER, line_end if line_end >= 0 else len(norm))
    return _SCORE_NAME.search(norm, max(line_start, c.start - _SCORE_BEFORE), hi) is not None


@when("r.method and near_before(r.method, r.c.end + 12, r.c.end - r.c.start + 60)")
def survey_method(r: Reading) -> bool | None:
    """A margin of error, a confidence level or a rounding note: how the survey was done, not what it found.

    Example: The margin of error is ±3%. -> 3%: dropped
    """
    c = r.c
    if not (r.method and near_before(r.method, c.end + 12, c.end - c.start + 60) and c.unit in LABELLED_UNITS):
        return None  # most reports state no margin of error
    norm = r.norm
    if _METHOD_RIGHT.match(norm, c.end, c.end + 12):
        return True
    if c.value == 100 and _ROUNDING_LEFT.search(norm, max(0, c.start - 24), c.start):
        return True
    return _METHOD_LEFT.search(norm, max(0, c.start - 48), c.start) is not None


OTHERWISE = "the candidate is a stated figure"
RULES = (ordinal_or_reference, inside_link, score_points, survey_method)
# Which units a rule can drop (all when absent): each candidate is checked only by the rules for its unit.
inside_link.needs_links = True
score_points.units = ("percentage_points",)
survey_method.units = LABELLED_UNITS


def _drop_for(unit: str, links: bool) -> Callable[[Reading], object]:
    """The rules that can drop a candidate of ``unit``, in RULES order, joined into one test."""
    rules = tuple(
        rule for rule in RULES
        if unit in getattr(rule, "units", (unit,)) and (links or not getattr(rule, "needs_links", False))
    )
    return first_answer(rules, False, "drops")


_DROPS: dict[bool, dict[str, Callable[[Reading], object]]] = {}  # links in the document? -> unit -> test


def candidates(r: Reading) -> Iterator[Candidate]:
    """Scanned candidates of ``r.norm`` that no rule drops, each left in ``r.c`` when yielded.

    A generator, so the context rules of each figure run right after its checks and reuse the
    left window they read.
    """
    norm = r.norm
    r.urls = url_spans(norm)
    r.url_starts = [s for s, _ in r.urls]
    r.method = [m.start() for m in METHOD_CUE.finditer(norm)]
    links = bool(r.urls)
    by_unit = _DROPS.setdefault(links, {})
    for c in scan(norm):
        r.c = c
        drops = by_unit.get(c.unit)
        if drops is None:
            drops = by_unit[c.unit] = _drop_for(c.unit, links)
        if not drops(r):
            yield c
