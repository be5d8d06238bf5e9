"""Qualifier resolver: '~', '>', '<' or '=' from the words hugging a figure.

Belongs here: the qualifier rules. Each returns a symbol or None; the first that answers decides,
else '='. All words come from the document's lexicon (qualifier_before, qualifier_filler,
qualifier_after, change_verbs); the rules look only at a short window next to the figure, which
keeps them cheap and keeps one figure's words off its neighbours.
"""

from __future__ import annotations

from pipelines.figures.lexicons import compile_lexicon
from pipelines.figures.rules import Reading, first_answer, when

SYMBOL = {"approx": "~", "more": ">", "less": "<", "exact": "="}
# "more than", "under", 超过 ...: the bounds of the Chinese and English lexicons (read by the PDF layout's
# chart-legend rule, pipelines.parse.layout)
BOUND_WORDS = compile_lexicon(("common", "zh", "en")).bound_words


def bound_after(r: Reading) -> str | None:
    """A bound or approximation right after the figure: 30% 以上, 30% or more, 5 成左右.

    Example: 有 30% 以上的企业计划增加预算。 -> 30%: qualifier=>
    """
    end = r.c.end
    right = r.lex.qualifier_after.match(r.norm, end, min(len(r.norm), end + 10))
    return SYMBOL[right.lastgroup] if right else None


@when("r.c.qualifier != '='")
def built_into_form(r: Reading) -> str | None:
    """The figure's own form qualifies it: 过半 (>), a range 40%-50% (~), 2,300 多名 (>).

    Example: 受访者中过半表示满意。 -> 过半: qualifier=>
    """
    return r.c.qualifier if r.c.qualifier != "=" else None


def bound_before(r: Reading) -> str | None:
    """A bound word right before the figure, filler words allowed between: 近 40%, 只有 12%, nearly 40%, over 30%.

    Words that merely contain a cue (最近 holds 近) answer '=' so no later rule reads them.

    Example: Nearly 40% of shoppers agree. -> 40%: qualifier=~
    """
    left = r.lex.qualifier_before(r.norm, r.c.start)
    return SYMBOL.get(left, "=") if left else None


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
RULES = (bound_after, built_into_form, bound_before, bound_before_change_verb)


# The qualifier of ``r.c`` (reads ``r.sign``: the kind resolver runs first).
resolve_qualifier = first_answer(RULES, "=", "resolve_qualifier")
