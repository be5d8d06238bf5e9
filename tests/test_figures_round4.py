"""Round-four rules (found on the held_out_3 documents), each on sentences written for the test:
ranges as one midpoint figure, 成 with Arabic digits, methodology figures, half of a stated share,
fractions as changes after "by", earlier levels named after the figure, and labels that the round
three rules missed."""

from __future__ import annotations

import pytest
from figure_helpers import figures, one


@pytest.mark.parametrize(
    ("text", "stated", "value", "kind"),
    [
        ("约有 30% 至 40% 的门店计划引入自助结账。", "30% 至 40%", 35.0, "level"),
        ("預計退貨率將下降 6%-8%。", "6%-8%", -7.0, "change"),
        ("They expect ticket volume growth of 4% to 6% next year.", "4% to 6%", 5.0, "change"),
        ("Between 20% and 30% of agents work remotely.", "20% and 30%", 25.0, "level"),
        ("门店客流量将缩减 10%-20%。", "10%-20%", -15.0, "change"),
        ("该措施将带来 3% 至 5% 的转化率提升。", "3% 至 5%", 4.0, "change"),
        ("大约 25-35% 的受访者使用语音助手。", "25-35%", 30.0, "level"),
        ("净推荐值提高 2 至 4 个百分点。", "2 至 4 个百分点", 3.0, "change"),
    ],
)
def test_a_range_is_one_approximate_figure_at_its_midpoint(text, stated, value, kind):
    f = one(text, stated)
    assert (f.value, f.kind, f.qualifier) == (value, kind, "~")
    assert len([g for g in figures(text) if g.unit in ("percent", "percentage_points")]) == 1


@pytest.mark.parametrize(
    "text",
    [
        "会员占比从 20% 到 35%,增长明显。",
        "The share rose from 12% to 18% in a year.",
        "东部 40% 和西部 45% 的门店已完成改造。",
    ],
)
def test_from_to_and_plain_pairs_stay_two_figures(text):
    assert len(figures(text)) == 2


@pytest.mark.parametrize(
    ("text", "stated", "value", "qualifier"),
    [
        ("近 6 成的顧客偏好線上預約。", "6 成", 60.0, "~"),
        ("约 3成 用户每周使用一次。", "3成", 30.0, "~"),
        ("有 7 成受访者认为价格透明很重要。", "7 成", 70.0, "="),
    ],
)
def test_cheng_with_arabic_digits_is_tenths(text, stated, value, qualifier):
    f = one(text, stated)
    assert (f.value, f.unit, f.qualifier) == (value, "percent", qualifier)


@pytest.mark.parametrize("text", ["运营 3 成本下降。", "新增 5 成员。", "在 2 成都门店试点。", "有 12 成效"])
def test_cheng_starting_a_word_is_no_share(text):
    assert [f for f in figures(text) if f.unit == "percent"] == []


@pytest.mark.parametrize(
    "text",
    [
        "The poll has a margin of error of plus or minus 2 percentage points.",
        "Results are accurate to within ±3% at a 90% confidence level.",
        "本次调查的抽样误差为 ±2.5%,置信度为 95%。",
    ],
)
def test_margin_of_error_and_confidence_level_are_no_findings(text):
    assert [f for f in figures(text) if f.unit in ("percent", "percentage_points")] == []


def test_an_error_rate_is_still_a_figure():
    assert one("订单误差率下降了 18%。", "18%").value == -18.0


def test_half_of_a_stated_share_is_a_ratio_not_a_share():
    found = figures("小型门店的会员占比只有 21%,不到连锁门店(46%)的一半。")
    half = next(f for f in found if f.stated_as == "一半")
    assert (half.unit, half.value) == ("multiple", 0.5)
    assert [f.value for f in found if f.unit == "percent"] == [21.0, 46.0]


@pytest.mark.parametrize(
    ("text", "stated", "value", "qualifier"),
    [
        ("Retailers hope to cut returns by at least a third next year.", "a third", -33.33, ">"),
        ("The pilot reduced queue times by about a quarter.", "a quarter", -25.0, "~"),
    ],
)
def test_a_fraction_after_verb_by_bound_is_a_change(text, stated, value, qualifier):
    f = one(text, stated)
    assert (f.kind, f.value, f.qualifier) == ("change", value, qualifier)


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Mobile check-in reached 44%, compared with 31% a year earlier.", "31%"),
        ("线上办理比例升至 52%,一年前这一比例仅为 40%。", "40%"),
        ("Only 15% used the app, about the same as in 2022 (14%).", "14%"),
    ],
)
def test_earlier_levels_named_around_the_figure(text, stated):
    assert one(text, stated).period == "previous"


def test_faster_after_a_percent_is_a_change():
    f = one("Teams with shared inboxes replied 28% faster than others.", "28%")
    assert (f.kind, f.value) == ("change", 28.0)


@pytest.mark.parametrize(
    ("text", "stated", "label"),
    [
        # a long option, after a long gap, with its comma inside the quote
        ('Only 17% of guests described the check-in queue as "quick and well organised," a record low.', "17%",
         "quick and well organised"),
        # an option longer than 30 characters right before the bracketed figure
        ('Next came "staff who cannot see my booking history" (52%).', "52%",
         "staff who cannot see my booking history"),
        # 上升到今年的 N%: the later level of the same option
        ("认为“结账流程很顺畅”的比例从 2022 年的 38% 上升到今年的 47%。", "47%", "结账流程很顺畅"),
        # 这一比例: the same share for another group
        ("城市用户中有过半数属于“尝鲜者”,而乡镇用户中这一比例不足 20%。", "20%", "尝鲜者"),
        # a fraction and its bracketed restatement share the label found after them
        ("将近三分之一的用户(31%)表示最在意的是“送货准时”。", "三分之一", "送货准时"),
    ],
)
def test_labels_round_four(text, stated, label):
    assert one(text, stated).label == label
