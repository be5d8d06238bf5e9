"""Qualifier resolver: '~', '>', '<' or '=' from the words hugging a figure.

Belongs here: the qualifier rules. Each returns a symbol or None; the first that answers decides,
else '='. All words come from the document's lexicon (qualifier_before, qualifier_filler,
qualifier_after, change_verbs); the rules look only at a short window next to the figure, which
keeps them cheap and keeps one figure's words off its neighbours.
"""

from __future__ import annotations

import re

from pipelines.figures.lexicons import compile_lexicon
from pipelines.figures.rules import Reading, first_answer, when

SYMBOL = {"approx": "~", "more": ">", "less": "<", "exact": "=", "at_least": ">=", "at_most": "<="}
# "more than", "under", 超过 ...: the bounds of the Chinese and English lexicons (read by the PDF layout's
# chart-legend rule, pipelines.parse.layout)
BOUND_WORDS = compile_lexicon(("common", "zh", "en")).bound_words


@when("r.lex.qualifier_after_starts is None or r.after in r.lex.qualifier_after_starts")
def bound_after(r: Reading) -> str | None:
    """A bound or approximation right after the figure: 30% 以上, 30% or more, 5 成左右.

    Example: 有 30% 以上的企业计划增加预算。 -> 30%: qualifier=>
    """
    end = r.c.end
    right = r.lex.qualifier_after.match(r.norm, end, min(len(r.norm), end + 10))
    return SYMBOL[right.lastgroup] if right else None


@when("r.c.qualifier != '=' and r.c.form in ('range_low', 'range_high')")
def range_over_items(r: Reading) -> str | None:
    """A range spread over several items (each of, respectively, the largest; 分别 in its sentence): its ends are '='.

    A range bounds one quantity (change failure rate 0%-15%: >= and <=) unless its sentence speaks
    of its items one by one: then its ends are the values of different items (the real-PDF gold's
    convention; lexicon: range_over_items).

    Example: Scores rose by 14-19%, with trust showing the largest increase. -> 19%: qualifier==
    """
    if r.c.form != "range_low" and r.c.form != "range_high":
        return None
    return "=" if r.lex.range_over_items.search(r.norm, *r.sentence) else None


@when("r.c.qualifier != '='")
def built_into_form(r: Reading) -> str | None:
    """The figure's own form qualifies it: 过半 (>), a range 40%-50% (~), 2,300 多名 (>).

    Example: 受访者中过半表示满意。 -> 过半: qualifier=>
    """
    return r.c.qualifier if r.c.qualifier != "=" else None


def bound_before(r: Reading) -> str | None:
    """A bound word right before the figure, filler words allowed between: 近 40%, 只有 12%, nearly 40%, over 30%.

    Words that merely contain a cue (最近 holds 近) answer '=' so no later rule reads them. A lower
    bound under a negation earlier in its clause is an upper bound: no country had more than 8% (<=).

    Example: No country had more than 8% of the vote. -> 8%: qualifier=<=
    """
    left = r.lex.qualifier_before(r.norm, r.c.start)
    if left == "more" and r.lex.negated.search(r.norm, max(r.ctx, r.c.start - 60), r.c.start):
        return "<="
    return SYMBOL.get(left, "=") if left else None


# A share "of" a whole named between a cue and the figure: 约占全球 5G 总用户数的 89% (about: ~),
# 数额高达其全球营业额的 4% (a ceiling: <=)
_SHARE_OF_A_WHOLE = re.compile(
    r"(?:(?P<approx>约占|大约占|约为|大概占)[^，。；：,;:!?！？\n]{0,24}|(?P<at_most>高达)[^，。；：,;:!?！？\n]{1,24})的\s*$"
)


@when("r.c.start > 1 and '的' in r.norm[r.c.start - 2 : r.c.start]")
def share_of_a_whole(r: Reading) -> str | None:
    """A cue before the whole a share is "of": 约占全国 GDP 的 1.3‰ (about: ~), 高达其全球营业额的 4% (up to: <=).

    高达 (as high as) right before a figure states a level reached (比例高达 58%, 金额高达 5000 万欧元:
    '='); with a whole named between them it states how far an amount may go as a share of that
    whole (fines up to 4% of global turnover).

    Example: 中国用户约占全球 5G 总用户数的 89%。 -> 89%: qualifier=~
    """
    start = r.c.start
    if start < 2 or "的" not in r.norm[start - 2 : start]:
        return None
    m = _SHARE_OF_A_WHOLE.search(r.norm, max(r.ctx, start - 36), start)
    return None if m is None else SYMBOL[m.lastgroup]


@when("r.sign")
def bound_before_change_verb(r: Reading) -> str | None:
    """A bound written before a change verb still bounds the figure: 大约增加 3%, 至少提高 4% (changes only).

    Example: 今年的预算大约增加了 3%。 -> 3%: qualifier=~ kind=change
    """
    if r.sign == 0:
        return None
    norm, start = r.norm, r.c.start
    last = start - 1 if start and norm[start - 1] != " " else start - 2
    if last < 0 or norm[last] not in r.lex.verb_last_chars:
        return None  # cheap gate: the character before the figure ends no change verb
    left = r.lex.qualifier_before_verb(norm, start)
    return SYMBOL.get(left, "=") if left else None


OTHERWISE = "= (the figure is exact)"
RULES = (
    bound_after, range_over_items, built_into_form, bound_before, bound_before_change_verb, share_of_a_whole,
)


# The qualifier of ``r.c`` (reads ``r.sign``: the kind resolver runs first).
resolve_qualifier = first_answer(RULES, "=", "resolve_qualifier")
