"""pdfium's C functions for the hot loops, taking and returning plain addresses.

pypdfium2 binds each pdfium function with typed pointer arguments and results: every call
checks its pointer arguments and wraps a returned handle in a new ctypes pointer object. That
conversion costs more than most of these functions do (measured: 40% of a loop over 160,000
path segments of a map page). The loops that make hundreds of thousands of calls per document
(path segments in ``pdf_tables._subpaths``, characters in ``pdf_tables._pdfium_chars``, text
rectangles in ``pdf.read_segments``) use these bindings instead: the same functions from the
same library, with every pointer as a ``c_void_p`` address (a Python int), and scratch structs
passed by their address. Nothing else changes: the signatures are read off pypdfium2's own
bindings, so they follow the pdfium build pypdfium2 ships.

A handle's address is only valid while the pypdfium2 object owning it is open: callers take
``address(obj.raw)`` inside the block that keeps ``obj`` open.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c

VOID = ctypes.c_void_p


def _plain(kind: Any) -> Any:
    """A pointer type as a bare address; any other type as it is."""
    return VOID if isinstance(kind, type) and issubclass(kind, ctypes._Pointer) else kind


def _by_address(name: str) -> Any:
    function = getattr(pdfium_c, name)
    prototype = ctypes.CFUNCTYPE(_plain(function.restype), *(_plain(kind) for kind in function.argtypes))
    return prototype(ctypes.cast(function, VOID).value)


def address(handle: Any) -> int:
    """The address a pypdfium2 handle (``page.raw``, ``textpage.raw``) points to, read from the
    handle's own storage (``ctypes.cast`` would tie the handle into a reference cycle)."""
    return VOID.from_buffer(handle).value or 0


# page objects and paths (pdf_tables._subpaths)
count_objects = _by_address("FPDFPage_CountObjects")
get_object = _by_address("FPDFPage_GetObject")
count_form_objects = _by_address("FPDFFormObj_CountObjects")
get_form_object = _by_address("FPDFFormObj_GetObject")
object_type = _by_address("FPDFPageObj_GetType")
object_matrix = _by_address("FPDFPageObj_GetMatrix")
count_segments = _by_address("FPDFPath_CountSegments")
get_segment = _by_address("FPDFPath_GetPathSegment")
segment_type = _by_address("FPDFPathSegment_GetType")
segment_point = _by_address("FPDFPathSegment_GetPoint")
segment_closes = _by_address("FPDFPathSegment_GetClose")

# characters of a text page (pdf_tables._pdfium_chars, pdf.read_segments)
char_generated = _by_address("FPDFText_IsGenerated")
char_unicode = _by_address("FPDFText_GetUnicode")
char_loose_box = _by_address("FPDFText_GetLooseCharBox")
char_matrix = _by_address("FPDFText_GetMatrix")
char_font_size = _by_address("FPDFText_GetFontSize")
char_font_weight = _by_address("FPDFText_GetFontWeight")
char_text_object = _by_address("FPDFText_GetTextObject")
count_rects = _by_address("FPDFText_CountRects")
get_rect = _by_address("FPDFText_GetRect")
