"""Tables in PDF pages, found with pdfplumber's layout objects.

Ruled tables come from drawn lines; borderless ones from text alignment inside a region this
module detects (consecutive lines split into aligned chunks, most of them numbers), which keeps
pdfplumber's text strategy away from prose. Every candidate must then look like data: at least
two body rows and two columns and mostly numeric body cells; decorative boxes and layout grids
fail that test (``pipelines.tables.data_table``).

pdfplumber's own page parse (pdfminer) is slow, so the layout objects its finders read come from
pdfium instead (``PdfiumPage``: characters and drawn paths in pdfminer's coordinates), and
callers pass only pages that look tabular. ``page_tables`` takes either kind of page.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import statistics
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.page import Page

from pipelines.model import RawTable
from pipelines.parse import pdfium_calls as calls
from pipelines.parse.segments import Segment
from pipelines.tables import cell_numbers, data_table, is_numberish, is_year

Bbox = tuple[float, float, float, float]  # x0, top, x1, bottom (pdfplumber, origin top left)
_GROUP = re.compile(r"^\d{3}(?:[.,]\d+)?$")
WORD_GAP = 1.5  # pdfplumber's default (3 pt) glues tightly set number columns into one word
# Ruled tables are often drawn as cell rectangles whose edges miss each other by a few points;
# snapping them together (measured on ICDAR 2013) avoids phantom columns.
# The smallest grid a data table can be: a header row over two body rows, a label column and a value
# column (``to_raw_table`` drops smaller ones; the ruled finder skips extracting them).
MIN_ROWS, MIN_COLUMNS = 3, 2
RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
         "snap_tolerance": 8, "join_tolerance": 8}


def gated_page_tables(page: pdfium.PdfPage, number: int, segments: Sequence[Segment],
                      textpage: pdfium.PdfTextPage | None = None) -> list[RawTable]:
    """A page's tables as ``parse_pdf`` reads them: through the two page gates (``looks_tabular``
    on the segments, then ``worth_finding``), then ``page_tables``. ``textpage`` is the caller's,
    open for the page's segments and kept open until this returns."""
    if not looks_tabular(segments):
        return []
    candidate = PdfiumPage(page, number, textpage)
    try:
        return page_tables(candidate, number) if worth_finding(segments, candidate) else []
    finally:
        candidate.release()


def looks_tabular(segments: Sequence[Segment]) -> bool:
    """Cheap pre-check on pdfium segments: is the table finder worth its time on this page?

    Yes when three or more lines hold a number beside other cells; or two lines hold two number
    cells each (Puppet p. 8: two rows of "129 / 4.6%" cells); or one such line sits in a grid
    of three or more lines of four or more cells (DORA p. 9: a ruled table whose one numeric
    row, "0%-15% 16%-30% ...", stands under rows of words). Cells are the segments with the
    numbers that end them split off (``number_cells``): a producer that sets a table row's
    values as one text object ("Benzene" and "1 000  10  1") gives one segment for them. A lone
    "%" segment is read with the number before it.
    """
    rows: dict[int, list[Segment]] = {}
    for segment in segments:
        rows.setdefault(round((segment.y0 + segment.y1) / 4), []).append(segment)  # 2 pt buckets
    hits = pairs = wide = 0
    for row in rows.values():
        cells: list[str] = []
        for segment in sorted(row, key=lambda s: s.x0):
            if cells and segment.text in ("%", "％"):
                cells[-1] += segment.text
            else:
                cells.extend(number_cells(segment.text))
        numeric = sum(_numeric_text(cell, ranges=True) for cell in cells)
        if len(row) < 2 and numeric < 2:
            continue  # a line of one run counts only when it ends in two numbers: most are prose
        hits += numeric >= 1
        pairs += numeric >= 2
        wide += len(cells) >= 4
        if hits >= 3 or pairs >= 2 or (pairs >= 1 and wide >= 3):
            return True
    return False


# Cells a table leaves empty or marks as not applicable: they keep a row's columns apart.
PLACEHOLDERS = frozenset({"-", "–", "—", "n/a", "N/A", "n.a.", "*"})


@lru_cache(maxsize=8192)
def number_cells(text: str) -> tuple[str, ...]:
    """A run of text as table cells: the numbers and placeholders that end it, each a cell of
    its own, after the words before them as one cell ("Benzene 1 000 10 -" -> "Benzene",
    "1", "000", "10", "-"; prose keeps one cell unless it ends in a number). Cached: both page
    gates split the same segments."""
    tokens = text.split()
    label = len(tokens)
    while label and (_numeric_text(tokens[label - 1], ranges=True) or tokens[label - 1] in PLACEHOLDERS):
        label -= 1
    return ((" ".join(tokens[:label]),) if label else ()) + tuple(tokens[label:])


def worth_finding(segments: Sequence[Segment], page: PdfiumPage) -> bool:
    """Second, sharper pre-check for a page ``looks_tabular`` passed: could either finder yield?

    Most pages with numbers on several rows are charts and callouts (136 of 140 such pages of
    the eight real reports hold no table), and the finder's cost is the page's characters and
    words. This asks, before reading any character, what each finder would keep:
    - the alignment reading: a run of aligned lines with a number on each (``aligned_regions``,
      over the whole page and each sidebar panel) that is not data labels on drawn bars
      (``bar_rows``) and whose grid reads as a data table that is not chart-shaped, a contents
      list or prose beside a chart (``page_tables``' own tests). The words are the segments
      with their trailing numbers split off at their glyphs' true edges (``_segment_words``),
      so a label and its value are as far apart as pdfplumber's words put them;
    - the ruled reading: a grid of drawn lines of three rows and two columns, or one open at its
      sides that ``open_frame`` would close, with a digit inside, whose text, read from the
      segments, may be a data table (``_ruled_may_be_table``).
    Where the page's objects and its segments are not in one coordinate space (a rotated page,
    a media box off the origin) only the coarse tests apply, and they err towards yes.
    """
    exact = page.plain_space
    words = _segment_words(segments, page.height, page.textpage if exact else None)
    rects = page.objects.get("rect", [])
    bars = [r for r in rects if r["width"] > 2 and r["height"] > 2]
    groups = sidebars(words, rects, page.width, page.height)
    if len(groups) > 1:
        groups.insert(0, words)  # a table may also run across a panel's edge
    if any(_may_be_table(region, bars, exact) for group in groups if group
           for region in aligned_regions(_word_lines(group))):
        return True
    digits = [s for s in segments if _DIGIT.search(s.text)]
    return any(any(s.overlaps(t.bbox, page.height) for s in digits) and _ruled_may_be_table(t, segments, page)
               for t in page.find_tables(RULED))


_DIGIT = re.compile(r"\d")


def _ruled_may_be_table(table: Any, segments: Sequence[Segment], page: PdfiumPage) -> bool:
    """Whether ``_ruled`` may keep this ruled grid, judged from the segments before any character
    is read: most grids on report pages are boxes around callouts and bar charts' frames
    (Cisco's, TrustArc's), and reading a page's characters and words costs more than all the
    gates together. A grid open at its sides is closed by ``open_frame`` from the words, which
    segments cannot stand in for, and on a page whose segments are not in the paths' space
    (``PdfiumPage.plain_space``) they cannot be placed in cells: both go to the finder."""
    if _open_span(page, table.bbox, table.cells, table.rows) is not None:
        return True
    if not _grid_shaped(table):
        return False
    if not page.plain_space:
        return True
    grid = _segment_grid(table, segments, page)
    if grid is None:
        return True
    raw = None if _stacked(grid) else to_raw_table(grid, None, table.bbox, verbal_ok=quantity_grid(grid))
    return raw is not None and not (chart_like(raw) or contents_list(raw))


def _segment_grid(table: Any, segments: Sequence[Segment], page: PdfiumPage) -> list[list[str | None]] | None:
    """A ruled grid's cell texts from the segments (``_extract`` reads the page's characters).

    ``Table.extract`` puts each character in the cell holding its middle. A segment clearly
    inside one cell, away from its rules, is read whole. One that overlaps several cells (a
    chart's share label under a gridline: "46" left of the line, "%" right of it) or lies near
    a rule has its own characters read and placed one by one as ``extract`` places them; only
    where that cannot be done (the segment's characters unknown) is the grid None. Lines of a
    cell are joined with newlines, as ``extract`` joins them."""
    height = page.height
    rows = [list(row.cells) for row in table.rows]
    found: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    x0, top, x1, bottom = table.bbox
    for segment in segments:
        s_top, s_bottom = height - segment.y1, height - segment.y0
        if not (segment.x1 > x0 and segment.x0 < x1 and s_bottom > top and s_top < bottom):
            continue
        middle, slack = (s_top + s_bottom) / 2, max(2.0, (s_bottom - s_top) / 4)
        hits = [(r, c, cell) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell is not None
                and segment.x1 > cell[0] and segment.x0 < cell[2] and s_bottom > cell[1] and s_top < cell[3]]
        if not hits:
            continue
        r, c, (c_x0, c_top, c_x1, c_bottom) = hits[0]
        if len(hits) == 1 and c_x0 <= segment.x0 and segment.x1 <= c_x1 \
                and c_top <= middle - slack and middle + slack <= c_bottom:
            found.setdefault((r, c), []).append((middle, segment.x0, segment.text))
            continue
        if segment.start < 0:
            return None
        pieces: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for char in page.chars_of(segment):
            h_mid, v_mid = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
            home = next(((r, c) for r, c, cell in hits
                         if cell[0] <= h_mid < cell[2] and cell[1] <= v_mid < cell[3]), None)
            if home is not None:
                pieces.setdefault(home, []).append(char)
        for home, chars in pieces.items():
            text = "".join(char["text"] for char in chars).strip()
            if text:
                found.setdefault(home, []).append(((chars[0]["top"] + chars[0]["bottom"]) / 2, chars[0]["x0"], text))
    grid: list[list[str | None]] = []
    for r, row in enumerate(rows):
        texts: list[str | None] = []
        for c, cell in enumerate(row):
            if cell is None:
                texts.append(None)
                continue
            lines: list[list[str]] = []
            last = None
            for middle, _, text in sorted(found.get((r, c), [])):
                if last is not None and middle - last < 2:
                    lines[-1].append(text)
                else:
                    lines.append([text])
                last = middle
            texts.append("\n".join(" ".join(line) for line in lines))
        grid.append(texts)
    return grid


def _may_be_table(region: list[Line], bars: list[dict[str, Any]], exact: bool = True) -> bool:
    """An aligned region of segment words the finder may keep: ``page_tables``' rejections. At
    the coarse reading (not ``exact``), a grid that is not a data table still counts."""
    if bar_rows(region, bars):
        return False
    raw = to_raw_table(aligned_grid(region), None, _bbox([w for line in region for w in line]))
    if raw is None:
        return not exact
    return not (chart_like(raw) or contents_list(raw) or prose_beside(raw))


def _segment_words(segments: Sequence[Segment], height: float,
                   textpage: pdfium.PdfTextPage | None = None) -> list[dict[str, Any]]:
    """Segments as pdfplumber-like words (origin top left) for the page gate: the numbers that
    end a segment split off as words of their own; a lone "%" joined to the number before it.
    Where the segment knows its characters (``Segment.start``) and a ``textpage`` is given, the
    split-off words take their glyphs' true left and right edges, two box reads each, so a
    label and its number are as far apart as printed ("Tooling Engineer    10.5%" in one text
    object is two cells; "rose to 45%" in a sentence is one). Otherwise they are set a wide gap
    apart, which errs towards a table. A word is as tall as its font size about the middle of
    its glyphs, as pdfplumber's are: a hyphen's tight box (US-008 p. 3, "4-Year-Old Cohort")
    would fall on a line of its own and cut the table's run of lines."""
    words: list[dict[str, Any]] = []
    for segment in sorted(segments, key=lambda s: (-s.y1, s.x0)):
        middle, half = height - (segment.y0 + segment.y1) / 2, max(segment.height, segment.size) / 2
        top, bottom = middle - half, middle + half
        if words and segment.text in ("%", "％") and abs(words[-1]["bottom"] - bottom) < 3:
            words[-1]["text"] += segment.text
            continue
        parts = number_cells(segment.text)
        if len(parts) > 1 and textpage is not None and segment.start >= 0:
            words.extend({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "upright": True}
                         for text, x0, x1 in _part_edges(textpage, segment, parts))
            continue
        gap = 2 * (bottom - top)
        step = (segment.x1 - segment.x0) / max(len(segment.text), 1)
        x = segment.x0
        for text in parts:
            words.append({"text": text, "x0": x, "x1": x + step * len(text), "top": top, "bottom": bottom,
                          "upright": True})
            x += step * len(text) + gap
    return words


_TOKEN = re.compile(r"\S+")


def _part_edges(textpage: pdfium.PdfTextPage, segment: Segment,
                parts: tuple[str, ...]) -> Iterator[tuple[str, float, float]]:
    """Each of ``number_cells``' parts with the left edge of its first glyph and the right edge
    of its last (pdfium's loose boxes, as ``PdfiumPage.chars`` reads them)."""
    spans = [m.span() for m in _TOKEN.finditer(segment.text)]
    label = len(spans) - len(parts) + 1  # tokens in the first part: the label, or one number
    groups = [(spans[0][0], spans[label - 1][1]), *spans[label:]]
    raw, box = calls.address(textpage.raw), pdfium_c.FS_RECTF()
    box_at = ctypes.addressof(box)
    for text, (a, b) in zip(parts, groups, strict=True):
        calls.char_loose_box(raw, segment.start + a, box_at)
        x0 = box.left
        calls.char_loose_box(raw, segment.start + b - 1, box_at)
        yield text, x0, box.right


def page_tables(page: Page, number: int | None = None) -> list[RawTable]:
    """Ruled and borderless data tables of one page, top to bottom.

    Rules are often drawn only in part (a line under the header, none between columns), so a
    ruled grid that fills fewer cells than the text alignment over the same place (it lumps
    columns or misses some) gives way to the alignment reading; otherwise the ruled grid wins.
    """
    ruled = _ruled(page, number, RULED)
    # rotated words (axis ticks, side labels) are not table rows
    words = [w for w in page.extract_words(x_tolerance=WORD_GAP) if w["upright"]]
    rects = page.objects.get("rect", [])
    bars = [r for r in rects if r["width"] > 2 and r["height"] > 2]
    # a ruled grid can be the outline of stacked bars: all shares, lying on bars (TrustArc p. 14)
    ruled = [t for t in ruled if not (_all_shares(t) and bar_rows(_word_lines([w for w in words if _within(w, t.bbox)]),
                                                                  bars))]
    aligned = []
    for region in (r for group in sidebars(words, rects, page.width, page.height)
                   for r in aligned_regions(_word_lines(group))):
        if bar_rows(region, bars):
            continue  # data labels beside drawn bars: a chart
        raw = to_raw_table(aligned_grid(region), number, _bbox([w for line in region for w in line]))
        if raw is not None:
            aligned.append(raw)
    ruled = [t for t in ruled if not chart_like(t) and not contents_list(t)]
    aligned = [t for t in aligned if not chart_like(t) and not prose_beside(t) and not contents_list(t)]
    tables = []
    for table in ruled:
        rivals = [a for a in aligned if _overlap(a.bbox, table.bbox) > 0.5]
        if any(_filled(a) > _filled(table) for a in rivals):
            continue
        aligned = [a for a in aligned if a not in rivals]
        tables.append(table)
    return sorted(tables + aligned, key=lambda t: (t.bbox[1], t.bbox[0]))


def sidebars(words: list[dict[str, Any]], rects: list[dict[str, Any]], width: float,
             height: float) -> list[list[dict[str, Any]]]:
    """The page's words split into the main flow and one group per sidebar panel.

    A sidebar is a drawn panel (a rectangle at least a fifth of the page wide and a sixth tall,
    not the page background) beside the main flow: words lie inside it, words lie outside it at
    the same heights, and no word crosses its edge. Its lines would otherwise continue the rows
    of a table beside it (Puppet p. 8: "DevOps Engineer 129 / 4.6% 144 / 5.4%" and the panel's
    "Tooling Engineer 10.5%" on one line) and lump the two into one grid.
    """
    groups: list[list[dict[str, Any]]] = []
    rest = words
    for panel in rects:
        if not (0.2 * width <= panel["width"] <= 0.8 * width and panel["height"] >= height / 6):
            continue
        inside = [w for w in rest if _within(w, (panel["x0"], panel["top"], panel["x1"], panel["bottom"]))]
        if len(inside) < 3:
            continue
        ids = {id(w) for w in inside}
        outside = [w for w in rest if id(w) not in ids]
        crossing = any(w["x0"] < edge < w["x1"] and w["bottom"] > panel["top"] and w["top"] < panel["bottom"]
                       for w in outside for edge in (panel["x0"], panel["x1"]))
        beside = any(w["bottom"] > panel["top"] and w["top"] < panel["bottom"] for w in outside)
        if crossing or not beside:
            continue
        groups.append(inside)
        rest = outside
    return [rest, *groups]


def bar_rows(region: list[Line], bars: list[dict[str, Any]]) -> bool:
    """Aligned lines whose numbers sit on drawn bars of unequal lengths: a bar chart, never a table.

    A bar chart drawn with rectangles (TrustArc's stacked bars, Puppet's bar lists) aligns its
    labels into rows and columns like a borderless table. The tell is graphic: most rows holding
    a number have a filled rectangle about a line tall across their text band, and the
    rectangles sharing a left or right edge differ in length (cell shading in a table, ruled
    or not, has one width per column).
    """
    rows = [line for line in region if any(_numeric_text(w["text"]) for w in line)]
    if len(rows) < 2 or not bars:
        return False
    edges: dict[tuple[str, int], set[int]] = {}  # bar widths by left edge and by right edge
    hits = 0
    for line in rows:
        top, bottom = min(w["top"] for w in line), max(w["bottom"] for w in line)
        height, middle = bottom - top, (top + bottom) / 2
        x0, x1 = min(w["x0"] for w in line), max(w["x1"] for w in line)
        on = [b for b in bars if 0.6 * height <= b["height"] <= 3 * height
              and abs((b["top"] + b["bottom"]) / 2 - middle) < 0.6 * b["height"]
              and b["x1"] > x0 - 2 * height and b["x0"] < x1 + 2 * height]
        hits += bool(on)
        for b in on:
            edges.setdefault(("left", round(b["x0"] / 3)), set()).add(round(b["width"]))
            edges.setdefault(("right", round(b["x1"] / 3)), set()).add(round(b["width"]))
    # bars sharing an edge differ in length; cell shading sharing one has one width
    uneven = any(max(ws) - min(ws) >= 3 for ws in edges.values())
    return hits >= 0.6 * len(rows) and uneven


def _all_shares(table: RawTable) -> bool:
    cells = [c for row in table.cells for c in row if c]
    return bool(cells) and all("%" in c for c in cells)


def _within(word: dict[str, Any], bbox: Bbox | None) -> bool:
    return bbox is not None and bbox[0] - 1 <= word["x0"] and word["x1"] <= bbox[2] + 1 \
        and bbox[1] - 1 <= word["top"] and word["bottom"] <= bbox[3] + 1


def _ruled(page: Page, number: int | None, settings: dict[str, Any]) -> list[RawTable]:
    found = []
    for table in page.find_tables(settings):
        frame = open_frame(page, table.bbox, table.cells, table.rows)
        if frame:
            # icons in the label column (DORA's) would snap the new left edge onto themselves
            closed = page.find_tables({**settings, "explicit_vertical_lines": frame, "edge_min_length_prefilter": 10})
            table = next((t for t in closed if _overlap(t.bbox, table.bbox) > 0.5), table)
        if not _grid_shaped(table):
            continue  # too small for a data table: its text is not worth extracting
        grid = _extract(page, table)
        raw = None if _stacked(grid) else to_raw_table(grid, number, table.bbox, verbal_ok=quantity_grid(grid))
        if raw is not None:
            found.append(raw)
    return found


class _Chars:
    """The one attribute of a page that ``Table.extract`` reads: its characters."""

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        self.chars = chars


def _extract(page: Page, table: Any) -> list[list[str | None]]:
    """``table.extract()`` over the characters whose middle lies in the table's box: pdfplumber
    tests every character of the page against every row, and a page holds many more
    characters than its table."""
    x0, top, x1, bottom = table.bbox
    chars = [c for c in page.chars
             if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    return type(table)(_Chars(chars), table.cells).extract()


def _grid_shaped(table: Any) -> bool:
    """``MIN_ROWS`` by ``MIN_COLUMNS``: the least ``to_raw_table`` keeps, so smaller grids (a box
    around a callout, a shaded cell) are dropped before their text is read."""
    return len(table.rows) >= MIN_ROWS and max(len(row.cells) for row in table.rows) >= MIN_COLUMNS


def open_frame(page: Page, bbox: Bbox, cells: list[Bbox], rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Vertical edges that close a table ruled by rows only, or none when it is closed.

    Many report tables draw full-width rules between rows and shade some cells, but draw no
    sides: the line finder then loses the cells without vertical edges, often the row labels
    (DORA p. 9: rules from x 50 to 561, only the header band and the shaded column boxed, every
    body row's label missing). The tell: rules across the table's width (or past the cells
    found) with cells missing from body rows. The frame is then closed at the rules' ends,
    and every column edge found in some row runs the table's full height, unless a word
    crosses it there (a cell spanning columns keeps its span).
    """
    span = _open_span(page, bbox, cells, rows)
    if span is None:
        return []
    left, right = span
    top, bottom = bbox[1], bbox[3]
    words = [w for w in page.extract_words(x_tolerance=WORD_GAP)
             if w["bottom"] > top and w["top"] < bottom and w["x1"] > left and w["x0"] < right]
    xs = sorted({round(x, 1) for c in cells for x in (c[0], c[2])} | {left, right})
    return [{"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0,
             "height": bottom - top} for x in xs
            if x in (left, right) or not any(w["x0"] < x - 1 and w["x1"] > x + 1 for w in words)]


def _open_span(page: Page, bbox: Bbox, cells: list[Bbox], rows: Sequence[Any]) -> tuple[float, float] | None:
    """The left and right ends of the rules of a table ruled by rows only (``open_frame``), or
    None when the table is closed. Drawn paths only, no text: the page gate asks it too."""
    x0, top, x1, bottom = bbox
    rules = [e for e in page.objects.get("line", []) + page.objects.get("rect", [])
             if e["height"] < 2 and e["width"] > 2 and top - 2 <= e["top"] <= bottom + 2
             and e["x1"] > x0 and e["x0"] < x1]
    if len(rules) < 2:
        return None
    left, right = min(e["x0"] for e in rules), max(e["x1"] for e in rules)
    if not (left <= x0 + 3 and right >= x1 - 3 and _open_sides(page, cells, list(rows)[1:], x1)):
        return None
    return left, right


def _open_sides(page: Page, cells: list[Bbox], rows: list[Any], right: float) -> bool:
    """Whether a body row misses a cell for want of a drawn side (not a cell spanning rows or
    columns, whose sides are all drawn: CAICT's 表2 row labels spanning several checks)."""
    xs = [*sorted({c[0] for c in cells}), right]
    sides = [(e["x0"], e["top"], e["bottom"]) for e in page.objects.get("line", []) if e["width"] < 2] + \
        [(x, e["top"], e["bottom"]) for e in page.objects.get("rect", []) for x in (e["x0"], e["x1"])]
    for row in rows:
        present = [c for c in row.cells if c is not None]
        if not present or all(c is not None for c in row.cells):
            continue
        top, bottom = min(c[1] for c in present), max(c[3] for c in present)
        for i, cell in enumerate(row.cells):
            if cell is None and not all(any(abs(x - sx) < 3 and st <= top + 2 and sb >= bottom - 2
                                            for sx, st, sb in sides) for x in (xs[i], xs[i + 1])):
                return True
    return False


def _width(table: RawTable) -> int:
    return len(table.cells[0]) if table.cells else 0


def chart_like(table: RawTable) -> bool:
    """A bar chart's data labels aligned by accident: each row fills one of several number columns.

    Labels at bar ends sit at x positions that follow their values, so the alignment reading
    finds a column per bar length and a staircase of single cells (Cisco's "Provide clear
    information ... 39%" rows). A data table fills most of its number columns in every data row;
    at most half filled, over two or more number columns, reads as a chart, never as a table.
    """
    body = table.cells[table.header_rows:]
    numeric_cols = {c for row in body for c, cell in enumerate(row) if c and is_numberish(cell)}
    rows = [row for row in body if any(c and is_numberish(cell) for c, cell in enumerate(row))]
    if len(numeric_cols) < 2 or not rows:
        return False
    filled = sum(1 for row in rows for c in numeric_cols if is_numberish(row[c]))
    return filled <= 0.5 * len(numeric_cols) * len(rows)


_PAGE_NUMBER = re.compile(r"\d{1,3}")


def contents_list(table: RawTable) -> bool:
    """A table of contents: titles with page numbers that only grow down each number column.

    Cisco p. 2 ("Introduction 03", "Key Highlights 03", "Results 04", ...) and DORA p. 2 read as
    borderless tables; their numbers are page references, not data.
    """
    body = table.cells[table.header_rows:]
    columns = [c for c in range(1, len(table.cells[0])) if any(is_numberish(row[c]) for row in body)]
    if not columns:
        return False
    numbers = 0
    for c in columns:
        cells = [(row[c] or "").strip() for row in body if (row[c] or "").strip()]
        if not all(_PAGE_NUMBER.fullmatch(cell) for cell in cells):
            return False
        values = [int(cell) for cell in cells]
        if values != sorted(values):
            return False
        numbers += len(values)
    return numbers >= 3


_SHARE_IN_WORDS = re.compile(r"[A-Za-z\u3400-\u9fff].*\d\s*%|\d\s*%.*[A-Za-z\u3400-\u9fff]{3}")


def prose_beside(table: RawTable) -> bool:
    """Lines of a paragraph read as a table's label column: prose beside a chart, not a table.

    The alignment reading takes a text column beside a chart's labels for row labels; a row
    label that states a share inside its words ("employees at 13%, 100–499 employees at") is a
    sentence, which no table uses to name a row.
    """
    return any(_SHARE_IN_WORDS.search(row[0] or "") for row in table.cells[table.header_rows:])


class PdfiumPage(Page):
    """pdfplumber's page interface (``find_tables``, ``extract_words``) over objects pdfium reads.

    pdfminer's page parse is about 90% of pdfplumber's table time; pdfium reads the same
    characters and drawn paths several times faster, and pdfplumber's table finder and word
    grouping run unchanged on top. Coordinates follow pdfminer's (page rotation applied, origin at
    the media box corner), and characters take its box (advance width across, font size tall from
    the descent), so tolerances tuned on pdfplumber keep their meaning.
    """

    def __init__(self, page: pdfium.PdfPage, page_number: int = 1,
                 textpage: pdfium.PdfTextPage | None = None) -> None:
        # Page.__init__ reads pdfminer's page object; set the attributes the finders use instead.
        ctm, width, height = _page_space(page)
        self.pdf = None  # type: ignore[assignment]
        self.page_obj = None  # type: ignore[assignment]
        self.page_number = page_number
        self.initial_doctop = 0
        self.rotation = 0
        self.mediabox = self.cropbox = self.bbox = (0, 0, width, height)
        # Characters are read on first use: the ruled finder's geometry needs only the paths, so
        # a page whose tables are settled without text never pays for them. ``textpage`` (the
        # caller's, already open for the page's segments, to be kept open while this page is in
        # use) saves pdfium a second text analysis.
        self._page, self._textpage, self._own_textpage, self._ctm = page, textpage, False, ctm
        self._objects = _pdfium_paths(page, ctm, height)
        self._tables: dict[str, list[Any]] = {}
        self._words: dict[str, list[dict[str, Any]]] = {}

    # pdfplumber's Page keeps itself as ``root_page`` and a cache bound to itself as ``get_textmap``:
    # both are reference cycles, which leave every page and all it read (characters, paths,
    # tables) to the cyclic garbage collector. Here they are looked up, not stored.
    @property
    def root_page(self) -> PdfiumPage:  # type: ignore[override]
        return self

    def get_textmap(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return self._get_textmap(**kwargs)

    def release(self) -> None:
        """Drop what the page has read. pdfplumber's tables point back at their page, so the
        kept tables tie the page into a cycle: released when done, the page and its
        characters are freed at once rather than at the next full garbage collection."""
        self._tables.clear()
        self._words.clear()
        self._objects = {}
        if self._own_textpage and self._textpage is not None:
            self._textpage.close()  # opened for the gate's glyph boxes, characters never read
        self._textpage = None

    @property
    def objects(self) -> dict[str, list[dict[str, Any]]]:
        """The drawn paths, and the characters once ``chars`` has read them."""
        return self._objects

    def find_tables(self, table_settings: dict[str, Any] | None = None) -> list[Any]:
        """pdfplumber's finder, its tables kept per settings: the page gate and ``_ruled`` ask
        the ruled finder the same question (settings with explicit lines are not kept)."""
        key = repr(sorted((table_settings or {}).items()))
        if "explicit" in key:
            return super().find_tables(table_settings)
        if key not in self._tables:
            self._tables[key] = super().find_tables(table_settings)
        return self._tables[key]

    def extract_words(self, **kwargs: Any) -> list[dict[str, Any]]:
        """pdfplumber's words, kept per settings: ``page_tables`` and ``open_frame`` both ask."""
        key = repr(sorted(kwargs.items()))
        if key not in self._words:
            self._words[key] = super().extract_words(**kwargs)
        return self._words[key]

    @property
    def plain_space(self) -> bool:
        """Whether pdfminer's coordinates here are pdfium's (no rotation, media box at the
        origin): only then do segments and glyph boxes line up with the drawn paths."""
        return self._ctm == (1, 0, 0, 1, 0, 0)

    @property
    def textpage(self) -> pdfium.PdfTextPage:
        """The caller's text page, else one opened on first use and closed once ``chars`` has
        read it (the page gate reads a few glyph boxes from it first)."""
        if self._textpage is None:
            self._textpage, self._own_textpage = self._page.get_textpage(), True
        return self._textpage

    def chars_of(self, segment: Segment) -> list[dict[str, Any]]:
        """The characters of one segment (``Segment.start`` on), boxed as ``chars`` boxes them,
        without reading the rest of the page."""
        return _pdfium_chars(self.textpage, self._ctm, self.height, (segment.start, len(segment.text)))

    @property
    def chars(self) -> list[dict[str, Any]]:
        if "char" not in self._objects:
            textpage = self.textpage
            try:
                self._objects["char"] = _pdfium_chars(textpage, self._ctm, self.height)
            finally:
                if self._own_textpage:
                    textpage.close()
                self._textpage = None  # the caller closes its own; none is kept past this
        return self._objects["char"]


Matrix = tuple[float, float, float, float, float, float]


def _page_space(page: pdfium.PdfPage) -> tuple[Matrix, float, float]:
    """pdfminer's page matrix (rotation, media box origin) and the page size it yields."""
    x0, y0, x1, y1 = page.get_mediabox()
    rotation = page.get_rotation()
    if rotation == 90:
        return (0, -1, 1, 0, -y0, x1), y1 - y0, x1 - x0
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1), x1 - x0, y1 - y0
    if rotation == 270:
        return (0, 1, -1, 0, y1, -x0), y1 - y0, x1 - x0
    return (1, 0, 0, 1, -x0, -y0), x1 - x0, y1 - y0


_WHITE = frozenset(" \r\n")  # the only characters pdfium generates (word and line breaks)
_HYPHEN_MARKS = {"\x02": "-", "\ufffe": "-", "\x00": " "}  # pdfium's line-end hyphen marks


def _pdfium_chars(textpage: pdfium.PdfTextPage, ctm: Matrix, height: float,
                  span: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """Characters as pdfminer boxes them (see ``PdfiumPage``), two or three pdfium calls each;
    all of the page's, or ``span``'s (first index, count) only.

    The text comes from one range read, not a call per character; only whitespace, the one
    kind pdfium generates, is asked whether it was generated. The character matrix and font
    size are the text object's, so the shape they give (upright, rendered size, which side
    the box grows from) is read and worked out once per text object (and kept per distinct
    pair): the per-character Python work and calls, not pdfium, were most of the time.
    """
    raw = calls.address(textpage.raw)
    first, n_chars = span if span is not None else (0, textpage.count_chars())
    text = textpage.get_text_range(first, n_chars) if n_chars > 0 else ""
    exact = len(text) == n_chars  # characters beyond the BMP shift the text: ask pdfium per character
    generated, unicode, loose = calls.char_generated, calls.char_unicode, calls.char_loose_box
    get_matrix, font_size, text_object = calls.char_matrix, calls.char_font_size, calls.char_text_object
    box, raw_matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    box_at, matrix_at = ctypes.addressof(box), ctypes.addressof(raw_matrix)
    A, B, C, D, E, F = ctm
    shapes: dict[tuple[float, ...], tuple[bool, float, int]] = {}
    by_object: dict[int, tuple[bool, float, int]] = {}  # a text object's characters share one shape
    chars = []
    for i in range(first, first + n_chars):
        if exact:
            char = text[i - first]
            if char in _WHITE and generated(raw, i) == 1:
                continue
        else:
            if generated(raw, i) == 1:
                continue
            char = chr(unicode(raw, i))
        char = _HYPHEN_MARKS.get(char, char)
        if not loose(raw, i, box_at):
            continue
        owner = text_object(raw, i)
        shape = by_object.get(owner) if owner else None
        if shape is None:
            get_matrix(raw, i, matrix_at)
            key = (raw_matrix.a, raw_matrix.b, raw_matrix.c, raw_matrix.d, font_size(raw, i))
            shape = shapes.get(key)
            if shape is None:
                shape = shapes[key] = _char_shape(key, ctm)
            if owner:
                by_object[owner] = shape
        upright, size, grow = shape
        left, bottom, right, top = box.left, box.bottom, box.right, box.top
        xa, ya = A * left + C * bottom + E, B * left + D * bottom + F
        xb, yb = A * right + C * top + E, B * right + D * top + F
        x0, x1 = (xa, xb) if xa < xb else (xb, xa)
        y0, y1 = (ya, yb) if ya < yb else (yb, ya)
        # pdfminer's glyph box spans the font size up from the descent, not to the ascent
        if grow == 1:
            y1 = y0 + size
        elif grow == 2:
            y0 = y1 - size
        elif grow == 3:
            x1 = x0 + size
        elif grow == 4:
            x0 = x1 - size
        # what pdfplumber's word and cell readers use, and no more: a page holds thousands
        chars.append({"text": char, "x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0,
                      "doctop": height - y1, "upright": upright})
    return chars


def _char_shape(key: tuple[float, ...], ctm: Matrix) -> tuple[bool, float, int]:
    """Upright (pdfminer's test), rendered size and the side the box grows from (0: none;
    1/2: up from the bottom / down from the top; 3/4: right from the left / left from the right)
    of a character with this matrix and font size: the font size is in text space, the
    character matrix scales it to the page."""
    ma, mb, mc, md, nominal = key
    a, b, c, d, _, _ = _compose((ma, mb, mc, md, 0.0, 0.0), ctm)
    size = nominal * math.hypot(c, d)
    grow = 0
    if size and abs(d) >= abs(c):
        grow = 1 if d > 0 else 2
    elif size:
        grow = 3 if c > 0 else 4
    return a * d > 0 and b * c <= 0, size, grow


def _pdfium_paths(page: pdfium.PdfPage, ctm: Matrix, height: float) -> dict[str, list[dict[str, Any]]]:
    """Drawn paths as pdfminer classifies them: straight lines, axis-aligned rectangles, curves."""
    found: dict[str, list[dict[str, Any]]] = {"line": [], "rect": [], "curve": []}
    for points, closed, curved in _subpaths(calls.address(page.raw), calls.count_objects, calls.get_object, ctm, 0):
        pts = [(x, height - y) for x, y in points]  # top-left origin
        straight = not curved and len(pts) == 2
        if closed:
            if len(pts) > 2 and pts[-1] == pts[0]:
                pts.pop()  # a redundant closing line, as pdfminer drops it
            pts.append(pts[0])
        kind = "curve"
        if straight:
            kind = "line"
        elif not curved and len(pts) == 5 and pts[0] == pts[4] and _square(pts):
            kind = "rect"
        elif not any(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(pts)):
            continue  # a curve with no vertical or horizontal step: the line finder (the only reader
            # of curves) makes no edge of it; map outlines and icons are hundreds of these
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        x0, x1, top, bot = min(xs), max(xs), min(ys), max(ys)
        obj = {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bot, "doctop": top,
               "y0": height - bot, "y1": height - top, "width": x1 - x0, "height": bot - top,
               "page_number": 1}
        if kind != "rect":
            obj["pts"] = pts
        found[kind].append(obj)
    return found


def _square(pts: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[:4]
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)


# A path of more than this many segments with Bezier curves four in a row at its quarter, half and
# three-quarter marks is a free-form outline (a map, an icon, a donut): not read (``_subpaths``).
OUTLINE = 16
Subpath = tuple[list[tuple[float, float]], bool, bool]  # end points, closed, has a curve


def _subpaths(parent: int, count: Any, get: Any, outer: Matrix, depth: int) -> Iterator[Subpath]:
    """Subpaths of every path object (form XObjects entered), in pdfminer's page space.

    ``parent`` is the address of a page (``count``/``get``: ``pdfium_calls.count_objects`` and
    ``get_object``) or of a form object. The pdfium calls take plain addresses
    (``pipelines.parse.pdfium_calls``), are bound to locals, and the matrix is applied inline:
    a map or an icon set holds a hundred thousand path segments on one page (Cisco pp. 8 and
    15), and the call overhead, not pdfium, was most of the time.
    """
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix_at, x_at, y_at = ctypes.addressof(matrix), ctypes.addressof(x), ctypes.addressof(y)
    get_type, get_matrix = calls.object_type, calls.object_matrix
    count_segments, get_segment = calls.count_segments, calls.get_segment
    segment_type, get_point, get_close = calls.segment_type, calls.segment_point, calls.segment_closes
    path_kind, form_kind = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    move, bezier = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = get_type(obj)
        if kind != path_kind and kind != form_kind:
            continue
        get_matrix(obj, matrix_at)
        m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        if kind == form_kind:
            if depth < 8:
                yield from _subpaths(obj, calls.count_form_objects, calls.get_form_object, m, depth + 1)
            continue
        n_segments = count_segments(obj)
        if n_segments > OUTLINE and any(all(segment_type(get_segment(obj, n_segments * k // 4 + j)) == bezier
                                            for j in range(4)) for k in (1, 2, 3)):
            continue
        ma, mb, mc, md, me, mf = m
        points: list[tuple[float, float]] = []
        closed, curved, skip = False, False, 0
        for j in range(n_segments):
            segment = get_segment(obj, j)
            kind = segment_type(segment)
            if kind == move and points:
                yield points, closed, curved
                points, closed, curved = [], False, False
            if kind == bezier:
                curved, skip = True, (skip + 1) % 3
                if skip:  # control points: pdfminer keeps only a curve's end point
                    continue
            get_point(segment, x_at, y_at)
            px, py = x.value, y.value
            points.append((ma * px + mc * py + me, mb * px + md * py + mf))
            closed = closed or bool(get_close(segment))
        if points:
            yield points, closed, curved


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _filled(table: RawTable) -> int:
    return sum(1 for row in table.cells for cell in row if cell)


def _overlap(a: Bbox, b: Bbox) -> float:
    """Intersection over the smaller area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if w > 0 and h > 0 and smaller > 0 else 0.0


def _stacked(grid: list[list[str | None]]) -> bool:
    """Rules around a block, not around rows: a cell stacks several numbers on separate lines."""
    return any(sum(1 for part in (cell or "").split("\n") if is_numberish(part.strip())) >= 3
               for row in grid for cell in row)


Line = list[dict[str, Any]]  # pdfplumber words on one line, left to right


def aligned_regions(lines: list[Line]) -> list[list[Line]]:
    """Runs of three or more lines split into aligned chunks, at least one a number per line.

    Up to two multi-chunk lines right above a run join it as header lines, and a one-chunk label
    line between table rows (a section row) does not end the run. Each line is split into chunks
    and judged once (runs, headers and section rows all ask about the same lines).
    """
    chunked = [_chunks(line) for line in lines]
    widths = [len(chunks) for chunks in chunked]
    tabular = [len(chunks) >= 2 and any(_numeric_text(_text(c)) for c in chunks) for chunks in chunked]
    regions: list[list[Line]] = []
    run: list[int] = []
    for i in range(len(lines) + 1):
        row = i < len(lines) and tabular[i]
        if row and (not run or _close(lines[run[-1]], lines[i])):
            if not run:
                run = _header_lines(lines, widths, i)
            run.append(i)
            continue
        if run and i < len(lines) and _section_row(lines, widths, tabular, run, i):
            run.append(i)
            continue
        if sum(1 for j in run if widths[j] >= 2) >= 3:
            regions.append([lines[j] for j in run])
        run = []
        if row:
            run = [*_header_lines(lines, widths, i), i]
    return regions


def _section_row(lines: list[Line], widths: list[int], tabular: list[bool], run: list[int], i: int) -> bool:
    """A one-chunk label row inside a table ("Total occupied units"), with table rows after it."""
    if widths[i] != 1 or i + 1 >= len(lines) or not _close(lines[run[-1]], lines[i]):
        return False
    line, nxt = lines[i], lines[i + 1]
    left = min(w["x0"] for j in run for w in lines[j])
    return line[0]["x0"] <= left + 12 and _close(line, nxt) and tabular[i + 1]


def _header_lines(lines: list[Line], widths: list[int], first: int) -> list[int]:
    header: list[int] = []
    below = first
    for j in range(first - 1, max(first - 3, -1), -1):
        if widths[j] < 2 or not _close(lines[j], lines[below]):
            break
        header.insert(0, j)
        below = j
    return header


def _close(upper: Line, lower: Line) -> bool:
    return lower[0]["top"] - upper[0]["bottom"] < 2.5 * _height(upper)


def aligned_grid(lines: list[Line]) -> list[list[str | None]]:
    """Cells of a borderless table: columns are the x-intervals that body chunks share.

    Columns come from lines holding numbers (headers often span columns); each header chunk goes
    to the column it overlaps most, and a chunk spanning several columns leaves None (a span) in
    the others so the header path repeats it.
    """
    chunked = [_chunks(line) for line in lines]
    body = [c for chunks in chunked if any(_numeric_text(_text(k)) for k in chunks) for c in chunks]
    columns: list[list[float]] = []
    for x0, x1 in sorted((c[0]["x0"], c[-1]["x1"]) for c in body):
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    grid: list[list[str | None]] = []
    for chunks in chunked:
        row: list[str | None] = [""] * len(columns)
        for chunk in chunks:
            x0, x1 = chunk[0]["x0"], chunk[-1]["x1"]
            overlaps = [min(x1, c1) - max(x0, c0) for c0, c1 in columns]
            covered = [i for i, o in enumerate(overlaps) if o > 0]
            home = max(range(len(columns)), key=lambda i: (overlaps[i], -abs(columns[i][0] - x0)))
            row[home] = f"{row[home]} {_text(chunk)}".strip()
            for i in covered:
                if i > home and not row[i]:
                    row[i] = None
        grid.append(row)
    return grid


def _text(chunk: Line) -> str:
    return " ".join(w["text"] for w in chunk)


def _word_lines(words: list[dict[str, Any]]) -> list[Line]:
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 0.5 * (word["bottom"] - word["top"]):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _chunks(line: Line) -> list[Line]:
    """Split a line where the gap between words is much wider than a space, or between two numbers.

    Two numbers side by side are two cells, unless the right one is a three-digit group of a
    number written with spaces ("10 000").
    """
    size = statistics.median(w["bottom"] - w["top"] for w in line)
    chunks = [[line[0]]]
    for previous, word in itertools.pairwise(line):
        gap = word["x0"] - previous["x1"]
        numbers = is_numberish(previous["text"]) and is_numberish(word["text"]) and not _GROUP.match(word["text"])
        if gap > 1.2 * size or (numbers and gap > 0.15 * size):
            chunks.append([word])
        else:
            chunks[-1].append(word)
    return chunks


def _height(line: Line) -> float:
    return max(w["bottom"] - w["top"] for w in line)


def _bbox(words: list[dict[str, Any]]) -> Bbox:
    return (min(w["x0"] for w in words), min(w["top"] for w in words),
            max(w["x1"] for w in words), max(w["bottom"] for w in words))


@lru_cache(maxsize=4096)
def _numeric_text(text: str, ranges: bool = False) -> bool:
    """A cell of numbers only: "41%", a count with its share "129 / 4.6%", and with ``ranges``
    a range "0%-15%". Alignment alone does not take ranges for data: a row of share bands
    under bars ("-75% to -51%  -50% to -26% ...", TrustArc p. 15) is a chart's category axis.

    Cached: the page gates and the alignment reading ask about the same short texts (segment
    tokens, chunks, words) many times per page, and the answer depends on the text alone."""
    numbers = cell_numbers(text)
    return bool(numbers) and (ranges or numbers[0][1] == "=") and not is_year(text)


def quantity_grid(grid: list[list[str | None]]) -> bool:
    """A ruled grid of quantities in words with a row of numbers: a data table all the same.

    DORA's performance table states three of its four metrics in words ("Less than one hour",
    "Between once per week and once per month") and one in numbers ("0%-15%", "16%-30%"). Its
    grid is complete, which a page laid out in ruled boxes rarely is: three or more columns,
    every body row labelled and every body cell filled, and one body row all numbers.
    """
    body = grid[1:]
    if len(grid[0]) < 3 or len(body) < 2 or not all(row[0] for row in body):
        return False
    if not all(cell and cell.strip() for row in body for cell in row[1:]):
        return False
    return any(all(_numeric_text(" ".join(cell.split()), ranges=True) for cell in row[1:] if cell) for row in body)


def to_raw_table(rows: list[list[str | None]], page: int | None, bbox: Bbox | None,
                 verbal_ok: bool = False) -> RawTable | None:
    """Clean an extracted grid and keep it only if it is a data table (see the module docstring;
    ``verbal_ok``: a ``quantity_grid``, kept however few of its cells are numbers)."""
    rows = _unfuse_header(rows)
    grid = [[" ".join(c.split()) if c is not None else None for c in row] for row in rows]
    grid = [row for row in grid if any(row)]
    if not grid:
        return None
    keep = [c for c in range(len(grid[0])) if any(row[c] for row in grid)]
    grid = [[row[c] for c in keep] for row in grid]
    if len(grid) < MIN_ROWS or len(keep) < MIN_COLUMNS:
        return None
    table = data_table(grid, page, bbox, min_numeric=0.0, header_rows=1) if verbal_ok else data_table(grid, page, bbox)
    if table is not None:
        table.header_cols = label_columns(table)
    return table


def _unfuse_header(rows: list[list[str | None]]) -> list[list[str | None]]:
    """Split a first row that holds the header lines over the first data row's line.

    When the rule under a header is drawn close to other rules, snapping can merge it away and
    the header cell and the first data cell become one cell: "所占比例\n20%", "模块\n硬件". The
    tell: every filled cell of the first row (its row label included) has the same number of
    lines, two or more, and in every column whose body cells are numbers the last line is a
    number and the lines above are not.
    """
    if len(rows) < 3 or not rows[0][0]:
        return rows
    first = [(cell or "").split("\n") for cell in rows[0]]
    counts = {len(lines) for lines, cell in zip(first, rows[0], strict=True) if cell}
    if len(counts) != 1 or counts.pop() < 2:
        return rows
    numeric = [c for c in range(1, len(first))
               if sum(is_numberish(row[c]) for row in rows[1:]) > (len(rows) - 1) / 2]
    if numeric and all(is_numberish(first[c][-1]) and not any(is_numberish(x) for x in first[c][:-1])
                       for c in numeric):
        header = ["\n".join(lines[:-1]) if cell else cell for lines, cell in zip(first, rows[0], strict=True)]
        data = [lines[-1] if cell else cell for lines, cell in zip(first, rows[0], strict=True)]
        return [header, data, *rows[1:]]
    return rows


def label_columns(table: RawTable) -> int:
    """Leading columns that hold only labels in the body: together they name a row.

    CAICT's 表2 names each row by module and check ("操作系统", "系统安全配置"); the row label is
    the path of both, not the module alone. At least one column stays for data.
    """
    body = table.cells[table.header_rows:]
    width = len(table.cells[0]) if table.cells else 0
    count = 0
    while count < width - 1 and all(not is_numberish(row[count]) for row in body) \
            and any(row[count] for row in body):
        count += 1
    return max(count, 1)


def join_continued(tables: dict[int, list[RawTable]], spans: dict[int, tuple[float, float]]) -> None:
    """Join a table continued at the top of the next page to the one ending its page, in place.

    A continuation is the last content of its page and the first of the next (``spans``: the
    top of the first and bottom of the last line of each page's content, running lines left
    out), spans the same x extent with the same columns, and either repeats the header
    (dropped) or opens with data rows; rows whose first cell is empty continue the spanning row
    label above the page break ("操作系统"). It takes the header rows of the table it
    continues, so its cells get the same labels.
    """
    for page in sorted(tables):
        here, following = tables[page], tables.get(page + 1)
        if not here or not following or page not in spans or page + 1 not in spans:
            continue
        above, below = here[-1], following[0]
        if not (above.bbox and below.bbox and above.bbox[3] >= spans[page][1] - 2
                and below.bbox[1] <= spans[page + 1][0] + 2 and _width(above) == _width(below)
                and abs(above.bbox[0] - below.bbox[0]) < 8 and abs(above.bbox[2] - below.bbox[2]) < 8):
            continue
        header = above.cells[:above.header_rows]
        rows = [list(row) for row in below.cells]
        if rows[:len(header)] == header:
            rows = rows[len(header):]
        elif rows[0][0] and not any(is_numberish(cell) for cell in rows[0][1:]):
            continue  # a header of its own: a different table
        previous = above.cells[-1][0] if len(above.cells) > above.header_rows else ""
        for row in rows:
            if not row[0]:
                row[0] = previous
            previous = row[0]
        below.cells = [list(r) for r in header] + rows
        below.header_rows = len(header)
        below.header_cols = label_columns(below)
        below.caption = below.caption or above.caption
