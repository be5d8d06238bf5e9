"""Data tables in HTML: <table> elements expanded to grids, layout tables rejected.

Spans are expanded the way PDF tables are (covered cells repeat the spanning text through
``pipelines.tables.data_table``), so one validity test and one figure reader serve both formats.
A table that holds another table, or whose body is not mostly numbers, is page layout.
"""

from __future__ import annotations

import lxml.html
from lxml.etree import ParserError

from pipelines.model import RawTable
from pipelines.tables import MAX_TABLE_COLS, MAX_TABLE_ROWS, data_table

MAX_SPAN = 50  # guards against colspan="1000" in broken markup


def html_tables(html: str, warnings: list[str] | None = None) -> list[RawTable]:
    """Every real data table of the document, in document order, ids t1, t2, ...

    Rows past ``MAX_TABLE_ROWS`` and cells past ``MAX_TABLE_COLS`` are never read (a 1000 x 1000
    table would otherwise be expanded into a million-cell grid); each cut adds to ``warnings``.
    """
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return []
    tables = []
    for element in root.iter("table"):
        if element.find(".//table") is not None:
            continue  # a table of tables is layout
        grid, header_rows, size = _grid(element)
        if not grid:
            continue
        if size is not None and warnings is not None:
            warnings.append(
                f"table t{len(tables) + 1}: {size[0]} rows x {size[1]} cells read as the first {len(grid)} rows "
                f"and {len(grid[0])} columns (tables.MAX_TABLE_ROWS, MAX_TABLE_COLS)"
            )
        table = data_table(grid, None, None)
        if table is None:
            continue
        table.header_rows = max(table.header_rows, header_rows)
        table.table_id = f"t{len(tables) + 1}"
        caption = element.find("caption")
        if caption is not None:
            table.caption = " ".join(caption.text_content().split()) or None
        tables.append(table)
    return tables


def _rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Rows of this table only (thead, tbody, tfoot or direct), not of tables nested in cells."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]


def _grid(table: lxml.html.HtmlElement) -> tuple[list[list[str | None]], int, tuple[int, int] | None]:
    """Cell texts with spans expanded, the count of <th>-only (or <thead>) top rows, and the
    table's full size (rows, widest row) when it was cut to the caps, else None."""
    placed: dict[tuple[int, int], str | None] = {}
    header_rows, in_header = 0, True
    all_rows = _rows(table)
    rows = all_rows[:MAX_TABLE_ROWS]
    widest = 0
    for r, tr in enumerate(rows):
        c = 0
        cells = [td for td in tr if td.tag in ("td", "th")]
        widest = max(widest, len(cells))
        cells = cells[:MAX_TABLE_COLS]
        if (in_header and cells and all(td.tag == "th" for td in cells)) or tr.getparent().tag == "thead":
            header_rows += 1
        else:
            in_header = False
        for td in cells:
            while (r, c) in placed:
                c += 1
            rowspan = min(_span(td.get("rowspan")), MAX_SPAN, len(rows) - r)
            colspan = min(_span(td.get("colspan")), MAX_SPAN)
            text = " ".join(td.text_content().split())
            if c >= MAX_TABLE_COLS:
                break
            colspan = min(colspan, MAX_TABLE_COLS - c)
            for dr in range(rowspan):
                for dc in range(colspan):
                    # None marks a cell covered from the left: data_table repeats the header there
                    placed[(r + dr, c + dc)] = None if dr == 0 and dc > 0 else text
            c += colspan
    if not placed:
        return [], 0, None
    n_rows = max(r for r, _ in placed) + 1
    n_cols = max(c for _, c in placed) + 1
    grid = [[placed.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]
    cut = len(all_rows) > MAX_TABLE_ROWS or widest > MAX_TABLE_COLS
    return grid, header_rows, (len(all_rows), widest) if cut else None


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
