"""Cell numbers, table figures and HTML tables."""

from __future__ import annotations

import pytest

from pipelines.model import RawTable
from pipelines.parse.html_tables import html_tables
from pipelines.tables import cell_numbers, data_table, parse_number, table_figures


@pytest.mark.parametrize(("text", "value", "unit", "signed"), [
    ("62", 62.0, None, False),
    ("+8", 8.0, None, True),
    ("−3.5", -3.5, None, True),
    ("64%", 64.0, "percent", False),
    ("12 ％", 12.0, "percent", False),
    ("3 pp", 3.0, "percentage_points", False),
    ("5 个百分点", 5.0, "percentage_points", False),
    ("2,400", 2400.0, None, False),
    ("2.5x", 2.5, "multiple", False),
])
def test_parse_number(text, value, unit, signed):
    number = parse_number(text)
    assert (number.value, number.unit, number.signed) == (value, unit, signed)


@pytest.mark.parametrize("text", ["", None, "Phone", "62 customers", "n/a", "Q3"])
def test_parse_number_rejects_text(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(("text", "numbers"), [
    ("41%", [(41.0, "percent", "=")]),
    ("0%-15%", [(0.0, "percent", ">="), (15.0, "percent", "<=")]),  # a range: its two bounds
    ("16–30%", [(16.0, "percent", ">="), (30.0, "percent", "<=")]),  # one unit for both ends
    ("10 to 20", [(10.0, None, ">="), (20.0, None, "<=")]),
    ("129 / 4.6%", [(129.0, None, "="), (4.6, "percent", "=")]),  # a count and its share
    ("1,485 (16%)", [(1485.0, None, "="), (16.0, "percent", "=")]),
    ("2019-2020", []),  # years, not a range of values
    ("30-16%", []),  # bounds the wrong way round
    ("3/4", []),  # a ratio is not a count with its share
    ("6 months", []),
])
def test_cell_numbers(text, numbers):
    assert [(n.value, n.unit, q) for n, q in cell_numbers(text)] == numbers


def test_range_and_composite_cells_become_one_figure_per_number():
    table = RawTable("p9t1", 9, [["Metric", "Elite", "High"], ["Change failure rate", "0%-15%", "129 / 4.6%"],
                                 ["Deploys", "On-demand", "Weekly"]], header_rows=1)
    got = [(f.value, f.unit, f.qualifier, f.column_label, f.stated_as) for f in table_figures(table)]
    assert got == [(0.0, "percent", ">=", "Elite", "0%-15%"), (15.0, "percent", "<=", "Elite", "0%-15%"),
                   (129.0, "count", "=", "High", "129 / 4.6%"), (4.6, "percent", "=", "High", "129 / 4.6%")]


TABLE = RawTable("p2t1", 2, [
    ["Channel", "Satisfied (%)", "Satisfied (%)", "Change (pp)", "Replies"],
    ["", "2024", "2025", "", ""],
    ["Phone", "62", "58", "-4", "1,200"],
    ["Chat", "55", "n/a", "+8", "950"],
], header_rows=2)


def test_table_figures_labels_units_and_quotes():
    figures = table_figures(TABLE, section="Satisfaction by channel")
    got = [(f.value, f.unit, f.kind, f.row_label, f.column_label, f.stated_as) for f in figures]
    assert got == [
        (62.0, "percent", "level", "Phone", "Satisfied (%) / 2024", "62"),
        (58.0, "percent", "level", "Phone", "Satisfied (%) / 2025", "58"),
        (-4.0, "percentage_points", "change", "Phone", "Change (pp)", "-4"),
        (1200.0, "count", "level", "Phone", "Replies", "1,200"),
        (55.0, "percent", "level", "Chat", "Satisfied (%) / 2024", "55"),
        (8.0, "percentage_points", "change", "Chat", "Change (pp)", "+8"),
        (950.0, "count", "level", "Chat", "Replies", "950"),
    ]
    # the quote is the row as printed (the table has no caption), the section the heading above it
    assert {f.quote for f in figures[:4]} == {"Phone 62 58 -4 1,200"}
    assert {f.section for f in figures} == {"Satisfaction by channel"}
    captioned = RawTable("t1", None, TABLE.cells, header_rows=2, caption="Table 1: Satisfaction by channel")
    assert {f.quote for f in table_figures(captioned)} == {"Table 1: Satisfaction by channel"}
    assert {(f.source, f.page, f.table_id) for f in figures} == {("table", 2, "p2t1")}


def test_data_table_rejects_layout_grids():
    assert data_table([["Home", "About"], ["News", "Blog"], ["Jobs", "Contact"]], None, None) is None
    assert data_table([["", "A"], ["x", "1"]], None, None) is None  # one body row
    table = data_table([["Region", "Share"], ["North", "41%"], ["South", "-"]], 1, None)
    assert table is not None and table.header_rows == 1


HTML = """<html><body>
<table><tr><td><table><tr><td>Menu</td><td>12</td></tr><tr><td>Cart</td><td>3</td></tr></table></td></tr></table>
<table>
  <caption>Satisfaction by channel</caption>
  <thead>
    <tr><th rowspan="2">Channel</th><th colspan="2">Satisfied (%)</th><th rowspan="2">Change (pp)</th></tr>
    <tr><th>2024</th><th>2025</th></tr>
  </thead>
  <tbody>
    <tr><td>Phone</td><td>62</td><td>58</td><td>-4</td></tr>
    <tr><td>Live chat</td><td>55</td><td>63</td><td>+8</td></tr>
  </tbody>
</table>
<table><tr><td>Home</td><td>About us</td></tr><tr><td>Contact</td><td>Blog</td></tr>
<tr><td>Careers</td><td>Press</td></tr></table>
</body></html>"""


def test_html_tables_expand_spans_and_skip_layout():
    tables = html_tables(HTML)
    assert len(tables) == 1  # the nested layout table, its outer table and the link grid are rejected
    table = tables[0]
    assert (table.table_id, table.page, table.header_rows) == ("t1", None, 2)
    assert table.cells == [
        ["Channel", "Satisfied (%)", "Satisfied (%)", "Change (pp)"],
        ["Channel", "2024", "2025", "Change (pp)"],
        ["Phone", "62", "58", "-4"],
        ["Live chat", "55", "63", "+8"],
    ]
    labels = [(f.row_label, f.column_label, f.unit) for f in table_figures(table)]
    assert labels[:3] == [("Phone", "Satisfied (%) / 2024", "percent"),
                          ("Phone", "Satisfied (%) / 2025", "percent"),
                          ("Phone", "Change (pp)", "percentage_points")]


def test_html_tables_on_garbage():
    assert html_tables("") == []
    assert html_tables("no tables here") == []


def test_a_year_in_a_lower_header_row_dates_its_column():
    """The sample English PDF's table: "Satisfied (%)" spans two year columns in the next header row.
    Each cell takes its own column's year (issue 14: the 2024 column got 2025)."""
    table = RawTable(
        table_id="t",
        page=2,
        cells=[
            ["Channel", "Satisfied (%)", "Satisfied (%)", "Change (pp)"],
            ["", "2024", "2025", ""],
            ["Phone", "62", "58", "-4"],
            ["Live chat", "55", "63", "+8"],
        ],
        header_rows=2,
    )
    years = {(f.row_label, f.stated_as): f.year for f in table_figures(table)}
    assert years == {
        ("Phone", "62"): 2024, ("Phone", "58"): 2025, ("Phone", "-4"): None,
        ("Live chat", "55"): 2024, ("Live chat", "63"): 2025, ("Live chat", "+8"): None,
    }  # fmt: skip
    by_row = RawTable("r", None, [["Year", "Share"], ["FY2023", "40%"], ["2024 年", "44%"]])
    assert [f.year for f in table_figures(by_row)] == [2023, 2024]


def test_the_sample_pdf_table_years_match_the_html_table():
    from pathlib import Path

    from pipelines.parse import parse_document

    sources = Path(__file__).resolve().parents[1] / "sources"
    doc = parse_document((sources / "cx_pulse_2025_en.pdf").read_bytes(), filename="cx_pulse_2025_en.pdf")
    figures = [f for t in doc.tables for f in table_figures(t) if f.column_label and "Satisfied" in f.column_label]
    assert {(f.column_label, f.year) for f in figures} == {
        ("Satisfied (%) / 2024", 2024), ("Satisfied (%) / 2025", 2025),
    }  # fmt: skip
