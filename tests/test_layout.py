"""Layout rules on positioned segments: runs joined into lines, axis scales told from figures."""

from __future__ import annotations

from pipelines.parse.layout import axis_ticks, join_runs
from pipelines.parse.segments import Segment


def test_a_figure_in_another_font_stays_in_its_sentence():
    runs = [
        Segment("年，集成服务业务收入同比增长", 90, 600, 300, 614, 14),
        Segment("9.73%", 301, 601, 330, 611, 18.4),
        Segment("。", 331, 600, 338, 614, 14),
    ]
    assert [s.text for s in join_runs(runs)] == ["年，集成服务业务收入同比增长9.73%。"]


def test_kerned_digits_join_without_a_space_and_words_with_one():
    runs = [
        Segment("1", 344.7, 371.5, 346.2, 375.8, 8.4),
        Segment("0%", 347.3, 371.5, 355.7, 375.9, 8.4),
        Segment("of all", 358.5, 371.5, 380, 375.9, 8.4),
    ]
    assert [s.text for s in join_runs(runs)] == ["10% of all"]


def test_a_callout_number_stays_apart_from_its_caption():
    runs = [Segment("61%", 57, 401, 127, 427, 42.8), Segment("of customers believe", 130, 415, 330, 426, 12.9)]
    assert [s.text for s in join_runs(runs)] == ["61%", "of customers believe"]


def test_evenly_stepped_axis_is_not_a_figure_but_stacked_labels_are():
    axis = [Segment(f"{v}%", 270 + 29.3 * i, 259, 280 + 29.3 * i, 264, 8.4) for i, v in enumerate(range(0, 110, 10))]
    bar = [
        Segment("36%", 321, 379, 333, 383, 8.2),
        Segment("40%", 428, 379, 440, 383, 8.2),
        Segment("24%", 522, 379, 534, 383, 8.2),
    ]
    ticks = axis_ticks(axis + bar)
    assert ticks == {id(s) for s in axis}


def test_vertical_axis_reads_upwards():
    axis = [Segment(f"{v}%", 50, 100 + 40 * i, 62, 108 + 40 * i, 8) for i, v in enumerate((0, 25, 50, 75, 100))]
    falling = [Segment(f"{v}%", 200, 100 + 40 * i, 212, 108 + 40 * i, 8) for i, v in enumerate((40, 30, 20))]
    assert axis_ticks(axis + falling) == {id(s) for s in axis}


def test_bar_chart_labels_aligned_by_accident_are_no_table():
    from pipelines.model import RawTable
    from pipelines.parse.pdf_tables import chart_like

    staircase = [
        ["Provide clear information", "", "", "39%"],
        ["Refrain from selling", "", "21%", ""],
        ["Comply with privacy laws", "", "20%", ""],
        ["Allow me to configure", "10%", "", ""],
    ]
    table = [["Region", "2023", "2024"], ["North", "41%", "44%"], ["South", "38%", ""], ["West", "29%", "31%"]]
    assert chart_like(RawTable("t", 1, staircase, header_rows=0))
    assert not chart_like(RawTable("t", 1, table, header_rows=1))


def test_callout_caption_right_of_or_under_the_number_finishes_its_sentence():
    from pipelines.parse.layout import callouts

    right = [
        Segment("61%", 57, 401, 127, 427, 42.8),
        Segment("of customers believe a company should", 146, 415, 338, 426, 12.9),
        Segment("know their purchase history.", 146, 401, 282, 412, 12.9),
        Segment("Unrelated paragraph below.", 146, 380, 282, 391, 12.9),
    ]
    under = [
        Segment("73%", 404, 584, 541, 650, 116.6),
        Segment("of respondents used", 408, 560, 528, 571, 14.5),
        Segment("on-demand self-service,", 408, 545, 548, 555, 14.5),
        Segment("a 16% increase from 2019", 408, 530, 551, 539, 14.5),
    ]
    assert [(n.text, [s.text for s in c]) for n, c in callouts(right)] == [
        ("61%", ["of customers believe a company should", "know their purchase history."])
    ]
    assert [(n.text, [s.text for s in c]) for n, c in callouts(under)] == [
        ("73%", ["of respondents used", "on-demand self-service,", "a 16% increase from 2019"])
    ]


def test_a_data_label_the_same_size_as_its_category_is_no_callout():
    from pipelines.parse.layout import callouts

    assert callouts([Segment("45%", 250, 660, 270, 668, 9), Segment("Phone", 275, 660, 300, 668, 9)]) == []


def test_header_fused_with_the_first_row_by_snapping_is_split():
    from pipelines.parse.pdf_tables import to_raw_table

    grid = [
        ["模块\n硬件", "检测项\n固件安全", "所占比例\n20%"],
        ["操作系统", "系统安全配置", "67%"],
        [None, "调试安全", "67%"],
        [None, "安全启动", "43%"],
    ]
    table = to_raw_table(grid, 28, (0, 0, 1, 1))
    assert table.cells[:2] == [["模块", "检测项", "所占比例"], ["硬件", "固件安全", "20%"]]
    assert (table.header_rows, table.header_cols) == (1, 2)  # module and check together name a row


def test_table_continued_on_the_next_page_takes_its_header_and_row_label():
    from pipelines.model import RawTable
    from pipelines.parse.pdf_tables import join_continued

    first = RawTable(
        "a",
        28,
        [["模块", "检测项", "所占比例"], ["硬件", "固件安全", "20%"], ["操作系统", "系统更新", "75%"]],
        1,
        2,
        bbox=(87, 589, 507, 752),
    )
    rest = RawTable(
        "b",
        29,
        [["", "端口安全", "29%"], ["", "串口安全", "67%"], ["系统组件", "蓝牙协议", "50%"]],
        2,
        1,
        bbox=(85, 72, 510, 757),
    )
    join_continued({28: [first], 29: [rest]}, {28: (80.0, 752.0), 29: (72.0, 800.0)})
    assert rest.cells == [
        ["模块", "检测项", "所占比例"],
        ["操作系统", "端口安全", "29%"],
        ["操作系统", "串口安全", "67%"],
        ["系统组件", "蓝牙协议", "50%"],
    ]
    assert (rest.header_rows, rest.header_cols, rest.page) == (1, 2, 29)


def test_a_new_table_at_the_top_of_the_next_page_is_not_joined():
    from pipelines.model import RawTable
    from pipelines.parse.pdf_tables import join_continued

    first = RawTable("a", 1, [["Region", "2024"], ["North", "41%"], ["South", "38%"]], 1, 1, bbox=(80, 600, 500, 760))
    other = RawTable("b", 2, [["Channel", "Share"], ["Phone", "45%"], ["Email", "31%"]], 1, 1, bbox=(80, 70, 500, 200))
    join_continued({1: [first], 2: [other]}, {1: (70.0, 760.0), 2: (70.0, 700.0)})
    assert other.cells[0] == ["Channel", "Share"]


def test_a_table_with_text_after_it_on_its_page_is_not_continued():
    from pipelines.model import RawTable
    from pipelines.parse.pdf_tables import join_continued

    first = RawTable("a", 1, [["Region", "2024"], ["North", "41%"], ["South", "38%"]], 1, 1, bbox=(80, 400, 500, 560))
    more = RawTable("b", 2, [["East", "45%"], ["West", "31%"], ["Centre", "22%"]], 1, 1, bbox=(80, 70, 500, 200))
    join_continued({1: [first], 2: [more]}, {1: (70.0, 760.0), 2: (70.0, 700.0)})  # prose below the first
    assert more.cells[0] == ["East", "45%"]


def test_a_compound_number_word_broken_at_a_line_end_keeps_its_hyphen():
    from pipelines.parse.pdf import _join

    assert (
        _join(["in all. Forty\x02", "five percent use a privacy screen"])
        == "in all. Forty-five percent use a privacy screen"
    )
    assert _join(["our custo-", "mers"]) == "our customers"


def test_a_paragraph_beside_chart_labels_is_no_table():
    from pipelines.model import RawTable
    from pipelines.parse.pdf_tables import prose_beside

    grid = [
        ["Size", "Band", "Share"],
        ["from organizations with 500–1,999", "5,000-9,999", "7%"],
        ["employees at 13%, 100–499 employees at", "", ""],
        ["", "10,000+", "22%"],
    ]
    assert prose_beside(RawTable("t", 37, grid, header_rows=1))
    assert not prose_beside(RawTable("t", 1, [["Region", "2024"], ["North (n=120)", "41%"], ["South", "38%"]]))


def test_a_drop_cap_opens_the_first_word_of_its_line():
    from pipelines.parse.layout import drop_caps

    runs = [
        Segment("F", 56, 600, 80, 630, 40),
        Segment("orty-two percent of buyers", 84, 618, 300, 628, 10),
        Segment("returned within a month.", 84, 606, 300, 616, 10),
    ]
    assert [s.text for s in drop_caps(runs)] == ["Forty-two percent of buyers", "returned within a month."]
    article = [Segment("A", 56, 600, 80, 630, 40), Segment("recent survey found", 84, 618, 300, 628, 10)]
    assert [s.text for s in drop_caps(article)] == ["A recent survey found"]


def test_data_labels_stepping_evenly_by_chance_are_no_axis():
    labels = [Segment(f"{v}%", 378, 349 + 20.5 * i, 392, 354 + 20.5 * i, 9.7) for i, v in enumerate((74, 75, 76))]
    assert axis_ticks(labels) == set()


def test_a_table_of_contents_is_no_data_table():
    from pipelines.model import RawTable
    from pipelines.parse.pdf_tables import contents_list

    toc = [
        ["Cloud", "15", "Security", "24"],
        ["SRE and DevOps", "19", "Technical capabilities", "26"],
        ["Documentation", "21", "COVID-19", "29"],
    ]
    counts = [["Region", "Stores"], ["North", "24"], ["South", "15"], ["West", "31"]]
    assert contents_list(RawTable("t", 2, toc, header_rows=0))
    assert not contents_list(RawTable("t", 2, counts, header_rows=1))


def test_a_ring_callout_number_centred_over_its_caption():
    from pipelines.parse.layout import callouts

    ring = [
        Segment("77%", 599, 501, 638, 516, 27.7),
        Segment("of customers want", 567, 439, 660, 447, 14.5),
        Segment("sellers to teach them", 567, 426, 671, 435, 14.5),
        Segment("something new", 567, 411, 643, 422, 14.5),
    ]
    assert [(n.text, [s.text for s in c]) for n, c in callouts(ring)] == [
        ("77%", ["of customers want", "sellers to teach them", "something new"])
    ]


def _word(text, x0, top, x1, bottom):
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom}


def test_numbers_on_drawn_bars_of_unequal_length_are_a_chart():
    from pipelines.parse.pdf_tables import bar_rows

    lines = [
        [
            _word("1-4", 400, 100 + 15 * i, 420, 108 + 15 * i),
            _word(v, 470 + 10 * i, 100 + 15 * i, 490 + 10 * i, 108 + 15 * i),
        ]
        for i, v in enumerate(("5.8%", "3.6%", "17.1%"))
    ]
    bars = [
        {"x0": 430, "x1": 430 + w, "top": 98 + 15 * i, "bottom": 110 + 15 * i, "width": w, "height": 12}
        for i, w in enumerate((40, 25, 120))
    ]
    shading = [{**b, "x0": 390, "x1": 600, "width": 210} for b in bars]
    assert bar_rows(lines, bars)
    assert not bar_rows(lines, shading)  # row shading has one width: a table's
    assert not bar_rows(lines, [])


def test_share_bands_naming_legend_entries_are_no_figures():
    from pipelines.parse.layout import category_labels

    legend = [
        Segment(t, 400, 600 - 15 * i, 460, 608 - 15 * i, 8)
        for i, t in enumerate(("More than 80%", "60-80%", "Less than 20%", "< -75%", "75% +"))
    ]
    prose = [
        Segment("Over two-fifths of respondents report that more than", 56, 600, 330, 610, 10),
        Segment("80% of apps", 56, 587, 120, 597, 10),
        Segment("45%", 300, 400, 320, 408, 8),
    ]
    assert category_labels(legend) == {id(s) for s in legend}
    assert category_labels(prose) == set()


def test_a_word_fraction_callout_reads_as_its_sentence_in_reading_order():
    from pipelines.parse.layout import callouts

    runs = [
        Segment("2 in 5", 57, 496, 167, 529, 44),
        Segment("customers have left a brand after a single", 185, 512, 386, 523, 11),
        Segment("slow reply in the past year.", 185, 498, 314, 509, 11),
    ]
    assert [(n.text, [s.text for s in c]) for n, c in callouts(runs)] == [
        ("2 in 5", ["customers have left a brand after a single", "slow reply in the past year."])
    ]


def _two_columns(left_lines: list[str], right_lines: list[str], top: float = 700) -> list[Segment]:
    lines = [Segment(t, 45, top - 14 * i, 45 + 5 * len(t), top - 14 * i + 10, 10) for i, t in enumerate(left_lines)]
    lines += [Segment(t, 318, top - 14 * i, 318 + 5 * len(t), top - 14 * i + 10, 10) for i, t in enumerate(right_lines)]
    return lines


def test_a_heading_and_chart_labels_across_the_gutter_do_not_merge_two_columns():
    """TrustArc p. 15: a 26 pt heading and a chart's short labels cross the gutter; the prose
    lines of both columns still mark it, so each column is read down, not line by line across."""
    from pipelines.parse.pdf import page_text

    left = ["All of these measures are summarized into", "a single metric, the Global Privacy Index.",
            "It assesses how well companies perform", "on data privacy for their stakeholders."]
    right = ["Scores on the Global Privacy Index are", "informative and intuitive. The mean score",
             "in 2020 and 2021 were 62% and 70% each;", "in 2022 the mean dropped down to 50%."]
    page = _two_columns(left, right)
    page.append(Segment("The Global Privacy Index", 45, 740, 329, 766, 26))  # heading over both
    page += [Segment(label, x, 500, x + 70, 508, 8) for label, x in
             (("Europe", 120), ("United Kingdom", 250), ("Canada", 420))]  # chart labels
    text = page_text(page)
    assert "stakeholders. Scores" not in text
    assert ("It assesses how well companies perform on data privacy for their stakeholders." in text
            and "in 2020 and 2021 were 62% and 70% each; in 2022 the mean dropped down to 50%." in text)


def test_a_footnote_mark_on_a_full_width_line_stays_in_its_paragraph():
    """Cisco p. 11: a raised "2" after "act responsibly" on a full-width line, above two columns."""
    from pipelines.parse.pdf import page_text

    wide = ["Some AI applications use personal data for automated decisions, and most organizations (92%)",
            "as well as consumers (77%) agree that organizations must act responsibly",
            "in this area. However, there is a disconnect on how well this is working today for them."]
    page = [Segment(t, 45, 760 - 14 * i, 45 + 5.5 * len(t), 770 - 14 * i, 10) for i, t in enumerate(wide)]
    page.append(Segment("2", page[1].x1 + 1, 749, page[1].x1 + 4, 753, 6))  # superscript, raised
    page += _two_columns(["Support for AI Use is broad among", "43% Believe AI can be useful in",
                          "improving our lives and our work"],
                         ["Concerns About Current AI Use are", "60% Concerned about the business",
                          "use of AI by organizations today"], top=600)
    text = page_text(page)
    assert "act responsibly 2 in this area." in text
    assert "43% Believe AI can be useful in improving our lives and our work" in text


def test_a_big_number_under_its_lead_in_finishes_the_sentence():
    """Rule 6, Microsoft p. 12 and p. 10: the caption sits above the number, and may go on below."""
    from pipelines.parse.layout import lead_ins

    above = [Segment("Infosys saw a", 955, 518, 1086, 540, 22), Segment("year-over-year", 953, 492, 1100, 509, 22),
             Segment("sales increase of", 954, 471, 1111, 488, 22)]
    number = Segment("87%", 955, 420, 1044, 455, 48)
    heading = Segment("The Infosys story:", 713, 527, 819, 540, 13)
    assert lead_ins([heading, *above, number]) == [(above, number, [])]

    caption = [Segment("Dynamics 365 can reduce", 773, 418, 1026, 439, 22),
               Segment("administrative time by", 787, 388, 1007, 409, 22)]
    ranged = Segment("15–20%", 763, 299, 1030, 357, 80)
    tail = [Segment("which means each seller", 779, 242, 1020, 259, 22),
            Segment("would gain an average", 786, 207, 1013, 228, 22),
            Segment("of 53 minutes each day.", 779, 177, 1007, 198, 22)]
    assert lead_ins([*caption, ranged, *tail]) == [(caption, ranged, tail)]


def test_a_heading_or_a_finished_sentence_over_a_big_number_is_no_lead_in():
    from pipelines.parse.layout import lead_ins

    number = Segment("87%", 955, 420, 1044, 455, 48)
    assert lead_ins([Segment("The result:", 955, 471, 1080, 488, 22), number]) == []
    assert lead_ins([Segment("Sales grew last year.", 955, 471, 1111, 488, 22), number]) == []
    assert lead_ins([Segment("sales increase of", 954, 471, 1111, 488, 40), number]) == []  # not smaller


def test_a_lead_in_callout_is_read_in_its_own_column_of_a_three_column_page():
    """Microsoft p. 10: two columns of prose and a callout column; the callout becomes one line
    and still holds its column, and each prose column is read down."""
    from pipelines.parse.pdf import read_page

    left = [f"Even the most talented sales reps line {i} of the challenge" for i in range(6)]
    middle = [f"Send InMail messages directly from here line {i} of advantage" for i in range(6)]
    page = [Segment(t, 65, 430 - 14 * i, 300, 440 - 14 * i, 10) for i, t in enumerate(left)]
    page += [Segment(t, 357, 430 - 14 * i, 590, 440 - 14 * i, 10) for i, t in enumerate(middle)]
    page += [Segment("Dynamics 365 can reduce", 773, 418, 1026, 439, 22),
             Segment("administrative time by", 787, 388, 1007, 409, 22), Segment("15–20%", 763, 299, 1030, 357, 80),
             Segment("which means each seller", 779, 242, 1020, 259, 22),
             Segment("would gain an average", 786, 207, 1013, 228, 22),
             Segment("of 53 minutes each day.", 779, 177, 1007, 198, 22)]
    text, _ = read_page(page, 1, 10.0)
    assert ("Dynamics 365 can reduce administrative time by 15–20% which means each seller would gain an "
            "average of 53 minutes each day.") in text
    assert " ".join(left) in text and " ".join(middle) in text


def test_an_axis_from_zero_by_a_custom_step_and_a_flush_left_axis_are_scales():
    """CAICT p. 10: "0% 15% 30% 45%" up a y axis; p. 19: a right-hand axis set flush left,
    whose narrower "0%" ends short of the others."""
    custom = [Segment(f"{v}%", 468, 365 + 44.7 * i, 485 if v else 480, 372 + 44.7 * i, 9)
              for i, v in enumerate((0, 15, 30, 45))]
    assert axis_ticks(custom) == {id(s) for s in custom}
    flush_left = [Segment(f"{v}%", 470, 505 + 37.5 * i, 482 if v == 0 else 488, 512 + 37.5 * i, 9)
                  for i, v in enumerate((0, 20, 40, 60, 80))]
    assert axis_ticks(flush_left) == {id(s) for s in flush_left}
    # data labels stepping by 15 from a non-zero start stay figures
    labels = [Segment(f"{v}%", 468, 365 + 44.7 * i, 485, 372 + 44.7 * i, 9) for i, v in enumerate((12, 27, 42))]
    assert axis_ticks(labels) == set()


def test_a_data_label_over_its_category_is_no_callout_of_the_note_below():
    """TrustArc p. 5: the bar label "1%" (8 pt) over its category "N/A" (8 pt) and the category's note
    "Not for profit" (5 pt): the note is no caption of the number, since the category stands between."""
    from pipelines.parse.charts import chart_figures
    from pipelines.parse.layout import callouts

    runs = [
        Segment("1%", 542.8, 88.1, 551.5, 93.9, 8.0),
        Segment("N/A", 542.4, 69.4, 555.6, 75.6, 8.0),
        Segment("Not for profit", 533.8, 61.0, 563.8, 65.5, 5.0),
    ]
    assert callouts(runs) == []
    figures, _ = chart_figures(runs, page=5)
    assert [(f.stated_as, f.label) for f in figures] == [("1%", "N/A")]
