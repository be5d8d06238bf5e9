from support import SOURCES

from pipelines.parse.html import drop_ruby_annotations, parse_html
from pipelines.parse.text import parse_text, plain_paragraphs


def test_markdown_markup_is_stripped_to_paragraph_lines():
    md = "# Title\n\n*Published 2024.*\n\n- 71% of **customers** agree\n1. [Read more](https://x.org) now\n"
    assert plain_paragraphs(md) == "Title\n\nPublished 2024.\n\n71% of customers agree\nRead more now\n"
    doc = parse_text(md, "markdown")
    assert doc.title == "Title" and doc.page_numbers == [None]


def test_markdown_soft_wrapped_lines_form_one_paragraph():
    md = (
        "## Channels\n\nWeb chat\nscored higher: 46% agreed.\n"
        "- first item\n  wraps here\n- second\n\n满意度\n上升了 5%。\n"
    )
    assert plain_paragraphs(md) == (
        "Channels\n\nWeb chat scored higher: 46% agreed.\nfirst item wraps here\nsecond\n\n满意度上升了 5%。\n"
    )


def test_plain_text_is_kept_verbatim():
    text = "第一段 40%\n\n* not a bullet marker here\n"
    assert parse_text(text, "text").pages == [text]


def test_ruby_annotations_are_dropped_before_extraction():
    html = "<html><body><p>客戶<ruby>體<rp>(</rp><rt>tǐ</rt><rp>)</rp></ruby>驗很重要</p></body></html>"
    cleaned = drop_ruby_annotations(html)
    assert "tǐ" not in cleaned and "體" in cleaned


def test_html_article_without_chrome_and_with_its_table():
    doc = parse_html((SOURCES / "northwind-retail-cx-2025.html").read_text(encoding="utf-8"))
    text = doc.pages[0]
    assert "Sixty-two percent of shoppers" in text
    assert "Speed is the new loyalty" in text.splitlines()  # headings stay as their own lines
    for chrome in ("Log in", "1,204 shares", "Copyright", "1-800-555-0199", "Most read"):
        assert chrome not in text
    assert doc.format == "html" and doc.title.startswith("Northwind Retail CX Pulse 2025")
    assert len(doc.tables) == 1
