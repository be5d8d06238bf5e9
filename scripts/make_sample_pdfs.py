"""Write the project's sample PDF reports into ``sources/`` (committed; rerun only to change them).

The samples exercise every PDF path of the parser with text written for this project:

* ``cx_pulse_2025_en.pdf``: an English report with running headers and "Page N of M" footers, a
  two-column prose page with a hyphenated line break, a ruled table with a two-row header and a
  spanning cell, a borderless table, a decorative box (not a table), and a chart page with bar
  data labels and a big-number callout.
* ``cx_pulse_2025_zh.pdf``: a Simplified-Chinese report with prose figures and a ruled table.

Requirements when regenerating: reportlab (dev dependency) and a TrueType CJK font, embedded as a
subset so the PDF reads anywhere. reportlab's built-in CID fonts (STSong-Light) are not embedded,
so the script looks for WenQuanYi Zen Hei (Debian: ``apt-get install fonts-wqy-zenhei``) or the
path in the ``CXBENCH_CJK_FONT`` environment variable. Output is deterministic (``invariant=1``):
rerunning gives identical bytes.

Usage: ``python scripts/make_sample_pdfs.py [OUT_DIR]`` (default: ``sources/``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = A4
MARGIN = 56
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
EN_TITLE = "Customer Pulse Report 2025"
ZH_TITLE = "2025 年客户体验脉搏报告"


def _canvas(path: Path, title: str) -> Canvas:
    canvas = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("cxbench sample generator")
    return canvas


def _running(canvas: Canvas, title: str, page: int, pages: int, font: str = "Helvetica") -> None:
    """Header and footer repeated on every page: the parser must drop them."""
    canvas.setFont(font, 8)
    canvas.drawString(MARGIN, HEIGHT - 30, title)
    canvas.drawRightString(WIDTH - MARGIN, 30, f"Page {page} of {pages}")


def _lines(canvas: Canvas, x: float, y: float, lines: list[str], font: str, size: float,
           leading: float) -> float:
    canvas.setFont(font, size)
    for line in lines:
        if line:
            canvas.drawString(x, y, line)
        y -= leading
    return y


def _grid(canvas: Canvas, x0: float, top: float, col_widths: list[float], row_h: float, rows: int,
          skip_vertical: set[tuple[int, int]] = frozenset()) -> None:
    """Ruled grid; ``skip_vertical`` holds (row, col boundary) pairs left open for spanning cells."""
    xs = [x0]
    for w in col_widths:
        xs.append(xs[-1] + w)
    canvas.setLineWidth(0.6)
    for r in range(rows + 1):
        canvas.line(xs[0], top - r * row_h, xs[-1], top - r * row_h)
    for c, x in enumerate(xs):
        for r in range(rows):
            if (r, c) not in skip_vertical:
                canvas.line(x, top - r * row_h, x, top - (r + 1) * row_h)


def _row_text(canvas: Canvas, x0: float, y: float, col_widths: list[float], cells: list[str],
              font: str, size: float) -> None:
    canvas.setFont(font, size)
    x = x0
    for width, text in zip(col_widths, cells, strict=True):
        if text:
            canvas.drawString(x + 4, y, text)
        x += width


def english(path: Path) -> None:
    pages = 4
    c = _canvas(path, EN_TITLE)

    # Page 1: heading and two columns of prose; the left column ends in a hyphenated word.
    _running(c, EN_TITLE, 1, pages)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(MARGIN, HEIGHT - 80, "Key findings")
    left = [
        "This year we asked 2,400 adults in four",
        "markets how they rate the service they",
        "receive. Overall satisfaction reached 64%,",
        "up 3 points on last year. Two in five",
        "shoppers said they had switched brands",
        "after a single poor experience, and cus-",
        "tomers under 35 were the most likely to",
        "leave.",
        "",
        "Waiting remains the main complaint: 38%",
        "named slow replies as their top reason",
        "for frustration.",
    ]
    right = [
        "Self-service is now the first choice for",
        "simple tasks. More than half (54%) of",
        "respondents try a help page before they",
        "contact an agent, compared with 47% in",
        "2024.",
        "",
        "Trust is fragile. Only 29% believe brands",
        "use their data in their interest, and the",
        "figure falls to 21% among people over 55.",
    ]
    col_w = (WIDTH - 2 * MARGIN - 24) / 2
    _lines(c, MARGIN, HEIGHT - 110, left, "Helvetica", 10, 13)
    _lines(c, MARGIN + col_w + 24, HEIGHT - 110, right, "Helvetica", 10, 13)
    c.showPage()

    # Page 2: ruled table with a two-row header; "Satisfied (%)" spans two columns.
    _running(c, EN_TITLE, 2, pages)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(MARGIN, HEIGHT - 80, "Table 1: Satisfaction by channel")
    widths = [140, 80, 80, 100]
    top, row_h = HEIGHT - 100, 20
    body = [
        ["Phone", "62", "58", "-4"],
        ["Live chat", "55", "63", "+8"],
        ["Email", "48", "51", "+3"],
        ["In store", "71", "74", "+3"],
    ]
    _grid(c, MARGIN, top, widths, row_h, 2 + len(body), skip_vertical={(0, 2)})
    _row_text(c, MARGIN, top - 14, widths, ["Channel", "Satisfied (%)", "", "Change (pp)"],
              "Helvetica-Bold", 9)
    _row_text(c, MARGIN, top - 34, widths, ["", "2024", "2025", ""], "Helvetica-Bold", 9)
    for i, row in enumerate(body):
        _row_text(c, MARGIN, top - 14 - (i + 2) * row_h, widths, row, "Helvetica", 9)
    _lines(c, MARGIN, top - 7 * row_h - 20, [
        "Phone is the only channel that lost ground. Live chat gained the most, helped by",
        "shorter queues at peak hours.",
    ], "Helvetica", 10, 13)
    c.showPage()

    # Page 3: borderless table (alignment only) and a decorative box around a quote.
    _running(c, EN_TITLE, 3, pages)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(MARGIN, HEIGHT - 80, "Table 2: Top reasons for switching brands")
    widths = [200, 90, 90]
    rows = [
        ["Reason", "Under 35 (%)", "All adults (%)"],
        ["Slow replies", "44", "38"],
        ["Unfriendly staff", "31", "27"],
        ["Price rise", "26", "33"],
        ["Product quality", "19", "24"],
    ]
    y = HEIGHT - 110
    for i, row in enumerate(rows):
        _row_text(c, MARGIN, y, widths, row, "Helvetica-Bold" if i == 0 else "Helvetica", 9)
        y -= 16
    c.setLineWidth(1)
    c.rect(MARGIN, y - 70, WIDTH - 2 * MARGIN, 54)
    _lines(c, MARGIN + 12, y - 34, [
        "\"I left after waiting on hold for an hour.\"",
        "A respondent from the pilot interviews",
    ], "Helvetica-Oblique", 10, 14)
    c.showPage()

    # Page 4: bar chart with data labels under a title, and a big-number callout.
    _running(c, EN_TITLE, 4, pages)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(MARGIN, HEIGHT - 80, "Figure 1: Prefer self-service for simple tasks")
    base, bar_w = HEIGHT - 320, 60
    for i, (label, value) in enumerate((("Under 35", 66), ("35 to 54", 72), ("55 and over", 28))):
        x = MARGIN + 30 + i * 120
        c.setFillGray(0.6)
        c.rect(x, base, bar_w, value * 2.5, stroke=0, fill=1)
        c.setFillGray(0)
        c.setFont("Helvetica-Bold", 11)
        c.drawCentredString(x + bar_w / 2, base + value * 2.5 + 6, f"{value}%")
        c.setFont("Helvetica", 9)
        c.drawCentredString(x + bar_w / 2, base - 14, label)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(MARGIN, base - 70, "What customers expect")
    c.setFont("Helvetica-Bold", 36)
    c.drawString(MARGIN, base - 120, "61%")
    _lines(c, MARGIN + 90, base - 104, [
        "of customers believe a company should",
        "know their purchase history.",
    ], "Helvetica", 11, 14)
    c.showPage()
    c.save()


def _cjk_font() -> str:
    candidates = [os.environ.get("CXBENCH_CJK_FONT", ""), *CJK_FONT_CANDIDATES]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            pdfmetrics.registerFont(TTFont("CJK", candidate, subfontIndex=0))
            return "CJK"
    sys.exit("no CJK TrueType font: apt-get install fonts-wqy-zenhei or set CXBENCH_CJK_FONT")


def chinese(path: Path) -> None:
    font = _cjk_font()
    pages = 2
    c = _canvas(path, ZH_TITLE)
    _running(c, ZH_TITLE, 1, pages, font)
    c.setFont(font, 16)
    c.drawString(MARGIN, HEIGHT - 80, "主要发现")
    _lines(c, MARGIN, HEIGHT - 110, [
        "本次调查共访问了 1,800 名消费者。超过三分之二（68%）的受访者表示，",
        "他们愿意为更好的服务多付钱，比去年上升了 5 个百分点。",
        "",
        "在“非常满意”的客户中，有 43% 会向朋友推荐该品牌；而在“不满意”的",
        "客户中，这一比例只有 9%。近一半的受访者希望在一小时内得到答复。",
    ], font, 11, 17)
    c.showPage()

    _running(c, ZH_TITLE, 2, pages, font)
    c.setFont(font, 12)
    c.drawString(MARGIN, HEIGHT - 80, "表 1：各渠道满意度")
    widths = [130, 100, 120]
    top, row_h = HEIGHT - 100, 20
    rows = [
        ["渠道", "满意度（%）", "变化（百分点）"],
        ["电话", "57", "-2"],
        ["在线客服", "66", "+6"],
        ["门店", "73", "+1"],
    ]
    _grid(c, MARGIN, top, widths, row_h, len(rows))
    for i, row in enumerate(rows):
        _row_text(c, MARGIN, top - 14 - i * row_h, widths, row, font, 10)
    c.showPage()
    c.save()


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "sources"
    out.mkdir(parents=True, exist_ok=True)
    english(out / "cx_pulse_2025_en.pdf")
    chinese(out / "cx_pulse_2025_zh.pdf")
    for name in ("cx_pulse_2025_en.pdf", "cx_pulse_2025_zh.pdf"):
        print(f"{out / name}: {(out / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
