"""Tables to figures: reading numbers and units out of cells, one Figure per numeric data cell.

Shared by every table source (PDF and HTML) and by chart labels, so a cell like "+8", "64%" or
"3.5 pp" means the same thing wherever it was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.model import Figure, RawTable

_NUMBER = re.compile(
    r"^(?P<sign>[+\-−–]?)\s*(?P<num>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>%|％|pp|p\.p\.|pts?|points?|percentage points?|个百分点|個百分點|百分点|百分點|x|倍)?$",
    re.IGNORECASE,
)
_POINTS = re.compile(r"\bpp\b|\bp\.p\.|\bpts?\b|percentage points?|百分点|百分點", re.IGNORECASE)
_PERCENT = re.compile(r"%|％|\bper ?cent\b|百分比")
_YEAR = re.compile(r"^(19|20)\d\d$")
# Cells that count as data when telling a data table from a layout grid: "2 million", "(4.1)", "-", "n/a".
_NUMBERISH = re.compile(r"^\(?[-+−–]?\s*[$€£¥]?\s*\d|^[-–—.…:]+$|^n/?a$", re.IGNORECASE)
MIN_NUMERIC_SHARE = 0.5
# Caps on what one report's tables may publish: real report tables have tens of rows and a handful
# of columns; a 1000 x 1000 grid (a data dump or an attack) once published 999,000 figures (2.5 GB).
MAX_TABLE_ROWS = 200
MAX_TABLE_COLS = 50
MAX_REPORT_CELLS = 20_000


@dataclass(frozen=True)
class CellNumber:
    """A number read from a cell: value with sign, and the unit the cell itself states."""

    value: float
    unit: str | None  # percent | percentage_points | multiple | None when the cell says nothing
    signed: bool  # an explicit + or - sign: in a table that usually marks a change


def parse_number(text: str | None) -> CellNumber | None:
    """The number a cell or label consists of, or None when the text is not just a number."""
    if not text:
        return None
    match = _NUMBER.match(text.strip().replace("\u00a0", " "))
    if not match:
        return None
    value = float(match["num"].replace(",", "").replace("，", ""))
    if match["sign"] in "-−–" and match["sign"]:
        value = -value
    unit = match["unit"]
    if unit is None:
        stated = None
    elif unit in "%％":
        stated = "percent"
    elif unit.lower() in ("x", "倍"):
        stated = "multiple"
    else:
        stated = "percentage_points"
    return CellNumber(value, stated, bool(match["sign"]))


def is_year(text: str | None) -> bool:
    return bool(text and _YEAR.match(text.strip()))


def is_numberish(text: str | None) -> bool:
    """Whether a cell reads as data ("2 million", "-", "n/a", "41%"), not a label; years are labels."""
    return bool(text and _NUMBERISH.match(text.strip()) and not is_year(text))


_YEAR_HEADER = re.compile(r"(?:FY\s?)?((?:19|20)\d\d)(?:\s*年)?")


def header_year(label: str | None) -> int | None:
    """The year a header names when the header is just a year ("2024", "FY2024", "2024 年")."""
    match = _YEAR_HEADER.fullmatch((label or "").strip())
    return int(match.group(1)) if match else None


def header_unit(label: str | None) -> str | None:
    """Unit a header states for its cells: "(%)" means percent, "(pp)" percentage points."""
    if not label:
        return None
    if _POINTS.search(label):
        return "percentage_points"
    if _PERCENT.search(label):
        return "percent"
    return None


def _path(parts: list[str | None]) -> str | None:
    """Header path without empty or repeated parts (spanning cells repeat their text)."""
    out: list[str] = []
    for part in parts:
        part = " ".join((part or "").split())
        if part and (not out or out[-1] != part):
            out.append(part)
    return " / ".join(out) or None


def column_year(table: RawTable, col: int) -> int | None:
    """The year a column's header cells name, innermost first: under a spanning "Satisfied (%)"
    the second header row's "2024" and "2025" date their columns (the joined label does not)."""
    return _first_year(reversed([row[col] for row in table.cells[: table.header_rows] if col < len(row)]))


def row_year(table: RawTable, row: int) -> int | None:
    return _first_year(reversed(table.cells[row][: table.header_cols]))


def _first_year(parts: Iterable[str | None]) -> int | None:
    for part in parts:
        year = header_year(part)
        if year:
            return year
    return None


def column_label(table: RawTable, col: int) -> str | None:
    return _path([row[col] for row in table.cells[: table.header_rows]])


def row_label(table: RawTable, row: int) -> str | None:
    return _path(table.cells[row][: table.header_cols])


def table_figures(table: RawTable, *, quote_context: str | None = None) -> list[Figure]:
    """One Figure(source="table") per numeric data cell, labelled by its row and column headers."""
    from pipelines.figures.kind import cell_kind

    figures = []
    context = quote_context or table.caption or f"Table {table.table_id}"
    for r in range(table.header_rows, len(table.cells)):
        row = table.cells[r]
        r_label = row_label(table, r)
        for c in range(table.header_cols, len(row)):
            cell = (row[c] or "").strip()
            number = parse_number(cell)
            if number is None:
                continue
            c_label = column_label(table, c)
            unit = number.unit or header_unit(c_label) or header_unit(r_label) or header_unit(table.caption)
            if unit is None:
                unit = "count" if number.value.is_integer() else "other"
            change = cell_kind(unit, r_label, c_label) == "change"  # the kind resolver's table rules
            parts = [p for p in (r_label, c_label) if p]
            figures.append(Figure(
                source="table",
                value=number.value,
                unit=unit,
                stated_as=cell,
                quote=f"{context}: {', '.join(parts)}: {cell}" if parts else f"{context}: {cell}",
                kind="change" if change else "level",
                page=table.page,
                table_id=table.table_id,
                row_label=r_label,
                column_label=c_label,
                year=column_year(table, c) or row_year(table, r),
            ))
    return figures


def data_table(grid: list[list[str | None]], page: int | None,
               bbox: tuple[float, float, float, float] | None) -> RawTable | None:
    """Fill spanning cells, count header rows, and reject grids that are not mostly numbers."""
    header_rows = 0
    while header_rows < len(grid) - 1 and _is_header_row(grid[header_rows]):
        header_rows += 1
    header_rows = max(header_rows, 1)
    filled = [list(row) for row in grid]
    for r, row in enumerate(filled):
        for c, cell in enumerate(row):
            if cell is None:
                if r < header_rows and c > 0:
                    row[c] = row[c - 1]  # a header spanning columns repeats its text
                elif c == 0 and r > 0:
                    row[c] = filled[r - 1][0]  # a row header spanning rows repeats its text
                else:
                    row[c] = ""
    body = [cell for row in filled[header_rows:] for cell in row[1:] if cell]
    if len(filled) - header_rows < 2 or not body:
        return None
    numeric = sum(1 for cell in body if is_numberish(cell)) / len(body)
    if numeric < MIN_NUMERIC_SHARE:
        return None
    return RawTable(table_id="", page=page, cells=filled, header_rows=header_rows, header_cols=1,
                    bbox=tuple(bbox) if bbox else None)


def _is_header_row(row: list[str | None]) -> bool:
    """A header row has an empty first cell or mostly label cells (years count as labels)."""
    rest = [c for c in row[1:] if c]
    if not rest:
        return not row[0]
    data = sum(1 for c in rest if is_numberish(c))
    return not row[0] or data < len(rest) / 2


def cap_tables(tables: list[RawTable]) -> tuple[list[RawTable], list[str]]:
    """Cut each table to ``MAX_TABLE_ROWS`` x ``MAX_TABLE_COLS`` and the report to
    ``MAX_REPORT_CELLS`` cells in all; return the tables kept and one warning per cut."""
    kept: list[RawTable] = []
    warnings: list[str] = []
    total = 0
    for index, table in enumerate(tables):
        rows, cols = len(table.cells), max((len(row) for row in table.cells), default=0)
        if rows > MAX_TABLE_ROWS or cols > MAX_TABLE_COLS:
            table.cells = [row[:MAX_TABLE_COLS] for row in table.cells[:MAX_TABLE_ROWS]]
            warnings.append(
                f"table {table.table_id}: {rows} x {cols} cells cut to the first {min(rows, MAX_TABLE_ROWS)} rows "
                f"and {min(cols, MAX_TABLE_COLS)} columns (tables.MAX_TABLE_ROWS, MAX_TABLE_COLS)"
            )
        cells = sum(len(row) for row in table.cells)
        if total + cells > MAX_REPORT_CELLS:
            width = max(len(table.cells[0]), 1)
            fit = (MAX_REPORT_CELLS - total) // width
            if fit > table.header_rows:
                table.cells = table.cells[:fit]
                kept.append(table)
            warnings.append(
                f"tables over {MAX_REPORT_CELLS} cells per report (tables.MAX_REPORT_CELLS): table {table.table_id} "
                f"cut to {max(fit, 0) if fit > table.header_rows else 0} rows and "
                f"{len(tables) - index - 1} later table(s) dropped"
            )
            break
        total += cells
        kept.append(table)
    return kept, warnings
