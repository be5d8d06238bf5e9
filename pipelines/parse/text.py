"""Plain-text and Markdown documents, reduced to the same shape as every other format.

Every parser hands the cleaning stage one paragraph per line with blank lines between paragraphs
and headings as their own short lines, which is how scraped report text already looks.
"""

from __future__ import annotations

import re

from pipelines.model import ParsedDocument

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def plain_paragraphs(markdown: str) -> str:
    """Strip Markdown markup that carries no words: heading marks, bullets, emphasis, link targets."""
    lines = []
    for line in markdown.splitlines():
        line = _HEADING.sub("", line)
        line = _BULLET.sub("", line)
        line = _LINK.sub(r"\1", line)
        line = _EMPHASIS.sub(r"\2", line)
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def parse_text(text: str, fmt: str) -> ParsedDocument:
    body = plain_paragraphs(text) if fmt == "markdown" else text
    return ParsedDocument(format=fmt, pages=[body], page_numbers=[None], title=_first_heading(text, fmt))


def _first_heading(text: str, fmt: str) -> str | None:
    if fmt != "markdown":
        return None
    for line in text.splitlines():
        if _HEADING.match(line):
            return _HEADING.sub("", line).strip() or None
    return None
