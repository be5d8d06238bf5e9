"""parse_pdf on the project's own sample PDFs (sources/) and on broken input."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipelines.errors import ReportError
from pipelines.parse.pdf import parse_pdf

ROOT = Path(__file__).resolve().parents[1]
EN = ROOT / "sources" / "cx_pulse_2025_en.pdf"
ZH = ROOT / "sources" / "cx_pulse_2025_zh.pdf"


@pytest.fixture(scope="module")
def english():
    return parse_pdf(EN.read_bytes())


@pytest.fixture(scope="module")
def chinese():
    return parse_pdf(ZH.read_bytes())


def test_pages_title_and_running_lines(english):
    assert english.format == "pdf"
    assert english.page_numbers == [1, 2, 3, 4]
    assert english.title == "Customer Pulse Report 2025"
    for text in english.pages:
        assert "Page " not in text
        assert "Customer Pulse Report 2025" not in text


def test_two_columns_hyphens_and_paragraphs(english):
    paragraphs = english.pages[0].split("\n\n")
    assert paragraphs[0] == "Key findings"
    assert paragraphs[1].startswith("This year we asked 2,400 adults in four markets how")
    assert "and customers under 35 were the most likely to leave." in paragraphs[1]
    assert paragraphs[2] == ("Waiting remains the main complaint: 38% named slow replies as their top reason"
                             " for frustration.")
    assert paragraphs[3].endswith("compared with 47% in 2024.")  # right column after the left one
    assert paragraphs[4].startswith("Trust is fragile. Only 29%")
    assert len(paragraphs) == 5


def test_ruled_table_with_spanning_two_row_header(english):
    table = english.tables[0]
    assert (table.table_id, table.page, table.header_rows) == ("p2t1", 2, 2)
    assert table.cells == [
        ["Channel", "Satisfied (%)", "Satisfied (%)", "Change (pp)"],
        ["", "2024", "2025", ""],
        ["Phone", "62", "58", "-4"],
        ["Live chat", "55", "63", "+8"],
        ["Email", "48", "51", "+3"],
        ["In store", "71", "74", "+3"],
    ]


def test_borderless_table_and_no_decorative_box(english):
    assert len(english.tables) == 2  # the boxed quote on page 3 is not a table
    table = english.tables[1]
    assert (table.table_id, table.page, table.header_rows) == ("p3t2", 3, 1)
    assert table.cells == [
        ["Reason", "Under 35 (%)", "All adults (%)"],
        ["Slow replies", "44", "38"],
        ["Unfriendly staff", "31", "27"],
        ["Price rise", "26", "33"],
        ["Product quality", "19", "24"],
    ]
    assert "Slow replies" not in english.pages[2]  # table text stays out of the prose
    assert '"I left after waiting on hold for an hour."' in english.pages[2]


def test_chart_labels_and_callout(english):
    got = [(f.source, f.page, f.value, f.unit, f.stated_as, f.label, f.section, f.quote) for f in english.charts]
    title = "Figure 1: Prefer self-service for simple tasks"
    assert got == [
        ("chart", 4, 66.0, "percent", "66%", "Under 35", title, title),
        ("chart", 4, 72.0, "percent", "72%", "35 to 54", title, title),
        ("chart", 4, 28.0, "percent", "28%", "55 and over", title, title),
    ]
    # labels are not prose; the callout and its caption are one sentence of prose
    assert english.pages[3] == (f"{title}\n\nWhat customers expect\n\n"
                                "61% of customers believe a company should know their purchase history.")


def test_chinese_text_table_and_embedded_font(chinese):
    assert chinese.title == "2025 年客户体验脉搏报告"
    first = chinese.pages[0].split("\n\n")
    assert first[0] == "主要发现"
    assert first[1] == ("本次调查共访问了 1,800 名消费者。超过三分之二（68%）的受访者表示，"
                        "他们愿意为更好的服务多付钱，比去年上升了 5 个百分点。")
    assert first[2].startswith("在“非常满意”的客户中，有 43% 会向朋友推荐该品牌；而在“不满意”的客户中")
    assert [t.cells for t in chinese.tables] == [[
        ["渠道", "满意度（%）", "变化（百分点）"],
        ["电话", "57", "-2"],
        ["在线客服", "66", "+6"],
        ["门店", "73", "+1"],
    ]]
    assert chinese.charts == []
    assert b"/FontFile2" in ZH.read_bytes()  # the CJK font travels with the file


def _pdf(draw, **canvas_args) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, **canvas_args)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"<html>not a pdf</html>", "not a PDF"),
    (EN.read_bytes()[:1500], "unreadable PDF"),
    (_pdf(lambda c: c.drawString(72, 720, "secret"), encrypt="pw"), "encrypted"),
    (_pdf(lambda c: c.rect(72, 72, 300, 300, fill=1)), "no text layer"),
])
def test_broken_input_raises_parse_errors(data, message):
    with pytest.raises(ReportError) as caught:
        parse_pdf(data)
    assert caught.value.stage == "parse"
    assert message in caught.value.message


def test_max_pages(english):
    short = parse_pdf(EN.read_bytes(), max_pages=2)
    assert short.page_numbers == [1, 2]
    assert short.warnings == ["read only the first 2 pages"]


def test_generator_is_deterministic(tmp_path):
    fonts = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",)
    if not any(Path(f).exists() for f in fonts):
        pytest.skip("no CJK font to regenerate the Chinese sample")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_pdfs.py"), str(tmp_path)],
                   check=True, capture_output=True)
    for name in (EN.name, ZH.name):
        assert (tmp_path / name).read_bytes() == (ROOT / "sources" / name).read_bytes()


def _same_layout(data: bytes, number: int) -> list[list[list[str | None]]]:
    """pdfium's objects behind pdfplumber's interface read like pdfplumber's own (pdfminer) ones."""
    import pdfplumber
    import pypdfium2 as pdfium

    from pipelines.parse.pdf_tables import PdfiumPage, page_tables

    document = pdfium.PdfDocument(data)
    ours = PdfiumPage(document[number - 1], number)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        theirs = pdf.pages[number - 1]
        assert (ours.width, ours.height) == pytest.approx((theirs.width, theirs.height))
        mine, pdfminer = (sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"])) for page in (ours, theirs))
        assert "".join(c["text"] for c in mine) == "".join(c["text"] for c in pdfminer)
        for a, b in zip(mine, pdfminer, strict=True):
            assert [a[k] for k in ("x0", "top", "bottom")] == pytest.approx([b[k] for k in ("x0", "top", "bottom")],
                                                                            abs=0.6)
            assert a["x1"] == pytest.approx(b["x1"], abs=2)  # pdfium's glyph box, pdfminer's advance width
            assert a["upright"] == b["upright"]

        def edges(page):
            return sorted((e["orientation"], *(round(e[k]) for k in ("x0", "top", "x1", "bottom"))) for e in page.edges)

        assert edges(ours) == edges(theirs)
        found = [t.cells for t in page_tables(ours, number)]
        assert found == [t.cells for t in page_tables(theirs, number)]
    document.close()
    return found


def test_pdfium_layout_objects_match_pdfminer():
    _same_layout(EN.read_bytes(), 2)  # ruled table
    _same_layout(EN.read_bytes(), 3)  # borderless table and a decorative box


def test_pdfium_layout_objects_on_a_rotated_page():
    def draw(canvas):
        canvas.setPageRotation(90)
        canvas.translate(595, 0)
        canvas.rotate(90)  # text reads upright once the viewer turns the page
        canvas.setFont("Helvetica", 10)
        rows = [("Region", "2024", "2025"), ("North", "41", "44"), ("South", "38", "35"), ("West", "22", "29")]
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                canvas.drawString(80 + 120 * c, 480 - 20 * r, text)
        for r in range(len(rows) + 1):
            canvas.line(72, 495 - 20 * r, 432, 495 - 20 * r)
        for c in range(4):
            canvas.line(72 + 120 * c, 495, 72 + 120 * c, 415)

    assert _same_layout(_pdf(draw), 1) == [[["Region", "2024", "2025"], ["North", "41", "44"],
                                            ["South", "38", "35"], ["West", "22", "29"]]]
