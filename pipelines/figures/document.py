"""The cleaned document that figure extraction reads: one home for its shape and offset lookups.

Belongs here: ``CleanDocument`` and lookups by offset (page, section); nothing that reads words.

Offsets everywhere (figures' char_start/char_end, headings, page spans) refer to ``text``; the
matching copy ``norm`` has exactly the same length so a match found in it is an offset into
``text`` as well.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass
class CleanDocument:
    """Cleaned text in its original script plus what extraction needs to give figures provenance.

    ``norm`` is ``text`` width-folded (NFKC), converted to Simplified (OpenCC t2s) and lower-cased,
    character for character, so the rules need one spelling of each keyword and offsets carry over.
    """

    text: str
    norm: str
    format: str
    page_spans: list[tuple[int, int, int | None]] = field(default_factory=list)  # (start, end, page)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (offset, heading text)
    dropped_lines: int = 0

    def page_at(self, offset: int) -> int | None:
        """1-based page of the character at ``offset`` (None for single-page formats)."""
        if len(self.page_spans) == 1:
            return self.page_spans[0][2]
        i = bisect_right(self.page_spans, (offset, float("inf"), None)) - 1
        return self.page_spans[i][2] if i >= 0 else None

    def section_at(self, offset: int) -> str | None:
        """Nearest heading that starts before ``offset``: the section context of a figure."""
        # Called once per figure: the offsets index is read inline rather than through a property.
        offsets = self.__dict__.get("_heading_offsets_cache")
        if offsets is None or len(offsets) != len(self.headings):
            offsets = self.__dict__["_heading_offsets_cache"] = [o for o, _ in self.headings]
        i = bisect_right(offsets, offset) - 1
        return self.headings[i][1] if i >= 0 else None
