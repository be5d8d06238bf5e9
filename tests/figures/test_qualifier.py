"""Qualifier: ~ > < = from the words around a figure (``qualifier``)."""

from __future__ import annotations

import pytest
from figure_helpers import one


@pytest.mark.parametrize(
    ("text", "stated", "qualifier"),
    [
        ("近 60% 的客户表示满意。", "60%", "~"),
        ("約 65% 的客戶表示滿意。", "65%", "~"),
        ("Nearly 60% of customers agree.", "60%", "~"),
        ("About 60% of customers agree.", "60%", "~"),
        ("超過 40% 的人使用短信。", "40%", ">"),
        ("50% 以上的消费者表示满意。", "50%", ">"),
        ("More than 40% use messaging.", "40%", ">"),
        ("Over 40% use messaging.", "40%", ">"),
        ("不到四分之一的组织表示满意。", "四分之一", "<"),
        ("Fewer than 10% disagree.", "10%", "<"),
        ("Under 10% disagree.", "10%", "<"),
        ("只有 12% 的組織認為如此。", "12%", "="),
        ("Only 12% think so.", "12%", "="),
        ("今年 12% 的組織認為如此。", "12%", "="),
    ],
)
def test_qualifiers(text, stated, qualifier):
    assert one(text, stated).qualifier == qualifier


def test_more_than_half_is_a_bound_level():
    text = "Service leaders are catching up\nMore than half of service leaders (55%) run an assistant."
    half, pct = (one(text, s) for s in ("half", "55%"))
    assert (half.kind, half.qualifier, pct.qualifier) == ("level", ">", "=")


@pytest.mark.parametrize(
    ("text", "stated", "qualifier"),
    [("复购率大约增加 4%。", "4%", "~"), ("投诉率约下降 2%。", "2%", "~"), ("客单价至少提高 6%。", "6%", ">")],
)
def test_a_bound_before_the_change_verb_bounds_the_change(text, stated, qualifier):
    f = one(text, stated)
    assert (f.kind, f.qualifier) == ("change", qualifier)


def test_recently_before_a_change_verb_is_no_bound():
    assert one("客流最近增加 4%。", "4%").qualifier == "="


@pytest.mark.parametrize(
    ("text", "stated"), [("In Europe the share exceeds half.", "half"), ("超过一半的门店已改造。", "一半")]
)
def test_exceeding_half_is_more_than_fifty_percent(text, stated):
    f = one(text, stated)
    assert (f.value, f.qualifier) == (50.0, ">")


# Bounds that include their end (the real-report gold: "30% or more" >=, "up to" and "no ... more than" <=)
@pytest.mark.parametrize(
    ("text", "stated", "qualifier"),
    [
        ("Of these, 30% or more use chat.", "30%", ">="),
        ("Jakarta users: 60 percent or more run on Java 8.", "60 percent", ">="),
        ("Sellers saw boosts of up to 15% in win rates.", "15%", "<="),
        ("It can cut admin time by as much as 67%.", "67%", "<="),
        ("No country had more than 8% of respondents unaware.", "8%", "<="),
        ("Not only that, but over 20% agreed.", "20%", ">"),  # the negation is in an earlier clause
        ("More than 8% said no.", "8%", ">"),
        ("客服响应时间不超过 30 秒的企业占 40%。", "40%", "="),
        ("回复率不超过 30% 的门店。", "30%", "<="),
        ("渗透率超八成。", "八成", ">"),
        ("中国用户约占全球 5G 总用户数的 89%。", "89%", "~"),
        ("Only 12% or fewer agree.", "12%", "<="),
    ],
)
def test_inclusive_bounds(text, stated, qualifier):
    assert one(text, stated).qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "stated", "qualifier"),
    [
        ("如果企业不遵守新规,可能会面临罚款,数额高达其全球营业额的 4%。", "4%", "<="),
        ("違規企業的罰款最多可能高達其年營業額的 6%。", "6%", "<="),
        ("认为“转人工太难”的比例高达 52%。", "52%", "="),  # a level reached, no whole named: as high as
        ("客服人員的年離職率高達 38.5%。", "38.5%", "="),
    ],
)
def test_as_high_as_a_share_of_a_whole_is_a_ceiling(text, stated, qualifier):
    assert one(text, stated).qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "low", "high", "qualifiers"),
    [
        ("Roughly two-thirds of respondents (65% to 76% range) said each of these steps would help.", "65%", "76%",
         ("=", "=")),
        ("Usage of the five characteristics increased by 14–19%, with elasticity showing the largest increase.",
         "14", "19%", ("=", "=")),
        ("五个渠道的满意度各自在 62% 至 70% 之间。", "62%", "70%", ("=", "=")),
        ("Elite performers reported a change failure rate between 0%–15%.", "0%", "15%", (">=", "<=")),
        ("Between 15% and 20% of customers moved some money to a competitor.", "15%", "20%", (">=", "<=")),
        ("It can reduce admin time by 15 to 20%, which means each seller gains 53 minutes each day.", "15", "20%",
         (">=", "<=")),  # each seller: per person, not the range's items
    ],
)
def test_a_range_over_several_items_has_exact_ends(text, low, high, qualifiers):
    assert (one(text, low).qualifier, one(text, high).qualifier) == qualifiers
