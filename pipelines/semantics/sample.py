"""``sample_size`` and ``base``: how many were asked, and who, where the sentence says so.

Patterns, in order (the first that matches the quote wins):

1. ``n_equals``: "n=2,400", "N = 1,100", "（n=500）" -> 2400, base null (the clause noun if any).
2. ``of_the_n_surveyed``: "of the 1,100 leaders surveyed" -> 1100, "leaders".
3. ``surveyed_n``: "surveyed 2,600 adults", "a survey of 3,000 consumers" -> 2600, "adults".
4. ``n_nouns_responded``: "2,600 adults responded", "7000 多位客户参与调查", "1100 多名数字客户体验领导者"
   -> 7000, "客户".
"""

from __future__ import annotations

import re

RULES = ("n_equals", "of_the_n_surveyed", "surveyed_n", "n_nouns_responded")
_N = r"(\d{1,3}(?:[,，]\d{3})+|\d{2,7})"
_EN_NOUN = r"([a-z][a-z\-]{1,30}(?: (?!(?:in|of|from|across|at|and|who|that|were|are)\b)[a-z\-]{2,30})?)"
_ZH_COUNTER = r"\s*(?:多|余)?\s*(?:名|位|个)\s*"
_PATTERNS = (
    ("n_equals", re.compile(r"\bn\s*[=＝]\s*" + _N, re.I)),
    (
        "of_the_n_surveyed",
        re.compile(r"of (?:the )?" + _N + r"\s+([a-z][a-z\- ]{2,40}?)\s+(?:surveyed|polled|interviewed)", re.I),
    ),
    (
        "surveyed_n",
        re.compile(
            r"(?:surveyed|polled|interviewed|survey of|poll of|responses from|respondents included)\s+"
            r"(?:more than |over |nearly )?" + _N + r"\s+" + _EN_NOUN,
            re.I,
        ),
    ),
    (
        "n_nouns_responded",
        re.compile(_N + _ZH_COUNTER + r"([\u3400-\u9fff]{1,12}?)(?:参与|参加|接受|回答|的回复|的调查|的答复|进行)"),
    ),
    (
        "n_nouns_responded",
        re.compile(r"(?:调查了|分析了|采访了|访问了|调研了)\s*" + _N + _ZH_COUNTER + r"([\u3400-\u9fff]{1,12})"),
    ),
    (
        "n_nouns_responded",
        re.compile(
            _N + r"\s+" + _EN_NOUN + r"\s+(?:responded|took part|participated|were surveyed|completed the survey)", re.I
        ),
    ),
)


def sample(text: object, original: object = None) -> tuple[int | None, str | None, str | None]:
    """(sample_size, base, rule) stated in ``text`` (the matching copy of the quote); Nones when it
    states none. ``original``, the quote itself (same length), gives the base in its own spelling."""
    if not isinstance(text, str):
        return None, None, None
    source = original if isinstance(original, str) and len(original) == len(text) else text
    for rule, pattern in _PATTERNS:
        m = pattern.search(text)
        if m:
            size = int(re.sub(r"[,，]", "", m.group(1)))
            base = source[m.start(2) : m.end(2)].strip() if m.lastindex and m.lastindex >= 2 else None
            return size, base, rule
    return None, None, None
