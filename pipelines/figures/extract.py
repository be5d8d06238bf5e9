"""extract_figures: every stated figure of a cleaned document, with its meaning and provenance.

A candidate pre-scan (one compiled regex over the matching copy) finds the few spans that can be
figures; only around those do the context rules run, which keeps extraction near regex speed.
"""

from __future__ import annotations

import re

from pipelines.figures.document import CleanDocument
from pipelines.figures.labels import assign_labels
from pipelines.figures.meaning import change_sign, is_forecast, is_previous, qualifier, stated_year
from pipelines.figures.patterns import Candidate, scan
from pipelines.figures.quotes import Sentences
from pipelines.figures.suffix import EndsWith
from pipelines.model import Figure

_ORDINAL_OR_REFERENCE = EndsWith(
    {"ordinal": ("第",), "reference": ("top", "no.", "#", "page", "p.", "vol.", "version", "v", "chapter", "figure")}
)
_LAST_YEAR = re.compile(r"去年|上一年|上年|同比|last year|previous year|prior year|a year (?:ago|earlier)")
_LABELLED_UNITS = ("percent", "percentage_points")
_CLAUSE_START = re.compile(r"[,,;;。!?!?\n]")


def _in_url(norm: str, start: int) -> bool:
    """Whether the token holding ``start`` is a link (figures in URLs are not stated figures)."""
    lo = max(0, start - 200)
    token = norm[max(norm.rfind(" ", lo, start), norm.rfind("\n", lo, start)) + 1 : start]
    return "://" in token or "www." in token or token.endswith("/")


def candidates(norm: str) -> list[Candidate]:
    """Parsed figure candidates of the matching copy, minus ordinals, references and URLs.

    第 12 次 and page 12 are no figures; "top 10%" is one, so only 第 stops a percent.
    """
    out = []
    for c in scan(norm):
        before = _ORDINAL_OR_REFERENCE(norm, c.start)
        if before == "ordinal" or (before == "reference" and c.unit not in ("percent", "percentage_points")):
            continue
        if norm[c.start].isdigit() and _in_url(norm, c.start):
            continue
        out.append(c)
    return out


def _clause_start(norm: str, sentence_start: int, start: int) -> int:
    last = sentence_start
    for m in _CLAUSE_START.finditer(norm, sentence_start, start):
        last = m.end()
    return last


def extract_figures(doc: CleanDocument, survey_year: int | None, language: str) -> list[Figure]:
    """All figures stated in ``doc.text``; ``language`` is accepted for the interface (rules cover all)."""
    del language  # the matching copy is Simplified and lower-case, so one rule set serves every language
    norm, text = doc.norm, doc.text
    found = candidates(norm)
    if not found:
        return []
    sentences = Sentences(text, norm)
    quotes: dict[tuple[int, int], str] = {}
    figures: list[Figure] = []
    by_sentence: dict[tuple[int, int], list[tuple[int, int, bool, int]]] = {}
    for c in found:
        previous = is_previous(norm, c.start, c.end)
        sign = 0 if previous else change_sign(norm, c.start, c.end)
        sentence = sentences.bounds(c.start)
        period = "previous" if previous else "current"
        year = survey_year
        if previous:
            explicit = stated_year(norm, c.start, c.end)
            last_year = survey_year - 1 if survey_year and _LAST_YEAR.search(norm, *sentence) else None
            year = explicit or last_year
        if (sign != 0 or c.unit == "multiple") and is_forecast(
            norm, _clause_start(norm, sentence[0], c.start), c.start
        ):
            period, year = "unknown", None
        qs, qe = sentences.quote_bounds(c.start, c.end)
        quote = quotes.get((qs, qe))
        if quote is None:
            quote = quotes[(qs, qe)] = text[qs:qe].strip()
        fig = Figure(
            source="text",
            value=c.value * sign if sign else c.value,
            unit=c.unit,
            stated_as=text[c.start : c.end],
            quote=quote,
            kind="change" if sign else "level",
            qualifier=qualifier(norm, c.start, c.end, c.qualifier),
            period=period,
            year=year,
            section=doc.section_at(c.start),
            page=doc.page_at(c.start),
            char_start=c.start,
            char_end=c.end,
        )
        if c.unit in _LABELLED_UNITS:
            member = (c.start, c.end, bool(sign) or previous, len(figures))
            by_sentence.setdefault(sentence, []).append(member)
        figures.append(fig)
    for sentence, members in by_sentence.items():
        labels = assign_labels(text, norm, sentence, [(s, e, cont) for s, e, cont, _ in members])
        for (_, _, _, idx), label in zip(members, labels, strict=True):
            figures[idx].label = label
    return figures
