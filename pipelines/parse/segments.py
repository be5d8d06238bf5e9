"""The positioned text run every PDF layout rule works on, in one home.

``pdf`` reads segments from pypdfium2; ``layout``, ``charts`` and ``pdf_tables`` read and make
them. Keeping the type here (not in ``pdf``, which imports those modules) leaves the parse
package without import cycles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")  # joined without a space


@dataclass(frozen=True)
class Segment:
    """A run of text on one line as pdfium groups it; PDF coordinates (y grows upwards)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float = 0.0  # rendered size of the first character: tells headings and callouts from body
    bold: bool = False
    # index of the run's first character in pdfium's text page, where the text maps one to one
    # onto it (-1 for runs the layout rules make): lets the table gate ask for a few glyph boxes
    start: int = -1

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def inside(self, bbox: tuple[float, float, float, float], height: float, slack: float = 2) -> bool:
        """Whether the segment lies in a top-left-origin bbox (pdfplumber's convention)."""
        x0, top, x1, bottom = bbox
        return (self.x0 >= x0 - slack and self.x1 <= x1 + slack
                and height - self.y1 >= top - slack and height - self.y0 <= bottom + slack)

    def overlaps(self, bbox: tuple[float, float, float, float], height: float) -> bool:
        """Whether the segment and a top-left-origin bbox share any area (pdfplumber's convention)."""
        x0, top, x1, bottom = bbox
        return self.x1 > x0 and self.x0 < x1 and height - self.y0 > top and height - self.y1 < bottom
