"""Layout rules for PDF pages: what a reader sees in the positioned text runs pdfium gives.

pdfium cuts a line into runs wherever the font changes (a Latin word inside Chinese prose, a
bold figure inside a sentence, a digit kerned apart from its percent sign), so a run standing
alone is not yet a figure standing alone. These rules, applied in order, turn runs into what a
person reads, before charts and prose are told apart (``pipelines.parse.charts``):

1. ``join_runs``: runs on one line with no more than a word space between them are one run
   ("同比增长" + "9.73%" -> one line of prose; "1" + "0%" -> "10%"). A much larger neighbour
   (a big-number callout beside its caption) stays apart.
2. ``drop_caps``: a single large letter whose top lines up with the first line of text just right
   of it opens that line's first word ("F" + "orty-two percent of ..." -> "Forty-two percent").
3. ``axis_ticks``: three or more bare numbers in a row or a column, evenly spaced, whose values
   step evenly and grow along the axis ("0% 10% 20% ... 90%") are an axis scale, not figures.
4. ``category_labels``: a run that is only a bounded or ranged share ("More than 80%", "60-80%",
   "Under 10%") on a line of its own names a chart's category or legend entry; it is no figure.
5. ``callouts``: a big bare number with smaller words starting right of it or under it
   ("73%" over "of respondents used / on-demand self-service, / a 16% increase from 2019") is
   one sentence, read as prose, so its quote is the caption and not a heading nearby.
6. ``lead_ins``: a big bare number right under smaller lines whose sentence it finishes
   ("Infosys saw a / year-over-year / sales increase of" over "87%") is that sentence, read
   as prose, caption first, with any lower-case lines under the number that finish it.

What is left goes to the chart reader (bare numbers as data labels) and to the page text.
Each rule is a pure function of segments; an example stands in each docstring and in
``tests/test_layout.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pipelines.figures.qualifier import BOUND_WORDS
from pipelines.parse.segments import CJK, Segment
from pipelines.tables import parse_number

WORD_SPACE = 0.8  # widest gap inside a line, in units of the font size (justified text stretches spaces)
GLUED = 0.25  # a gap narrower than this (font size units) is kerning, not a space: "1" "0%" -> "10%"
CALLOUT_RATIO = 1.6  # a run this many times larger than its neighbour is a callout, not the same line
CONTINUATION_RATIO = 1.3  # ... or this many times, when its caption goes on in lower case
CAPTION_LINES = 6  # a callout caption longer than this is prose that happens to sit under a number
SENTENCE_END = re.compile(r"[.!?。！？]$")
_BARE = re.compile(r"[-+]?\d[\d,.]*\s*(?:%|％|x|×)?|\d{1,2}\s+(?:in|out of)\s+\d{1,3}")  # "73%", "2 in 5"


def join_runs(segments: Sequence[Segment]) -> list[Segment]:
    """Rule 1: merge runs of one line that a word space or less separates.

    Example: "年，OTT 集成服务收入同比增长" (14 pt) and "9.73%" (a Latin font, 18 pt loose box)
    1 pt apart on one baseline become one run; "73%" at 40 pt beside "of respondents" at 12 pt
    stays two runs, since the callout rule reads them together later.
    """
    out: list[Segment] = []
    first: list[int] = []  # input position of each output run, so the content order survives
    rows: dict[int, list[int]] = {}  # runs by the 4 pt band of their first segment's centre
    weights: list[dict[float, float]] = []  # width set in each size, per output run
    for k in sorted(range(len(segments)), key=lambda k: segments[k].x0):
        segment = segments[k]
        band = round((segment.y0 + segment.y1) / 8)
        # a run on this line has its centre within this segment's height (see _same_line);
        # the cheap tests first: this pairs every run with every run near its line
        own = _size(segment)
        reach = WORD_SPACE * max(own, 1.0)  # the widest gap any run can close with this one
        target = None
        for b in range(int(segment.y0 / 4) - 1, int(segment.y1 / 4) + 2):
            for i in rows.get(b, ()):
                left = out[i]
                gap = segment.x0 - left.x1
                if gap > reach:
                    continue  # runs are taken left to right: most runs on the line end far to the left
                size = max(min(_size(left), own), 1.0)
                if (-0.5 * size <= gap <= WORD_SPACE * size and (target is None or left.x1 > out[target].x1)
                        and _same_line(left, segment) and _similar(left, segment)
                        and not _two_figures(left, segment)):
                    target = i
        if target is None:
            rows.setdefault(band, []).append(len(out))
            out.append(segment)
            first.append(k)
            weights.append({segment.size: segment.x1 - segment.x0})
            continue
        left = out[target]
        size = max(min(_size(left), _size(segment)), 1.0)
        cjk = CJK.search(left.text[-1]) and CJK.search(segment.text[0])
        glue = "" if segment.x0 - left.x1 < GLUED * size or cjk else " "
        # the run takes the size most of its width is set in: digits and Latin words in
        # another font inside Chinese prose have other glyph boxes, and must not make the line
        # look like a heading or a size change
        weights[target][segment.size] = weights[target].get(segment.size, 0) + segment.x1 - segment.x0
        size = max(weights[target], key=lambda z: (weights[target][z], -z))
        out[target] = Segment(left.text + glue + segment.text, left.x0, min(left.y0, segment.y0),
                              max(left.x1, segment.x1), max(left.y1, segment.y1), size,
                              left.bold and segment.bold)
        first[target] = min(first[target], k)
    return [out[i] for i in sorted(range(len(out)), key=first.__getitem__)]


def _two_figures(left: Segment, right: Segment) -> bool:
    """A percentage closed by its sign, then a digit: two data labels side by side ("41%" "41%")."""
    return left.text.rstrip()[-1:] in "%％" and right.text.lstrip()[:1].isdigit()


def _size(segment: Segment) -> float:
    return segment.size or segment.height


def _same_line(a: Segment, b: Segment) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap > 0.5 * min(a.height, b.height)


def _similar(a: Segment, b: Segment) -> bool:
    big, small = max(_size(a), _size(b)), max(min(_size(a), _size(b)), 0.1)
    return big / small < CALLOUT_RATIO


def axis_ticks(segments: Sequence[Segment]) -> set[int]:
    """Rule 3: ids of bare numbers that form an axis scale.

    Example: "0%" "10%" "20%" "30%" on one baseline, 29 pt apart, is the x axis of a bar chart;
    "36%" "40%" "24%" (the segments of one stacked bar) step unevenly and stay figures. A
    vertical axis reads bottom to top (values grow upwards).
    """
    numbers = []
    for segment in segments:
        number = parse_number(segment.text)
        if number is not None and number.unit in ("percent", "percentage_points", None) \
                and re.fullmatch(r"[-+]?\d[\d,.]*\s*%?", segment.text.strip()):
            numbers.append((segment, number.value))
    ticks: set[int] = set()
    rows: dict[int, list] = {}
    rights: dict[int, list] = {}  # a y axis left of its plot is set flush right ...
    lefts: dict[int, list] = {}  # ... and one right of it flush left ("0%" under "20%" on CAICT p. 19)
    for segment, value in numbers:
        rows.setdefault(round((segment.y0 + segment.y1) / 2 / 2), []).append((segment, value))
        rights.setdefault(round(segment.x1 / 3), []).append((segment, value))
        lefts.setdefault(round(segment.x0 / 3), []).append((segment, value))
    for key, group in rows.items():
        near = group + rows.get(key + 1, []) + rows.get(key - 1, [])
        ticks |= _even_scale(near, lambda s: (s.x0 + s.x1) / 2)
    for cols in (rights, lefts):
        for key, group in cols.items():
            near = group + cols.get(key + 1, []) + cols.get(key - 1, [])
            ticks |= _even_scale(near, lambda s: (s.y0 + s.y1) / 2)
    return ticks


def _even_scale(group: list, position) -> set[int]:
    """Ids of the longest run (3 or more) of evenly spaced members with evenly growing values."""
    seen, unique = set(), []
    for segment, value in sorted(group, key=lambda item: position(item[0])):
        if id(segment) not in seen:
            seen.add(id(segment))
            unique.append((segment, value))
    if len(unique) < 3:
        return set()
    best: list = []
    run = unique[:2]
    for item in unique[2:]:
        if _continues(run, item, position):
            run.append(item)
        else:
            if len(run) > len(best):
                best = run
            run = [run[-1], item]
    if len(run) > len(best):
        best = run
    if len(best) < 3 or not _continues(best[:2], best[2], position):
        return set()
    step = best[1][1] - best[0][1]
    if not _round_scale(step, [v for _, v in best]):
        return set()
    return {id(s) for s, _ in best}


def _round_scale(step: float, values: list[float]) -> bool:
    """An axis steps by a round amount from a multiple of it; a short run needs a coarse step.

    Data labels of neighbouring bars can step evenly by chance ("74%" "75%" "76%" in a column);
    axis scales step by 1, 2, 2.5 or 5 times a power of ten, and three ticks alone step by 5 or more.
    A scale of four or more ticks from zero may take any whole step ("0% 15% 30% 45%", CAICT p. 10).
    """
    exponent = 10 ** math.floor(math.log10(step))
    if not any(math.isclose(step, m * exponent) for m in (1, 2, 2.5, 5)):
        return len(values) >= 4 and values[0] == 0 and step.is_integer()
    if not all(math.isclose(v / step, round(v / step), abs_tol=1e-6) for v in values):
        return False
    return len(values) >= 5 or step >= 5


def _continues(run: list, item: tuple, position) -> bool:
    (a, va), (b, vb) = run[-2], run[-1]
    c, vc = item
    step_value, step_pos = vb - va, position(b) - position(a)
    if step_value <= 0 or step_pos <= 0:
        return False
    return (abs((vc - vb) - step_value) < 1e-6 * max(1.0, abs(step_value))
            and abs((position(c) - position(b)) - step_pos) < 0.15 * step_pos + 1.5)


def callouts(segments: Sequence[Segment]) -> list[tuple[Segment, list[Segment]]]:
    """Rule 5: big bare numbers and the caption lines that finish their sentence.

    Example: "61%" at 43 pt with "of customers believe a company should" (13 pt) starting just
    right of it and "know their purchase history." under that line reads "61% of customers
    believe a company should know their purchase history."; DORA's "73%" at 117 pt with
    "of respondents used" left-aligned right under it reads the same way. The caption is the
    run nearest the number's right edge on its lines, else the nearest run below that starts
    under its left edge or spans its centre (a ring chart's number centred over its words);
    further lines follow, flush left or centred, at the caption's size until a sentence ends.
    """
    found = []
    taken: set[int] = set()
    for number in segments:
        if not _BARE.fullmatch(number.text.strip()):
            continue
        start = _caption_start(number, segments, taken)
        if start is None:
            continue
        lines = [start]
        while not SENTENCE_END.search(lines[-1].text) and len(lines) < CAPTION_LINES:
            last = lines[-1]
            below = [s for s in segments if id(s) not in taken and s not in lines and _aligned(s, lines[0])
                     and 0 <= last.y0 - s.y1 < 1.2 * last.height and abs(_size(s) - _size(last)) < 1.5]
            if not below:
                break
            lines.append(max(below, key=lambda s: s.y1))
        taken.update(id(s) for s in (number, *lines))
        found.append((number, lines))
    return found


_OPEN_END = re.compile(r"[a-z\u3400-\u9fff,\-–—]$")  # a line that stops mid-sentence


_RANGE_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*%?\s*[-–—]\s*\d+(?:\.\d+)?\s*[%％]")  # "15–20%"


def lead_ins(segments: Sequence[Segment],
             taken: set[int] | None = None) -> list[tuple[list[Segment], Segment, list[Segment]]]:
    """Rule 6: big bare numbers that finish the sentence of the smaller lines right above them.

    Example: "Infosys saw a" / "year-over-year" / "sales increase of" (22 pt, flush left) over
    "87%" (48 pt) reads "Infosys saw a year-over-year sales increase of 87%" (Microsoft p. 12),
    not a chart label under the page's last heading. The line right above the number is
    aligned with it (flush left or centred), stops mid-sentence (a lower-case word or a
    comma, never a heading's colon), and is at most 1/1.6 of the number's size; lines above it
    join while they are aligned, the same size, a line apart and do not end a sentence. Lines
    under the number that go on in lower case finish the sentence ("administrative time by" /
    "15–20%" / "which means each seller / would gain ... each day.", Microsoft p. 10).
    """
    taken = set(taken or ())
    found = []
    open_ended = [s for s in segments if _OPEN_END.search(s.text.strip())]
    lower = [s for s in segments if s.text[:1].islower()]
    smallest = min((_size(s) for s in open_ended), default=0.0)
    for number in segments:
        text = number.text.strip()
        if id(number) in taken or _size(number) < CALLOUT_RATIO * smallest \
                or not (_BARE.fullmatch(text) or _RANGE_FIGURE.fullmatch(text)):
            continue
        above = [s for s in open_ended if _beside(s, number, taken)
                 and 0 <= s.y0 - number.y1 < 1.5 * _size(s) + 0.25 * _size(number)]
        if not above:
            continue
        lines = [min(above, key=lambda s: s.y0)]
        while len(lines) < CAPTION_LINES:
            top = lines[0]
            up = [s for s in segments if id(s) not in taken and s not in lines and _aligned(s, top)
                  and 0 <= s.y0 - top.y1 < 1.2 * top.height and abs(_size(s) - _size(top)) < 1.5
                  and not SENTENCE_END.search(s.text.strip()) and not s.text.strip().endswith(":")]
            if not up:
                break
            lines.insert(0, min(up, key=lambda s: s.y0))
        tail = [s for s in lower if _beside(s, number, taken)
                and 0 <= number.y0 - s.y1 < 1.5 * _size(s) + 0.25 * _size(number)]
        after = [max(tail, key=lambda s: s.y1)] if tail else []
        while after and not SENTENCE_END.search(after[-1].text.strip()) and len(after) < CAPTION_LINES:
            last = after[-1]
            below = [s for s in segments if id(s) not in taken and s not in after and _aligned(s, last)
                     and 0 <= last.y0 - s.y1 < 1.2 * last.height and abs(_size(s) - _size(last)) < 1.5]
            if not below:
                break
            after.append(max(below, key=lambda s: s.y1))
        taken.update(id(s) for s in (number, *lines, *after))
        found.append((lines, number, after))
    return found


def _beside(s: Segment, number: Segment, taken: set[int]) -> bool:
    """A free caption line for a big number: much smaller, flush left with it or spanning its centre."""
    centre = (number.x0 + number.x1) / 2
    return (id(s) not in taken and s is not number and _size(number) >= CALLOUT_RATIO * _size(s)
            and (abs(s.x0 - number.x0) < 0.1 * (number.x1 - number.x0) + 6 or s.x0 <= centre <= s.x1))


def _aligned(a: Segment, b: Segment) -> bool:
    """Lines of one caption: flush left, or centred under each other (within half a letter)."""
    return abs(a.x0 - b.x0) < 4 or abs((a.x0 + a.x1) - (b.x0 + b.x1)) < max(8.0, min(_size(a), _size(b)))


def _caption_start(number: Segment, segments: Sequence[Segment], taken: set[int]) -> Segment | None:
    """The caption's first run: right of the number on its lines, else right under its left edge."""
    def caption(s: Segment) -> bool:
        # a caption in lower case continues the number's sentence ("75%" / "of customers"), so a
        # smaller step in size is enough; a capitalised one could be a chart's category name
        ratio = CONTINUATION_RATIO if s.text[:1].islower() else CALLOUT_RATIO
        return (s is not number and id(s) not in taken and s.text[:1].isalpha()
                and _size(number) >= ratio * _size(s))

    # the cheap geometric tests first: this runs for every bare number against every run
    right = [s for s in segments if s.y0 < number.y1 and s.y1 > number.y0
             and 0 <= s.x0 - number.x1 < 3 * _size(s) and caption(s)]
    if right:
        return max(right, key=lambda s: (s.y1, -s.x0))
    centre = (number.x0 + number.x1) / 2
    below = [s for s in segments if 0 <= number.y0 - s.y1 < 2 * _size(number) + 1.5 * _size(s)
             and (abs(s.x0 - number.x0) < 0.1 * (number.x1 - number.x0) + 6 or s.x0 <= centre <= s.x1)
             and caption(s)]
    if not below:
        return None
    start = max(below, key=lambda s: s.y1)
    # The caption is the first line under the number: a run between them under the number (a chart's
    # category "N/A" over its smaller note "Not for profit") makes the number a data label, not a callout.
    between = any(s is not number and s is not start and s.y1 <= number.y0 + 1 and s.y0 >= start.y1 - 1
                  and s.x0 < number.x1 and s.x1 > number.x0 for s in segments)
    return None if between else start


def drop_caps(segments: Sequence[Segment]) -> list[Segment]:
    """Rule 2: join a drop cap to the line it opens.

    Example: "F" at 40 pt beside "orty-two percent of buyers" (10 pt), tops within a third of
    the cap's size and less than half its size apart, becomes "Forty-two percent of buyers"
    at the line's own size. "A" and "I" are words of their own: they keep a space before a
    word longer than two letters ("A recent survey"), and join a short rest ("I" + "n" -> "In").
    """
    out = list(segments)
    for cap in segments:
        if len(cap.text) != 1 or not cap.text.isalpha() or not cap.text.isupper():
            continue
        beside = [s for s in out if s is not cap and s.text[:1].isalpha() and _size(cap) >= 2 * _size(s)
                  and 0 <= s.x0 - cap.x1 < 0.5 * _size(cap) and abs(s.y1 - cap.y1) < _size(cap) / 3]
        if not beside:
            continue
        line = max(beside, key=lambda s: s.y1)
        first_word = line.text.split(" ", 1)[0]
        glue = " " if cap.text in "AI" and len(first_word) > 2 else ""  # "A recent ...", but "I" + "n" = "In"
        merged = Segment(cap.text + glue + line.text, cap.x0, line.y0, line.x1, line.y1, line.size, line.bold)
        out = [merged if s is line else s for s in out if s is not cap]
    return out



_NUMBER = r"[-−+]?\d{1,3}(?:\.\d+)?\s*%?"
_CATEGORY = re.compile(
    rf"(?:(?:{'|'.join(re.escape(w) for w in sorted(BOUND_WORDS, key=len, reverse=True))}|[<>≤≥])\s*{_NUMBER}\s*%"
    rf"|{_NUMBER}\s*(?:-|–|—|~|to|至|到)\s*{_NUMBER}\s*%|{_NUMBER}\s*%\s*(?:or more|or less|\+|以上|以下))",
    re.IGNORECASE,
)


def category_labels(segments: Sequence[Segment]) -> set[int]:
    """Rule 4: ids of runs that name a chart category or legend entry by a share band.

    Example: "More than 80%", "60-80%", "40-60%" stacked beside a pie are the legend of
    "What percentage of your applications ...": no one states that 80% of anything. A run
    that is a line of a paragraph (a longer line right above or below, same left edge) stays.
    """
    found = set()
    for segment in segments:
        if not _CATEGORY.fullmatch(segment.text.strip()):
            continue
        if any(len(o.text) > 30 and abs(o.x0 - segment.x0) < 3
               and min(abs(o.y0 - segment.y1), abs(segment.y0 - o.y1)) < 1.2 * segment.height
               for o in segments if o is not segment):
            continue
        found.add(id(segment))
    return found
