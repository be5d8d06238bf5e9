"""extract_figures: every stated figure of a cleaned document, with its meaning and provenance.

A candidate pre-scan (one compiled regex over the matching copy) finds the few spans that can be
figures; only around those do the context rules run, which keeps extraction near regex speed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from pipelines.figures.clauses import CLAUSE, Sentences
from pipelines.figures.document import CleanDocument
from pipelines.figures.labels import assign_labels, restates_previous_share
from pipelines.figures.meaning import (
    change_sign,
    forecast_word_before,
    is_forecast,
    is_gap,
    is_previous,
    last_year_opens_clause,
    later_year,
    qualifier,
    stated_year,
    years_ago_opens_clause,
)
from pipelines.figures.patterns import Candidate, scan
from pipelines.figures.suffix import EndsWith
from pipelines.model import Figure

_ORDINAL_OR_REFERENCE = EndsWith(
    {"ordinal": ("第",), "reference": ("top", "no.", "#", "page", "p.", "vol.", "version", "v", "chapter", "figure")}
)
_LAST_YEAR = re.compile(
    r"去年|上一年|前一年|上年|一年前|同比|last year|previous year|prior year|the year before|a year (?:ago|earlier)"
)
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
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
_LABELLED_UNITS = ("percent", "percentage_points")
# Survey methodology, not findings: "margin of error ±1.5 percentage points", "at the 95% confidence
# level", 抽样误差为 ±3%, 置信度为 95%, and the rounding note "加总可能不等于 100%" / "may not add up to 100%"
_METHOD_LEFT = re.compile(
    r"(?:±|\+/-|正负|margin of error(?: is| of)?|sampling error(?: is| of)?|误差(?:范围)?(?:为|是|在)?"
    r"|置信(?:水平|度)(?:为|是)?)\s*(?:(?:about|around|approximately|plus or minus|约|大约)\s*)?(?:±|\+/-|正负)?\s*$"
)
_ROUNDING_LEFT = re.compile(r"(?:不(?:一定)?等于|(?:add|adds|sum|sums|total|totals)(?: up)? to(?: exactly)?)\s*$")
_METHOD_RIGHT = re.compile(r"\s*(?:confidence\b|置信|可信度)")
_METHOD_CUE = re.compile(
    r"±|\+/-|正负|误差|置信|可信度|margin of error|sampling error|confidence|不(?:一定)?等于|add up|sum to|total"
)
_GAP_HINT = re.compile(r"差|gap|difference")  # cheap gate before the gap rule's suffix match


_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)[!-~]+")  # a link ends at a space or a CJK character
_URL_MARK = re.compile(r"://|www\.")  # every link holds one
_NOT_URL_CHAR = re.compile(r"[^!-~]")


def _url_spans(norm: str) -> list[tuple[int, int]]:
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


def _in_spans(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    """Whether ``offset`` lies in one of the sorted, disjoint ``spans`` (``starts``: their starts, for bisect)."""
    i = bisect_right(starts, offset) - 1
    return i >= 0 and offset < spans[i][1]


def candidates(norm: str) -> Iterator[Candidate]:
    """Parsed figure candidates of the matching copy, minus ordinals, references and URLs.

    第 12 次 and page 12 are no figures; "top 10%" is one, so only 第 stops a percent. A generator,
    so the context rules of each figure run right after its check and reuse the left window it read.
    """
    urls = _url_spans(norm)
    url_starts = [s for s, _ in urls]
    method = [m.start() for m in _METHOD_CUE.finditer(norm)]  # most reports state no margin of error
    for c in scan(norm):
        before = _ORDINAL_OR_REFERENCE(norm, c.start)
        if before == "ordinal" or (before == "reference" and c.unit not in ("percent", "percentage_points")):
            continue
        if urls and _in_spans(urls, url_starts, c.start):
            continue
        if c.unit == "percentage_points" and _rating_points(norm, c):
            continue
        near_cue = method and _near_before(method, c.end + 12, c.end - c.start + 60)
        if near_cue and c.unit in _LABELLED_UNITS and _methodology(norm, c):
            continue
        yield c


def _methodology(norm: str, c: Candidate) -> bool:
    """A margin of error, a confidence level or a rounding note: how the survey was done, not what it found."""
    if _METHOD_RIGHT.match(norm, c.end, c.end + 12):
        return True
    if c.value == 100 and _ROUNDING_LEFT.search(norm, max(0, c.start - 24), c.start):
        return True
    return _METHOD_LEFT.search(norm, max(0, c.start - 48), c.start) is not None


def _rating_points(norm: str, c: Candidate) -> bool:
    """Bare points of a score, not percentage points: 0.4 points after "7.6 out of 10" on the same line,
    or points next to a score's or market index's name ("NPS 40 points higher", "the Dow lost 90 points"),
    or more bare points than two shares can differ by ("down 190 points")."""
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


def _near_before(ends: list[int], start: int, span: int) -> bool:
    """Whether one of the sorted ``ends`` lies in ``[start - span, start]``."""
    i = bisect_right(ends, start) - 1
    return i >= 0 and ends[i] >= start - span


def _names_last_year(norm: str, sentence: tuple[int, int], seen: dict[tuple[int, int], bool]) -> bool:
    """Whether ``sentence`` names last year; cached because few figures ask and sentences repeat."""
    found = seen.get(sentence)
    if found is None:
        found = seen[sentence] = _LAST_YEAR.search(norm, *sentence) is not None
    return found


def _mentions_years_ago(norm: str, lo: int, hi: int) -> bool:
    """Cheap gate before the years-ago rule: few sentences date a figure that way."""
    return norm.find("年前", lo, hi) >= 0 or norm.find("years ago", lo, hi) >= 0


_CARRY_REACH = 40  # a label carries into the next sentence only when it follows right after, same paragraph
CONTEXT_WINDOW = 400  # characters before a figure that its meaning is read from (longer than real sentences)


def extract_figures(doc: CleanDocument, survey_year: int | None, language: str) -> list[Figure]:
    """All figures stated in ``doc.text``; ``language`` is accepted for the interface (rules cover all)."""
    del language  # the matching copy is Simplified and lower-case, so one rule set serves every language
    norm, text = doc.norm, doc.text
    sentences = Sentences(text, norm)
    quotes: dict[tuple[int, int], str] = {}
    figures: list[Figure] = []
    by_sentence: dict[tuple[int, int], list[tuple[int, int, bool, int]]] = {}
    year_in: tuple[tuple[int, int], bool] = ((-1, -1), False)  # whether the current sentence names a year
    gap_hints = [m.end() for m in _GAP_HINT.finditer(norm)]  # few per document: one scan beats one per figure
    last_year_in: dict[tuple[int, int], bool] = {}  # whether a sentence names last year (去年, 同比), read lazily
    for c in candidates(norm):
        previous = is_previous(norm, c.start, c.end)
        sign = 0 if previous else change_sign(norm, c.start, c.end, c.unit != "multiple")
        sentence = sentences.bounds(c.start)
        gap = (
            sign == 0 and not previous and c.unit in _LABELLED_UNITS
            and _near_before(gap_hints, c.start, 16) and is_gap(norm, c.start)
        )
        # Context rules look back at most CONTEXT_WINDOW characters: a damaged page can be one
        # megabyte-long "sentence" with a thousand figures, and rescanning it per figure is quadratic.
        ctx = max(sentence[0], c.start - CONTEXT_WINDOW)
        if year_in[0] != sentence:
            year_in = (sentence, _YEAR_DIGITS.search(norm, *sentence) is not None)
        explicit = stated_year(norm, c.start, c.end, ctx) if sign == 0 and year_in[1] else None
        if explicit and survey_year and explicit < survey_year and c.unit != "multiple":
            previous = True  # 2021 年的 51%, 31% in 2022: a level of an earlier year (是 2020 年的 1.5 倍: a base)
        elif (
            sign == 0 and not previous and _names_last_year(norm, sentence, last_year_in)
            and last_year_opens_clause(norm, CLAUSE.clause_start(norm, ctx, c.start), c.start)
        ):
            previous = True
        elif sign == 0 and not previous and _mentions_years_ago(norm, ctx, c.start):
            back = years_ago_opens_clause(norm, CLAUSE.clause_start(norm, ctx, c.start), c.start)
            if back:  # 两年前只有 44%: a level of that earlier year
                previous, explicit = True, (survey_year - back if survey_year else None)
        period = "previous" if previous else "current"
        year = survey_year
        if previous:
            last_year = survey_year - 1 if survey_year and _names_last_year(norm, sentence, last_year_in) else None
            year = explicit or last_year
        elif forecast_word_before(norm, ctx, c.start) and (
            (
                is_forecast(norm, CLAUSE.clause_start(norm, ctx, c.start), c.start)
                and (sign != 0 or c.unit == "multiple" or later_year(norm, ctx, c.start, survey_year))
            )
            or (sign != 0 and later_year(norm, ctx, c.start, survey_year))
        ):
            # a projected change, or a level forecast for a later year; 将在 2025 年增加预算,平均增幅为 8%:
            # a change in a sentence that plans for a later year is projected even in its own clause
            period, year = "unknown", None
        qs, qe = sentences.quote_bounds(c.start, c.end, sentence)
        quote = quotes.get((qs, qe))
        if quote is None:
            quote = quotes[(qs, qe)] = text[qs:qe].strip()
        fig = Figure(
            source="text",
            value=c.value * sign if sign else c.value,
            unit=c.unit,
            stated_as=text[c.start : c.end],
            quote=quote,
            kind="change" if sign or gap else "level",
            qualifier=qualifier(norm, c.start, c.end, c.qualifier, sign != 0),
            period=period,
            year=year,
            section=doc.section_at(c.start),
            page=doc.page_at(c.start),
            char_start=c.start,
            char_end=c.end,
        )
        if c.unit in _LABELLED_UNITS:
            member = (c.start, c.end, bool(sign) or previous, len(figures))
            by_sentence.setdefault(sentence, []).append(member)
        figures.append(fig)
    carried: tuple[int, str] | None = None  # (end, label) of the last sentence whose figures ended labelled
    for sentence, members in by_sentence.items():
        labels = assign_labels(text, norm, sentence, [(s, e, cont) for s, e, cont, _ in members])
        # 。50 岁以上的受访者里,这个比例高达 41%: the share of the previous sentence's option
        if (
            labels[0] is None and carried and sentence[0] - carried[0] <= _CARRY_REACH
            and norm.find("\n", carried[0], sentence[0]) < 0
            and restates_previous_share(norm, sentence[0], members[0][0])
        ):
            labels[0] = carried[1]
        for (_, _, _, idx), label in zip(members, labels, strict=True):
            figures[idx].label = label
        carried = (sentence[1], labels[-1]) if labels[-1] else None
    return figures
