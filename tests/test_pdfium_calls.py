"""The plain-address pdfium bindings answer as pypdfium2's own bindings do, on a real page."""

from __future__ import annotations

import ctypes
import gc
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipelines.parse import pdfium_calls as calls

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sources").glob("*.pdf"))


@pytest.fixture
def page():
    document = pdfium.PdfDocument(SAMPLES[0])
    try:
        yield document[0]
    finally:
        document.close()


def test_text_calls_match_pypdfium2(page):
    textpage = page.get_textpage()
    raw = calls.address(textpage.raw)
    n = textpage.count_chars()
    assert n > 100
    box = pdfium_c.FS_RECTF()
    for i in range(0, n, 7):
        assert calls.char_loose_box(raw, i, ctypes.addressof(box))
        assert (box.left, box.bottom, box.right, box.top) == pytest.approx(textpage.get_charbox(i, loose=True))
        assert calls.char_font_size(raw, i) == pdfium_c.FPDFText_GetFontSize(textpage.raw, i)
        assert calls.char_generated(raw, i) == pdfium_c.FPDFText_IsGenerated(textpage.raw, i)
    assert calls.count_rects(raw, 0, -1) == textpage.count_rects()
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    for i in range(textpage.count_rects()):
        assert calls.get_rect(raw, i, *(ctypes.addressof(v) for v in (left, top, right, bottom)))
        assert (left.value, bottom.value, right.value, top.value) == textpage.get_rect(i)
    textpage.close()


def test_characters_of_one_text_object_share_its_address(page):
    """The text-object call gives a plain int, equal for the characters of one object."""
    textpage = page.get_textpage()
    raw = calls.address(textpage.raw)
    owners = [calls.char_text_object(raw, i) for i in range(textpage.count_chars())]
    printed = [o for o in owners if o]
    assert all(isinstance(o, int) for o in printed)
    assert 1 < len(set(printed)) < len(printed)  # several objects, each of several characters
    textpage.close()


def test_path_calls_read_the_page_objects(page):
    raw = calls.address(page.raw)
    n = calls.count_objects(raw)
    assert n == pdfium_c.FPDFPage_CountObjects(page.raw)
    kinds = [calls.object_type(calls.get_object(raw, i)) for i in range(n)]
    assert kinds == [pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, i)) for i in range(n)]


def test_reading_an_address_leaves_the_handle_free(page):
    """Once its text page is closed and dropped, nothing of it waits for the cyclic collector
    (``ctypes.cast`` ties the handle and its result into a cycle)."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        textpage = page.get_textpage()
        for _ in range(5):
            assert calls.address(textpage.raw)
        textpage.close()
        del textpage
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
