"""extract_figures: every stated figure of a cleaned document, with its meaning and provenance.

Belongs here: the order in which the resolvers run and the assembly of ``Figure`` records, nothing
else. A candidate pre-scan (``patterns``: one compiled regex over the matching copy) finds the few
spans that can be figures; only around those do the resolvers run, which keeps extraction near
regex speed:

1. ``units``: drop candidates that are no stated figures (第 12 次, links, score points, margins of error)
2. ``kind``: a change (signed) or a level            4. ``qualifier``: ~ > < =
3. ``period``: current, previous or unknown, year    5. ``labels``: the answer option of each share

Each resolver is an ordered tuple of named rules (``python -m pipelines.figures.rules`` lists them);
their words come from the document language's lexicon (``lexicons/``).
"""

from __future__ import annotations

from pipelines.figures.clauses import Sentences
from pipelines.figures.document import CleanDocument
from pipelines.figures.kind import gap_hints, resolve_kind
from pipelines.figures.labels import label_sentences
from pipelines.figures.lexicons import lexicon
from pipelines.figures.period import resolve_period
from pipelines.figures.qualifier import resolve_qualifier
from pipelines.figures.rules import Reading
from pipelines.figures.units import LABELLED_UNITS, candidates
from pipelines.model import Figure

CONTEXT_WINDOW = 400  # characters before a figure that its meaning is read from (longer than real sentences)


def extract_figures(doc: CleanDocument, survey_year: int | None, language: str | None) -> list[Figure]:
    """All figures stated in ``doc.text``; ``language`` picks the lexicons the rules read (``lexicons.files_for``)."""
    norm, text = doc.norm, doc.text
    sentences = Sentences(text, norm)
    r = Reading(norm, survey_year, lexicon(language))
    r.gap_hints = gap_hints(norm)
    quotes: dict[tuple[int, int], str] = {}
    figures: list[Figure] = []
    by_sentence: dict[tuple[int, int], list[tuple[int, int, bool, int]]] = {}
    for c in candidates(r):
        sentence = r.sentence = sentences.bounds(c.start)
        # Context rules look back at most CONTEXT_WINDOW characters: a damaged page can be one
        # megabyte-long "sentence" with a thousand figures, and rescanning it per figure is quadratic.
        r.ctx = max(sentence[0], c.start - CONTEXT_WINDOW)
        kind, sign = resolve_kind(r)
        period, year = resolve_period(r)
        qs, qe = sentences.quote_bounds(c.start, c.end, sentence)
        quote = quotes.get((qs, qe))
        if quote is None:
            quote = quotes[(qs, qe)] = text[qs:qe].strip()
        fig = Figure(
            source="text",
            value=c.value * sign if sign else c.value,
            unit=c.unit,
            stated_as=text[c.start : c.end],
            quote=quote,
            kind=kind,
            qualifier=resolve_qualifier(r),
            period=period,
            year=year,
            section=doc.section_at(c.start),
            page=doc.page_at(c.start),
            char_start=c.start,
            char_end=c.end,
        )
        if c.unit in LABELLED_UNITS:
            member = (c.start, c.end, bool(sign) or period == "previous", len(figures))
            by_sentence.setdefault(sentence, []).append(member)
        figures.append(fig)
    label_sentences(text, norm, by_sentence, figures)
    return figures
