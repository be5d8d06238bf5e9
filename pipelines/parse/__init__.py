"""Parsing: raw bytes of one report -> ``ParsedDocument`` (page texts, tables, chart figures).

``parse_document`` picks the parser from the sniffed format; each format's module knows only its
own layout problems (PDF running headers, HTML chrome, Markdown markup).
"""

from __future__ import annotations

from pipelines.model import ParsedDocument


def parse_document(
    data: bytes,
    *,
    filename: str | None = None,
    declared_format: str | None = None,
    content_type: str | None = None,
    max_pages: int = 2000,
) -> ParsedDocument:
    from pipelines.ingest.sniff import charset_of, decode_text, sniff_format

    fmt = declared_format or sniff_format(data, filename, content_type)
    if fmt == "pdf":
        from pipelines.parse.pdf import parse_pdf

        return parse_pdf(data, max_pages=max_pages)
    text = decode_text(data, declared=charset_of(content_type) if content_type else None)
    if fmt == "html":
        from pipelines.parse.html import parse_html

        return parse_html(text)
    from pipelines.parse.text import parse_text

    return parse_text(text, fmt)
