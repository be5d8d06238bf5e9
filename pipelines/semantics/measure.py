"""``measure``: what a figure measures, as a short normalised English phrase built from its sentence.

Rules, in order:

1. ``english_predicate``: English quotes: the words of the figure's clause after its population noun,
   reporting verbs and function words dropped, lower case, at most ``max_words`` words.
   "76 percent of respondents said they would not buy from a company they do not trust with their
   data" -> "not buy from company do not trust with data".
2. ``label_phrase``: an English answer label or row label when the clause gives no words.
   label "Setting Prices" -> "setting prices".
3. ``glossary_terms``: Chinese quotes: the English glossary phrase of each glossary term in the
   figure's clause (the label first), in reading order, without repeats.
   "80% 的消费者表示最近使用过AI辅助工具" -> "consumers recently use ai assisted tools".
4. None when nothing is left.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.semantics.lexicon import load
from pipelines.semantics.text import Context, fold

RULES = ("english_predicate", "label_phrase", "glossary_terms")
_WORD = re.compile(r"[a-z][a-z0-9'’\-]*")
_FIGURE_WORDS = re.compile(r"^(?:\s*(?:percent|per cent|%|of|the|all|u\.s\.)\b)+")


@lru_cache(maxsize=1)
def _glossary() -> tuple[re.Pattern[str], dict[str, str]]:
    terms = {fold(k): v for k, v in load("glossary")["terms"].items()}
    pattern = re.compile("|".join(re.escape(k) for k in sorted(terms, key=len, reverse=True)))
    return pattern, terms


def glossary_terms(text: str) -> list[str]:
    """English phrases of the glossary terms found in folded Chinese ``text`` (longest term first)."""
    pattern, terms = _glossary()
    return [terms[m.group(0)] for m in pattern.finditer(text)]


def _english(words: list[str]) -> str | None:
    spec = load("measure")
    lead, stop, limit = set(spec["lead_in"]), set(spec["stop"]), int(spec["max_words"])
    while words and words[0] in lead:
        words = words[1:]
    kept = [w for w in words if w not in stop][:limit]
    return " ".join(kept) or None


def measure(ctx: Context, label: str = "", language: str = "en") -> tuple[str | None, str | None]:
    """(phrase, rule)."""
    label_f = fold(label)
    if language == "en":
        after = _FIGURE_WORDS.sub("", ctx.after)
        phrase = _english(_WORD.findall(after))
        if not phrase:
            phrase = _english(_WORD.findall(ctx.before))
        if phrase:
            return phrase, "english_predicate"
    if label_f and re.search(r"[a-z]", label_f) and not re.search(r"[\u3400-\u9fff]", label_f):
        phrase = _english(_WORD.findall(label_f))
        if phrase:
            return phrase, "label_phrase"
    words: list[str] = []
    for phrase in glossary_terms(label_f) + glossary_terms(ctx.clause_text):
        if phrase not in words:
            words.append(phrase)
    if words:
        return " ".join(words[: load("measure")["max_words"]]), "glossary_terms"
    return None, None
