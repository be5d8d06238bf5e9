"""Write the project's sample PDF reports into ``sources/`` (committed; rerun only to change them).

The samples exercise every PDF path of the parser with text written for this project:

* ``cx_pulse_2025_en.pdf``: an English report with running headers and "Page N of M" footers, a
  two-column prose page with a hyphenated line break, a ruled table with a two-row header and a
  spanning cell, a borderless table, a decorative box (not a table), and a chart page with bar
  data labels and a big-number callout.
* ``cx_pulse_2025_zh.pdf``: a Simplified-Chinese report with prose figures and a ruled table.
* ``cx_signals_2025_en.pdf``: a designed report, laid out the way published survey PDFs are: big-number
  callouts beside their caption sentences, a two-column page opening with a drop cap, a grouped bar
  chart with data labels, a legend and '%' axis ticks, and a ruled table continued across a page
  break *without* a repeated header (the harder case: the continuation takes its column labels from
  the first page). Its gold (the shared real-PDF gold format, ``../shared/real-pdfs/gold/README.md``)
  is written from the same data that draws the page, to ``tests/data/real_pdfs/gold/``, and every
  text anchor is checked against pdfplumber's ``extract_text`` of its page, as the format asks.

Requirements when regenerating: reportlab (dev dependency) and a TrueType CJK font, embedded as a
subset so the PDF reads anywhere. reportlab's built-in CID fonts (STSong-Light) are not embedded,
so the script looks for WenQuanYi Zen Hei (Debian: ``apt-get install fonts-wqy-zenhei``) or the
path in the ``CXBENCH_CJK_FONT`` environment variable. Output is deterministic (``invariant=1``):
rerunning gives identical bytes.

Usage: ``python scripts/make_sample_pdfs.py [OUT_DIR] [--only NAME ...]`` (default: every sample into
``sources/``, gold to ``tests/data/real_pdfs/gold/``; with OUT_DIR the gold file goes there too).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
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


# --- cx_signals_2025_en.pdf: a designed report, drawn and annotated from one data structure -------------
SIGNALS_TITLE = "Customer Signals 2025"
SIGNALS_RUNNING = "Customer Signals 2025 | a cxbench sample report"
SIGNALS_FILE = "cx_signals_2025_en.pdf"
SIGNALS_PAGES = 5
BLUE = (0.11, 0.36, 0.62)


@dataclass(frozen=True)
class Fig:
    """One stated figure, in the fields of the real-PDF gold (``../shared/real-pdfs/gold/README.md``)."""

    figure: str
    value: float
    subject: str
    anchor: str | None = None
    cls: str = "percent"
    unit: str = "percent"
    kind: str = "level"
    sign: int | None = None
    qualifier: str = "="
    period: str = "current"
    label: str | None = None
    note: str | None = None


def _pts(figure: str, value: float, subject: str, anchor: str, sign: int = 1) -> Fig:
    """A change stated in points ("up 6 points")."""
    return Fig(figure, value, subject, anchor, unit="percentage_points", kind="change", sign=sign)


# Page 1: an introduction, two big-number callouts (number large, caption sentence beside it) and prose.
INTRO = (
    "We asked 3,100 customers in six markets how the service they receive compares with what they expect. "
    "Their answers describe customers who value speed above charm and who leave quietly.",
    (Fig("3,100", 3100, "customers surveyed (sample size)", "We asked", cls="other", unit="count"),
     Fig("six", 6, "markets surveyed", "markets how", cls="other", unit="count")),
)
CALLOUTS = (
    (Fig("73%", 73, "customers for whom a fast answer matters more than a friendly one", "of customers say"),
     ("of customers say a fast answer matters more", "to them than a friendly one.")),
    (Fig("2 in 5", 40, "customers who left a brand after one slow reply", "customers have left", cls="fraction"),
     ("customers have left a brand after a single", "slow reply in the past year.")),
)
AFTER_CALLOUTS = (
    "Speed matters most to younger customers: 81% of those aged 18 to 34 put it first, against 64% of "
    "those aged 55 and over.",
    (Fig("81%", 81, "customers aged 18-34 who put speed first", "of those aged 18"),
     Fig("64%", 64, "customers aged 55 and over who put speed first", "against")),
)

# Page 2: two columns; the first paragraph opens with a drop cap ("F" + "orty-two percent ...").
DROP_CAP = "F"
COLUMNS = (
    ("Forty-two percent of the customers we asked had stopped buying from at least one brand in the past "
     "year. Most of them did not complain first: only 18% told the company why they were leaving, down "
     "from 23% in 2023.",
     (Fig("Forty-two percent", 42, "customers who stopped buying from at least one brand in the past year",
          "of the customers", note="opens with a drop cap: the text layer holds 'F' apart from 'orty-two'"),
      Fig("18%", 18, "leavers who told the company why they left", "only"),
      Fig("23%", 23, "leavers who told the company why they left, 2023", "down from", period="previous"))),
    ("Price is rarely the whole story. Seven in 10 leavers named a service failure among their reasons, "
     "and a third named price alone.",
     (Fig("Seven in 10", 70, "leavers naming a service failure among their reasons", "leavers named",
          cls="fraction"),
      Fig("a third", 33.33, "leavers naming price alone", "named price", cls="fraction"))),
    ("Channels matter too. Satisfaction with live chat rose 6 points to 59%, while email slipped from "
     "44% to 41%.",
     (_pts("6 points", 6, "change in satisfaction with live chat", "rose"),
      Fig("59%", 59, "satisfaction with live chat", "points to"),
      Fig("44%", 44, "satisfaction with email, previous year", "slipped from", period="previous"),
      Fig("41%", 41, "satisfaction with email", "to 41"))),
    ("Nearly half (48%) of the customers who used a chatbot said it solved their problem without a "
     "hand-off to a person. Younger customers were the most forgiving: just over a quarter of them (27%) "
     "would try a chatbot again after a failed conversation.",
     (Fig("half", 50, "chatbot users whose problem was solved without a hand-off", "Nearly half",
          cls="fraction", qualifier="~"),
      Fig("48%", 48, "chatbot users whose problem was solved without a hand-off", "(48%) of the"),
      Fig("a quarter", 25, "younger customers who would try a chatbot again after a failure", "just over",
          cls="fraction", qualifier=">"),
      Fig("27%", 27, "younger customers who would try a chatbot again after a failure", "(27%) would"))),
    ("Waiting is the trigger. Customers who waited more than ten minutes for a first reply were twice as "
     "likely to leave as those answered at once, and 35% of them said they would not give the brand a "
     "second chance.",
     (Fig("twice", 2, "likelihood of leaving after a wait of over ten minutes vs an immediate answer",
          "were", cls="other", unit="multiple", kind="change", sign=1),
      Fig("35%", 35, "customers who waited over ten minutes and would give no second chance", "of them said"))),
    ("Fixing the basics pays. Brands that answered complaints within an hour kept 91% of the customers "
     "who complained, compared with 57% for brands that took a day or longer.",
     (Fig("91%", 91, "complaining customers kept by brands answering within an hour", "hour kept"),
      Fig("57%", 57, "complaining customers kept by brands taking a day or longer", "compared with"))),
)
COLUMN_LINES = 17  # lines the left column holds before the text flows into the right one

# Page 3: a grouped bar chart (two series named by a legend), data labels, '%' ticks on the value axis.
CHART_TITLE = "Figure 1: Customers who rate service as good, by channel"
CHART_SUBTITLE = "Share of respondents, 2024 and 2025"
CHART_SERIES = (("2024", "previous", (0.7, 0.7, 0.7)), ("2025", "current", BLUE))
CHART_DATA = (  # category, value per series; no label equals a tick value (0, 20, ... 100)
    ("Phone", (57, 55)),
    ("Live chat", (53, 59)),
    ("Email", (44, 41)),
    ("In store", (68, 71)),
    ("App", (49, 62)),
)
SOURCE_NOTE = ("cxbench sample survey 2025 (n = 3,100).",
               (Fig("3,100", 3100, "survey respondents (sample size)", "(n =", cls="other", unit="count"),))
AFTER_CHART = (
    "The app gained most: 62% of its users rated it good this year, up 13 points on 2024.",
    (Fig("62%", 62, "app users rating the service good", "The app gained"),
     _pts("13 points", 13, "change in app users rating the service good", "good this year")),
)

# Pages 4-5: a ruled table continued across the page break without a repeated header.
TABLE_TITLE = "Table 1: Satisfied customers by sector"
TABLE_HEADER = ("Sector", "Satisfied 2024", "Satisfied 2025", "Would recommend")
TABLE_PERIODS = (None, "previous", "current", "current")
TABLE_ROWS = (
    ("Groceries", 72, 74, 61), ("Banking", 63, 66, 48), ("Insurance", 51, 54, 37),
    ("Telecoms", 45, 47, 29), ("Airlines", 56, 52, 43), ("Hotels", 69, 71, 58),
    ("Fashion retail", 67, 69, 55), ("Electronics", 61, 64, 50), ("Public transport", 42, 45, 31),
    ("Energy", 39, 43, 27), ("Water", 41, 44, 26), ("Utilities", 34, 38, 22),
)
TABLE_FIRST_PAGE_ROWS = 8
TABLE_INTRO = (
    "Groceries and hotels lead again. Table 1 lists the share of satisfied customers in each sector "
    "we covered, and the share who would recommend a brand they used.",
    (),
)
AFTER_TABLE = (
    "Utilities remain last, with 38% satisfied, although that is 4 points better than in 2024.",
    (Fig("38%", 38, "satisfied utilities customers", "with 38"),
     _pts("4 points", 4, "change in satisfied utilities customers", "that is")),
)


def _wrap(text: str, font: str, size: float, width: Callable[[int], float]) -> list[str]:
    """Greedy word wrap; ``width(n)`` is the room on line n (narrower beside a drop cap)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and stringWidth(trial, font, size) > width(len(lines)):
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines


def _gold_row(page: int, source: str, fig: Fig, **table: object) -> dict:
    row = {
        "doc": SIGNALS_FILE, "page": page, "source": source, "figure": fig.figure,
        "anchor": fig.anchor if source == "text" else None, "class": fig.cls, "value": float(fig.value),
        "unit": fig.unit, "kind": fig.kind, "sign": fig.sign, "qualifier": fig.qualifier,
        "period": fig.period, "label": fig.label, "subject": fig.subject, "note": fig.note,
    }
    return row | table


def _paragraph(c: Canvas, page: int, gold: list[dict], para: tuple[str, tuple[Fig, ...]], y: float,
               width: float = WIDTH - 2 * MARGIN, size: float = 10.5, leading: float = 14) -> float:
    text, figs = para
    lines = _wrap(text, "Helvetica", size, lambda _: width)
    gold += [_gold_row(page, "text", f) for f in figs]
    return _lines(c, MARGIN, y, lines, "Helvetica", size, leading) - leading / 2


def _page_one(c: Canvas, gold: list[dict]) -> None:
    c.setFont("Helvetica-Bold", 24)
    c.drawString(MARGIN, HEIGHT - 90, SIGNALS_TITLE)
    c.setFont("Helvetica", 12)
    c.drawString(MARGIN, HEIGHT - 112, "What customers expect, and what makes them leave")
    y = _paragraph(c, 1, gold, INTRO, HEIGHT - 150)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(MARGIN, y - 16, "At a glance")
    y -= 70
    for fig, caption in CALLOUTS:
        c.setFillColorRGB(*BLUE)
        c.setFont("Helvetica-Bold", 44)
        c.drawString(MARGIN, y - 10, fig.figure)
        c.setFillGray(0)
        _lines(c, MARGIN + stringWidth(fig.figure, "Helvetica-Bold", 44) + 16, y + 8, list(caption),
               "Helvetica", 11, 14)
        gold.append(_gold_row(1, "text", fig))
        y -= 80
    _paragraph(c, 1, gold, AFTER_CALLOUTS, y)


def _page_two(c: Canvas, gold: list[dict]) -> None:
    c.setFont("Helvetica-Bold", 16)
    c.drawString(MARGIN, HEIGHT - 80, "Why customers leave")
    gap, size, leading = 24, 10.5, 14
    col_w = (WIDTH - 2 * MARGIN - gap) / 2
    cap_size = 40
    cap_room = stringWidth(DROP_CAP, "Helvetica-Bold", cap_size) + 5
    lines: list[str] = []
    for index, (text, figs) in enumerate(COLUMNS):
        if index == 0:
            assert text.startswith(DROP_CAP)
            text = text[len(DROP_CAP):]
            width: Callable[[int], float] = lambda n: col_w - cap_room if n < 3 else col_w  # noqa: E731
        else:
            width = lambda _: col_w  # noqa: E731
            lines.append("")
        wrapped = _wrap(text, "Helvetica", size, width)
        lines += wrapped
        gold += [_gold_row(2, "text", f) for f in figs]
    top = HEIGHT - 112
    c.setFillColorRGB(*BLUE)
    c.setFont("Helvetica-Bold", cap_size)
    c.drawString(MARGIN, top - 2 * leading, DROP_CAP)
    c.setFillGray(0)
    c.setFont("Helvetica", size)
    for n, line in enumerate(lines[:COLUMN_LINES]):
        c.drawString(MARGIN + (cap_room if n < 3 else 0), top - n * leading, line)
    right = lines[COLUMN_LINES:]
    _lines(c, MARGIN + col_w + gap, top, right[1:] if right and not right[0] else right, "Helvetica", size,
           leading)


def _page_three(c: Canvas, gold: list[dict]) -> None:
    c.setFont("Helvetica-Bold", 12)
    c.drawString(MARGIN, HEIGHT - 80, CHART_TITLE)
    c.setFont("Helvetica", 9)
    c.drawString(MARGIN, HEIGHT - 94, CHART_SUBTITLE)
    x0, base, plot_h, plot_w = MARGIN + 36, HEIGHT - 360, 220, WIDTH - 2 * MARGIN - 50
    legend_x = x0 + plot_w - 120
    for n, (name, _, colour) in enumerate(CHART_SERIES):
        c.setFillColorRGB(*colour)
        c.rect(legend_x + n * 60, HEIGHT - 122, 8, 8, stroke=0, fill=1)
        c.setFillGray(0)
        c.setFont("Helvetica", 9)
        c.drawString(legend_x + n * 60 + 12, HEIGHT - 121, name)
    c.setLineWidth(0.4)
    for tick in range(0, 101, 20):
        y = base + tick / 100 * plot_h
        c.setStrokeGray(0.8 if tick else 0)
        c.line(x0, y, x0 + plot_w, y)
        c.setFont("Helvetica", 8)
        c.drawRightString(x0 - 6, y - 3, f"{tick}%")
    c.setStrokeGray(0)
    group_w, bar_w = plot_w / len(CHART_DATA), 24
    subject = f"{CHART_TITLE}: {CHART_SUBTITLE}"
    for g, (category, values) in enumerate(CHART_DATA):
        left = x0 + g * group_w + (group_w - 2 * bar_w - 4) / 2
        for s, ((series, period, colour), value) in enumerate(zip(CHART_SERIES, values, strict=True)):
            x = left + s * (bar_w + 4)
            c.setFillColorRGB(*colour)
            c.rect(x, base, bar_w, value / 100 * plot_h, stroke=0, fill=1)
            c.setFillGray(0)
            c.setFont("Helvetica-Bold", 8)
            c.drawCentredString(x + bar_w / 2, base + value / 100 * plot_h + 4, f"{value}%")
            gold.append(_gold_row(3, "chart", Fig(f"{value}%", value, subject, period=period,
                                                   label=f"{category} | {series}")))
        c.setFont("Helvetica", 9)
        c.drawCentredString(x0 + g * group_w + group_w / 2, base - 14, category)
    c.setFont("Helvetica-Oblique", 8)
    c.drawString(MARGIN, base - 40, f"Source: {SOURCE_NOTE[0]}")
    gold += [_gold_row(3, "text", f) for f in SOURCE_NOTE[1]]
    _paragraph(c, 3, gold, AFTER_CHART, base - 70)


def _table_rows(c: Canvas, gold: list[dict], page: int, top: float, rows: tuple, header: bool) -> float:
    widths, row_h = [150, 100, 100, 110], 20
    drawn = [TABLE_HEADER] * header + [(r[0], *(f"{v}%" for v in r[1:])) for r in rows]
    _grid(c, MARGIN, top, widths, row_h, len(drawn))
    for i, cells in enumerate(drawn):
        bold = header and i == 0
        _row_text(c, MARGIN, top - 14 - i * row_h, widths, list(cells), "Helvetica-Bold" if bold else "Helvetica", 9)
    for row in rows:
        for column, value, period in zip(TABLE_HEADER[1:], row[1:], TABLE_PERIODS[1:], strict=True):
            fig = Fig(f"{value}%", value, f"{TABLE_TITLE}: {column}", period=period)
            gold.append(_gold_row(page, "table", fig, table=1, row_label=row[0], column_label=column))
    return top - len(drawn) * row_h


def _page_four(c: Canvas, gold: list[dict]) -> None:
    c.setFont("Helvetica-Bold", 16)
    c.drawString(MARGIN, HEIGHT - 80, "Satisfaction by sector")
    y = _paragraph(c, 4, gold, TABLE_INTRO, HEIGHT - 110)
    y -= 250  # the table starts low on the page, so it must run on to the next one
    c.setFont("Helvetica-Bold", 11)
    c.drawString(MARGIN, y, TABLE_TITLE)
    _table_rows(c, gold, 4, y - 10, TABLE_ROWS[:TABLE_FIRST_PAGE_ROWS], header=True)


def _page_five(c: Canvas, gold: list[dict]) -> None:
    y = _table_rows(c, gold, 5, HEIGHT - 70, TABLE_ROWS[TABLE_FIRST_PAGE_ROWS:], header=False)
    c.setFont("Helvetica-Oblique", 8)
    c.drawString(MARGIN, y - 14, "Share of respondents who used each sector in the past 12 months.")
    _paragraph(c, 5, gold, AFTER_TABLE, y - 44)


def _clean(text: str) -> str:
    """score.py's matching form: no whitespace, lower case (the sample is ASCII, so no NFKC needed)."""
    return re.sub(r"\s+", "", text).lower()


def check_anchors(pdf: Path, gold: list[dict]) -> None:
    """Every text anchor stands in pdfplumber's ``extract_text`` of its page, as the gold format asks."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        pages = [_clean(page.extract_text() or "") for page in doc.pages]
    bad = [g for g in gold if g["source"] == "text" and _clean(g["anchor"]) not in pages[g["page"] - 1]]
    if bad:
        raise SystemExit(f"anchors not in pdfplumber's text: {[(g['page'], g['anchor']) for g in bad]}")


def signals(path: Path, gold_path: Path) -> None:
    """Draw the designed sample report and write its gold, one JSON object per figure in page order."""
    c = _canvas(path, SIGNALS_TITLE)
    gold: list[dict] = []
    for page, draw in enumerate((_page_one, _page_two, _page_three, _page_four, _page_five), 1):
        _running(c, SIGNALS_RUNNING, page, SIGNALS_PAGES)
        draw(c, gold)
        c.showPage()
    c.save()
    check_anchors(path, gold)
    gold_path.parent.mkdir(parents=True, exist_ok=True)
    gold_path.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="output folder (default: sources/)")
    parser.add_argument("--only", action="append", choices=SAMPLES, help="write only this sample (repeatable)")
    args = parser.parse_args(argv[1:])
    root = Path(__file__).resolve().parents[1]
    out = args.out or root / "sources"
    gold_dir = args.out or root / "tests" / "data" / "real_pdfs" / "gold"
    out.mkdir(parents=True, exist_ok=True)
    for name in args.only or SAMPLES:
        SAMPLES[name](out / name, gold_dir)
        print(f"{out / name}: {(out / name).stat().st_size} bytes")
    return 0


SAMPLES: dict[str, Callable[[Path, Path], None]] = {
    "cx_pulse_2025_en.pdf": lambda path, _: english(path),
    "cx_pulse_2025_zh.pdf": lambda path, _: chinese(path),
    SIGNALS_FILE: lambda path, gold_dir: signals(path, gold_dir / f"{path.stem}.jsonl"),
}


if __name__ == "__main__":
    sys.exit(main(sys.argv))
