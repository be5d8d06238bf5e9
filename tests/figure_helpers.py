"""Shortcuts for figure tests: extract from one sentence, or pick the one figure stated as X."""

from __future__ import annotations

from pipelines.figures import clean_document, detect_language, extract_figures
from pipelines.model import Figure


def figures(text: str, year: int | None = 2024, fmt: str = "text") -> list[Figure]:
    doc = clean_document([text], [None], fmt)
    return extract_figures(doc, year, detect_language(text))


def one(text: str, stated: str, year: int | None = 2024) -> Figure:
    found = [f for f in figures(text, year) if f.stated_as == stated]
    assert len(found) == 1, [f.stated_as for f in figures(text, year)]
    return found[0]
