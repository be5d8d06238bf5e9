"""Arbitrary Unicode through cleaning and extraction: never a crash, offsets always valid."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.figures import clean_document, detect_language, detect_survey_year, extract_figures

PIECES = st.sampled_from(
    ["40%", "四成", "三分之二", "一半", "上升了", "从", "到", "“", "”", "(", ")", "。", "\n", "half", "one in five",
     "近", "超過", "發(fā)", "?!邦A", "1/4", "24/7", "2.5 倍", "n=", ",", " "]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), PIECES), max_size=40))
def test_arbitrary_text_never_crashes(parts):
    text = "".join(parts)
    doc = clean_document([text, text[::-1]], [1, 2], "pdf")
    assert len(doc.norm) == len(doc.text)
    for f in extract_figures(doc, 2024, detect_language(text)):
        assert 0 <= f.char_start < f.char_end <= len(doc.text)
        assert doc.text[f.char_start : f.char_end] == f.stated_as
        assert f.unit and f.kind in ("level", "change") and f.qualifier in ("=", "~", ">", "<")
    detect_survey_year(text)
