"""Wordings real report PDFs use that the figure patterns must read (issue 12)."""

from __future__ import annotations

from pipelines.figures import clean_document, extract_figures


def shares(text: str) -> list[tuple[float, str, str]]:
    doc = clean_document([text], [None], "text")
    return [(f.value, f.unit, f.stated_as) for f in extract_figures(doc, 2022, "en")]


def test_a_word_over_digits_is_a_share():
    assert shares("Nearly seven in 10 customers prefer chat.") == [(70.0, "percent", "seven in 10")]
    assert shares("Seven out of 10 agents agree.") == [(70.0, "percent", "Seven out of 10")]


def test_a_rating_out_of_ten_is_no_share():
    assert shares("They rated it seven out of 10.") == []
