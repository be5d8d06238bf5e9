"""HTML documents: the article's main content as plain paragraphs, plus its data tables.

Main-content extraction is trafilatura's job (the measured leader at dropping navigation, share
bars and footers). Ruby annotations (<rt>/<rp>) are removed first, because flattened ruby is where
the pinyin garble in scraped Chinese pages comes from. Enormous inline data (base64 ``data:`` URIs,
megabyte scripts and styles) is cut first too: it is never article text, and trafilatura's
metadata scan over a 4 MB page with a 3 MiB inline image took 8.5 s against 0.3 s without it.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml.etree import ParserError

from pipelines.errors import ReportError
from pipelines.model import ParsedDocument
from pipelines.parse.html_tables import html_tables
from pipelines.parse.text import plain_paragraphs
from pipelines.tables import MAX_REPORT_CELLS, MAX_TABLE_COLS, MAX_TABLE_ROWS

_DATA_URI = re.compile(r"""data:[^"'()\s<>]{512,}""", re.IGNORECASE)
_SCRIPT_OR_STYLE = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)
MAX_INLINE_CHARS = 64 * 1024  # longer script or style bodies are dropped before extraction


def drop_inline_data(html: str) -> str:
    """Empty long ``data:`` URIs and oversized <script>/<style> bodies, which carry no article text."""
    html = _DATA_URI.sub("data:,", html)

    def shrink(match: re.Match[str]) -> str:
        if len(match.group(3)) <= MAX_INLINE_CHARS:
            return match.group(0)
        return match.group(1) + match.group(4)

    return _SCRIPT_OR_STYLE.sub(shrink, html)


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


_CELL_TAG = re.compile(r"<t[dh][\s>]", re.IGNORECASE)


def cap_table_markup(html: str, warnings: list[str]) -> str:
    """Drop table rows past ``MAX_TABLE_ROWS`` and cells past ``MAX_TABLE_COLS`` from the page.

    Only pages with more cells than one report may publish are rewritten (a cheap count decides),
    so ordinary pages reach trafilatura byte for byte. A 1000 x 1000 table took trafilatura 67 s
    and 1.1 GiB even though tables are not part of the article text.
    """
    if len(_CELL_TAG.findall(html)) <= MAX_REPORT_CELLS:
        return html
    try:
        tree = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return html
    budget = MAX_REPORT_CELLS
    for number, table in enumerate(list(tree.iter("table")), 1):
        if budget <= 0:
            table.drop_tree()
            warnings.append(f"HTML table {number} dropped: over {MAX_REPORT_CELLS} cells per report")
            continue
        rows = [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]
        widest = max((sum(1 for td in tr if td.tag in ("td", "th")) for tr in rows), default=0)
        budget -= min(len(rows), MAX_TABLE_ROWS) * min(widest, MAX_TABLE_COLS)
        if len(rows) <= MAX_TABLE_ROWS and widest <= MAX_TABLE_COLS:
            continue
        for tr in rows[MAX_TABLE_ROWS:]:
            tr.drop_tree()
        for tr in rows[:MAX_TABLE_ROWS]:
            for td in [td for td in tr if td.tag in ("td", "th")][MAX_TABLE_COLS:]:
                td.drop_tree()
        warnings.append(
            f"HTML table {number}: {len(rows)} rows x {widest} cells cut to {min(len(rows), MAX_TABLE_ROWS)} rows "
            f"and {min(widest, MAX_TABLE_COLS)} cells (tables.MAX_TABLE_ROWS, MAX_TABLE_COLS)"
        )
    return lxml.html.tostring(tree, encoding="unicode")


def parse_html(html: str) -> ParsedDocument:
    warnings: list[str] = []
    html = cap_table_markup(drop_ruby_annotations(drop_inline_data(html)), warnings)
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
    metadata = trafilatura.extract_metadata(html, extensive=False)  # only the title is used: no date search
    title = metadata.title if metadata is not None else None
    return ParsedDocument(
        format="html",
        pages=[plain_paragraphs(text)],
        page_numbers=[None],
        title=title,
        tables=html_tables(html, warnings),
        warnings=warnings,
    )
