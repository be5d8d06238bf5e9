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


def meaning(text: str, survey_year: int = 2013) -> list[tuple[float, str, str]]:
    doc = clean_document([text], [None], "text")
    return [(f.value, f.kind, f.period) for f in extract_figures(doc, survey_year, "zh-Hans")]


def test_growth_rate_words_mark_a_change():
    assert meaning("2020 年我国算力依然保持 55%的高位增长。", 2021)[0][:2] == (55.0, "change")
    assert meaning("全球算力增速达到 39%。", 2021)[0][:2] == (39.0, "change")


def test_in_the_earlier_survey_dates_the_figure():
    assert meaning("In the 2012 survey, 57 percent of respondents said they worked in IT operations.") == [
        (57.0, "level", "previous")]
