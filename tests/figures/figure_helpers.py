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


def shares(text: str) -> list[tuple[float, str, str]]:
    """(value, unit, stated_as) of an English text's figures, survey year 2022 (real-PDF wordings)."""
    doc = clean_document([text], [None], "text")
    return [(f.value, f.unit, f.stated_as) for f in extract_figures(doc, 2022, "en")]


def meaning(text: str, survey_year: int = 2013) -> list[tuple[float, str, str]]:
    """(value, kind, period) of a text's figures read as a Chinese report (real-PDF wordings)."""
    doc = clean_document([text], [None], "text")
    return [(f.value, f.kind, f.period) for f in extract_figures(doc, survey_year, "zh-Hans")]
