"""``population``: whom a figure counts, from the words next to it.

Rules, in order; the first that answers wins:

0. ``measured_after``: a measure right after the figure that says whom it counts
   (``measured_after`` in population.yaml): "81% 的高客户满意度 (CSAT)" -> consumers.
1. ``owner_after``: a population noun right after the figure in its clause, perhaps after a
   bracketed aside or a modifier (``owner_modifiers``): "43% of consumers say ..." -> consumers;
   "63% 的营销人员" -> marketers; "近一半(48%)的组织" -> businesses; "45% 的小型公司" -> businesses.
   ``owner_bracketed``: the figure in brackets right after its noun: "organizations (92%)" -> businesses.
2. ``owner_before``: the nearest population noun before the figure in its clause.
   "营销人员中有 63% ..." -> marketers; "among marketers, 63%" (same clause) -> marketers;
   "全球营业额的 4%" -> other (a quantity that counts no one: revenue, traffic, a category).
3. ``sentence_owner``: the nearest population noun before the figure in its sentence.
   "Marketers struggle: 63% ..." -> marketers.
   ``previous_sentence_owner``: else the last one in the sentence before (Chinese prose names its
   subject once: "那些组织……。49% 表示……" -> businesses).
   Rules 2-3 skip nouns inside quotation marks (an answer option: “解放员工……”(51%)) and company
   sizes ("companies with 5,000-9,999 employees").
4. ``report_default``: where the report names whom it surveyed (below), its respondents:
   DORA's "50% in 2019" (North America's share of respondents) -> it_developers.
5. ``label_owner``: a population noun in the answer label, row or column header.
   row "电视应用加固" -> other.
6. ``section_owner``: a population noun in the nearest heading.
7. ``report_counts``: the population the report's figures most often count ("X% 的电视" -> other).

In English only people nouns own a figure from a distance (rules 2-3): "would trust a company
less" does not make the figure a businesses' one.

The noun ``respondents`` (受访者, "those surveyed", teams) is resolved per report by
``report_respondents``: the population named in the report's title, else the base of its largest
sample statement (``sample.py``), else the population most often named in its figures' clauses;
where the report names none, the people noun of the figure's own sentence (``sentence_people``:
"消费者……,而 59% 的受访者……" -> consumers).
Then ``practice_is_business``: a leaders' figure whose sentence (or the one before, or its heading
"投资于技术和工具") carries a practice verb (use, invest, adopt, 使用, 投资) counts businesses, as
the vocabulary files practices there. Last ``paired_value`` (``pipelines.semantics.__init__``): the
earlier value of a from-to pair counts whom its later value counts when only the later one names
its noun ("只有 12% 的组织……比 13% 略有下降": 13% -> businesses).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from pipelines.semantics.lexicon import load, word_pattern
from pipelines.semantics.text import Context, fold

RESPONDENTS = "respondents"
RULES = (
    "measured_after",
    "owner_after",
    "owner_bracketed",
    "owner_before",
    "sentence_owner",
    "previous_sentence_owner",
    "report_default",
    "label_owner",
    "section_owner",
    "report_counts",
)


@lru_cache(maxsize=1)
def _cues() -> list[tuple[str, object]]:
    cues = load("population")["cues"]
    return [(name, word_pattern(spec.get("en", []) + spec.get("zh", []))) for name, spec in cues.items()]


@lru_cache(maxsize=1)
def _not_owner():
    spec = load("population")["not_owner"]
    return word_pattern(spec["en"] + spec["zh"], prefix=True)


# What may stand between a figure and the noun it counts: "43% of consumers", "76 percent of all
# U.S. respondents", "63% 的营销人员", "80% 以上的受访者", "近一半(48%)的组织", "45% 的小型公司"
# (a modifier of ``owner_modifiers`` in population.yaml).
_ASIDE = r"(?:[)）]|[(（][^()（）]{0,12}[)）])?"
_AFTER_GAP_EN = re.compile(
    r"^\s*" + _ASIDE + r"\s*(?:percent|per cent|%)?\s*(?:of\s+)?(?:(?:the|all|those|surveyed|global|u\.s\.|us|uk|"
    r"responding|participating|[a-z]+-?based)\s+)*$"
)


@lru_cache(maxsize=1)
def _after_gap_zh() -> re.Pattern[str]:
    modifiers = "|".join(re.escape(m) for m in sorted(load("population")["owner_modifiers"], key=len, reverse=True))
    return re.compile(
        r"^\s*"
        + _ASIDE
        + r"\s*(?:以上|左右|多)?\s*(?:的|是|为)?\s*(?:被调查|被测|被检测|接受调查|受访|接受测试)?(?:的)?"
        r"\s*(?:(?:" + modifiers + r")\s*)*$"
    )


def _after_gap(gap: str) -> bool:
    return bool(_AFTER_GAP_EN.match(gap) or _after_gap_zh().match(gap))


@lru_cache(maxsize=1)
def _measured() -> list[tuple[str, re.Pattern[str]]]:
    spec = load("population")["measured_after"]
    return [
        (name, word_pattern(words.get("en", []) + words.get("zh", []), prefix=True)) for name, words in spec.items()
    ]


# Sizes name no one: "companies with 5,000-9,999 employees", "拥有 5000 多名员工的公司".
_SIZE = re.compile(r"\d[\d,.]*(?:\s*[-–—~]\s*\d[\d,.]*)?\+?\s*(?:多名|名|个)?\s*(?:employees|staff|workers|员工|职员)")
# An answer option in quotation marks names what was answered, not who answered ("解放员工" in
# “解放员工,让他们从事更高级别的工作”(51%)).
_QUOTED = re.compile(r"[“「『\"][^”」』\"]{1,60}[”」』\"]")


# A figure in brackets right after its noun: "the vast majority of organizations (92%)".
_BRACKETED = re.compile(r"([a-z][a-z-]*)\s*[(（]\s*$")


def _blank(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


@lru_cache(maxsize=1)
def _practice():
    spec = load("population")["practice_verbs"]
    return word_pattern(spec["en"] + spec["zh"], prefix=True)


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, population) of every population noun in folded ``text``, longest match first."""
    text = _blank(_SIZE, _blank(_not_owner(), text))
    found: list[tuple[int, int, str]] = []
    for name, pattern in _cues():
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), name))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept, last_end = [], -1
    for start, end, name in found:
        if start >= last_end:
            kept.append((start, end, name))
            last_end = end
    return kept


# Nouns that own a figure from a distance only when they name people: in English the organisation or
# object further away is usually what people talk about ("would trust a company less").
_PEOPLE = {"consumers", "leaders", "employees", "marketers", "it_developers", "public", RESPONDENTS}


def owner(ctx: Context, language: str = "en", previous: str = "") -> tuple[str | None, str | None]:
    """(population or "respondents" or None, the rule that decided); ``previous`` is the folded sentence
    before the figure's own (the quote of the figure before it), for ``previous_sentence_owner``."""
    for name, pattern in _measured():
        m = pattern.search(ctx.after) if pattern else None
        if m and _after_gap(ctx.after[: m.start()]):
            return name, "measured_after"
    after = mentions(ctx.after)
    if after and _after_gap(ctx.after[: after[0][0]]):
        return after[0][2], "owner_after"
    distant = (lambda m: m[2] in _PEOPLE) if language == "en" else (lambda m: True)
    masked = _blank(_QUOTED, ctx.text)  # blanked whole, so a quotation cut by a clause end is still found
    bracketed = _BRACKETED.search(masked[ctx.clause[0] : ctx.start])
    if bracketed and mentions(bracketed.group(1)):
        return mentions(bracketed.group(1))[-1][2], "owner_bracketed"
    before = [m for m in mentions(masked[ctx.clause[0] : ctx.start]) if distant(m)]
    if before:
        return before[-1][2], "owner_before"
    sentence = [m for m in mentions(masked[ctx.sentence[0] : ctx.start]) if distant(m)]
    if sentence:
        return sentence[-1][2], "sentence_owner"
    earlier = [m for m in mentions(_blank(_QUOTED, previous)) if distant(m)] if language != "en" else []
    if earlier:
        return earlier[-1][2], "previous_sentence_owner"
    return None, None


def sentence_people(ctx: Context) -> str | None:
    """The last people noun (not "respondents") in the figure's sentence: whom "respondents" means
    when the report names no surveyed population ("消费者对智能手机的使用增加了 29 个百分点,而 59% 的
    受访者…" -> consumers)."""
    hits = [m[2] for m in mentions(_blank(_QUOTED, ctx.sentence_text)) if m[2] in _PEOPLE and m[2] != RESPONDENTS]
    return hits[-1] if hits else None


def weak_owner(label: str = "", section: str = "") -> tuple[str | None, str | None]:
    """Rules 4-5 (``label_owner``, ``section_owner``): used only where the report names no respondents."""
    for text, rule in ((label, "label_owner"), (section, "section_owner")):
        hits = mentions(text)
        if hits and hits[0][2] != RESPONDENTS:
            return hits[0][2], rule
    return None, None


def report_respondents(title: str, sample_bases: Iterable[str], named: Iterable[str]) -> str | None:
    """Whom a report surveyed: a title cue, else the largest sample's base noun, else the most named
    population among its figures (businesses and other excluded: those are what respondents talk
    about), else leaders where the figures name only businesses (TrustArc's privacy professionals)."""
    cues = load("population")["report_cues"]
    folded = fold(title).replace("-", " ")
    for name, spec in cues.items():
        pattern = word_pattern(spec.get("en", []) + spec.get("zh", []), prefix=True)
        if folded and pattern and pattern.search(folded):
            return name
    for base in sample_bases:  # the head noun comes last: 数字客户体验领导者, "CX leaders"
        hits = [m[2] for m in mentions(fold(base)) if m[2] not in (RESPONDENTS, "other")]
        if hits:
            return hits[-1]
    counts = Counter(n for n in named if n not in (RESPONDENTS, "other", "businesses", None))
    if counts:
        return counts.most_common(1)[0][0]
    # a survey that talks only about companies was answered by people speaking for them
    return "leaders" if "businesses" in named else None


def is_practice(ctx: Context, previous: str = "", section: str = "") -> bool:
    """Whether the figure's sentence (or the one before, or its heading: "投资于技术和工具") reports
    something done or used (the ``practice_is_business`` cue)."""
    if _opinion().search(ctx.sentence_text):
        return False
    return any(_practice().search(text) for text in (ctx.sentence_text, previous, section) if text)


@lru_cache(maxsize=1)
def _opinion():
    spec = load("population")["opinion_verbs"]
    return word_pattern(spec["en"] + spec["zh"])
