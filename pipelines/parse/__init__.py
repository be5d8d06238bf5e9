"""Parsing: raw bytes of one report -> ``ParsedDocument`` (page texts, tables, chart figures).

``parse_document`` picks the parser from the sniffed format; each format's module knows only its
own layout problems (PDF running headers, HTML chrome, Markdown markup). PDFs pass the
decompression check (``pipelines.ingest.limits``) first, because the PDF libraries inflate streams
in C, beyond the reach of any Python limit.
"""

from __future__ import annotations

from pipelines.errors import ReportError
from pipelines.model import ParsedDocument


def parse_document(
    data: bytes,
    *,
    filename: str | None = None,
    declared_format: str | None = None,
    content_type: str | None = None,
    max_pages: int = 2000,
) -> ParsedDocument:
    from pipelines.tables import cap_tables

    doc = _parse(data, filename, declared_format, content_type, max_pages)
    doc.tables, cut = cap_tables(doc.tables)  # every format: rows, columns and cells per report
    doc.warnings.extend(cut)
    return doc


def _parse(
    data: bytes, filename: str | None, declared_format: str | None, content_type: str | None, max_pages: int
) -> ParsedDocument:
    from pipelines.ingest.sniff import charset_of, decode_text, sniff_format

    fmt = declared_format or sniff_format(data, filename, content_type)
    if fmt == "pdf":
        from pipelines.ingest.pdf_streams import check_pdf_inflation
        from pipelines.parse.pdf import parse_pdf

        check_pdf_inflation(data)
        try:
            return parse_pdf(data, max_pages=max_pages)
        except _pdf_library_errors() as exc:  # a damaged page or object deep inside the file
            raise ReportError("parse", f"damaged PDF: {type(exc).__name__}: {exc}") from exc
    text = decode_text(data, declared=charset_of(content_type) if content_type else None)
    if fmt == "html":
        from pipelines.parse.html import parse_html

        return parse_html(text)
    from pipelines.parse.text import parse_text

    return parse_text(text, fmt)


def _pdf_library_errors() -> tuple[type[Exception], ...]:
    """What pypdfium2, pdfminer and pdfplumber raise on damaged input (fuzzing found pages that
    open with the document but fail to load on their own)."""
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException
    from pypdfium2 import PdfiumError

    return (PdfiumError, PSException, PdfminerException)
