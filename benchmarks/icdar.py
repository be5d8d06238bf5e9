"""ICDAR 2013 table competition: structure score of cxbench's PDF tables beside camelot hybrid.

The structure metric is the competition's: every table becomes the set of adjacency relations
(a cell and its nearest non-empty neighbour to the right and below, contents whitespace-free and
NFKC-folded); precision and recall are counted over those relations for the whole set.

Evaluation is on full pages (the "complete process": find the tables, then their structure), the
way the pipeline meets PDFs: both tools read every page that holds a ground-truth table. A
predicted table meets the ground-truth table on its page whose region it overlaps most; relations
of predicted tables that meet none count against precision. Both tools read the same pages in the
same run and are timed on them.

Two cxbench rows: ``cxbench`` runs the table reader on every gold page, the table reader's own
score; ``cxbench parse_pdf`` sends each page through the page gates first, as ``parse_pdf`` does,
so a table the gates turn away counts as missed: what a user of the pipeline gets.

Usage: python benchmarks/icdar.py [--limit N] [--no-camelot]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.parse.pdf import read_segments  # noqa: E402
from pipelines.parse.pdf_tables import PdfiumPage, gated_page_tables, page_tables  # noqa: E402

ICDAR = ROOT.parent / "shared" / "icdar2013"
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF space (origin bottom left)
Relation = tuple[str, str, str]  # (direction, from, to)


@dataclass
class GoldTable:
    document: str
    page: int  # 1-based
    bbox: Box
    relations: set[Relation]


@dataclass
class Tally:
    tp: int = 0
    predicted: int = 0
    gold: int = 0
    seconds: float = 0.0
    pages: int = 0
    failures: list[str] = field(default_factory=list)

    def scores(self) -> tuple[float, float, float]:
        p = self.tp / self.predicted if self.predicted else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def relations(cells: list[tuple[int, int, int, int, str]]) -> set[Relation]:
    """Adjacency relations of cells given as (start_row, start_col, end_row, end_col, content)."""
    at: dict[tuple[int, int], int] = {}
    for i, (r0, c0, r1, c1, text) in enumerate(cells):
        if not norm(text):
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                at[(r, c)] = i
    rows = max((k[0] for k in at), default=-1) + 1
    cols = max((k[1] for k in at), default=-1) + 1
    found: set[Relation] = set()
    for (r, c), i in at.items():
        for direction, step in (("h", (0, 1)), ("v", (1, 0))):
            rr, cc = r + step[0], c + step[1]
            while rr < rows and cc < cols:
                j = at.get((rr, cc))
                if j is not None and j != i:
                    found.add((direction, norm(cells[i][4]), norm(cells[j][4])))
                    break
                rr, cc = rr + step[0], cc + step[1]
    return found


def grid_relations(grid: list[list[str | None]], header_rows: int = 0) -> set[Relation]:
    """Relations of an extracted grid, with cxbench's span filling undone.

    cxbench repeats a spanning header's text across the columns it covers and a spanning row
    label down its rows; those runs become one spanning cell again (as the ground truth has it).
    Elsewhere equal neighbours ("-" beside "-") stay separate cells.
    """
    cells = []
    for r, row in enumerate(grid):
        c = 0
        while c < len(row):
            end = c
            if r < header_rows:
                while end + 1 < len(row) and norm(row[end + 1]) == norm(row[c]):
                    end += 1
            above = grid[r - 1][0] if r else None
            if not (c == 0 and r >= header_rows and r and norm(above) == norm(row[0])):
                cells.append((r, c, r, end, row[c] or ""))
            c = end + 1
    return relations(cells)


def load_gold(limit: int | None) -> list[GoldTable]:
    tables = []
    # "b" files without a PDF of their own are a second reading of the "a" document: skipped
    paths = [p for p in sorted(ICDAR.glob("competition-dataset-*/*-str.xml"))
             if p.with_name(p.name.removesuffix("-str.xml") + ".pdf").exists()][:limit]
    for structure in paths:
        document = structure.name.removesuffix("-str.xml")
        regions = ET.parse(structure.with_name(f"{document}-reg.xml")).getroot()
        boxes: dict[tuple[str | None, int], list[Box]] = {}
        for table in regions.iter("table"):
            for region in table.iter("region"):
                b = region.find("bounding-box").attrib
                boxes.setdefault((table.get("id"), int(region.get("page"))), []).append(
                    (float(b["x1"]), float(b["y1"]), float(b["x2"]), float(b["y2"])))
        for table in ET.parse(structure).getroot().iter("table"):
            for region in table.iter("region"):
                # region ids of the two files do not always agree: pair regions by table and page
                page = int(region.get("page"))
                candidates = boxes.get((table.get("id"), page)) or [(0.0, 0.0, 1e4, 1e4)]
                bbox = candidates.pop(0) if len(candidates) > 1 else candidates[0]
                cells = []
                for cell in region.iter("cell"):
                    r0, c0 = int(cell.get("start-row")), int(cell.get("start-col"))
                    r1 = int(cell.get("end-row", r0))
                    c1 = int(cell.get("end-col", c0))
                    cells.append((r0, c0, r1, c1, cell.findtext("content") or ""))
                tables.append(GoldTable(document, page, bbox, relations(cells)))
    return tables


def pdf_of(document: str) -> Path:
    return next(ICDAR.glob(f"competition-dataset-*/{document}.pdf"))


def overlap(a: Box, b: Box) -> float:
    """Intersection area over the smaller box: a predicted table inside a gold region scores 1."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0


Found = tuple[Box, list[list[str | None]], int]  # bbox, grid, header rows (spans to undo)
Extractor = Callable[[Path, list[int]], dict[int, list[Found]]]


def _pdfium_tables(pdf: Path, pages: list[int], read: Callable[[Any, int], list]) -> dict[int, list[Found]]:
    """``read(page, number)``'s tables on each given 1-based page of ``pdf``, opened with pdfium."""
    out: dict[int, list[Found]] = {}
    document = pdfium.PdfDocument(pdf)
    try:
        for number in pages:
            page = document[number - 1]
            out[number] = _found(read(page, number), page.get_height())
            page.close()
    finally:
        document.close()
    return out


def cxbench_tables(pdf: Path, pages: list[int]) -> dict[int, list[Found]]:
    """cxbench's table reader on the given 1-based pages (layout objects read with pdfium)."""
    return _pdfium_tables(pdf, pages, lambda page, number: page_tables(PdfiumPage(page, number), number))


def gated_tables(pdf: Path, pages: list[int]) -> dict[int, list[Found]]:
    """The same pages as ``parse_pdf`` reads them: the page gates first, then the table reader."""
    return _pdfium_tables(pdf, pages, _gated)


def _gated(page: Any, number: int) -> list:
    textpage = page.get_textpage()
    try:
        return gated_page_tables(page, number, read_segments(page, textpage), textpage)
    finally:
        textpage.close()


def pdfminer_tables(pdf: Path, pages: list[int]) -> dict[int, list[Found]]:
    """The same table reader on pdfplumber's own (pdfminer) layout objects: round one's path."""
    out: dict[int, list[Found]] = {}
    with pdfplumber.open(pdf, pages=pages) as doc:
        for number, plumber_page in zip(pages, doc.pages, strict=True):
            out[number] = _found(page_tables(plumber_page, number), plumber_page.height)
    return out


def _found(tables: list, height: float) -> list[Found]:
    """Tables as scored: bbox flipped to PDF space (origin bottom left), grid, header rows."""
    return [((t.bbox[0], height - t.bbox[3], t.bbox[2], height - t.bbox[1]), t.cells, t.header_rows)
            for t in tables]


def camelot_tables(pdf: Path, pages: list[int]) -> dict[int, list[Found]]:
    """camelot hybrid on the same pages, in one call per document."""
    import camelot

    found = camelot.read_pdf(str(pdf), pages=",".join(map(str, pages)), flavor="hybrid", suppress_stdout=True)
    out: dict[int, list[Found]] = {p: [] for p in pages}
    for table in found:
        out[int(table.page)].append((tuple(table._bbox), table.df.values.tolist(), 0))
    return out


def evaluate(extract: Extractor, gold: list[GoldTable]) -> Tally:
    tally = Tally()
    documents = sorted({g.document for g in gold})
    for document in documents:
        pages = sorted({g.page for g in gold if g.document == document})
        start = time.perf_counter()
        try:
            predicted = extract(pdf_of(document), pages)
        except Exception as exc:  # a failing document is scored as having found nothing
            tally.failures.append(f"{document}: {type(exc).__name__}: {exc}")
            predicted = {}
        tally.seconds += time.perf_counter() - start
        tally.pages += len(pages)
        for page in pages:
            score_page(tally, predicted.get(page, []), [g for g in gold if g.document == document and g.page == page])
    return tally


def score_page(tally: Tally, predicted: list[Found], on_page: list[GoldTable]) -> None:
    """Each predicted table meets the gold table it overlaps most; unmatched ones are false positives."""
    matched: dict[int, set[Relation]] = {i: set() for i in range(len(on_page))}
    for bbox, grid, header_rows in predicted:
        found = grid_relations(grid, header_rows)
        scores = [overlap(bbox, g.bbox) for g in on_page]
        best = max(range(len(on_page)), key=scores.__getitem__)
        if scores[best] > 0.3:
            matched[best] |= found
        else:
            tally.predicted += len(found)
    for i, g in enumerate(on_page):
        tally.tp += len(matched[i] & g.relations)
        tally.predicted += len(matched[i])
        tally.gold += len(g.relations)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--no-camelot", action="store_true", help="skip the camelot peer (faster)")
    parser.add_argument("--pdfminer", action="store_true",
                        help="also run the table reader on pdfplumber's pdfminer objects (before/after)")
    args = parser.parse_args(argv)
    if not ICDAR.is_dir():
        print(f"ICDAR 2013 data not found at {ICDAR}: skipped")
        return 0
    gold = load_gold(args.limit)
    tools: list[tuple[str, Extractor]] = [("cxbench", cxbench_tables), ("cxbench parse_pdf", gated_tables)]
    if args.pdfminer:
        tools.append(("cxbench/pdfminer", pdfminer_tables))
    if not args.no_camelot:
        tools.append(("camelot hybrid", camelot_tables))
    results = {name: evaluate(extract, gold) for name, extract in tools}
    n_docs = len({g.document for g in gold})
    print(f"ICDAR 2013 structure (adjacency relations), full pages: {n_docs} documents, {len(gold)} tables")
    print(f"{'tool':<20}{'precision':>10}{'recall':>8}{'F1':>7}{'seconds':>9}{'pages/s':>9}")
    for name, t in results.items():
        p, r, f = t.scores()
        print(f"{name:<20}{p:>10.3f}{r:>8.3f}{f:>7.3f}{t.seconds:>9.1f}{t.pages / t.seconds:>9.2f}")
        for failure in t.failures[:5]:
            print(f"  {name} failed on {failure}")
    if "camelot hybrid" in results:
        speed = results["camelot hybrid"].seconds / max(results["cxbench"].seconds, 1e-9)
        print(f"cxbench is {speed:.1f}x the speed of camelot hybrid on the same pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
