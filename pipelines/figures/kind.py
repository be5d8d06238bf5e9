"""Kind and sign resolver: is a figure a change (up or down, or a gap with no direction) or a level?

Belongs here: the rules that read change words around a figure. Each returns ``(kind, sign)`` or
None; the first that answers decides, else the figure is a level. Words come from the document's
lexicon (``lexicons/*.yaml``: change_before, gap_before, gain_verbs); the English "verb ... by N"
grammar and the words after a figure (``a 4-point decline``, ``7% 的增长``) are patterns here.
"""

from __future__ import annotations

import re

from pipelines.figures.gates import first_chars
from pipelines.figures.patterns import spread_from
from pipelines.figures.rules import Reading, first_answer, near_before, when
from pipelines.figures.units import LABELLED_UNITS

LEVEL = ("level", 0)
UP, DOWN, GAP = ("change", 1), ("change", -1), ("change", 0)

_CHANGE_RIGHT = re.compile(
    r"(?:\s*的\s*(?:高位|高速|快速|速度)?\s*(?P<up_cn>增长|增幅|涨幅|提升)|\s*的\s*(?P<down_cn>下降|降幅|跌幅|下滑)"
    r"|\s*(?:(?P<up>increase|rise|jump|gain|growth|improvement|uplift|boost|higher|uptick|more\b|faster\b|quicker\b"
    r"|better\b)"
    r"|(?P<down>decline|decrease|drop|fall|reduction|dip|lower|downturn|less\b|fewer\b|slower\b|worse\b)))"
)
# "cut waiting times by 30%": the verb stands before its object, "by" right before the figure
# ... or a bound between them: "cut costs by at least a fifth"
_VERB_THEN_BY = re.compile(
    r"\b(?:(?P<up>increase|raise|boost|grow|lift|improve|expand|extend)|(?P<down>cut|reduce|lower|decrease|shrink"
    r"|shorten|trim))[a-z]*\b[^;.\n]{0,50}?\bby\s*(?:(?:at least|about|around|nearly|almost|roughly|up to|more than"
    r"|over|as much as|some)\s*)?$"
)
_BY_NEAR = re.compile(r"\bby\b")
# 带来 7% 的生产力提升: after "bring/achieve" the figure is the size of the gain named after it
# (without the verb, 32% 的企业收入增长 is a share of companies, a level)
_GAIN_NAMED_RIGHT = re.compile(r"\s*的\s*[\u4e00-\u9fff]{1,6}?(?:(?P<up>提升|增长|改善|增幅)|(?P<down>下降|降幅|减少))")
# 比零售低 11 个百分点, 比去年多 5%: a gap to a named peer, signed by the comparative word once 比
# stands shortly before it
_COMPARED_WITH = re.compile(r"比(?![例率重])[^,;。!?\n]{1,14}$")
_COMPARE_REACH = 20
# An earlier level: 从 32% ... (lexicon: earlier_level_before), 比 13% when a change word follows, or the
# year named after it: "2% last year", "down from 2% a year earlier"
_CHANGE_WORD_AFTER = re.compile(r".{0,8}?(?:下降|上升|增加|减少|提高|降低|增长|有所|略有|高|低)")
_PREVIOUS_RIGHT = re.compile(
    r"\s*(?:,\s*)?(?:in |for )?"
    r"(?:last year|the previous year|a year (?:ago|earlier|before)|the year before|the prior year|the year prior)"
)
_PREVIOUS_RIGHT_STARTS = first_chars(_PREVIOUS_RIGHT)  # Reading.after must be one (a gate before the regex)

# "from 28% in Spain to 54% in the UK": after from, the figure's item (not a year) and "to" another figure
_ACROSS_ITEMS_RIGHT = re.compile(
    r"\s+(?:in|among|for|at)\s+(?:the\s+)?(?![\d'])[a-z][a-z.\-]*(?:\s(?!to\b)[a-z][a-z.\-]*){0,2}\s+to\s+\d"
)

_TIME_WORD = re.compile(
    r"\b(?:first|second|third|last|previous|prior|past|earl|wave|survey|year|quarter|month|week|spring|summer|autumn"
    r"|fall|winter|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|q[1-4]\b|h[12]\b)"
)

def earlier_level(r: Reading) -> tuple[str, int] | None:
    """A figure marked as an earlier level (从 32%, 去年的 2%, 比 13% 略有下降, down from 2% last year) is no change.

    Sets ``r.previous``, which the period resolver reads (``period.earlier_level_marked``).

    Example: 使用率从 32% 增长到 45%。 -> 32%: kind=level period=previous
    """
    norm, c = r.norm, r.c
    left = r.lex.earlier_level_before(norm, c.start)
    if (
        left == "previous"
        and (items := _ACROSS_ITEMS_RIGHT.match(norm, c.end, min(len(norm), c.end + 40)))
        and not _TIME_WORD.search(items.group())
    ):
        r.previous = False  # from 28% in Spain to 54% in the UK: a spread over items, no earlier level
        return LEVEL
    if left == "previous" and c.form == "range_low" and spread_from(norm, c.start):
        r.previous = False  # anywhere from 40 to 80 percent: a spread
        return LEVEL
    if left == "previous" or (left == "compare" and _CHANGE_WORD_AFTER.match(norm, c.end, c.end + 12)):
        r.previous = True
        return LEVEL
    if r.after in _PREVIOUS_RIGHT_STARTS and _PREVIOUS_RIGHT.match(norm, c.end, min(len(norm), c.end + 30)):
        r.previous = True
        return LEVEL
    r.previous = False
    return None


def change_word_before(r: Reading) -> tuple[str, int] | None:
    """A change word right before the figure signs it: 上升了 7%, 增长率为 5%, up 6 points, fell by 3%.

    Example: 客户满意度上升了 7%。 -> 7%: kind=change value=7.0
    """
    left = r.left = r.lex.change_before(r.norm, r.c.start)  # kept for compared_with_peer: one match per figure
    if left == "up":
        return UP
    return DOWN if left == "down" else None


@when("r.left is not None")
def compared_with_peer(r: Reading) -> tuple[str, int] | None:
    """A comparative after 比 (比零售高 5%) is a gap to a named peer, signed by the comparative; 低了 needs no 比.

    Example: 线上渠道的满意度比零售低 11 个百分点。 -> 11 个百分点: kind=change value=-11.0
    """
    left = r.left  # change_word_before's match
    if left != "than_up" and left != "than_down":
        return None
    norm, start = r.norm, r.c.start
    if norm.find("了", max(0, start - 5), start) >= 0 or _COMPARED_WITH.search(
        norm, max(0, start - _COMPARE_REACH), start
    ):
        return UP if left == "than_up" else DOWN
    return None


@when("r.norm.rfind('by', max(0, r.c.start - 16), r.c.start) >= 0")
def verb_then_by(r: Reading) -> tuple[str, int] | None:
    """An English verb before its object, then "by" right before the figure: "cut waiting times by 30%".

    Example: We cut waiting times by 30% last quarter. -> 30%: kind=change value=-30.0
    """
    norm, start = r.norm, r.c.start
    if norm.rfind("by", max(0, start - 16), start) >= 0 and _BY_NEAR.search(norm, max(0, start - 16), start):
        verb = _VERB_THEN_BY.search(norm, max(0, start - 60), start)
        if verb:
            return UP if verb.group("up") else DOWN
    return None


@when("r.after in change_right_starts", change_right_starts=first_chars(_CHANGE_RIGHT))
def change_word_after(r: Reading) -> tuple[str, int] | None:
    """A change noun after the figure: "a 4-point decline", 7% 的增长. Not for multiples: "1.8x higher" compares groups.

    Example: The survey shows a 4-point decline in trust. -> 4-point: kind=change value=-4.0
    """
    c = r.c
    if c.unit == "multiple":
        return None
    right = _CHANGE_RIGHT.match(r.norm, c.end, min(len(r.norm), c.end + 16))
    if right:
        return UP if right.group("up") or right.group("up_cn") else DOWN
    return None


@when("r.after == '的'")
def gain_named_after(r: Reading) -> tuple[str, int] | None:
    """After bring/achieve (带来, 实现) the figure is the size of the gain named after it: 带来 7% 的生产力提升.

    Example: 自动化为团队带来 7% 的生产力提升。 -> 7%: kind=change value=7.0
    """
    c, norm = r.c, r.norm
    if c.unit == "multiple":
        return None
    end = c.end
    if norm.startswith("的", end + (norm[end : end + 1] == " ")) and r.lex.gain_verbs(norm, c.start):
        gain = _GAIN_NAMED_RIGHT.match(norm, end, min(len(norm), end + 12))
        if gain:
            return UP if gain.group("up") else DOWN
    return None


@when("r.gap_hints and r.c.unit in ('percent', 'percentage_points') and near_before(r.gap_hints, r.c.start, 16)")
def difference(r: Reading) -> tuple[str, int] | None:
    """A difference with no stated direction (两者相差 30 个百分点, a gap of 5 points): a change with sign 0.

    Example: 两者相差 30 个百分点。 -> 30 个百分点: kind=change value=30.0
    """
    c = r.c
    if c.unit in LABELLED_UNITS and near_before(r.gap_hints, c.start, 16) and r.lex.gap_before(r.norm, c.start):
        return GAP
    return None


OTHERWISE = "a level (kind level, sign 0)"
RULES = (earlier_level, change_word_before, compared_with_peer, verb_then_by, change_word_after, gain_named_after,
         difference)


def gap_hints(r: Reading) -> list[int]:
    """Ends of the lexicon's gap hints (差, gap): few per document, one scan beats one per figure."""
    return [m.end() for m in r.lex.gap_hints.finditer(r.norm)]


# (kind, sign) of ``r.c``: the first rule that answers, else a level. earlier_level sets ``r.previous``.
resolve_kind = first_answer(RULES, LEVEL, "resolve_kind")


# --- table cells ------------------------------------------------------------------------------------
# A header that names a change, read on the header's own text in any case: Change, vs. 2023,
# Difference, Growth, 变化, 增减, 增长 (Traditional spellings too: headers are not normalised)
_CHANGE_HEADER = re.compile(
    r"\bchange\b|\bvs\.?\b|\bdifference\b|\bgrowth\b|变化|變化|增减|增減|增长|增長", re.IGNORECASE
)


def points_cell(unit: str, row_label: str | None, column_label: str | None) -> bool | None:
    """A table cell in percentage points is a change: shares are percent, their differences points.

    Example (table): a "+3 pp" cell -> +3 pp: kind=change
    """
    return True if unit == "percentage_points" else None


def change_header(unit: str, row_label: str | None, column_label: str | None) -> bool | None:
    """A table cell under or beside a header that names a change (Change, vs. 2023, 增减) is a change.

    Example (table): a cell in the "Change vs 2023" column -> +5%: kind=change
    """
    return True if _CHANGE_HEADER.search(f"{column_label or ''} {row_label or ''}") else None


TABLE_RULES = (points_cell, change_header)


def cell_kind(unit: str, row_label: str | None, column_label: str | None) -> str:
    """Kind of a table cell: 'change' when a table rule says so, else 'level' (its sign is the cell's own)."""
    return "change" if any(rule(unit, row_label, column_label) for rule in TABLE_RULES) else "level"
