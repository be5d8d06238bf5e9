"""Pipe tables in Markdown and plain-text reports: parsed as tables, taken out of the running text."""

from __future__ import annotations

from pipelines.parse import parse_document
from pipelines.parse.pipe_tables import split_pipe_tables
from pipelines.tables import table_figures

MARKDOWN = """# 门店体验调查

表 2:各渠道的满意度(%)

| 渠道 | 2024 年 | 2023 年 |
|:--- | ---: | ---: |
| 门店 | 71% | 66% |
| **小程序** | 64% | 58% |
| 电话 \\| 热线 | 49% | 52% |

小程序的满意度上升了 6 个百分点。
"""

TEXT = """Channel mix
| Channel | Share of contacts |
| --- | --- |
| Chat | 38% |
| Phone | 29% |
Chat now leads, with 38% of all contacts.
"""


def test_markdown_pipe_table_becomes_a_table_and_leaves_the_text():
    parsed = parse_document(MARKDOWN.encode(), filename="report.md")
    assert len(parsed.tables) == 1
    table = parsed.tables[0]
    assert table.table_id == "t1" and table.caption == "表 2:各渠道的满意度(%)"
    assert table.cells[0] == ["渠道", "2024 年", "2023 年"]
    assert [row[0] for row in table.cells[1:]] == ["门店", "小程序", "电话 | 热线"]  # markup and escapes read
    assert "71%" not in parsed.pages[0] and "上升了 6 个百分点" in parsed.pages[0]
    cells = {(f.row_label, f.column_label): f.value for f in table_figures(table)}
    assert cells[("小程序", "2024 年")] == 64.0 and cells[("电话 | 热线", "2023 年")] == 52.0
    assert {f.unit for f in table_figures(table)} == {"percent"}


def test_plain_text_pipe_table_under_a_title_line():
    parsed = parse_document(TEXT.encode(), filename="report.txt")
    (table,) = parsed.tables
    assert table.caption == "Channel mix"
    assert [(f.row_label, f.column_label, f.value) for f in table_figures(table)] == [
        ("Chat", "Share of contacts", 38.0), ("Phone", "Share of contacts", 29.0)
    ]
    assert parsed.pages[0].count("38%") == 1  # only the sentence keeps its figure


def test_pipes_without_a_delimiter_row_are_no_table():
    text = "Home | Research | Contact\nWe surveyed 500 firms | and 41% said yes.\n"
    assert split_pipe_tables(text) == (text, [])


def test_a_table_of_words_leaves_the_text_but_is_no_data_table():
    text = "| Term | Meaning |\n| --- | --- |\n| CSAT | satisfaction score |\n| NPS | net promoter score |\nEnd.\n"
    body, tables = split_pipe_tables(text)
    assert tables == [] and "CSAT" not in body and "End." in body


def test_a_table_cell_quotes_the_caption_and_sits_under_the_heading_above():
    """Table cells quote what the report prints (the caption) and take the nearest heading as section."""
    from pipelines.build import clean_stage
    from pipelines.model import SourceSpec
    from pipelines.tables import table_section

    parsed = parse_document(MARKDOWN.encode(), filename="report.md")
    cleaned = clean_stage(SourceSpec(report_id="r", file="report.md"), parsed)
    table = parsed.tables[0]
    figures = table_figures(table, section=table_section(table, cleaned.doc))
    assert {f.quote for f in figures} == {"表 2:各渠道的满意度(%)"}
    assert {f.section for f in figures} == {"门店体验调查"}
