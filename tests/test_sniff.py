"""sniff_format and decode_text on real files: a reportlab PDF, HTML, Markdown, and Chinese and
English sample sentences (our own) in GBK, Big5, UTF-16/32 and UTF-8 with and without BOMs."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfgen import canvas

from pipelines.errors import ReportError
from pipelines.ingest.sniff import charset_of, decode_text, sniff_format

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

HANS = "2024年客户体验调查显示，百分之六十二的受访者会因为一次糟糕的服务而更换品牌。"
HANT = "2024年客戶體驗調查顯示，百分之六十二的受訪者會因為一次糟糕的服務而更換品牌。"
ENGLISH = "In 2024, 62% of respondents said one bad service experience would make them switch brands."
MIXED = f"{ENGLISH}\n{HANS}\n净推荐值（NPS）从 31 上升到 38。\n"


@pytest.fixture(scope="module")
def real_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, ENGLISH)
    page.save()
    return buffer.getvalue()


def sniff_error(data: bytes, filename: str | None = None) -> ReportError:
    with pytest.raises(ReportError) as caught:
        sniff_format(data, filename)
    assert caught.value.stage == "sniff"
    return caught.value


# --- sniff_format ---------------------------------------------------------------------------


def test_pdf_is_recognised_by_content_whatever_its_name(real_pdf):
    assert sniff_format(real_pdf) == "pdf"
    assert sniff_format(real_pdf, "report.html", "text/html") == "pdf"
    assert sniff_format(b"\r\n junk before the header\n" + real_pdf, "download") == "pdf"


def test_pdf_header_beyond_first_kib_does_not_count():
    assert sniff_format(b"a" * 1100 + b"%PDF-1.7", "notes.txt") == "text"


def test_html_page_named_pdf_is_called_out():
    page = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Sign in</body></html>"
    error = sniff_error(page, "https://example.org/files/report.pdf?dl=1")
    assert "report.pdf is named .pdf but is not a PDF" in error.message and "HTML page" in error.message


def test_text_named_pdf_is_called_out():
    assert "holds text" in sniff_error(ENGLISH.encode(), "r.pdf").message


@pytest.mark.parametrize(
    "page",
    [
        "<!doctype html><html lang='zh'><body><p>{}</p></body></html>",
        "\ufeff  <html>\n<head><meta charset='utf-8'></head><body>{}</body></html>",
        "<?xml version='1.0' encoding='utf-8'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><body>{}</body></html>",
        "<div class='report'><p>{}</p></div>",
    ],
)
def test_html_is_recognised_by_markup_even_as_txt(page):
    assert sniff_format(page.format(HANS).encode(), "saved.txt") == "html"


def test_markdown_by_extension_and_by_syntax():
    doc = f"# 2024 CX report\n\n{ENGLISH}\n\n| metric | 2024 |\n|---|---|\n| NPS | 38 |\n"
    assert sniff_format(doc.encode(), "r.md") == "markdown"
    assert sniff_format(doc.encode()) == "markdown"
    assert sniff_format(doc.encode(), "r.txt") == "text"  # the name breaks the tie


def test_plain_text_and_content_type_tie_break():
    assert sniff_format(MIXED.encode()) == "text"
    assert sniff_format(MIXED.encode(), None, "text/markdown; charset=utf-8") == "markdown"
    assert sniff_format(MIXED.encode(), "r.html") == "html"


def test_empty_file_is_refused():
    assert "empty" in sniff_error(b"", "r.txt").message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (bytes(range(256)) * 8, "NUL"),
    ],
)
def test_binary_files_are_refused_by_name(data, words):
    assert words in sniff_error(data, "r.txt").message


def test_sniff_reads_chinese_legacy_encodings():
    assert sniff_format(HANS.encode("gbk"), "r.txt") == "text"
    page = f"<html><head><meta charset='big5'></head><body>{HANT}</body></html>"
    assert sniff_format(page.encode("big5")) == "html"


def test_long_document_cut_mid_character_still_sniffs():
    doc = ("# 標題\n\n" + HANT * 5000).encode()  # far beyond the sniffed head; cut lands mid-character
    assert sniff_format(doc) == "text"


# --- decode_text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (HANS, "gbk"),
        (HANS, "gb18030"),
        (HANT, "big5"),
        (MIXED, "gb18030"),
        (ENGLISH + " Café – naïve", "cp1252"),
    ],
)
def test_legacy_encodings_are_detected(text, encoding):
    assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_byte_order_marks_decide_and_are_dropped(bom, encoding):
    assert decode_text(bom + MIXED.encode(encoding)) == MIXED


def test_utf16_without_bom_is_refused_rather_than_guessed():
    with pytest.raises(ReportError, match="NUL"):
        decode_text(MIXED.encode("utf-16-le"))


def test_wrong_declared_charset_loses_to_the_bytes():
    assert decode_text(HANS.encode("gbk"), declared="iso-8859-1") == HANS
    assert decode_text(HANT.encode("big5"), declared="gbk") == HANT


def test_declared_and_meta_charsets_are_used():
    assert decode_text("Café – naïve".encode("cp1252"), declared="ISO-8859-1") == "Café – naïve"
    meta = "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
    page = f"<html><head>{meta}</head>{HANS}</html>"
    assert decode_text(page.encode("gbk")) == page


def test_small_damage_is_replaced():
    good = (MIXED * 20).encode()
    damaged = good[:400] + b"\xff" + good[400:]
    text = decode_text(damaged)
    assert text.count("\ufffd") == 1 and text.replace("\ufffd", "") == MIXED * 20


def test_small_damage_in_gbk_is_replaced():
    good = (HANS * 20).encode("gbk")
    text = decode_text(good[:301] + b"\x80" + good[301:])
    assert text.count("\ufffd") == 1 and HANS in text


def test_heavy_damage_is_refused():
    damaged = bytearray((MIXED * 20).encode())
    damaged[::15] = b"\xff" * len(damaged[::15])
    with pytest.raises(ReportError, match="not text in any encoding") as caught:
        decode_text(bytes(damaged))
    assert caught.value.stage == "decode"


def test_random_bytes_are_refused():
    noise = bytes((i * 7919 + 13) % 255 + 1 for i in range(4000))  # no NULs, no structure
    with pytest.raises(ReportError) as caught:
        decode_text(noise)
    assert caught.value.stage == "decode"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_any_utf8_text_round_trips(text):
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text


# --- the shared real corpus (skipped when ../shared is absent) ----------------------------------


def corpus_files() -> list[Path]:
    folder = SHARED / "corpus"
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


@pytest.mark.skipif(not corpus_files(), reason="shared corpus not available")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_real_corpus_sniffs_as_text_and_survives_legacy_encodings(path: Path):
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert sniff_format(raw, path.name) == "text"
    assert decode_text(raw) == text
    for encoding in ("gb18030", "utf-16"):
        assert decode_text(text.encode(encoding)) == text


def test_charset_of_reads_the_content_type_parameter():
    assert charset_of('text/html; charset="GB2312"') == "GB2312"
    assert charset_of("text/plain") is None and charset_of(None) is None
    assert decode_text(HANS.encode("gbk"), declared=charset_of("text/plain; charset=gbk")) == HANS
