"""Chart data labels and big-number callouts: numbers standing alone on a PDF page.

Works on the positioned segments of one page (``pipelines.parse.segments.Segment``). A segment that is
nothing but a percentage (or percentage points) and does not sit inside a paragraph is a chart
figure. Its quote and section are the nearest heading above it; its label is the category text
beside it (under the bar, or left of it on the same line). Callouts whose words finish the
sentence ("61%" then "of customers believe ...") and axis scales were taken out before, by the
layout rules (``pipelines.parse.layout``). Plain numbers without a unit are skipped: on chart
pages they are mostly axis ticks and years.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from pipelines.model import Figure
from pipelines.parse.segments import Segment
from pipelines.tables import parse_number

STATED_SHARE = re.compile(r"\d\s*[%％]")
FIGURE_TITLE = re.compile(r"^(figure|fig\.|chart|exhibit|graph|图|圖|表)\s*\S*", re.IGNORECASE)


def chart_figures(segments: Sequence[Segment], *, page: int,
                  body_size: float | None = None) -> tuple[list[Figure], set[int]]:
    """Chart figures of one page and the ids of the segments they consumed (left out of the text).

    ``body_size`` is the document's running-text font size; a chart page alone has too little
    prose to tell it from headings.
    """
    numbers = [s for s in segments if _chart_number(s) and not _in_paragraph(s, segments)]
    if not numbers:
        return [], set()
    body_size = body_size or _body_size(segments)
    chosen = set(numbers)
    others = [s for s in segments if s not in chosen]
    # what may head a chart and what may name a category do not depend on the data label:
    # sorted out once per page, not once per label
    headings = [s for s in others if _is_heading(s, body_size)]
    names = [s for s in others if _category_name(s, body_size)]
    used = {id(s) for s in numbers}
    figures = []
    for segment in numbers:
        number = parse_number(segment.text)
        assert number is not None  # _chart_number checked it
        heading = _heading_above(segment, headings)
        label_segment = _label_beside(segment, names, numbers)
        label = label_segment.text if label_segment else None
        if label_segment:
            used.add(id(label_segment))
        quote = heading.text if heading else segment.text
        figures.append(Figure(
            source="chart",
            value=number.value,
            unit=number.unit,
            stated_as=segment.text,
            quote=quote,
            kind="change" if number.unit == "percentage_points" or number.signed else "level",
            label=label,
            section=heading.text if heading else None,
            page=page,
        ))
    return figures, used


def _chart_number(segment: Segment) -> bool:
    number = parse_number(segment.text)
    return number is not None and number.unit in ("percent", "percentage_points")


def _in_paragraph(segment: Segment, segments: Sequence[Segment]) -> bool:
    """A number wrapped onto its own line: long prose lines right above or below, same left edge."""
    for other in segments:
        if other is segment or len(other.text) < 30:
            continue
        vertical = min(abs(other.y0 - segment.y1), abs(segment.y0 - other.y1))
        if vertical < 1.2 * max(segment.height, 1) and abs(other.x0 - segment.x0) < 3:
            return True
    return False


def _body_size(segments: Sequence[Segment]) -> float:
    sizes = [s.size for s in segments if s.size and len(s.text) > 20]
    return statistics.median(sizes) if sizes else statistics.median(s.size or 10 for s in segments)


def _is_heading(segment: Segment, body_size: float) -> bool:
    if parse_number(segment.text) is not None:
        return False
    return (bool(FIGURE_TITLE.match(segment.text)) or segment.size > body_size + 0.5
            or (segment.bold and len(segment.text) > 12))


def _heading_above(segment: Segment, headings: Sequence[Segment]) -> Segment | None:
    """The nearest heading (``_is_heading``) above a data label."""
    above = [s for s in headings if s.y0 >= segment.y1 - 1]
    return min(above, key=lambda s: s.y0 - segment.y1, default=None)


def _category_name(segment: Segment, body_size: float) -> bool:
    """Short text that may name a chart's category: no heading, no number, and no line of prose
    that states a share of its own."""
    return not (_is_heading(segment, body_size) or len(segment.text) > 40
                or parse_number(segment.text) is not None or STATED_SHARE.search(segment.text))


def _label_beside(segment: Segment, names: Sequence[Segment], numbers: Sequence[Segment]) -> Segment | None:
    """Category label of a data label: the nearest category name (``_category_name``) under it
    (column) or left of it (row)."""
    centre = (segment.x0 + segment.x1) / 2
    best, best_distance = None, float("inf")
    for other in names:
        if other.x0 - 2 <= centre <= other.x1 + 2 and other.y1 <= segment.y0:
            distance = segment.y0 - other.y1  # column chart: label under the bar
        elif other.x1 <= segment.x0 and other.y0 < segment.y1 and other.y1 > segment.y0:
            distance = segment.x0 - other.x1  # bar chart: label on the same line, to the left
        else:
            continue
        if distance < best_distance and not _number_between(segment, other, numbers):
            best, best_distance = other, distance
    return best


def _number_between(segment: Segment, label: Segment, numbers: Sequence[Segment]) -> bool:
    """Another data label closer to this category label: the label belongs to that one."""
    return any(n is not segment and label.y1 <= n.y0 < segment.y0 and n.x0 < label.x1 and n.x1 > label.x0
               for n in numbers)
