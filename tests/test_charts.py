"""Chart figures from positioned segments: what stands alone is a figure, prose is not."""

from __future__ import annotations

from pipelines.parse.charts import chart_figures
from pipelines.parse.segments import Segment


def test_horizontal_bar_labels_sit_left_of_their_values():
    segments = [
        Segment("Figure 3: Channels used last month", 56, 700, 300, 712, 12),
        Segment("Phone", 56, 660, 90, 668, 9),
        Segment("45%", 250, 660, 270, 668, 9),
        Segment("Email", 56, 640, 88, 648, 9),
        Segment("31%", 200, 640, 220, 648, 9),
    ]
    figures, used = chart_figures(segments, page=7, body_size=10)
    assert [(f.value, f.label, f.section, f.page) for f in figures] == [
        (45.0, "Phone", "Figure 3: Channels used last month", 7),
        (31.0, "Email", "Figure 3: Channels used last month", 7),
    ]
    assert len(used) == 4  # numbers and their labels leave the page text


def test_number_wrapped_inside_a_paragraph_is_prose():
    segments = [
        Segment("Waiting remains the main complaint of all and", 56, 613, 300, 622, 10),
        Segment("38%", 56, 600, 76, 609, 10),
        Segment("named slow replies as their top reason today.", 56, 587, 290, 596, 10),
    ]
    assert chart_figures(segments, page=1, body_size=10) == ([], set())


def test_plain_numbers_are_not_chart_figures():
    segments = [Segment("Figure 2: Volume", 56, 700, 200, 712, 12), Segment("250", 100, 600, 120, 608, 9)]
    assert chart_figures(segments, page=1, body_size=10)[0] == []


def test_a_prose_line_stating_a_share_is_no_category_label():
    segments = [
        Segment("图 6 互联网电视安全问题分布", 150, 700, 400, 712, 12),
        Segment("23%", 300, 620, 320, 628, 9),
        Segment("息保护问题整体占比为 31%", 90, 600, 310, 612, 10),
    ]
    figures, used = chart_figures(segments, page=30, body_size=10)
    assert [(f.value, f.label) for f in figures] == [(23.0, None)]
    assert id(segments[2]) not in used  # the prose line stays in the page text
