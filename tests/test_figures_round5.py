"""Round-five rules (found on the held_out_4 documents), each on sentences written for the test:
options paired with figures by 分别/respectively, signed gaps to a named peer (比 X 低 N), slash
fractions in Chinese, score points of NPS or an index, qualifiers before a change verb, 增幅在 as a
change, "make up" as a level, "when it stood at" as an earlier level, "exceeds half", a clause that
opens on 比例 and options quoted inside a quoted statement."""

from __future__ import annotations

import pytest
from figure_helpers import figures, one


def _labels(text: str) -> list[tuple[str, str | None]]:
    return [(f.stated_as, f.label) for f in figures(text) if f.unit in ("percent", "percentage_points")]


def test_options_listed_then_figures_respectively_pair_in_order_also_for_their_changes():
    text = (
        "“响应速度”“服务态度”“价格透明”分别被 62%、58% 和 37% 的顾客列为最重要因素，"
        "分别比去年上升 4%、下降 1% 和持平。"
    )
    assert _labels(text) == [
        ("62%", "响应速度"), ("58%", "服务态度"), ("37%", "价格透明"), ("4%", "响应速度"), ("1%", "服务态度"),
    ]


def test_english_options_pair_with_figures_respectively():
    text = '"Speed", "empathy" and "price" were chosen by 62%, 58% and 37% of shoppers respectively.'
    assert _labels(text) == [("62%", "Speed"), ("58%", "empathy"), ("37%", "price")]


def test_without_respectively_a_list_of_options_is_not_paired():
    text = "“响应速度”“服务态度”和“价格透明”是三个指标，62% 的顾客认为还不够。"
    assert _labels(text) == [("62%", None)]


def test_a_clause_opening_on_the_share_takes_the_option_quoted_before_it():
    text = "多数门店愿意尝试“先试后买”的方式，比例在 40% 至 45% 之间。"
    assert _labels(text) == [("40% 至 45%", "先试后买")]


def test_an_option_quoted_inside_a_quoted_statement_is_the_label():
    text = "店长说：「仍有約 30% 的顧客覺得門店『不夠便利』。」"
    assert _labels(text) == [("30%", "不夠便利")]


@pytest.mark.parametrize(
    ("text", "stated", "value"),
    [
        ("线上渠道的满意度比门店低 7 个百分点。", "7 个百分点", -7.0),
        ("会员的复购率比非会员高 12%。", "12%", 12.0),
        ("今年的投诉量比去年少 5%。", "5%", -5.0),
    ],
)
def test_a_gap_to_a_named_peer_is_a_signed_change(text, stated, value):
    f = one(text, stated)
    assert (f.value, f.kind) == (value, "change")


def test_a_share_below_a_bound_is_still_a_level():
    f = one("该比例低于 30%。", "30%")
    assert (f.value, f.kind, f.qualifier) == (30.0, "level", "<")


@pytest.mark.parametrize(
    ("text", "stated", "value"), [("另有 1/4 认为等待太久。", "1/4", 25.0), ("约 2/5 的用户会复购。", "2/5", 40.0)]
)
def test_slash_fractions_in_chinese_are_shares(text, stated, value):
    f = one(text, stated)
    assert (f.value, f.unit) == (value, "percent")


def test_a_slash_date_in_chinese_is_no_share():
    assert [f for f in figures("活动于 3/5 日开始。") if f.unit == "percent"] == []


@pytest.mark.parametrize(
    "text",
    [
        "Retailers with fast refunds post NPS 30 points higher than the rest.",
        "A 4-point increase in NPS tracks with higher renewals.",
        "The loyalty index gained 6 points.",
    ],
)
def test_points_of_nps_or_an_index_are_no_percentage_points(text):
    assert [f for f in figures(text) if f.unit == "percentage_points"] == []


@pytest.mark.parametrize(
    "text", ["The share of repeat buyers rose 6 points to 41%.", "Satisfaction scores rose 7 points this year."]
)
def test_points_of_a_share_or_rate_stay_percentage_points(text):
    assert [f.unit for f in figures(text) if "point" in f.stated_as] == ["percentage_points"]


def test_chinese_points_stay_percentage_points_next_to_a_score():
    assert one("净推荐值比去年提高了 4 个点。", "4 个点").unit == "percentage_points"


@pytest.mark.parametrize(
    ("text", "stated", "qualifier"),
    [("复购率大约增加 4%。", "4%", "~"), ("投诉率约下降 2%。", "2%", "~"), ("客单价至少提高 6%。", "6%", ">")],
)
def test_a_bound_before_the_change_verb_bounds_the_change(text, stated, qualifier):
    f = one(text, stated)
    assert (f.kind, f.qualifier) == ("change", qualifier)


def test_recently_before_a_change_verb_is_no_bound():
    assert one("客流最近增加 4%。", "4%").qualifier == "="


def test_a_growth_rate_in_a_range_is_a_change():
    f = one("会员消费的平均增幅在 10% 至 14%。", "10% 至 14%")
    assert (f.kind, f.value) == ("change", 12.0)


def test_make_up_is_a_share_not_a_rise():
    f = one("Mobile shoppers now make up 44% of visits.", "44%")
    assert (f.kind, f.value) == ("level", 44.0)


@pytest.mark.parametrize(
    "text",
    ["The rate is flat since 2020, when it stood at 31%.", "Usage fell back to where it was in 2021, when it was 31%."],
)
def test_when_it_stood_at_is_an_earlier_level(text):
    assert one(text, "31%").period == "previous"


@pytest.mark.parametrize(
    ("text", "stated"), [("In Europe the share exceeds half.", "half"), ("超过一半的门店已改造。", "一半")]
)
def test_exceeding_half_is_more_than_fifty_percent(text, stated):
    f = one(text, stated)
    assert (f.value, f.qualifier) == (50.0, ">")
