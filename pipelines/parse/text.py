"""Plain-text and Markdown documents, reduced to the same shape as every other format.

Every parser hands the cleaning stage one paragraph per line with blank lines between paragraphs
and headings as their own short lines, which is how scraped report text already looks.
"""

from __future__ import annotations

import itertools
import re

from pipelines.model import ParsedDocument
from pipelines.parse.pipe_tables import split_pipe_tables

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,2}[.)])\s+")
_EMPHASIS_RUN = re.compile(r"\*{1,3}|_{2,3}")  # single _ stays: snake_case is not emphasis
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Link text and target may not contain brackets: each attempt then ends at the next bracket, which
# keeps a line of 40,000 "[" linear (with "[^\]]*" it took 8 s, quadratic).
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\[\]]*\)")


def plain_paragraphs(markdown: str) -> str:
    """One line per paragraph, heading or list item, without Markdown markup.

    Markdown joins soft-wrapped lines into one paragraph; so do we, or a sentence wrapped in the
    source would be cut in two and its figures would get half a quote.
    """
    blocks: list[list[str]] = []  # each block's lines, joined once at the end (linear time)
    joinable = False  # may the next line continue the last block?
    for raw in markdown.splitlines():
        if not raw.strip():
            blocks.append([])
            joinable = False
            continue
        heading, bullet = bool(_HEADING.match(raw)), bool(_BULLET.match(raw))
        line = strip_emphasis(_LINK.sub(r"\1", _BULLET.sub("", _HEADING.sub("", raw)))).strip()
        if joinable and not heading and not bullet:
            blocks[-1].append(line)
        else:
            blocks.append([line])
        joinable = not heading
    return "\n".join(_join(parts) for parts in blocks).strip() + "\n"


def strip_emphasis(line: str) -> str:
    r"""Remove paired ``*``/``**``/``***``/``__``/``___`` markers, in one pass over the line.

    An opener is followed by a non-space, a closer preceded by one, and a closer pairs with the
    nearest open run of the same characters (so ``**a *b* c**`` loses all four runs). A stack per
    run replaces the regex ``(\*{1,3})(?=\S)(.+?)(?<=\S)\1``, whose lazy scan made a line of
    unclosed runs ("**a " x 10,000) quadratic: 7.5 s.
    """
    open_runs: dict[str, list[tuple[int, int]]] = {}
    removed: list[tuple[int, int]] = []
    for match in _EMPHASIS_RUN.finditer(line):
        run, (start, end) = match.group(), match.span()
        before, after = line[start - 1 : start] if start else "", line[end : end + 1]
        stack = open_runs.get(run)
        if stack and before and not before.isspace():
            removed += [stack.pop(), (start, end)]
        elif after and not after.isspace():
            open_runs.setdefault(run, []).append((start, end))
    if not removed:
        return line
    out, position = [], 0
    for start, end in sorted(removed):
        out.append(line[position:start])
        position = end
    out.append(line[position:])
    return "".join(out)


def _join(parts: list[str]) -> str:
    """Join wrapped lines: no space between CJK characters, one space otherwise."""
    if not parts:
        return ""
    out = [parts[0]]
    for left, right in itertools.pairwise(parts):
        if not (left and right and _CJK.match(left[-1]) and _CJK.match(right[0])):
            out.append(" ")
        out.append(right)
    return "".join(out)


def parse_text(text: str, fmt: str) -> ParsedDocument:
    """Markdown or plain text as one page; pipe tables become tables and leave the running text."""
    body, tables = split_pipe_tables(text)
    body = plain_paragraphs(body) if fmt == "markdown" else body
    return ParsedDocument(
        format=fmt, pages=[body], page_numbers=[None], title=_first_heading(text, fmt), tables=tables
    )


def _first_heading(text: str, fmt: str) -> str | None:
    if fmt != "markdown":
        return None
    for line in text.splitlines():
        if _HEADING.match(line):
            return _HEADING.sub("", line).strip() or None
    return None
