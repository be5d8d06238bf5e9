"""Provenance: quote, section, page, offsets, script, language and survey year of figures."""

from __future__ import annotations

from figure_helpers import figures

from pipelines.figures import clean_document, detect_language, detect_survey_year, extract_figures


def test_provenance_quote_section_offsets():
    text = "客戶體驗現狀\n品牌面臨的挑戰越來越多。超過五分之四的企業認為數字體驗很重要。"
    doc = clean_document([text], [None], "text")
    (f,) = extract_figures(doc, 2024, "zh-Hant")
    assert doc.text[f.char_start : f.char_end] == f.stated_as == "五分之四"
    assert f.section == "客戶體驗現狀"
    assert f.page is None
    assert f.quote.startswith("品牌面臨的挑戰越來越多。超過五分之四")  # widened: the figure opens its sentence
    assert f.qualifier == ">"


def test_quote_keeps_traditional_script_without_pinyin():
    (f,) = figures("這是一個快速發(fā)展的領域,有 40% 的企業投資。")
    assert f.quote == "這是一個快速發展的領域,有 40% 的企業投資。"


def test_language_and_survey_year():
    assert detect_language("Customer experience leaders surveyed in 2024.") == "en"
    assert detect_language("數字客戶體驗報告顯示,企業的數據與體驗發展迅速。") == "zh-Hant"
    assert detect_language("数字客户体验报告显示,企业的数据与体验发展迅速。") == "zh-Hans"
    assert detect_survey_year("2023 全球客户互动报告\n正文") == 2023
    assert detect_survey_year("In 2022 we surveyed 900 people.") == 2022
    assert detect_survey_year("no year here") is None
