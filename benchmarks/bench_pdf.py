"""PDF speed beside named peers, measured in the same run, then the ICDAR 2013 table score.

Text: cxbench's text path (pypdfium2 segments laid out into paragraphs) against pdfplumber's
``extract_text`` on the same pages. Tables: pages per second of ``page_tables`` on pdfium's
layout objects (``PdfiumPage``) beside the same finder on pdfplumber's own (pdfminer) objects.
The ICDAR part (``benchmarks/icdar.py``) runs cxbench and camelot hybrid.
PDFs: the ICDAR 2013 documents when ../shared is present, else the project's samples.

Usage: python benchmarks/bench_pdf.py [--limit N] [--no-camelot] [--text-only] [--pdfminer]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import icdar  # noqa: E402

from pipelines.errors import ReportError  # noqa: E402
from pipelines.parse.pdf import page_text, parse_pdf, read_segments  # noqa: E402
from pipelines.parse.pdf_tables import PdfiumPage, page_tables  # noqa: E402
from pipelines.tables import table_figures  # noqa: E402


def pdf_files(limit: int | None) -> list[Path]:
    files = sorted(icdar.ICDAR.glob("competition-dataset-*/*.pdf")) if icdar.ICDAR.is_dir() else []
    return files[:limit] if files else sorted((ROOT / "sources").glob("*.pdf"))


def cxbench_text(path: Path) -> int:
    document = pdfium.PdfDocument(path)
    try:
        for index in range(len(document)):
            page_text(read_segments(document[index]))
        return len(document)
    finally:
        document.close()


def pdfplumber_text(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def tables(path: Path) -> int:
    document = pdfium.PdfDocument(path)
    try:
        for index in range(len(document)):
            page_tables(PdfiumPage(document[index], index + 1), index + 1)
        return len(document)
    finally:
        document.close()


def pdfminer_tables(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            page_tables(page, number)
        return len(pdf.pages)


def rate(work, files: list[Path]) -> tuple[float, int]:
    start = time.perf_counter()
    pages = sum(work(f) for f in files)
    return pages / (time.perf_counter() - start), pages


def yields(files: list[Path]) -> None:
    """How many tables, table figures and chart figures each PDF gives (the issue asks to count them)."""
    print("figures per PDF (tables / table cells / chart labels and callouts):")
    for path in files:
        try:
            document = parse_pdf(path.read_bytes())
        except ReportError as exc:
            print(f"  {path.name}: {exc}")
            continue
        cells = sum(len(table_figures(t)) for t in document.tables)
        print(f"  {path.name}: {len(document.tables)} / {cells} / {len(document.charts)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--no-camelot", action="store_true")
    parser.add_argument("--text-only", action="store_true", help="skip tables and ICDAR")
    parser.add_argument("--pdfminer", action="store_true",
                        help="also time the table finder on pdfminer's objects (round one's path)")
    args = parser.parse_args()
    files = pdf_files(args.limit)
    fast, pages = rate(cxbench_text, files)
    slow, _ = rate(pdfplumber_text, files)
    print(f"text: {len(files)} PDFs, {pages} pages")
    print(f"  cxbench (pypdfium2 + layout) {fast:8.1f} pages/s")
    print(f"  pdfplumber extract_text      {slow:8.1f} pages/s")
    print(f"  ratio {fast / slow:.1f}x (target >= 30x)")
    yields(sorted((ROOT / "sources").glob("*.pdf")))
    if args.text_only:
        return 0
    table_rate, _ = rate(tables, files)
    print("tables over every page:")
    print(f"  cxbench page_tables (pdfium objects)   {table_rate:6.2f} pages/s")
    if args.pdfminer:
        old_rate, _ = rate(pdfminer_tables, files)
        print(f"  same finder on pdfminer objects        {old_rate:6.2f} pages/s ({table_rate / old_rate:.1f}x)")
    icdar_args = [] if args.limit is None else ["--limit", str(args.limit)]
    icdar_args += ["--no-camelot"] if args.no_camelot else []
    return icdar.main(icdar_args + (["--pdfminer"] if args.pdfminer else []))


if __name__ == "__main__":
    sys.exit(main())
