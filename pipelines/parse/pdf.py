"""PDF parsing: page text in reading order, tables and chart figures.

This module owns the PDF text layer: it reads positioned text segments with pypdfium2 (about
60 times faster than pdfminer, which pdfplumber wraps), drops running headers and footers,
orders two-column pages, and rejoins wrapped and hyphenated lines into paragraphs. Pages whose
segments look tabular go to pdfplumber's table finder over pdfium's layout objects
(``pipelines.parse.pdf_tables``, which also joins a table continued on the next page). The
layout rules (``pipelines.parse.layout``) then read each page as a person does: runs of one line
joined, drop caps closed, axis scales and share-band legends set aside, big-number callouts read
with their captions as prose; the numbers still standing alone become chart figures
(``pipelines.parse.charts``). Text inside tables and chart labels is left out of the page text
so the prose figure extractor does not count those figures twice.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.errors import ReportError
from pipelines.figures.numerals import EN_NUMBER_WORDS, EN_TENS_WORDS
from pipelines.model import Figure, ParsedDocument, RawTable
from pipelines.parse import pdfium_calls as calls
from pipelines.parse.charts import chart_figures
from pipelines.parse.layout import axis_ticks, callouts, category_labels, drop_caps, join_runs, lead_ins
from pipelines.parse.pdf_tables import gated_page_tables, join_continued
from pipelines.parse.segments import CJK, Segment

MARGIN_BAND = 0.08  # fraction of page height at top and bottom where running lines live
PAGE_LABEL = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$|^第\s*\d+\s*页(\s*/?\s*共\s*\d+\s*页)?$",
                        re.IGNORECASE)
SOFT_HYPHEN = "\x02"  # pdfium marks a hyphen it judged to be a line-end word break with U+0002
SOFT_HYPHEN_RANGE = "\ufffe"  # ... but with U+FFFE in whole-page text


def parse_pdf(data: bytes, *, max_pages: int = 2000, language_hint: str | None = None) -> ParsedDocument:
    """Turn PDF bytes into page texts, tables and chart figures (see the module docstring).

    ``language_hint`` is accepted for symmetry with the other parsers; line joining reads the
    characters themselves (CJK joins without a space), so it needs no hint.
    """
    document = _open(data)
    try:
        n_pages = min(len(document), max_pages)
        warnings = [] if len(document) <= max_pages else [f"read only the first {max_pages} pages"]
        heights, page_segments = [], []
        found: dict[int, list[RawTable]] = {}
        for index in range(n_pages):
            page = document[index]
            heights.append(page.get_height())
            textpage = page.get_textpage()  # one text analysis per page, for segments and table finder
            try:
                page_segments.append(read_segments(page, textpage))
                found[index + 1] = gated_page_tables(page, index + 1, page_segments[-1], textpage)
            finally:
                textpage.close()
        title = _metadata_title(document)
    finally:
        document.close()
    if not any(seg.text.strip() for segs in page_segments for seg in segs):
        raise ReportError("parse", f"no text layer: {n_pages} page(s) without extractable text (scanned?)")
    running = running_lines(page_segments, heights, title)
    bodies = [[s for s in segments if not _in_band(s, heights[index]) or _key(s.text) not in running]
              for index, segments in enumerate(page_segments)]
    join_continued(found, {index + 1: _content_span(body, heights[index]) for index, body in enumerate(bodies)})
    body_size = body_font_size(page_segments)
    tables: list[RawTable] = []
    charts: list[Figure] = []
    pages: list[str] = []
    for index, body in enumerate(bodies):
        on_page = found.get(index + 1, [])
        for table in on_page:
            table.table_id = f"p{index + 1}t{len(tables) + 1}"
            tables.append(table)
        body = [s for s in body if not any(t.bbox and s.inside(t.bbox, heights[index]) for t in on_page)]
        text, figures = read_page(body, index + 1, body_size)
        charts.extend(figures)
        pages.append(text)
    return ParsedDocument(format="pdf", pages=pages, page_numbers=list(range(1, n_pages + 1)), title=title,
                          tables=tables, charts=charts, warnings=warnings)


def read_page(body: list[Segment], page: int, body_size: float) -> tuple[str, list[Figure]]:
    """One page's runs (tables taken out) through the layout rules in order: its text in
    reading order and its chart figures (see ``pipelines.parse.layout``)."""
    body = join_runs(body)
    body = drop_caps(body)
    ticks = axis_ticks(body)
    said = callouts(body)
    read = ticks | {id(s) for number, caption in said for s in (number, *caption)}
    led = lead_ins(body, read)  # before share bands: "by" / "15–20%" states a range, names no category
    read |= {id(s) for caption, number, tail in led for s in (*caption, number, *tail)} | category_labels(body)
    body = [s for s in body if id(s) not in read]
    figures, used = chart_figures(body, page=page, body_size=body_size)
    body = [s for s in body if id(s) not in used]
    body.extend(_callout_line(number, caption) for number, caption in said)
    body.extend(_lead_in_line(caption, number, tail) for caption, number, tail in led)
    return page_text(body), figures


def _callout_line(number: Segment, caption: list[Segment]) -> Segment:
    """A callout read as one line of prose where its caption starts, so it keeps its reading order.

    The line takes the first caption line's height and size, not the number's: a tall run would
    overlap and swallow the prose lines beside it.
    """
    first = caption[0]
    text = _join([number.text + " " + first.text, *(s.text for s in caption[1:])])
    return Segment(text, min(number.x0, first.x0), first.y0, max(s.x1 for s in (number, *caption)), first.y1,
                   first.size, first.bold)


def _lead_in_line(caption: list[Segment], number: Segment, tail: list[Segment]) -> Segment:
    """A lead-in callout read as one line of prose, caption first, where its caption starts."""
    first = caption[0]
    text = _join([s.text for s in caption]) + " " + number.text + (" " + _join([s.text for s in tail]) if tail else "")
    return Segment(text, min(s.x0 for s in caption), first.y0, max(s.x1 for s in (number, *caption, *tail)),
                   first.y1, first.size, first.bold)


def _content_span(body: list[Segment], height: float) -> tuple[float, float]:
    """Top of the first and bottom of the last line of a page's content (origin top left)."""
    if not body:
        return (height, 0.0)
    return (height - max(s.y1 for s in body), height - min(s.y0 for s in body))


def _open(data: bytes) -> pdfium.PdfDocument:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReportError("parse", "not a PDF: the bytes do not start with %PDF")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            raise ReportError("parse", "encrypted PDF: it needs a password to open") from exc
        raise ReportError("parse", f"unreadable PDF (truncated or damaged): {exc}") from exc


def _metadata_title(document: pdfium.PdfDocument) -> str | None:
    title = (document.get_metadata_dict().get("Title") or "").strip()
    return title or None


def read_segments(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None = None) -> list[Segment]:
    """Positioned text runs of one page, from pdfium's text rectangles.

    The page text is read once and split at pdfium's line breaks; a line that is one rectangle
    is one segment as it stands, and only lines of several rectangles (table rows, chart labels)
    pay for a bounded-text call per rectangle, the slow call. A caller's ``textpage`` is used
    and left open (the table finder reads the same one); without one, one is opened and closed.
    """
    own = textpage is None
    textpage = page.get_textpage() if textpage is None else textpage
    segments: list[Segment] = []
    try:
        n_chars = textpage.count_chars()
        full = textpage.get_text_range(0, n_chars) if n_chars > 0 else ""
        if len(full) != n_chars:  # characters beyond the BMP shift indices: read rectangle by rectangle
            return _bounded(textpage, 0, n_chars, segments)
        raw = calls.address(textpage.raw)  # plain-address calls: a call per rectangle and per run
        edges = [ctypes.c_double() for _ in range(4)]  # left, top, right, bottom
        at = [ctypes.addressof(edge) for edge in edges]
        left, top, right, bottom = edges
        start = 0
        for line in full.split("\r\n"):
            count = len(line)
            if line.strip():
                n_rects = calls.count_rects(raw, start, count)
                boxes = []
                for i in range(n_rects):
                    if not calls.get_rect(raw, i, *at):
                        raise pdfium.PdfiumError(f"no text rectangle {i} on a line of {n_rects}")
                    boxes.append((left.value, bottom.value, right.value, top.value))
                cuts = [0]
                for j in range(1, n_rects):
                    cuts.append(_first_char(raw, start, count, j, boxes, cuts[-1]))
                cuts.append(count)
                for box, a, b in zip(boxes, cuts, cuts[1:], strict=False):
                    run = line[a:b].replace(SOFT_HYPHEN_RANGE, SOFT_HYPHEN)
                    text = run.strip()
                    if text:
                        first = start + a + len(run) - len(run.lstrip())
                        segments.append(_segment(raw, text, box, start + a, first))
            start += count + 2
        return segments
    finally:
        if own:
            textpage.close()


def _first_char(raw: int, start: int, count: int, rect: int,
                boxes: list[tuple[float, float, float, float]], previous: int) -> int:
    """Offset in the line where rectangle ``rect`` begins: the shortest prefix with rect+1 boxes.

    Counting rectangles over a short range is cheap (bounded text scans the whole page). The
    offset is first guessed from the rectangle's x position along the line, often right or
    close; a binary search over rectangle counts settles the rest. ``raw``: the text page's
    address (``pdfium_calls``).
    """
    count_rects = calls.count_rects
    left, right = boxes[0][0], boxes[-1][2]
    lo, hi = previous + 1, count - 1  # the answer lies in [lo, hi]
    guess = round(count * (boxes[rect][0] - left) / (right - left)) if right > left else lo
    guess = min(max(guess, lo), hi)
    while lo < hi:
        if count_rects(raw, start, guess + 1) <= rect:  # the prefix through guess lacks the rect
            lo = guess + 1
        elif count_rects(raw, start, guess) > rect:  # the rect began before guess
            hi = guess - 1
        else:
            return guess
        guess = (lo + hi) // 2
    return lo


def _bounded(textpage: pdfium.PdfTextPage, start: int, count: int, out: list[Segment]) -> list[Segment]:
    """Segments of a character range, one bounded-text call per rectangle."""
    raw = calls.address(textpage.raw)
    for i in range(textpage.count_rects(start, count)):
        box = textpage.get_rect(i)
        text = textpage.get_text_bounded(*box).replace("\r", " ").replace("\n", " ").strip()
        if text:
            out.append(_segment(raw, text, box, textpage.get_index(box[0] + 0.5, (box[1] + box[3]) / 2, 2, 2)))
    return out


def _segment(raw: int, text: str, box: tuple[float, float, float, float],
             index: int | None, start: int = -1) -> Segment:
    """A segment with its rendered font size: the nominal size scaled by the character matrix.
    ``raw`` is the text page's address (``pdfium_calls``); ``index`` a character of the run to
    read the size from; ``start``, where the run's text is exactly the page's characters from
    there on, is kept on the segment.

    The loose glyph box is font-dependent (a Latin font's box is a third taller than a CJK
    font's at the same size), so prose mixing the two would seem to change size at every
    figure; the box height stays the fallback where pdfium reports no size.
    """
    size, weight = 0.0, 0
    if index is not None:
        matrix = pdfium_c.FS_MATRIX()
        nominal = calls.char_font_size(raw, index)
        if nominal and calls.char_matrix(raw, index, ctypes.addressof(matrix)):
            size = nominal * math.hypot(matrix.c, matrix.d)
        if not size:
            loose = pdfium_c.FS_RECTF()
            if calls.char_loose_box(raw, index, ctypes.addressof(loose)):
                size = loose.top - loose.bottom
        weight = calls.char_font_weight(raw, index)
    return Segment(text, *box, round(size, 1), weight >= 600, start)


def body_font_size(page_segments: list[list[Segment]]) -> float:
    """Font size carrying most characters in the document: anything larger reads as a heading."""
    weights: Counter[float] = Counter()
    for segments in page_segments:
        for segment in segments:
            weights[segment.size] += len(segment.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _key(text: str) -> str:
    """Running lines differ only by their page number: compare them with digits folded."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _in_band(segment: Segment, height: float) -> bool:
    return segment.y0 > height * (1 - MARGIN_BAND) or segment.y1 < height * MARGIN_BAND


def running_lines(page_segments: list[list[Segment]], heights: list[float], title: str | None) -> set[str]:
    """Keys of lines in the top or bottom band that repeat across pages, page labels, the title."""
    counts: Counter[str] = Counter()
    running = set()
    for segments, height in zip(page_segments, heights, strict=True):
        keys = {_key(s.text) for s in segments if _in_band(s, height)}
        counts.update(keys)
        running.update(k for k in keys if PAGE_LABEL.match(k.replace("#", "1")))
    needed = 2 if len(page_segments) < 6 else max(2, len(page_segments) // 3)
    running.update(k for k, n in counts.items() if n >= needed)
    if title:
        running.add(_key(title))
    return running


def page_text(segments: list[Segment]) -> str:
    """Reading-order text: columns left to right, paragraphs split by blank lines, lines joined."""
    if not segments:
        return ""
    paragraphs: list[str] = []
    for block in _column_blocks(segments):
        paragraphs.extend(_paragraphs(_lines(block)))
    return "\n\n".join(p for p in paragraphs if p)


def _column_blocks(segments: list[Segment], depth: int = 0) -> list[list[Segment]]:
    """Split the page at a vertical gutter, if one exists; full-width lines break the columns.

    The gutter is a gap no narrow run crosses or, failing that, one no prose line crosses
    (``_prose_lines``). Consecutive full-width lines stay one block, with the runs set beside
    them on their lines (``_full_width``) and the short last line of their paragraph, so a
    full-width paragraph above a two-column chart legend keeps its lines together.
    """
    left = min(s.x0 for s in segments)
    right = max(s.x1 for s in segments)
    width = right - left
    narrow = [s for s in segments if s.x1 - s.x0 < 0.55 * width]
    lo, hi = left + 0.3 * width, left + 0.7 * width
    gutter = _gutter(narrow, lo, hi)
    if gutter is None:
        gutter = _gutter(_prose_lines(narrow), lo, hi)
    if gutter is None:
        return [segments]
    full = _full_width(segments, gutter)
    blocks: list[list[Segment]] = []
    region: list[Segment] = []
    wide: list[Segment] = []
    for segment in sorted(segments, key=lambda s: -s.y1):
        if id(segment) in full:
            if region:
                blocks.extend(_sides(region, gutter, depth))
                region, wide = [], []
            if not wide:
                blocks.append(wide)
            wide.append(segment)
        elif wide and not region and abs(segment.x0 - wide[-1].x0) < 3 \
                and wide[-1].y0 - segment.y1 < 1.5 * segment.height:
            wide.append(segment)  # the short last line of a full-width paragraph
        else:
            region.append(segment)
    blocks.extend(_sides(region, gutter, depth))
    return [b for b in blocks if b]


def _full_width(segments: list[Segment], gutter: float) -> set[int]:
    """Runs that belong to full-width lines: those crossing the gutter, and the runs set on the
    same line right beside one (a footnote mark "2" raised after "act responsibly", a word in
    bold), which would otherwise cut the full-width paragraph in two (Cisco p. 11)."""
    crossing = [s for s in segments if s.x0 < gutter < s.x1]
    full = {id(s) for s in crossing}
    for segment in segments:
        if id(segment) in full:
            continue
        reach = 1.5 * max(segment.size, segment.height)
        if any(min(w.y1, segment.y1) > max(w.y0, segment.y0)
               and segment.x0 - w.x1 < reach and w.x0 - segment.x1 < reach for w in crossing):
            full.add(id(segment))
    return full


def _prose_lines(segments: list[Segment]) -> list[Segment]:
    """Lines of prose in the page's prose size: where no gutter runs between all narrow runs,
    one between these still splits the columns.

    A prose line has four words or eight CJK characters, in the size most such characters are
    set in. Anything else may stand across the gutter without closing it: a chart's "United
    Kingdom" under a bar, a heading over both columns, a footnote centred under them
    (TrustArc p. 15, whose two columns were read line by line across).
    """
    wordy = [s for s in segments if s.text.count(" ") >= 3 or len(CJK.findall(s.text)) >= 8]
    weights: Counter[float] = Counter()
    for segment in wordy:
        weights[segment.size] += len(segment.text)
    if not weights:
        return []
    size = weights.most_common(1)[0][0]
    return [s for s in wordy if abs(s.size - size) <= 0.15 * size]


def _sides(region: list[Segment], gutter: float, depth: int) -> list[list[Segment]]:
    """The columns left and right of a gutter, each split again at a gutter of its own (a
    three-column page: Microsoft p. 10), to two levels."""
    sides = _split(region, gutter)
    if depth >= 1:
        return sides
    return [block for side in sides for block in (_column_blocks(side, depth + 1) if side else [side])]


def _split(region: list[Segment], gutter: float) -> list[list[Segment]]:
    return [[s for s in region if s.x1 <= gutter], [s for s in region if s.x0 >= gutter]]


def _gutter(segments: list[Segment], lo: float, hi: float) -> float | None:
    """Widest x gap in [lo, hi] that no segment crosses, with real text on both sides."""
    if len(segments) < 6:
        return None
    spans = sorted((s.x0, s.x1) for s in segments)
    best, best_width, reach = None, 8.0, spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach > best_width and lo <= (x0 + reach) / 2 <= hi:
            best, best_width = (x0 + reach) / 2, x0 - reach
        reach = max(reach, x1)
    if best is None:
        return None
    # each side holds three runs, or one long one: a callout read into one line (Microsoft p. 10)
    sides = [[s for s in segments if s.x1 <= best], [s for s in segments if s.x0 >= best]]
    long_lines = sum(1 for s in segments if len(s.text) > 25)
    filled = all(len(side) >= 3 or sum(len(s.text) for s in side) >= 100 for side in sides)
    return best if filled and long_lines >= 4 else None


def _lines(segments: list[Segment]) -> list[list[Segment]]:
    """Group segments whose vertical extents overlap into lines, top to bottom, left to right."""
    lines: list[list[Segment]] = []
    top = bottom = 0.0  # vertical extent of the line being built
    for segment in sorted(segments, key=lambda s: (-s.y1, s.x0)):
        if lines:
            overlap = min(top, segment.y1) - max(bottom, segment.y0)
            if overlap > 0.5 * min(segment.height, top - bottom):
                lines[-1].append(segment)
                top, bottom = max(top, segment.y1), min(bottom, segment.y0)
                continue
        lines.append([segment])
        top, bottom = segment.y1, segment.y0
    return [sorted(line, key=lambda s: s.x0) for line in lines]


def _paragraphs(lines: list[list[Segment]]) -> list[str]:
    """Join lines into paragraphs; a gap larger than the usual line pitch starts a new one.

    The usual pitch is taken per font size: chart labels set tight in a small size on the same
    page must not make every line of the prose beside them look like a paragraph of its own.
    """
    if not lines:
        return []
    tops = [max(s.y1 for s in line) for line in lines]
    sizes = [max(s.size for s in line) for line in lines]
    samples: dict[float, list[float]] = {}
    for i in range(1, len(lines)):
        if tops[i - 1] - tops[i] > 0 and abs(sizes[i] - sizes[i - 1]) <= 0.5:
            samples.setdefault(round(sizes[i]), []).append(tops[i - 1] - tops[i])
    every = sorted(p for ps in samples.values() for p in ps)
    usual = {size: sorted(ps)[len(ps) // 4] for size, ps in samples.items() if len(ps) >= 2}
    fallback = every[len(every) // 4] if every else 0.0
    paragraphs: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        gap = tops[i - 1] - tops[i] if i else 0.0
        pitch = usual.get(round(sizes[i]), fallback)
        size_change = i and abs(sizes[i] - sizes[i - 1]) > 1.0
        height = max(s.height for s in lines[i - 1]) if i else 0.0
        if i and (gap > 1.4 * pitch or gap > 2.5 * height or size_change):
            paragraphs.append([])
        paragraphs[-1].append(" ".join(s.text for s in line))
    return [_join(p) for p in paragraphs if p]


_TENS_END = re.compile(r"\b(?:" + "|".join(EN_TENS_WORDS) + r")[-\x02]$", re.IGNORECASE)


def _compound_number(text: str, line: str) -> bool:
    """'Forty-' then 'five percent': the hyphen of a compound number word stays ('Forty-five').

    Only the paragraph's last 16 characters are searched (the longest tens word and its hyphen
    are 8): searching the whole paragraph at every line made joining quadratic in its length.
    """
    return bool(_TENS_END.search(text[-16:])) and line.split(" ", 1)[0].lower().strip(",.") in EN_NUMBER_WORDS


def _join(lines: list[str]) -> str:
    """Join the lines of one paragraph: hyphen breaks closed, CJK without spaces, Latin with one."""
    text = ""
    for line in lines:
        line = line.strip()
        if not text:
            text = line
        elif _compound_number(text, line):
            text = text[:-1] + "-" + line
        elif text.endswith(SOFT_HYPHEN) or (text.endswith("-") and re.search(r"[a-z]-$", text)
                                             and line[:1].islower()):
            text = text[:-1] + line
        elif CJK.search(text[-1]) and CJK.search(line[:1]):
            text += line
        else:
            text += " " + line
    return text.replace(SOFT_HYPHEN, "-")
