"""Cue words per language, as data: one YAML file per language, compiled into the fast matchers rules read.

Belongs here: loading the lexicon files beside this module (``en.yaml``, ``zh.yaml``, ``common.yaml``
for symbols, and any further language) and compiling them into ``Lexicon``: ``EndsWith`` matchers
(one anchored match on the reversed left window) and regexes. The rules that read a lexicon live in
the resolvers (``units``, ``kind``, ``period``, ``qualifier``); grammar that is more than a word list
(``7% 的增长`` reads a gain noun after 的) stays in those modules' patterns.

Which files a document reads (``files_for``): ``common`` and ``en`` always (reports in any
language quote English terms and phrasing), the file of the language's base code (zh-Hant and
zh-Hans read ``zh.yaml``), and every file that declares a ``script`` the text is written in (an
English report quoting Chinese reads ``zh.yaml``: its words hold CJK characters, so they can match
only where the text has some, which makes reading it there exactly as good as reading it always).
A language with no file of its own reads every file. Adding a language is one file here
(``es.yaml``: the same keys, that language's words) and its tests.
Population cue words (who a share counts) live in ``pipelines.semantics.lexicon``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from pipelines.figures.gates import first_chars
from pipelines.figures.suffix import EndsWith

FOLDER = Path(__file__).resolve().parent
ALWAYS = ("common", "en")
# Group order of each grouped key: an EndsWith tries its groups in this order, so it is part of the rule
# (最近 is "none" before 近 is "approx"), not of the data.
GROUPS = {
    "qualifier_before": ("none", "approx", "at_most", "more", "less", "exact"),
    "qualifier_after": ("at_least", "at_most", "more", "less", "approx"),
    "change_before": ("none", "up", "down", "than_up", "than_down"),
    "earlier_level_before": ("previous", "compare"),
    "not_a_figure_before": ("ordinal", "reference"),
}


@cache
def available() -> tuple[str, ...]:
    """Names of the lexicon files beside this module."""
    return tuple(sorted(p.stem for p in FOLDER.glob("*.yaml")))


def files_for(language: str | None, norm: str = "") -> tuple[str, ...]:
    """The lexicon files a document in ``language`` reads: common, English, its own, those of scripts in ``norm``."""
    names = available()
    base = (language or "").split("-")[0].lower()
    if base not in names:
        return names  # no file of its own: every cue of every language
    chosen = [n for n in ALWAYS if n in names] + [base]
    for name in names:
        script = _script(name)
        if name not in chosen and script is not None and script.search(norm):
            chosen.append(name)
    return tuple(dict.fromkeys(chosen))


@cache
def _script(name: str) -> re.Pattern[str] | None:
    """The character class a lexicon's words are written in, when it declares one (``script:``)."""
    script = _load(name).get("script")
    return re.compile(script) if script else None


@cache
def _load(name: str) -> dict:
    data = yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8")) or {}
    unknown = set(data) - KEYS
    if unknown:
        raise ValueError(f"lexicon {name}.yaml: unknown keys {sorted(unknown)}; known: {sorted(KEYS)}")
    return data


def words(names: tuple[str, ...], key: str) -> list[str]:
    """The words of a flat key, file after file."""
    return [w for name in names for w in _load(name).get(key) or ()]


def groups(names: tuple[str, ...], key: str) -> dict[str, list[str]]:
    """The words of a grouped key, in the rule's group order, empty groups left out (they would match anything)."""
    merged = {g: [w for name in names for w in (_load(name).get(key) or {}).get(g) or ()] for g in GROUPS[key]}
    return {g: ws for g, ws in merged.items() if ws}


def _at_word_start(fragment: str) -> str:
    r"""``\bfragment`` with the boundary test moved behind the first letter: the same matches.

    Why: when every branch of a pattern opens with a literal, re's search skips straight to those
    characters; one branch opening with ``\b`` makes it try every position of the window instead
    (the forecast rule reads up to 400 characters before each figure).
    """
    return rf"{fragment[0]}(?<!\w{fragment[0]}){fragment[1:]}"


def _word_end(word: str) -> str:
    """An escaped word; an English one must end at a word boundary ("or more" but not "or moreover")."""
    escaped = re.escape(word)
    return escaped + r"\b" if word[-1].isascii() and word[-1].isalpha() else escaped


@dataclass(frozen=True)
class Lexicon:
    """The compiled cues of one set of lexicon files (see the YAML files' header for each key)."""

    files: tuple[str, ...]
    qualifier_before: EndsWith
    qualifier_before_verb: EndsWith
    verb_last_chars: frozenset[str]
    qualifier_after: re.Pattern[str]
    qualifier_after_starts: frozenset[str] | None  # first_chars(qualifier_after): a guard's cheap test
    change_before: EndsWith
    earlier_level_before: EndsWith
    gap_before: EndsWith
    gap_hints: re.Pattern[str]
    gain_verbs: EndsWith
    forecast: re.Pattern[str]
    last_year: re.Pattern[str]
    not_a_figure_before: EndsWith
    bound_words: tuple[str, ...]
    negated: re.Pattern[str]
    earlier_finding: re.Pattern[str]
    this_year: re.Pattern[str]
    range_over_items: re.Pattern[str]


KEYS = {
    "script", "qualifier_before", "qualifier_filler", "qualifier_after", "change_verbs", "change_before",
    "change_between", "earlier_level_before", "earlier_level_between", "gap_before", "gap_between", "gap_hints",
    "gain_verbs", "forecast", "last_year", "not_a_figure_before", "negation", "earlier_finding", "finding_continues",
    "this_year", "range_over_items",
}


@lru_cache(maxsize=16)
def compile_lexicon(names: tuple[str, ...]) -> Lexicon:
    """Compile the named lexicon files into matchers (cached: one compile per set of files)."""
    qualifier = groups(names, "qualifier_before")
    verbs = words(names, "change_verbs")
    after = groups(names, "qualifier_after")
    forecast = words(names, "forecast")
    qualifier_after = re.compile(
        r"\s*(?:" + "|".join(f"(?P<{g}>{'|'.join(map(_word_end, ws))})" for g, ws in after.items()) + ")"
    )
    return Lexicon(
        files=names,
        qualifier_before=EndsWith(qualifier, between=words(names, "qualifier_filler")),
        qualifier_before_verb=EndsWith(qualifier, between=verbs),
        verb_last_chars=frozenset(v[-1] for v in verbs),
        qualifier_after=qualifier_after,
        qualifier_after_starts=first_chars(qualifier_after),
        change_before=EndsWith(
            groups(names, "change_before"), between=words(names, "change_between"), repeat=True, span=30
        ),
        earlier_level_before=EndsWith(
            groups(names, "earlier_level_before"), between=words(names, "earlier_level_between")
        ),
        gap_before=EndsWith({"gap": words(names, "gap_before")}, between=words(names, "gap_between")),
        gap_hints=re.compile("|".join(re.escape(w) for w in words(names, "gap_hints")) or r"(?!)"),
        gain_verbs=EndsWith({"bring": words(names, "gain_verbs")}),
        forecast=re.compile(
            "|".join(_at_word_start(f) if f[0].isascii() and f[0].isalpha() else f for f in forecast)
        ),
        last_year=re.compile("|".join(re.escape(p) for p in words(names, "last_year"))),
        not_a_figure_before=EndsWith(groups(names, "not_a_figure_before")),
        bound_words=tuple(w for g in ("more", "less", "at_most") for w in qualifier.get(g, ())),
        negated=re.compile(
            r"(?<![a-z])(?:" + "|".join(map(_word_end, words(names, "negation")) or [r"(?!)"])
            + r")[^,;:.!?，。；：！？\n]*$"
        ),
        earlier_finding=re.compile(
            r"\s*(?:(?P<opens>" + ("|".join(words(names, "earlier_finding")) or r"(?!)") + r")|(?P<continues>"
            + ("|".join(words(names, "finding_continues")) or r"(?!)") + r"))"
        ),
        this_year=re.compile("|".join(re.escape(p) for p in words(names, "this_year")) or r"(?!)"),
        range_over_items=re.compile(
            r"(?<![a-z])(?:" + ("|".join(map(_word_end, words(names, "range_over_items"))) or r"(?!)") + ")"
        ),
    )


def lexicon(language: str | None, norm: str = "") -> Lexicon:
    """The compiled lexicon a document in ``language`` (matching copy ``norm``) reads."""
    return compile_lexicon(files_for(language, norm))
