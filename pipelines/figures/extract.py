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

from bisect import bisect_right

from pipelines.figures.clauses import LIST_JOIN, RESPECTIVELY, Sentences
from pipelines.figures.document import CleanDocument
from pipelines.figures.gates import right_head
from pipelines.figures.kind import gap_hints, resolve_kind
from pipelines.figures.labels import label_sentences
from pipelines.figures.lexicons import lexicon
from pipelines.figures.patterns import Candidate
from pipelines.figures.period import YEAR_DIGITS, resolve_period, stated_year
from pipelines.figures.qualifier import resolve_qualifier
from pipelines.figures.rules import Reading
from pipelines.figures.units import LABELLED_UNITS, candidates
from pipelines.model import Figure

CONTEXT_WINDOW = 400  # characters before a figure that its meaning is read from (longer than real sentences)


def extract_figures(doc: CleanDocument, survey_year: int | None, language: str | None) -> list[Figure]:
    """All figures stated in ``doc.text``; ``language`` picks the lexicons the rules read (``lexicons.files_for``)."""
    norm, text = doc.norm, doc.text
    sentences = Sentences(text, norm)
    r = Reading(norm, survey_year, lexicon(language, norm))
    r.sentences = sentences
    r.gap_hints = gap_hints(r)
    quotes: dict[tuple[int, int], str] = {}
    figures: list[Figure] = []
    by_sentence: dict[tuple[int, int], list[tuple[int, int, bool, int]]] = {}
    # Page and section of each figure, looked up inline (one bisect, no method call per figure)
    one_page = doc.page_spans[0][2] if len(doc.page_spans) == 1 else None
    page_at = None if len(doc.page_spans) == 1 else doc.page_at
    heading_offsets = [o for o, _ in doc.headings]
    headings = doc.headings
    kind, sign, low_start = "level", 0, 0
    patch: Figure | None = None
    last_sign = 0
    for c in candidates(r):
        if c.form == "range_low":
            low_start = c.start
        sentence = r.sentence = sentences.bounds(c.start)
        # Context rules look back at most CONTEXT_WINDOW characters: a damaged page can be one
        # megabyte-long "sentence" with a thousand figures, and rescanning it per figure is quadratic.
        r.ctx = max(sentence[0], c.start - CONTEXT_WINDOW)
        after = norm[c.end : c.end + 1]
        if after == " ":  # most often one space, then the word after the figure
            after = norm[c.end + 1 : c.end + 2]
        r.after = right_head(norm, c.end) if after.isspace() else after
        if c.form != "range_high":
            kind, sign = resolve_kind(r)
            if (
                not sign and last_sign and kind == "level" and figures and figures[-1].unit == c.unit
                and LIST_JOIN.fullmatch(norm, figures[-1].char_end, c.start)
                and RESPECTIVELY.search(norm, *sentence)
            ):  # 每年分别增长 5%和 2.4%: figures listed after one change word share it
                kind, sign = "change", last_sign
        else:  # a range's two bounds are one kind, read over the whole range: 带来 3% 至 5% 的提升
            r.c = Candidate(low_start, c.end, c.value, c.unit, "=", "range_low")  # the whole range, read from its start
            high = resolve_kind(r)
            r.c = c
            if high[1] and not sign and figures and figures[-1].kind == "level":
                patch = figures[-1]  # the low bound read as a level: it takes the change's kind, sign and period
                patch.kind, patch.value = high[0], patch.value * high[1]
                kind, sign = high
        r.sign = last_sign = sign
        if r.year_in[0] != sentence:  # what the period rules' guards ask of a sentence, read once per sentence
            r.year_in = (sentence, YEAR_DIGITS.search(norm, *sentence) is not None)
            r.years_ago_in = norm.find("年前", *sentence) >= 0 or norm.find("years ago", *sentence) >= 0
        # the year stated next to a level (2023 年的 13%), which the period rules read
        r.explicit = stated_year(norm, c.start, c.end, r.ctx) if sign == 0 and r.year_in[1] else None
        period, year = resolve_period(r)
        if patch is not None:
            patch.period, patch.year, patch = period, year, None
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
            section=headings[h - 1][1] if (h := bisect_right(heading_offsets, c.start)) else None,
            page=page_at(c.start) if page_at else one_page,
            char_start=c.start,
            char_end=c.end,
        )
        if c.unit in LABELLED_UNITS:
            member = (c.start, c.end, bool(sign) or period == "previous", len(figures))
            by_sentence.setdefault(sentence, []).append(member)
        figures.append(fig)
    label_sentences(text, norm, by_sentence, figures)
    return figures
