"""What a figure means, read from the words right around it: qualifier, kind and sign, period.

All rules read the matching copy (Simplified, width-folded, lower-case), so each keyword has one
spelling here; they look only at a short window next to the figure, which keeps them cheap and
keeps one figure's words from leaking onto its neighbours.
"""

from __future__ import annotations

import re

from pipelines.figures.clauses import COMMA, YEAR_PART
from pipelines.figures.numerals import parse_chinese, parse_english
from pipelines.figures.suffix import EndsWith, reversed_left

# Words that may stand between a qualifier and its figure: 只有 12%, 仅占 1%, 超过有 20%
_QUALIFIER_FILLER = ("有", "占", "为", "是", "达", "达到", "用", "用了")
_CHANGE_VERBS = (
    "增加", "增加了", "上升", "上升了", "增长", "增长了", "提高", "提高了", "提升", "提升了", "下降", "下降了",
    "减少", "减少了", "降低", "降低了",
)
_QUALIFIER_LEFT_WORDS = {
    "none": ("最近", "附近", "靠近"),  # 近 inside another word is no qualifier
    "approx": (
        "将近", "接近", "近", "大约", "约", "大概", "大致", "几乎", "差不多", "nearly", "almost", "about",
        "around", "approximately", "approx.", "roughly", "close to", "an estimated", "some", "~", "≈",
    ),
    "more": (
        "超过", "超出", "逾", "多于", "大于", "高于", "至少", "不少于", "不低于", "起码", "more than", "over",
        "above", "at least", "upwards of", "in excess of", "exceeding", "exceeds", "exceeded", "greater than",
        "north of",
    ),
    "less": (
        "不到", "不足", "少于", "低于", "未满", "不超过", "不及", "less than", "fewer than", "under", "below",
        "at most", "up to", "no more than",
    ),
    "exact": ("只有", "仅有", "仅", "只", "only", "just", "exactly", "precisely"),
}
_QUALIFIER_LEFT = EndsWith(_QUALIFIER_LEFT_WORDS, between=_QUALIFIER_FILLER)
BOUND_WORDS = _QUALIFIER_LEFT_WORDS["more"] + _QUALIFIER_LEFT_WORDS["less"]  # "more than", "under", 超过 ...
# 大约增加 3%, 约上升 5%, 至少提高 4%: a bound written before the change verb still bounds the figure
_QUALIFIER_BEFORE_VERB = EndsWith(_QUALIFIER_LEFT_WORDS, between=_CHANGE_VERBS)
_VERB_LAST = "加升长高降少低了"  # cheap gate: the last character of every _CHANGE_VERBS word
_QUALIFIER_RIGHT = re.compile(
    r"\s*(?:(?P<more>以上|多|余|\+|or more\b|and (?:over|above)\b|plus\b)"
    r"|(?P<less>以下|以内|or (?:less|fewer)\b)|(?P<approx>左右|上下))"
)
_QUALIFIER_SYMBOL = {"approx": "~", "more": ">", "less": "<", "exact": "="}

_CHANGE_LEFT = EndsWith(
    {
        "none": ("make up", "makes up", "made up", "making up"),  # now make up 38%: a share, not a rise
        "up": (
            "上升", "增长", "增长率", "增速", "增加", "年增", "同比增", "环比增",
            "提高", "提升", "上涨", "攀升", "跃升", "增幅", "涨幅", "高出", "高了", "微增", "微升",
            "多了", "扩大", "延长", "up", "rose", "risen", "rise", "rises", "rising", "increase", "increased",
            "increases", "increasing", "grow", "grew", "grown", "grows", "growing", "jump", "jumped", "climb",
            "climbed", "gained", "improve", "improved", "increase of", "rise of", "growth of", "gain of",
            "jump of",
        ),
        "down": (
            "下降", "减少", "降低", "年减", "同比减", "环比减", "缩减", "削减", "微降", "微跌",
            "下滑", "下跌", "降幅", "跌幅", "低了", "少了", "缩小", "缩短", "回落", "down",
            "fall", "fell", "fallen", "falls", "falling", "decrease", "decreased", "decreases", "decline",
            "declined", "declines", "drop", "dropped", "drops", "slipped", "slid", "shrank", "shrink", "cut",
            "decline of", "drop of", "decrease of", "fall of", "reduction of",
        ),
        "than_up": ("高", "多"),  # 比零售高 5%: only with 比 before it (checked in change_sign)
        "than_down": ("低", "少", "差"),
    },
    between=(
        "了", "为", "达", "达到", "在", "约", "近", "将近", "超过", "大约", "by", "of", "some", "about", "nearly",
        "almost", "around", "roughly", "more than", "over", "a", "an", "just",
    ),
    repeat=True,
    span=30,
)
_CHANGE_RIGHT = re.compile(
    r"(?:\s*的\s*(?:高位|高速|快速|速度)?\s*(?P<up_cn>增长|增幅|涨幅|提升)|\s*的\s*(?P<down_cn>下降|降幅|跌幅|下滑)"
    r"|\s*(?:(?P<up>increase|rise|jump|gain|growth|improvement|uplift|boost|higher|uptick|more\b|faster\b|quicker\b)"
    r"|(?P<down>decline|decrease|drop|fall|reduction|dip|lower|downturn|less\b|fewer\b|slower\b)))"
)

_PREVIOUS_LEFT = EndsWith(
    {
        # compared with / versus alone compare groups as often as years: a stated year or "last
        # year" (read separately) is what makes those figures earlier levels.
        "previous": (
            "从", "由", "from", "去年", "上一年", "前一年", "上年", "往年", "一年前", "last year", "last year's",
            "the previous year", "the previous year's", "the prior year", "the prior year's", "a year earlier",
            "when it", "when they", "when the share", "when the figure",  # ..., when it stood at 25%
        ),
        "compare": ("比", "比上一年"),  # 比 13% 略有下降: earlier only when a change word follows
    },
    between=("的", "同期", "同期的", "为", "是", "则为", "只有", "仅有", "was", "were", "stood at", "at"),
)
_CHANGE_WORD_AFTER = re.compile(r".{0,8}?(?:下降|上升|增加|减少|提高|降低|增长|有所|略有|高|低)")
_PREVIOUS_RIGHT = re.compile(
    r"\s*(?:,\s*)?(?:in |for )?"
    r"(?:last year|the previous year|a year (?:ago|earlier|before)|the year before|the prior year|the year prior)"
)
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
_YEAR_RIGHT = re.compile(r"\s*(?:in|for)\s+((?:19|20)\d\d)\b")


def _at_word_start(word: str) -> str:
    r"""``\bword`` with the boundary test moved behind the first letter: the same matches.

    Why: when every branch of a pattern opens with a literal, re's search skips straight to those
    characters; one branch opening with ``\b`` makes it try every position of the window instead
    (``_FORECAST`` reads up to 400 characters before each figure).
    """
    return rf"{word[0]}(?<!\w{word[0]}){word[1:]}"


_FORECAST_EN = (r"will\b", "expect", "forecast", "projected", "plan", r"by 20\d\d")  # each at a word start
_FORECAST = re.compile("|".join(("将|预计|预测|预期|计划", *map(_at_word_start, _FORECAST_EN))))
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def qualifier(norm: str, start: int, end: int, built_in: str, is_change: bool = False) -> str:
    """'~', '>', '<' or '=' from words hugging the figure (近/超过/不到/只有, nearly/over/under/only).

    ``is_change``: the figure follows a change verb, which a bound may stand before (大约增加 3%).
    """
    right = _QUALIFIER_RIGHT.match(norm, end, min(len(norm), end + 10))
    if right:
        return _QUALIFIER_SYMBOL[right.lastgroup]
    if built_in != "=":
        return built_in
    left = _QUALIFIER_LEFT(norm, start)
    if left is None and is_change:
        last = start - 1 if start and norm[start - 1] != " " else start - 2
        if last >= 0 and norm[last] in _VERB_LAST:
            left = _QUALIFIER_BEFORE_VERB(norm, start)
    return _QUALIFIER_SYMBOL.get(left or "", "=")


# "cut waiting times by 30%": the verb stands before its object, "by" right before the figure
# ... or a bound between them: "cut costs by at least a fifth"
_VERB_THEN_BY = re.compile(
    r"\b(?:(?P<up>increase|raise|boost|grow|lift|improve|expand|extend)|(?P<down>cut|reduce|lower|decrease|shrink"
    r"|shorten|trim))[a-z]*\b[^;.\n]{0,50}?\bby\s*(?:(?:at least|about|around|nearly|almost|roughly|up to|more than"
    r"|over|as much as|some)\s*)?$"
)
_BY_NEAR = re.compile(r"\bby\b")


_GAP_LEFT = EndsWith(
    {"gap": ("相差", "差距", "gap of", "difference of")},
    between=(
        "了", "为", "达", "达到", "在", "约", "近", "超过", "by", "of", "about", "nearly", "around", "more than",
        "over",
    ),
)


def is_gap(norm: str, start: int) -> bool:
    """两者相差 30 个百分点: a difference with no stated direction (a change with sign 0)."""
    return _GAP_LEFT(norm, start) is not None


# 带来 7% 的生产力提升: after "bring/achieve" the figure is the size of the gain named after it
# (without the verb, 32% 的企业收入增长 is a share of companies, a level)
_BRING_LEFT = EndsWith({"bring": ("带来", "带来了", "实现", "实现了", "贡献", "推动")})
_GAIN_NAMED_RIGHT = re.compile(r"\s*的\s*[\u4e00-\u9fff]{1,6}?(?:(?P<up>提升|增长|改善|增幅)|(?P<down>下降|降幅|减少))")


# 比零售低 11 个百分点, 比去年多 5%: a gap to a named peer, signed by the comparative word (read as a
# _CHANGE_LEFT group, so plain figures pay no extra match) once 比 stands shortly before it
_COMPARED_WITH = re.compile(r"比(?![例率重])[^,;。!?\n]{1,14}$")
_COMPARE_REACH = 20


def change_sign(norm: str, start: int, end: int, read_right: bool = True) -> int:
    """+1 / -1 when the figure is a change (上升了 7%, up 6 points, a 4-point decline), else 0.

    ``read_right=False`` for multiples: "1.8x higher" compares two groups (a level), while a verb
    before it (提高了 2.5 倍) still makes a change.
    """
    left = _CHANGE_LEFT(norm, start)
    if left == "up" or left == "down":
        return 1 if left == "up" else -1
    if left is not None and left != "none" and (
        norm.find("了", max(0, start - 5), start) >= 0  # 低了 15 个点: the down word 低了, matched as a than word
        or _COMPARED_WITH.search(norm, max(0, start - _COMPARE_REACH), start)
    ):
        return 1 if left == "than_up" else -1
    if norm.rfind("by", max(0, start - 16), start) >= 0 and _BY_NEAR.search(norm, max(0, start - 16), start):
        verb = _VERB_THEN_BY.search(norm, max(0, start - 60), start)
        if verb:
            return 1 if verb.group("up") else -1
    if not read_right:
        return 0
    right = _CHANGE_RIGHT.match(norm, end, min(len(norm), end + 16))
    if right:
        return 1 if right.group("up") or right.group("up_cn") else -1
    if norm.startswith("的", end + (norm[end : end + 1] == " ")) and _BRING_LEFT(norm, start):
        gain = _GAIN_NAMED_RIGHT.match(norm, end, min(len(norm), end + 12))
        if gain:
            return 1 if gain.group("up") else -1
    return 0


def is_previous(norm: str, start: int, end: int) -> bool:
    """An earlier level: 从 32% (增长到…), 去年的 2%, 比 13% 略有下降, down from 2% last year."""
    left = _PREVIOUS_LEFT(norm, start)
    if left == "previous" or (left == "compare" and _CHANGE_WORD_AFTER.match(norm, end, end + 12)):
        return True
    return bool(_PREVIOUS_RIGHT.match(norm, end, min(len(norm), end + 30)))


def stated_year(norm: str, start: int, end: int, sentence_start: int = 0) -> int | None:
    """A year written right next to the figure (2023 年的 13%, 13% in 2023) or opening its sentence part."""
    m = _YEAR_NEAR_REVERSED.match(reversed_left(norm, start), 0, 12)
    if m:
        return int(m.group(1)[::-1])
    m = _YEAR_RIGHT.match(norm, end, end + 12)
    if m is None:
        clause = YEAR_PART.clause_start(norm, sentence_start, start)
        m = _YEAR_OPENS_CLAUSE.match(norm, clause, start)
        if m is None and clause != (comma := COMMA.clause_start(norm, clause, start)):
            m = _YEAR_OPENS_CLAUSE.match(norm, comma, start)  # ...,而 2022 年这一比例为 66%
        return int(m.group(1) or m.group(2)) if m else None
    return int(m.group(1))


def last_year_opens_clause(norm: str, clause_start: int, start: int) -> bool:
    """而去年这一比例为 63%: the clause is about last year, so its figure is an earlier level."""
    return _LAST_YEAR_OPENS_CLAUSE.match(norm, clause_start, start) is not None


def years_ago_opens_clause(norm: str, clause_start: int, start: int) -> int | None:
    """两年前只有 44%, three years ago 20%: how many years before the survey the clause is about."""
    m = _YEARS_AGO_OPENS_CLAUSE.match(norm, clause_start, start)
    if m is None:
        return None
    cn, en = m.groups()
    n = (parse_chinese(cn) if not cn.isdigit() else float(cn)) if cn else parse_english(en)
    return int(n) if n and 1 <= n <= 30 else None


def later_year(norm: str, sentence_start: int, start: int, survey_year: int | None) -> bool:
    """Whether the sentence names a year after the survey's before the figure (预计到 2026 年, by 2026)."""
    if survey_year is None:
        return False
    return any(int(y) > survey_year for y in _ANY_YEAR.findall(norm, sentence_start, start))


def is_forecast(norm: str, clause_start: int, start: int) -> bool:
    """A future or projected change (将增加一倍, will double by 2025): its period is unknown."""
    return _FORECAST.search(norm, clause_start, start) is not None


def forecast_word_before(norm: str, sentence_start: int, start: int) -> bool:
    """Cheap gate for ``is_forecast``: a forecast word anywhere earlier in the sentence."""
    return _FORECAST.search(norm, sentence_start, start) is not None
