"""HTML documents: the article's main content as plain paragraphs, plus its data tables.

Main-content extraction is trafilatura's job (the measured leader at dropping navigation, share
bars and footers). Ruby annotations (<rt>/<rp>) are removed first, because flattened ruby is where
the pinyin garble in scraped Chinese pages comes from.
"""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml.etree import ParserError

from pipelines.errors import ReportError
from pipelines.model import ParsedDocument
from pipelines.parse.html_tables import html_tables
from pipelines.parse.text import plain_paragraphs


def drop_ruby_annotations(html: str) -> str:
    """Remove <rt> and <rp> elements so ruby text does not leak into the article text."""
    if "<rt" not in html.lower() and "<rp" not in html.lower():
        return html
    try:
        tree = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return html
    for element in tree.xpath("//rt | //rp"):
        element.drop_tree()
    return lxml.html.tostring(tree, encoding="unicode")


def parse_html(html: str) -> ParsedDocument:
    html = drop_ruby_annotations(html)
    text = trafilatura.extract(
        html,
        output_format="markdown",
        include_tables=False,
        include_comments=False,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not text or not text.strip():
        raise ReportError("parse", "no article text found in the HTML page")
    metadata = trafilatura.extract_metadata(html)
    title = metadata.title if metadata is not None else None
    return ParsedDocument(
        format="html",
        pages=[plain_paragraphs(text)],
        page_numbers=[None],
        title=title,
        tables=html_tables(html),
    )
