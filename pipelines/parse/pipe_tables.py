"""Pipe tables (``| a | b |`` over a ``| --- | --- |`` row) in Markdown and plain-text reports.

Parsed by markdown-it-py's GFM table rule, so escaping, alignment colons and inline markup in
cells behave as every Markdown renderer shows them. The grid then goes through
``pipelines.tables.data_table`` like PDF and HTML tables, so one validity test and one figure
reader serve every format; the table's lines leave the running text, or their cells would be read
a second time as text figures.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipelines.model import RawTable
from pipelines.tables import data_table

# The delimiter row that makes a pipe table: | --- | :---: | (a pipe and three dashes at least)
_DELIMITER_ROW = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.M)
_CAPTION_END = re.compile(r"[。.!?！？;；]$")
MAX_CAPTION = 80


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _plain(inline: Token) -> str:
    """A cell's text as a reader sees it: emphasis and link markup gone, escapes resolved."""
    parts = [c.content if c.type in ("text", "code_inline") else " " for c in inline.children or () if c.content
             or c.type == "softbreak"]
    return " ".join("".join(parts).split())


def _cells(tokens: list[Token], i: int) -> tuple[list[str], int]:
    """Cell texts of the row opened at tokens[i]; returns the index after the row."""
    row: list[str] = []
    while tokens[i].type != "tr_close":
        if tokens[i].type == "inline":
            row.append(_plain(tokens[i]))
        i += 1
    return row, i + 1


def _caption(lines: list[str], first: int) -> str | None:
    """The short title line right above the table (图表 3：…, Table 2: …; one blank line may part them)."""
    above_at = first - 1
    if above_at > 0 and not lines[above_at].strip():
        above_at -= 1
    if above_at < 0:
        return None
    above = lines[above_at].strip().strip("*#_ ")
    if not above or len(above) > MAX_CAPTION or _CAPTION_END.search(above) or "|" in above:
        return None
    return above


def split_pipe_tables(text: str) -> tuple[str, list[RawTable]]:
    """``text`` without its pipe tables' lines (each table becomes one blank line), and the data tables.

    Tables whose body is not mostly numbers (a layout or glossary table) are dropped from the
    tables but their lines still leave the text: their cells are no sentences either.
    """
    if "|" not in text or _DELIMITER_ROW.search(text) is None:
        return text, []
    lines = text.split("\n")
    tokens = _parser().parse(text)
    tables: list[RawTable] = []
    cut: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type != "table_open" or tok.map is None:
            i += 1
            continue
        first, last = tok.map
        grid: list[list[str | None]] = []
        i += 1
        while tokens[i].type != "table_close":
            if tokens[i].type == "tr_open":
                row, i = _cells(tokens, i)
                grid.append(list(row))
            else:
                i += 1
        # GFM lets a table run on over lines without a pipe; in reports those are the next sentence
        while last > first + 2 and "|" not in lines[last - 1]:
            last -= 1
        grid = grid[: last - first - 1]  # one row per line, less the delimiter row
        cut.append((first, last))
        table = data_table(grid, None, None)
        if table is not None:
            table.table_id = f"t{len(tables) + 1}"
            table.caption = _caption(lines, first)
            tables.append(table)
        i += 1
    for first, last in reversed(cut):
        lines[first:last] = [""]
    return "\n".join(lines), tables
