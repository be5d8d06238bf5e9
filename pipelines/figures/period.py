"""Period and year resolver: does a figure describe the survey's year, an earlier one, or a forecast?

Belongs here: every rule that places a figure in time, for text figures (``RULES``, read from the
words around the figure) and for table cells (``TABLE_RULES``: a year column or row header), and
``published_period``, which the catalogue build applies to every figure. Each text rule returns
``(period, year)`` or None; the first that answers decides, else the figure is the survey year's.
Words come from the document's lexicon (earlier_level_*, last_year, forecast); the shapes of a
stated year (2023 年的 13%, 13% in 2023, (2023: 45%)) are patterns here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.figures.clauses import CLAUSE, COMMA, LIST_JOIN, RESPECTIVELY, YEAR_PART
from pipelines.figures.gates import first_chars
from pipelines.figures.language import ANY_YEAR
from pipelines.figures.numerals import parse_chinese, parse_english
from pipelines.figures.rules import Reading, first_answer, when
from pipelines.figures.suffix import reversed_left

# read on the reversed left window (one anchored match): "2023 年的 " reversed is " 的年 3202"
# "2022 (20%)", "2022 年（20%）", "(2023: 45%)": a year right before a (bracketed) figure is that figure's year
_YEAR_NEAR_REVERSED = re.compile(r"\s*(?::\s*)?(?:\(\s*)?(?:的|期同)?年?\s*(\d\d(?:91|02))(?!\d)")
# A year that opens the figure's clause sets its time: 而在 2022 年,这一比例只有 32%; In 2022 only 21% ...;
# also after a back-reference to the previous figure: 而 2022 年这一比例为 66%, 这一数字在 2021 年仅为 11%
_BACK_REFERENCE = r"(?:(?:这一?|这个|该|此)(?:比例|数字|比率|数据|数值|占比)\s*)?"
_YEAR_OPENS_CLAUSE = re.compile(
    rf"\s*(?:(?:而|但)\s*|and\s+|but\s+)?{_BACK_REFERENCE}"
    r"(?:(?:在|于|in|during)\s*(?:the\s+)?((?:19|20)\d\d)(?!\d)|((?:19|20)\d\d)\s*年)"
)
# Last year opening the clause: 而去年这一比例为 63%; last year, 40% ...
_LAST_YEAR_OPENS_CLAUSE = re.compile(
    rf"\s*(?:(?:而|但)\s*|and\s+|but\s+)?{_BACK_REFERENCE}(?:在\s*)?"
    r"(?:去年|上一年|上年|前一年|一年前|last year\b|a year ago\b)"
)
# N years ago opening the clause: 而两年前这一比例还不到 20%; three years ago, only 21% ...
_YEARS_AGO_OPENS_CLAUSE = re.compile(
    rf"\s*(?:(?:而|但)\s*|and\s+|but\s+)?{_BACK_REFERENCE}(?:在\s*)?"
    r"(?:([一二两三四五六七八九十]{1,2}|\d{1,2})\s*年前"
    r"|(two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) years ago\b)"
)
# "consistent with our 2019 report at 9%": the figure an earlier edition of the report found
_REPORT_WORD = re.compile(r"report|survey|study|edition|findings")
_YEAR_REPORT_LEFT = re.compile(
    r"\b((?:19|20)\d\d)\s+(?:report|survey|study|edition|findings)\s*,?\s*(?:at|of|with|was|showed|found)?\s*$"
)
_YEAR_RIGHT = re.compile(r"\s*(?:in|for)\s+((?:19|20)\d\d)\b")
YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")  # a sentence without one states no year: stated_year is not read


def stated_year(norm: str, start: int, end: int, sentence_start: int = 0) -> int | None:
    """A year written right next to the figure (2023 年的 13%, 13% in 2023) or opening its sentence part."""
    m = _YEAR_NEAR_REVERSED.match(reversed_left(norm, start), 0, 12)
    if m:
        return int(m.group(1)[::-1])
    m = None
    lo = max(sentence_start, start - 40)
    if norm[start - 1 : start] == " " and _REPORT_WORD.search(norm, lo, start):  # "report at 9%"
        m = _YEAR_REPORT_LEFT.search(norm, lo, start)
    if m:
        return int(m.group(1))
    m = _YEAR_RIGHT.match(norm, end, end + 12)
    if m is None:
        clause = YEAR_PART.clause_start(norm, sentence_start, start)
        m = _YEAR_OPENS_CLAUSE.match(norm, clause, start)
        if m is None and clause != (comma := COMMA.clause_start(norm, clause, start)):
            m = _YEAR_OPENS_CLAUSE.match(norm, comma, start)  # ...,而 2022 年这一比例为 66%
        return int(m.group(1) or m.group(2)) if m else None
    return int(m.group(1))


# --- years listed in the order of the figures listed: "in 2020 and 2021 were 62% and 70% respectively" -------
_YEAR = ANY_YEAR.pattern + r"(?:\s*年)?"
_YEAR_LIST = re.compile(rf"{_YEAR}(?:\s*[,、]\s*{_YEAR})*\s*,?\s*(?:and|&|和|与|及|、)\s*{_YEAR}")  # 2020 and 2021
_YEAR_SPAN = re.compile(rf"(?:from|between|从|由)\s*{_YEAR}\s*(?:to|and|到|至)\s*{_YEAR}")  # from 2020 to 2021
# a figure that can stand in such a list (62%, 5.5 percent, 3 个百分点, 4 points) and what joins two of them
_LISTED = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s*(?:%|percent\b|per cent\b|个百分点|percentage points?\b|points?\b)")
_TO_JOIN = re.compile(r"\s*(?:to|[\u4e00-\u9fff]{0,3}(?:到|至))\s*")  # from 62% to 70%, 从 62% 提升到 70%
_FROM_LEFT = re.compile(r"(?:\bfrom|从|由)\s*$")


def _figure_runs(norm: str, lo: int, hi: int, join: re.Pattern[str]) -> dict[int, tuple[list[int], int]]:
    """Each figure in ``norm[lo:hi]`` that can stand in a list, by its start: the starts of the figures
    listed one after another with it (joined by ``join``), and its index among them."""
    runs: dict[int, tuple[list[int], int]] = {}
    run: list[int] = []
    end = -1
    for m in _LISTED.finditer(norm, lo, hi):
        if run and not join.fullmatch(norm, end, m.start()):
            run = []
        run.append(m.start())
        runs[m.start()] = (run, len(run) - 1)
        end = m.end()
    return runs


def _year_marks(r: Reading) -> int:
    """How often the figure's sentence holds '20' or '19' (two years need two), counted once per sentence."""
    key = ("year_marks", r.sentence)
    found = r.memo.get(key)
    if found is None:
        found = r.memo[key] = r.norm.count("20", *r.sentence) + r.norm.count("19", *r.sentence)
    return found  # type: ignore[return-value]


@dataclass(frozen=True)
class _YearList:
    """A sentence part's listed years and its figure runs (``_figure_runs``); ``span``: the years are a
    from-to (from 2020 to 2021), not a list read with "respectively"."""

    years: list[str]
    runs: dict[int, tuple[list[int], int]]
    span: bool


def _listed_years(r: Reading, lo: int, hi: int) -> _YearList:
    """The years listed in a sentence part and its figure runs, read once per part: with "respectively"
    the years listed (2020 and 2021) and the figures listed; else the years spanned (from 2020 to
    2021) and, only where there is exactly one span, the figures joined by "to"."""
    key = ("listed_years", lo, hi)
    found = r.memo.get(key)
    if found is None:
        norm = r.norm
        if RESPECTIVELY.search(norm, lo, hi):
            found = _YearList([m.group() for m in _YEAR_LIST.finditer(norm, lo, hi)],
                              _figure_runs(norm, lo, hi, LIST_JOIN), span=False)
        else:  # the year span first: few sentence parts hold one, and the figure list costs more to read
            spans = [m.group() for m in _YEAR_SPAN.finditer(norm, lo, hi)]
            found = _YearList(spans, _figure_runs(norm, lo, hi, _TO_JOIN) if len(spans) == 1 else {}, span=True)
        r.memo[key] = found
    return found  # type: ignore[return-value]


@when("r.year_in[1] and year_marks(r) > 1", year_marks=_year_marks)
def years_in_order(r: Reading) -> tuple[str, int | None] | None:
    """Figures listed in order take the years listed in order: respectively (分别), from 62% to 70% from 2020 to 2021.

    The sentence part (up to a ';') must pair them: "respectively" or 分别 with as many years listed
    (2020 and 2021, 2020 年和 2021 年) as figures listed, or a from-to of two figures with a from-to of
    two years (between 2020 and 2021, 从 2020 年到 2021 年). The years stand apart from their figures,
    so no other rule dates them; the k-th figure is the k-th year's (previous before the survey year,
    current in it; later years are left to the other rules).

    Example: The mean scores in 2022 and 2023 were 62% and 70% respectively. -> 70%: period=previous year=2023
    """
    norm, start = r.norm, r.c.start
    if not r.year_in[1] or r.survey_year is None or _year_marks(r) < 2:
        return None  # the cheap gate: a sentence with two years holds '20' or '19' twice at least
    lo = YEAR_PART.clause_start(norm, r.sentence[0], start)
    hi = YEAR_PART.clause_end(norm, r.c.end, r.sentence[1])
    listed = _listed_years(r, lo, hi)
    if len(listed.years) != 1 or start not in listed.runs:
        return None
    run, at = listed.runs[start]
    if listed.span and (len(run) != 2 or not _FROM_LEFT.search(norm, max(lo, run[0] - 6), run[0])):
        return None  # a from-to of years pairs with a from-to of two figures
    if len(run) < 2:
        return None
    years = [int(y) for y in ANY_YEAR.findall(listed.years[0])]
    if len(years) != len(run) or years[at] > r.survey_year:
        return None
    return ("previous" if years[at] < r.survey_year else "current"), years[at]


def _names_last_year(r: Reading) -> bool:
    """Whether the figure's sentence names last year (去年, 同比); cached: few figures ask, sentences repeat."""
    found = r.last_year_in.get(r.sentence)
    if found is None:
        found = r.last_year_in[r.sentence] = r.lex.last_year.search(r.norm, *r.sentence) is not None
    return found


def _last_year(r: Reading) -> int | None:
    """The survey year minus one when the sentence names last year, else None."""
    return r.survey_year - 1 if r.survey_year and _names_last_year(r) else None


@when("r.previous")
def earlier_level_marked(r: Reading) -> tuple[str, int | None] | None:
    """A figure marked as an earlier level (``kind.earlier_level``): previous, of its stated year or last year.

    Example: 满意度从去年的 32% 上升到 45%。 -> 32%: period=previous year=2023
    """
    return ("previous", r.explicit or _last_year(r)) if r.previous else None


@when("r.explicit")
def earlier_year_stated(r: Reading) -> tuple[str, int | None] | None:
    """A level stated for a year before the survey's (2021 年的 51%, 31% in 2022) is that year's; not a multiple's base.

    Example: The share was 31% in 2022. -> 31%: period=previous year=2022
    """
    explicit, survey = r.explicit, r.survey_year
    if explicit and survey and explicit < survey and r.c.unit != "multiple":
        return "previous", explicit
    return None


@when("r.sign == 0 and r.last_year_in.get(r.sentence) is not False")
def last_year_opens_clause(r: Reading) -> tuple[str, int | None] | None:
    """A clause opening on last year (而去年这一比例为 63%, "last year, 40%") holds last year's level.

    Example: 今年有 70% 的企业采用,而去年这一比例为 63%。 -> 63%: period=previous year=2023
    """
    if r.sign != 0 or not _names_last_year(r):
        return None
    if _LAST_YEAR_OPENS_CLAUSE.match(r.norm, CLAUSE.clause_start(r.norm, r.ctx, r.c.start), r.c.start) is None:
        return None
    return "previous", r.explicit or _last_year(r)


@when(
    "r.sign == 0 and r.years_ago_in"
    " and (r.norm.find('年前', r.ctx, r.c.start) >= 0 or r.norm.find('years ago', r.ctx, r.c.start) >= 0)"
)
def years_ago_opens_clause(r: Reading) -> tuple[str, int | None] | None:
    """A clause opening on N years ago (两年前只有 44%, three years ago 20%) holds that year's level.

    Example: 今年有 60% 的人使用,两年前只有 44%。 -> 44%: period=previous year=2022
    """
    norm, start = r.norm, r.c.start
    if r.sign != 0 or (norm.find("年前", r.ctx, start) < 0 and norm.find("years ago", r.ctx, start) < 0):
        return None  # few sentences date a figure that way
    m = _YEARS_AGO_OPENS_CLAUSE.match(norm, CLAUSE.clause_start(norm, r.ctx, start), start)
    if m is None:
        return None
    return _years_back(r, *m.groups())


def _years_back(r: Reading, cn: str | None, en: str | None) -> tuple[str, int | None] | None:
    """("previous", the year) for "N years ago" written in Chinese numerals, digits or English words."""
    n = (parse_chinese(cn) if not cn.isdigit() else float(cn)) if cn else parse_english(en)
    back = int(n) if n and 1 <= n <= 30 else None
    if not back:
        return None
    return "previous", (r.survey_year - back if r.survey_year else None) or _last_year(r)


# N years ago right after a level: "up from 60% last year and 53% two years ago"
_YEARS_AGO_AFTER = re.compile(
    r"\s+(?:([一二两三四五六七八九十]{1,2}|\d{1,2})\s*年前"
    r"|(two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) years ago\b)"
)


@when(
    "r.sign == 0 and r.after in years_ago_starts and r.norm.startswith(' ', r.c.end)"
    " and (r.norm.find('ago', r.c.end, r.c.end + 22) >= 0 or r.norm.find('年前', r.c.end, r.c.end + 8) >= 0)",
    years_ago_starts=first_chars(_YEARS_AGO_AFTER),
)
def years_ago_after(r: Reading) -> tuple[str, int | None] | None:
    """N years ago right after a level dates it: ... and 53% two years ago.

    Example: Up from 60% last year and 53% two years ago. -> 53%: period=previous year=2022
    """
    m = _YEARS_AGO_AFTER.match(r.norm, r.c.end) if r.sign == 0 else None
    if m is None:
        return None
    return _years_back(r, *m.groups())


@when("r.explicit is None and r.lex.earlier_finding.match(r.norm, r.sentence[0])")
def earlier_finding(r: Reading) -> tuple[str, int | None] | None:
    """A sentence opening on what an earlier edition found ("Last year, we found that ...") dates its figures previous.

    Changes included (the finding is last year's, whatever it compares); so are the figures of the
    next sentence of the same paragraph when it goes on reporting it ("We discovered that ...").
    A this-year word before the figure ends the reach (lexicon: earlier_finding, finding_continues,
    this_year).

    Example: Last year, we found that teams deployed with 50% fewer failures. -> 50%: period=previous year=2023
    """
    norm, s, lex = r.norm, r.sentence[0], r.lex
    m = lex.earlier_finding.match(norm, s) if r.explicit is None else None
    if m is None:
        return None
    opener = m
    if m.group("continues"):  # the sentence right before, on the same line, must open on the finding
        line = norm.rfind("\n", 0, s) + 1
        if s <= line:
            return None
        before = r.sentences.bounds(s - 1)[0]
        opener = lex.earlier_finding.match(norm, before, s)
        if opener is None or not opener.group("opens"):
            return None
    if lex.this_year.search(norm, m.end(), r.c.start):
        return None
    year = r.survey_year - 1 if r.survey_year and lex.last_year.search(norm, opener.start(), opener.end()) else None
    return "previous", year


@when("r.lex.forecast.search(r.norm, r.ctx, r.c.start)")
def forecast(r: Reading) -> tuple[str, int | None] | None:
    """A projected change, or a level forecast for a later year: period unknown, no year.

    将增加一倍, will double by 2025, 预计到 2026 年将达到 60%. A change in a sentence that plans for a
    later year is projected even in its own clause (将在 2025 年增加预算,平均增幅为 8%).

    Example: 预计到 2026 年,这一比例将增长 10%。 -> 10%: period=unknown year=None
    """
    norm, start, lex = r.norm, r.c.start, r.lex
    if lex.forecast.search(norm, r.ctx, start) is None:
        return None  # no forecast word anywhere earlier in the sentence: the cheap gate
    changes = r.sign != 0
    in_clause = lex.forecast.search(norm, CLAUSE.clause_start(norm, r.ctx, start), start) is not None
    if (in_clause and (changes or r.c.unit == "multiple" or _later_year(r))) or (changes and _later_year(r)):
        return "unknown", None
    return None


def _later_year(r: Reading) -> bool:
    """Whether the sentence names a year after the survey's before the figure (预计到 2026 年, by 2026)."""
    if r.survey_year is None:
        return False
    return any(int(y) > r.survey_year for y in ANY_YEAR.findall(r.norm, r.ctx, r.c.start))


OTHERWISE = "the survey year's (period current, year the survey year)"
RULES = (
    years_in_order, earlier_level_marked, earlier_year_stated, last_year_opens_clause, years_ago_opens_clause,
    years_ago_after, earlier_finding, forecast,
)
# (period, year) of ``r.c``, else the survey year's (current; 今年有 45% 的企业采用 in a 2024 survey: 2024).
# Reads ``r.previous``, ``r.sign`` (kind runs first) and ``r.explicit`` (the year stated next to the figure,
# set by extraction with ``stated_year``).
resolve_period = first_answer(RULES, None, "resolve_period", default_expr='("current", r.survey_year)')


# --- table cells and publication ----------------------------------------------------------------------


def year_header(period: str, year: int | None, source: str, survey_year: int | None) -> tuple[str, int | None] | None:
    """A table cell under a year column or row header is placed in time against the survey year.

    Example (table): a 2023 column in a 2024 survey -> 2023: period=previous year=2023
    """
    if source == "table" and year is not None and survey_year is not None:
        return ("previous" if year < survey_year else "current"), year
    return None


def survey_year_of_current(
    period: str, year: int | None, source: str, survey_year: int | None
) -> tuple[str, int | None] | None:
    """A current figure with no year of its own (a table cell, a chart) describes the survey year.

    Example (table): a cell with no year header in a 2024 survey -> 38%: period=current year=2024
    """
    if year is None and survey_year is not None and period == "current":
        return period, survey_year
    return None


TABLE_RULES = (survey_year_of_current, year_header)


def published_period(period: str, year: int | None, source: str, survey_year: int | None) -> tuple[str, int | None]:
    """(period, year) the catalogue publishes for a figure of any source, once the survey year is known."""
    for rule in TABLE_RULES:
        found = rule(period, year, source, survey_year)
        if found is not None:
            return found
    return period, year
