"""The figure rules' speed rewrites find exactly what their plain spellings find.

Several patterns are written so that re's search can skip to their first characters (see the
comments at each); these tests keep the plain spelling next to the fast one and compare every
match on random strings built from the characters that matter, with random search windows. The
gates that skip a regex when it cannot match (``first_chars``, ``EndsWith``'s word ends) are
checked the same way: never a match the gate would have skipped."""

from __future__ import annotations

import random
import re
import sys

from pipelines.figures import gates, kind, lexicons, period
from pipelines.figures.clauses import _SENTENCE_END, CLAUSE, COMMA, HARD_BREAK, OPTION_CLAUSE, YEAR_PART
from pipelines.figures.clauses import QUOTE_CUT as _CLAUSE_END
from pipelines.figures.gates import first_chars, right_head
from pipelines.figures.lexicons import lexicon
from pipelines.figures.numerals import CN_DIGITS
from pipelines.figures.patterns import CN_LOCATOR
from pipelines.figures.suffix import reversed_left
from pipelines.figures.units import _URL
from pipelines.figures.units import url_spans as _url_spans

_FORECAST = lexicon("zh-Hans").forecast  # the compiled forecast cues of the Chinese and English lexicons

_CN = f"[{CN_DIGITS}]"


PLAIN = {
    "cn_locator": (
        CN_LOCATOR,
        re.compile(
            rf"[{CN_DIGITS}](?=百分之|{_CN}{{0,3}}(?:[到至-]{_CN}{{1,4}})?(?:分之|成|倍|秒|分钟|小时|天|星期|周|个|年)|半)"
            r"|过(?=半)|半(?=数)|(?<=[近逾])半(?![年月天日夜小个场])"
        ),
        [*CN_DIGITS, *"过半数近逾年月百分之成倍秒钟小时天星期周个到至-的 a1"],
    ),
    "forecast": (
        _FORECAST,
        re.compile(r"将|预计|预测|预期|计划|\bwill\b|\bexpect|\bforecast|\bprojected|\bplan|\bby 20\d\d"),
        ["will", "expect", "plan", "by 2025", "by 20", "x", " ", "_", "1", "将", "预", "计划", "forecast", "projected"],
    ),
    "sentence_end": (
        _SENTENCE_END,
        re.compile(r"[。!?\uff01\uff1f]+[”」』\"']?|(?<=[a-z0-9)%\"”])[.!?](?=\s+[\"“A-Z0-9(])"),
        [*"。!?\uff01\uff1f.”」』\"'a0)%“ A(\n中", "  ", ". A"],
    ),
    "clause_end": (_CLAUSE_END, re.compile(r"(?<!\d),|,(?!\d)|[;:、]"), list("1,;:、a 2")),
}


def _strings(parts: list[str], n: int, seed: int):
    rng = random.Random(seed)
    for _ in range(n):
        s = "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        i = rng.randint(0, len(s))
        yield s, i, rng.randint(i, len(s))


def test_fast_patterns_match_their_plain_spelling() -> None:
    for name, (fast, plain, parts) in PLAIN.items():
        for s, i, j in _strings(parts, 20_000, seed=len(name)):
            got = [m.span() for m in fast.finditer(s, i, j)]
            assert got == [m.span() for m in plain.finditer(s, i, j)], (name, s, i, j)


def test_url_spans_equal_a_full_scan() -> None:
    parts = ["://", "www.", "http", "a", "1", ".", " ", "中", "/", ":", "-", "w", "\n", "x://y"]
    for s, _, _ in _strings(parts, 20_000, seed=7):
        assert _url_spans(s) == [m.span() for m in _URL.finditer(s)], s


def test_url_spans_in_prose() -> None:
    norm = "详见 https://example.com/report?id=12 与 www.example.org/a,以及 2024 年的 35%。"
    assert [norm[s:e] for s, e in _url_spans(norm)] == ["https://example.com/report?id=12", "www.example.org/a,"]


# --- gates: cheap necessary conditions tested before a regex runs --------------------------------------


def test_first_chars_reads_the_pattern() -> None:
    assert first_chars(re.compile(r"\s*(?:in|for)\s+((?:19|20)\d\d)\b")) == frozenset("if")
    assert first_chars(re.compile(r"(?:a)?\s*b")) == frozenset("ab")  # an optional part, then spaces
    assert first_chars(re.compile(r"\s*[xy-]z(?=q)")) == frozenset("xy-")
    assert first_chars(re.compile(r"\s*(?:的|(?P<up>rise\b))")) == frozenset("的r")
    assert first_chars(re.compile(r"\s+\d")) >= frozenset("0123456789٣")  # \\d: every Unicode decimal digit
    for no_gate in (r"\s*a?", r".x", r"\s*[^a]", r"\s*(?:a|\s)", r"\s*\w", r"(?i)\s*x"):
        assert first_chars(re.compile(no_gate)) is None, no_gate  # empty, any, negated, a space, a category


def test_decimal_digits_are_all_below_the_third_plane() -> None:
    every = {ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isdecimal()}
    assert gates._decimal_digits() == every == {ch for ch in every if re.fullmatch(r"\d", ch)}


GATED = {  # pattern read right after a figure -> the words and characters that matter to it
    "change_right": (kind._CHANGE_RIGHT, ["的", "增长", "下降", "rise", "lower", "more", "x", "高速"]),
    "previous_right": (kind._PREVIOUS_RIGHT, [",", "in ", "for ", "last year", "a year ago", "the prior year", "x"]),
    "qualifier_after_zh": (lexicon("zh-Hans").qualifier_after, ["以上", "左右", "or more", "and over", "+", "plus"]),
    "qualifier_after_es": (lexicon("es").qualifier_after, ["o más", "o menos", "or less", "x"]),
    "years_ago_after": (period._YEARS_AGO_AFTER, ["两", "年前", "3", "٣", "two", "years ago", "ten", "s", "x"]),
}


def test_first_chars_gate_is_a_necessary_condition() -> None:
    for name, (pattern, words) in GATED.items():
        starts = first_chars(pattern)
        assert starts, name
        parts = [*words, " ", "  ", "\n", "a", "5%"]
        for s, _, _ in _strings(parts, 5_000, seed=len(name)):
            for i in range(len(s) + 1):
                if pattern.match(s, i):
                    assert right_head(s, i) in starts, (name, s, i)


def test_ends_with_gate_changes_no_answer() -> None:
    lex = lexicon("zh-Hans")
    keys = {  # matcher -> the lexicon keys its words come from
        "qualifier_before": ("qualifier_before", "qualifier_filler"),
        "qualifier_before_verb": ("qualifier_before", "change_verbs"),
        "change_before": ("change_before", "change_between"),
        "earlier_level_before": ("earlier_level_before", "earlier_level_between"),
        "gap_before": ("gap_before", "gap_between"),
        "gain_verbs": ("gain_verbs",),
        "not_a_figure_before": ("not_a_figure_before",),
    }
    for name, its_keys in keys.items():
        matcher = getattr(lex, name)
        words = sorted({w for f in lex.files for k in its_keys for w in _words(lexicons._load(f).get(k))})
        hits = 0
        for s, i, _ in _strings([*words, " ", "  ", "\n", "的", "x", "(", "5", "a"], 5_000, len(name)):
            plain = matcher._re.match(reversed_left(s, i), 0, matcher.span)
            assert matcher(s, i) == (plain.lastgroup if plain else None), (name, s, i)
            hits += plain is not None
        assert hits > 100, name  # the strings do hold the words


def _words(data: object) -> list[str]:
    """Every word of a loaded lexicon file (nested lists and groups flattened)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [w for v in data.values() for w in _words(v)]
    return [w for v in data or () for w in _words(v)]


def test_clause_start_is_the_last_break() -> None:
    breaks = (CLAUSE, OPTION_CLAUSE, HARD_BREAK, YEAR_PART, COMMA)
    for s, lo, hi in _strings(list(",;。!?\n—–ab 中5"), 20_000, seed=11):
        for b in breaks:
            plain = max(lo, *(s.rfind(ch, lo, hi) + 1 for ch in b.chars))
            assert b.clause_start(s, lo, hi) == plain, (b.name, s, lo, hi)
