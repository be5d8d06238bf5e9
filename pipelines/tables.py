"""Tables to figures: reading numbers and units out of cells, one Figure per numeric data cell.

Shared by every table source (PDF and HTML) and by chart labels, so a cell like "+8", "64%" or
"3.5 pp" means the same thing wherever it was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

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


_NUM = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT = r"\s*(?:%|％)"
# "0%-15%", "16–30%", "10 to 20": the bounds of one quantity (DORA's change failure rate by cluster)
_RANGE = re.compile(rf"^(?P<lo>(?:{_NUM})(?:{_UNIT})?)\s*(?:[-–—~]|to)\s*(?P<hi>(?:{_NUM})(?:{_UNIT})?)$",
                    re.IGNORECASE)
# "129 / 4.6%", "129 (4.6%)": a count and its share in one cell (Puppet's respondents by department)
_PAIR = re.compile(rf"^(?P<a>(?:{_NUM})(?:{_UNIT})?)\s*"
                   rf"(?:/\s*(?P<b>(?:{_NUM}){_UNIT})|\(\s*(?P<c>(?:{_NUM}){_UNIT})\s*\))$")


def cell_numbers(text: str | None) -> list[tuple[CellNumber, str]]:
    """Every number a cell states, with its qualifier: one number ("="), a range's two bounds
    (">=" and "<="; a unit on either end applies to both: "16–30%"), or a count with its share
    ("129 / 4.6%", "129 (4.6%)": two "=" numbers). Empty when the cell is not numbers only."""
    single = parse_number(text)
    if single is not None or not text:
        return [(single, "=")] if single is not None else []
    cell = text.strip().replace("\u00a0", " ")
    match = _RANGE.match(cell)
    if match:
        lo, hi = parse_number(match["lo"]), parse_number(match["hi"])
        if lo and hi and lo.value < hi.value and not is_year(match["lo"]) and not is_year(match["hi"]):
            unit = lo.unit or hi.unit
            return [(CellNumber(lo.value, unit, False), ">="), (CellNumber(hi.value, unit, False), "<=")]
        return []
    match = _PAIR.match(cell)
    if match:
        parts = [parse_number(part) for part in (match["a"], match["b"] or match["c"])]
        return [(part, "=") for part in parts if part is not None]
    return []


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


def row_sentence(row: list[str | None]) -> str:
    """A table row as printed, its cells in reading order ("Phone 62 58 -4 1,200"); a cell spanning
    columns is read once."""
    return _path(list(row)).replace(" / ", " ") if any(row) else ""


def table_figures(table: RawTable, *, section: str | None = None) -> list[Figure]:
    """One Figure(source="table") per numeric data cell, labelled by its row and column headers.

    The quote is what the report prints: the table's caption, else the cell's row as printed
    (``row_sentence``), never a string made up here; ``section`` is the nearest heading above the
    table (``table_section``).
    """
    from pipelines.figures.kind import cell_kind

    figures = []
    for r in range(table.header_rows, len(table.cells)):
        row = table.cells[r]
        r_label = row_label(table, r)
        quote = table.caption or row_sentence(row)
        for c, cell, number, qualifier in _cell_numbers(row, table.header_cols):
            c_label = column_label(table, c)
            unit = number.unit or header_unit(c_label) or header_unit(r_label) or header_unit(table.caption)
            if unit is None:
                unit = "count" if number.value.is_integer() else "other"
            change = cell_kind(unit, r_label, c_label) == "change"  # the kind resolver's table rules
            figures.append(Figure(
                source="table",
                value=number.value,
                unit=unit,
                stated_as=cell,
                quote=quote,
                section=section,
                kind="change" if change else "level",
                qualifier=qualifier,
                page=table.page,
                table_id=table.table_id,
                row_label=r_label,
                column_label=c_label,
                year=column_year(table, c) or row_year(table, r),
            ))
    return figures


def _cell_numbers(row: list[str | None], start: int) -> list[tuple[int, str, CellNumber, str]]:
    """(column, cell text, number, qualifier) for every number in the row's cells from ``start``."""
    return [(c, cell, number, qualifier) for c in range(start, len(row))
            for cell in [(row[c] or "").strip()] for number, qualifier in cell_numbers(cell)]


class _Document(Protocol):
    """What ``table_section`` reads of a cleaned document (``pipelines.figures.CleanDocument``)."""

    text: str
    page_spans: list[tuple[int, int, int | None]]
    headings: list[tuple[int, str]]

    def section_at(self, offset: int) -> str | None: ...


def table_section(table: RawTable, doc: _Document) -> str | None:
    """The nearest heading above ``table`` in the cleaned document, in this order:

    1. where the table's caption, else its first row label, stands in the document text (HTML and
       text tables keep their words in it): the heading in force there, not the caption itself;
    2. a PDF table (its words are left out of the page text, and headings carry no position on the
       page): the first heading on its page, else the heading in force where the page starts.
    """
    spans = [(s, e) for s, e, p in doc.page_spans if table.page is None or p == table.page]
    if not spans:
        return None
    start, end = spans[0][0], spans[-1][1]
    probes = [table.caption] + [row[0] for row in table.cells[table.header_rows : table.header_rows + 1] if row]
    for probe in (p.strip() for p in probes if p and p.strip()):
        at = doc.text.find(probe, start, end)
        if at >= 0:
            heading = doc.section_at(at)
            return doc.section_at(at - 1) if heading == table.caption and at > 0 else heading
    if table.page is None:
        return None
    on_page = [h for o, h in doc.headings if start <= o < end]
    return on_page[0] if on_page else doc.section_at(start)


def data_table(grid: list[list[str | None]], page: int | None,
               bbox: tuple[float, float, float, float] | None,
               min_numeric: float = MIN_NUMERIC_SHARE, header_rows: int | None = None) -> RawTable | None:
    """Fill spanning cells, count header rows (unless the caller knows them), and reject grids
    that are not mostly numbers (``min_numeric``: the share of numeric body cells needed)."""
    if header_rows is None:
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
    if numeric < min_numeric:
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
