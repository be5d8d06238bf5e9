"""Table finding on drawn PDF pages: tables designed the way real reports draw them.

Each test draws one page with reportlab in the shape of a real report's page (named in the test)
and checks what ``parse_pdf`` reads from it: which table, which cells, which labels.
"""

from __future__ import annotations

import io
import itertools

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from pipelines.parse.pdf import parse_pdf
from pipelines.tables import table_figures

WIDTH, HEIGHT = letter


def _pdf(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=1)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _prose(canvas: Canvas, x: float, top: float, lines: list[str], size: float = 10) -> None:
    canvas.setFont("Helvetica", size)
    for i, line in enumerate(lines):
        canvas.drawString(x, top - i * 1.4 * size, line)


def _rows_only_table(canvas: Canvas) -> None:
    """DORA p. 9: a dark header band of one box per cell, rules between rows drawn cell by
    cell and no sides; the first data column shaded cell by cell; an icon beside each row
    label; quantities mostly in words."""
    _prose(canvas, 50, 740, ["Software delivery performance is measured with four metrics that teams",
                             "report for the primary application or service they work on."])
    columns = [50, 278, 359, 430, 502, 561]
    header = ["Performance metric", "Elite", "High", "Medium", "Low"]
    rows = [
        ("Deployment frequency", ["On-demand", "Weekly or", "Monthly or", "Fewer than"],
         ["", "monthly", "yearly", "yearly"]),
        ("Lead time for changes", ["Less than", "Between one", "Between one", "More than"],
         ["one hour", "day and a week", "month and a year", "six months"]),
        ("Time to restore service", ["Less than", "Less than", "Between one", "More than"],
         ["one hour", "one day", "day and a week", "six months"]),
        ("Change failure rate", ["0%-15%", "16%-30%", "16%-30%", "16%-30%"], ["", "", "", ""]),
    ]
    top = 680
    canvas.setFillGray(0.1)
    for x0, x1 in itertools.pairwise(columns):  # one dark band per header cell
        canvas.rect(x0, top - 22, x1 - x0, 22, stroke=0, fill=1)
    canvas.setFillGray(1)
    canvas.setFont("Helvetica-Bold", 10)
    for x, text in zip(columns, header, strict=False):
        canvas.drawString(x + 8, top - 15, text)
    y = top - 22
    for label, first, second in rows:
        canvas.setFillColorRGB(0.85, 0.9, 1)
        canvas.rect(columns[1], y - 60, columns[2] - columns[1], 60, stroke=0, fill=1)
        canvas.setFillGray(0)
        canvas.circle(60, y - 14, 4, stroke=1, fill=0)  # the row's icon
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(70, y - 17, label)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(52, y - 31, "For the primary application or service you work on,")
        canvas.drawString(52, y - 41, "as asked in the survey.")
        for x, a, b in zip(columns[1:], first, second, strict=False):
            canvas.drawString(x + 8, y - 17, a)
            canvas.drawString(x + 8, y - 27, b)
        y -= 60
        canvas.setLineWidth(0.8)
        for x0, x1 in itertools.pairwise(columns):  # the rule is drawn cell by cell
            canvas.line(x0, y, x1, y)


def test_a_table_ruled_by_rows_only_keeps_its_row_labels_and_range_cells():
    doc = parse_pdf(_pdf(_rows_only_table))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.cells[0][1:] == ["Elite", "High", "Medium", "Low"]
    labels = [row[0] for row in table.cells[1:]]
    assert [label.split(" For ")[0] for label in labels] == [
        "Deployment frequency", "Lead time for changes", "Time to restore service", "Change failure rate"]
    figures = [(f.row_label.split(" For ")[0], f.column_label, f.value, f.qualifier, f.unit)
               for f in table_figures(table)]
    assert figures == [
        ("Change failure rate", "Elite", 0.0, ">=", "percent"),
        ("Change failure rate", "Elite", 15.0, "<=", "percent"),
        ("Change failure rate", "High", 16.0, ">=", "percent"),
        ("Change failure rate", "High", 30.0, "<=", "percent"),
        ("Change failure rate", "Medium", 16.0, ">=", "percent"),
        ("Change failure rate", "Medium", 30.0, "<=", "percent"),
        ("Change failure rate", "Low", 16.0, ">=", "percent"),
        ("Change failure rate", "Low", 30.0, "<=", "percent"),
    ]
    assert "Less than" not in "\n".join(doc.pages)  # the table's words are not prose


def test_a_ruled_grid_of_words_only_is_not_a_table():
    def words_only(canvas: Canvas) -> None:
        top = 680
        canvas.setFont("Helvetica", 10)
        for r in range(4):
            y = top - 40 * r
            canvas.line(50, y, 561, y)
            for c, x in enumerate((58, 286, 367, 438)):
                canvas.drawString(x, y - 15, f"Item {'ABCD'[c]} of group {r + 1}")
        canvas.line(50, top - 160, 561, top - 160)

    assert parse_pdf(_pdf(words_only)).tables == []


def _table_beside_sidebar(canvas: Canvas) -> None:
    """Puppet p. 8: a borderless table of "count / share" cells left, a shaded sidebar panel
    right whose "role share%" lines (a bar behind each share) run on the table's lines."""
    _prose(canvas, 36, 700, ["Almost a third of respondents worked in IT operations departments, and a",
                             "similar number worked in development or engineering departments. Out of all",
                             "respondents, most identified as practitioners such as admins or developers."])
    canvas.setFillColorRGB(0.15, 0.25, 0.6)
    canvas.rect(125, 582, 267, 30, stroke=0, fill=1)
    canvas.setFillGray(1)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(131, 594, "IT Operations Department")
    canvas.drawString(270, 594, "Engineering Department")
    canvas.setFillGray(0)
    for i, (label, a, b) in enumerate([("DevOps Engineer", "129 / 4.6%", "144 / 5.4%"),
                                       ("Systems Engineer", "503 / 17.8%", "240 / 9.0%")]):
        y = 570 - 27 * i
        canvas.drawString(37, y, label)
        canvas.drawString(163, y, a)
        canvas.drawString(303, y, b)
        canvas.line(37, y - 9, 390, y - 9)
    _prose(canvas, 36, 480, ["We wanted to see whether there are significant differences between people",
                             "who work in named DevOps departments and those who do not work in them."])
    canvas.setFillGray(0.93)
    canvas.rect(405, 400, 207, 260, stroke=0, fill=1)
    canvas.setFillGray(0)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(425, 635, "DevOps Roles")
    canvas.setFont("Helvetica", 10)
    roles = [("Architect", "10.3%"), ("Automation Engineer", "10.5%"), ("DevOps Engineer", "31.3%"),
             ("Build Engineer", "5.2%"), ("Systems Engineer", "23.4%"), ("Manager", "8.3%"),
             ("Director", "4.8%"), ("Other", "6.2%")]
    for i, (role, share) in enumerate(roles):
        y = 612 - 25 * i
        canvas.setFillColorRGB(1, 0.8, 0.2)  # a bar behind the share, as long as the share
        canvas.rect(577 - 1.6 * float(share[:-1]), y - 3, 1.6 * float(share[:-1]), 13, stroke=0, fill=1)
        canvas.setFillGray(0)
        canvas.drawString(425, y, role)
        canvas.drawRightString(577, y, share)


def test_a_sidebar_panel_does_not_join_the_table_beside_it():
    doc = parse_pdf(_pdf(_table_beside_sidebar))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.cells == [["", "IT Operations Department", "Engineering Department"],
                           ["DevOps Engineer", "129 / 4.6%", "144 / 5.4%"],
                           ["Systems Engineer", "503 / 17.8%", "240 / 9.0%"]]
    cells = {(f.row_label, f.column_label, f.value, f.unit) for f in table_figures(table)}
    assert ("DevOps Engineer", "IT Operations Department", 129.0, "count") in cells
    assert ("DevOps Engineer", "IT Operations Department", 4.6, "percent") in cells
    assert ("Systems Engineer", "Engineering Department", 9.0, "percent") in cells
    assert len(cells) == 8
    # the panel's shares are read as figures of their own, not as table cells
    assert {f.value for f in doc.charts} >= {10.3, 31.3, 23.4}


def test_share_bands_under_bars_are_a_chart_axis_not_a_table_row():
    """TrustArc p. 15: data labels over grouped bars, share bands ("-75% to -51%") as categories."""
    bands = ["< -75%", "-75% to -51%", "-50% to -26%", "-25% to -1%", "0% to 24%", "25% to 49%",
             "50% to 74%", "75% +"]
    values = [(0, 1), (1, 2), (2, 3), (4, 8), (7, 10), (12, 13), (31, 30), (43, 33)]

    def draw(canvas: Canvas) -> None:
        _prose(canvas, 50, 740, ["The distribution of results across this year's survey and the prior year",
                                 "is shown below; the mean score dropped while the median held steady."])
        base = 400
        canvas.setFont("Helvetica", 8)
        for i, (band, (a, b)) in enumerate(zip(bands, values, strict=True)):
            x = 60 + 62 * i
            for j, value in enumerate((a, b)):
                h = 3 * value + 1
                canvas.setFillGray(0.3 + 0.3 * j)
                canvas.rect(x + 22 * j, base, 20, h, stroke=0, fill=1)
                canvas.setFillGray(0)
                canvas.drawCentredString(x + 22 * j + 10, base + h + 4, f"{value}%")
            canvas.drawCentredString(x + 21, base - 14, band)

    doc = parse_pdf(_pdf(draw))
    assert doc.tables == []
    assert {f.value for f in doc.charts} >= {43.0, 33.0, 12.0}


def _page_segments(data: bytes) -> list[list]:
    """Each page's pdfium segments."""
    import pypdfium2 as pdfium

    from pipelines.parse.pdf import read_segments

    document = pdfium.PdfDocument(data)
    return [read_segments(document[index]) for index in range(len(document))]


def _gate_pages(data: bytes) -> list[tuple[bool, bool, int]]:
    """Per page, with the gates run as ``parse_pdf`` runs them (one text page for segments and
    gate): whether the page reaches the finder, whether deciding that read the page's
    characters (the finder's main cost), and how many tables the finder itself would read there
    (run regardless of the gates)."""
    import pypdfium2 as pdfium

    from pipelines.parse.pdf import read_segments
    from pipelines.parse.pdf_tables import PdfiumPage, looks_tabular, page_tables, worth_finding

    document = pdfium.PdfDocument(data)
    found = []
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        segments = read_segments(page, textpage)
        candidate = PdfiumPage(page, index + 1, textpage)
        gated = looks_tabular(segments) and worth_finding(segments, candidate)
        read = "char" in candidate.objects
        candidate.release()
        found.append((gated, read, len(page_tables(PdfiumPage(page, index + 1), index + 1))))
        textpage.close()
    document.close()
    return found


def _gate(data: bytes) -> list[tuple[bool, int]]:
    """Per page: whether the gates send it to the finder, and how many tables the finder reads."""
    return [(gated, tables) for gated, _, tables in _gate_pages(data)]


def test_the_page_gate_passes_every_table_and_stops_a_bar_chart():
    """The finder is costly and most pages with numbers on several lines are charts: the gate
    (looks_tabular, then worth_finding) must stop a chart page but never a page with a table."""
    def bar_chart(canvas: Canvas) -> None:  # Cisco p. 8: a label, a bar as long as its share, the share
        _prose(canvas, 50, 740, ["Consumers were asked which actions they have taken to protect their data,",
                                 "and how often they had taken each one over the past year."])
        canvas.setFont("Helvetica", 9)
        for i, (label, share) in enumerate([("Cleared the cache", 61), ("Read the notice", 39),
                                            ("Switched firms", 34), ("Asked to delete", 24),
                                            ("Deleted an account", 47)]):
            y = 680 - 24 * i
            canvas.drawString(50, y, label)
            canvas.setFillColorRGB(0.1, 0.4, 0.7)
            canvas.rect(190, y - 3, 4 * share, 12, stroke=0, fill=1)
            canvas.setFillGray(0)
            canvas.drawString(196 + 4 * share, y, f"{share}%")

    from pipelines.parse.pdf_tables import looks_tabular

    chart = _pdf(bar_chart)
    assert looks_tabular(_page_segments(chart)[0])  # numbers beside labels on five lines: the first gate passes
    assert _gate(chart) == [(False, 0)]
    for draw in (_rows_only_table, _table_beside_sidebar):
        assert _gate(_pdf(draw)) == [(True, 1)]
    from pathlib import Path

    for sample in sorted((Path(__file__).resolve().parents[1] / "sources").glob("*.pdf")):
        pages = _gate(sample.read_bytes())
        assert all(gated for gated, tables in pages if tables), sample.name
        assert any(tables for _, tables in pages), sample.name


def test_a_map_beside_a_table_is_not_read_as_rules():
    """A free-form outline (a map, an icon) is hundreds of Bezier curves and is not read as
    rules; a table with rounded cells beside it still is (its corners are one curve each)."""
    import math

    def draw(canvas: Canvas) -> None:
        canvas.setFillColorRGB(0.6, 0.7, 0.9)
        for k in range(40):  # "countries": wavy closed outlines of 48 curves each
            cx, cy, r = 120 + 9 * (k % 8), 600 + 12 * (k // 8), 5
            path = canvas.beginPath()
            path.moveTo(cx + r, cy)
            for i in range(48):
                a0, a1 = 2 * math.pi * i / 48, 2 * math.pi * (i + 1) / 48
                wobble = r * (1 + 0.2 * math.sin(5 * a1))
                path.curveTo(cx + r * math.cos(a0 + 0.04), cy + r * math.sin(a0 + 0.04),
                             cx + wobble * math.cos(a1 - 0.04), cy + wobble * math.sin(a1 - 0.04),
                             cx + wobble * math.cos(a1), cy + wobble * math.sin(a1))
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)
        canvas.setFillGray(0)
        canvas.setFont("Helvetica", 10)
        rows = [("Region", "2024", "2025"), ("North", "41%", "44%"), ("South", "38%", "35%"), ("West", "22%", "29%")]
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                canvas.roundRect(300 + 80 * c, 640 - 20 * r, 80, 20, 3, stroke=1, fill=0)
                canvas.drawString(306 + 80 * c, 646 - 20 * r, text)

    import pypdfium2 as pdfium

    from pipelines.parse.pdf_tables import PdfiumPage

    data = _pdf(draw)
    page = PdfiumPage(pdfium.PdfDocument(data)[0])
    assert all(c["x0"] >= 290 for c in page.objects["curve"])  # no outline read
    doc = parse_pdf(data)
    assert [t.cells for t in doc.tables] == [[["Region", "2024", "2025"], ["North", "41%", "44%"],
                                              ["South", "38%", "35%"], ["West", "22%", "29%"]]]


def _one_object_rows(canvas: Canvas, whole_row: bool) -> None:
    """ICDAR eu-001/eu-013: a borderless table whose producer set each row's values (or the whole
    row) as one string, its columns kept apart by spaces in a fixed-pitch font, so pdfium gives
    one segment for what a reader sees as three or four cells."""
    _prose(canvas, 50, 740, ["Releases above these thresholds must be reported each year by every",
                             "facility, whatever its sector or its size."])
    rows = [("Pollutant", "Air", "Water", "Land"), ("Benzene", "1000", "200", "-"),
            ("Anthracene", "50", "1", "1"), ("Cadmium", "10", "5", "5"), ("Lead", "200", "20", "20")]
    canvas.setFont("Courier", 10)
    for i, (label, *values) in enumerate(rows):
        cells = "".join(value.ljust(8) for value in values).rstrip()
        if whole_row:
            canvas.drawString(50, 680 - 16 * i, label.ljust(14) + cells)
        else:
            canvas.drawString(50, 680 - 16 * i, label)
            canvas.drawString(134, 680 - 16 * i, cells)


def test_a_table_whose_rows_are_one_text_object_is_read():
    """The page gates split a segment's trailing numbers into cells, so a row set as one text
    object ("1000 200 -") still counts as a row of numbers beside its label."""
    for whole_row in (False, True):
        doc = parse_pdf(_pdf(lambda canvas, w=whole_row: _one_object_rows(canvas, w)))
        assert [t.cells for t in doc.tables] == [[["Pollutant", "Air", "Water", "Land"],
                                                  ["Benzene", "1000", "200", "-"],
                                                  ["Anthracene", "50", "1", "1"],
                                                  ["Cadmium", "10", "5", "5"],
                                                  ["Lead", "200", "20", "20"]]], whole_row


def test_gridlines_behind_a_bar_chart_are_not_sent_to_the_finder():
    """Cisco pp. 5, 10, 13: a chart's gridlines form a ruled grid, its category names in the
    first column and each share in the column where its bar ends, some of them across a
    gridline (Cisco p. 10: "46" left of it, "%" right). The finder reads no table there (the shares make a
    staircase, ``chart_like``); the gate reads the grid's cells from the segments, placing the
    characters of a label that crosses a gridline one by one, and stops the page without
    reading the page's characters."""
    for across in (False, True):
        data = _pdf(lambda canvas, a=across: _gridline_chart(canvas, a))
        assert _gate_pages(data) == [(False, False, 0)], across


def _gridline_chart(canvas: Canvas, across: bool) -> None:
    """A bar chart's gridlines as a ruled grid with its labels in the cells (see the test above)."""
    _prose(canvas, 50, 740, ["Consumers were asked which actions they had taken to protect their data",
                             "in the past year; shares of all respondents."])
    columns, top, step = [60, 200, 300, 400, 500], 680, 24
    rows = [("Cleared the cache", 3, "61%"), ("Read the notice", 2, "39%"), ("Switched firms", 2, "34%"),
            ("Asked to delete", 1, "24%"), ("Deleted an account", 2, "47%")]
    for i in range(len(rows) + 1):
        canvas.line(columns[0], top - step * i, columns[-1], top - step * i)
    for x in columns:
        canvas.line(x, top, x, top - step * len(rows))
    canvas.setFont("Helvetica", 9)
    for i, (label, column, share) in enumerate(rows):
        canvas.drawString(columns[0] + 6, top - step * i - 15, label)
        # a label across a gridline: its digits left of the line, its "%" right of it
        x = columns[column] - canvas.stringWidth(share[:-1], "Helvetica", 9) - 1 if across and i % 2 \
            else columns[column] + 6
        canvas.drawString(x, top - step * i - 15, share)


def test_sentences_ending_in_figures_are_not_a_table_column():
    """A list of findings, each a sentence ending in a share after a topic tag ("Loyalty" /
    "... rose to 45%"), puts a number beside another run on every line, and pdfium sets each
    sentence as one text object. The gate measures where the share's glyphs really are (a word
    space from the sentence, not a column gap), so the lines read as prose and the page never
    reaches the finder."""
    def draw(canvas: Canvas) -> None:
        canvas.setFont("Helvetica", 10)
        lines = [("Loyalty", "Customers who switched brands after one bad experience grew to 45%"),
                 ("Support", "People who expect a reply within the hour on social media: 38%"),
                 ("Buying", "Buyers who trust peer reviews more than advertising grew to 61%"),
                 ("Delivery", "Shoppers who dropped a cart over shipping costs rose quickly to 52%"),
                 ("Shopping", "Members who tried self-service before phoning grew, reaching 67%")]
        for i, (tag, line) in enumerate(lines):
            canvas.drawString(50, 700 - 16 * i, tag)
            canvas.drawString(110, 700 - 16 * i, line)

    from pipelines.parse.pdf_tables import looks_tabular

    data = _pdf(draw)
    assert looks_tabular(_page_segments(data)[0])  # a number beside another run on five lines
    assert _gate(data) == [(False, 0)]


def test_a_finder_page_is_freed_without_the_garbage_collector():
    """A candidate page holds all its characters and paths; pdfplumber's tables point back at
    their page. Once released, nothing keeps the page alive but its caller: with the cyclic
    collector off, it is gone as soon as the caller drops it."""
    import gc
    import weakref

    import pypdfium2 as pdfium

    from pipelines.parse.pdf_tables import PdfiumPage, page_tables

    document = pdfium.PdfDocument(_pdf(_rows_only_table))
    enabled = gc.isenabled()
    gc.disable()
    try:
        page = PdfiumPage(document[0], 1)
        assert len(page_tables(page, 1)) == 1  # the page read its characters, words and tables
        ref = weakref.ref(page)
        page.release()
        del page
        assert ref() is None
    finally:
        if enabled:
            gc.enable()
        document.close()


def test_a_released_page_closes_the_text_page_it_opened_and_only_that():
    """The gate reads a few glyph boxes through the page's text page: one the page opened itself
    (no caller's) is closed on release; a caller's stays open for the caller."""
    import pypdfium2 as pdfium

    from pipelines.parse.pdf_tables import PdfiumPage

    document = pdfium.PdfDocument(_pdf(_rows_only_table))
    page = PdfiumPage(document[0], 1)
    own = page.textpage
    page.release()
    assert own.raw is None
    callers = document[0].get_textpage()
    page = PdfiumPage(document[0], 1, callers)
    assert page.textpage is callers
    page.release()
    assert callers.raw is not None
    callers.close()
    document.close()


def test_curves_without_a_straight_step_are_not_read_as_rules():
    """The line finder makes edges only of vertical and horizontal steps: a wavy line or a
    diagonal polyline (a chart's trend line) gives none and is not kept; a stepped outline is."""
    import pypdfium2 as pdfium

    from pipelines.parse.pdf_tables import PdfiumPage

    def draw(canvas: Canvas) -> None:
        trend = canvas.beginPath()
        trend.moveTo(60, 500)
        for i in range(1, 12):
            trend.lineTo(60 + 20 * i, 500 + 7 * i + (5 if i % 2 else 0))
        canvas.drawPath(trend, stroke=1, fill=0)
        steps = canvas.beginPath()
        steps.moveTo(350, 500)
        for i in range(1, 6):
            steps.lineTo(350 + 20 * i, 500 + 10 * (i - 1))
            steps.lineTo(350 + 20 * i, 500 + 10 * i)
        canvas.drawPath(steps, stroke=1, fill=0)

    page = PdfiumPage(pdfium.PdfDocument(_pdf(draw))[0])
    assert [round(c["x0"]) for c in page.objects["curve"]] == [350]
