"""Kind and sign: a change (up, down, or a gap with no direction) or a level (``kind``)."""

from __future__ import annotations

import pytest
from figure_helpers import meaning, one


@pytest.mark.parametrize(
    ("text", "stated", "kind", "value", "period"),
    [
        ("CSAT 上升了 7%。", "7%", "change", 7, "current"),
        ("這一比例增長了 15%。", "15%", "change", 15, "current"),
        ("使用率下降了 3%。", "3%", "change", -3, "current"),
        ("Satisfaction rose 7% this year.", "7%", "change", 7, "current"),
        ("Churn saw a 4-point decline.", "4-point", "change", -4, "percentage_points" and "current"),
        ("比例从 32% 增长到 39%。", "32%", "level", 32, "previous"),
        ("比例从 32% 增长到 39%。", "39%", "level", 39, "current"),
        ("The share grew from 32% to 39%.", "32%", "level", 32, "previous"),
        ("The share grew from 32% to 39%.", "39%", "level", 39, "current"),
        ("只有1% 認為不重要——低於去年的 2%。", "2%", "level", 2, "previous"),
        ("It fell to 19%, down from 25% last year.", "25%", "level", 25, "previous"),
        ("只有 12% 的組織如此,比 13% 略有下降。", "13%", "level", 13, "previous"),
        ("兩組相差很大(43% 比 23%)。", "23%", "level", 23, "current"),
    ],
)
def test_kind_and_period(text, stated, kind, value, period):
    f = one(text, stated)
    assert (f.kind, f.value, f.period) == (kind, value, period)


@pytest.mark.parametrize(
    ("text", "stated", "kind", "value"),
    [
        (
            "## Service leaders are catching up\nMore than half of service leaders (55%) run an assistant.",
            "half",
            "level",
            50,
        ),
        ("客户等待时间平均缩短了 40 秒。", "40 秒", "change", -40),
        ('Agents who rated tools "easy to use" were 31% less likely to leave.', "31%", "change", -31),
        ("Members spend 1.4 times more than non-members.", "1.4 times", "level", 1.4),
        ("By 2026, teams expect volume to grow by about 40%.", "40%", "change", 40),
        ("Managers expect digital check-in to cut waiting times by 30%.", "30%", "change", -30),
    ],
)
def test_change_or_level(text, stated, kind, value):
    f = one(text, stated)
    assert (f.kind, f.value) == (kind, value)


def test_growth_rate_words_mark_a_change():
    assert meaning("2020 年我国算力依然保持 55%的高位增长。", 2021)[0][:2] == (55.0, "change")
    assert meaning("全球算力增速达到 39%。", 2021)[0][:2] == (39.0, "change")


@pytest.mark.parametrize(
    ("text", "stated", "value"),
    [
        ("年轻用户为 61%,年长用户为 35%,两者相差 26 个百分点。", "26 个百分点", 26),
        ("There is a gap of 14 points between the two regions.", "14 points", 14),
    ],
)
def test_gap_without_direction_is_an_unsigned_change(text, stated, value):
    f = one(text, stated)
    assert (f.kind, f.value) == ("change", value)


@pytest.mark.parametrize(
    ("text", "stated", "value"),
    [
        ("行動支付用戶比例年增 4%。", "4%", 4),
        ("会员复购率同比增 6%,退货率环比减 2%。", "6%", 6),
        ("会员复购率同比增 6%,退货率环比减 2%。", "2%", -2),
    ],
)
def test_short_change_words(text, stated, value):
    f = one(text, stated)
    assert (f.kind, f.value) == ("change", value)


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


def test_faster_after_a_percent_is_a_change():
    f = one("Teams with shared inboxes replied 28% faster than others.", "28%")
    assert (f.kind, f.value) == ("change", 28.0)


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


def test_a_growth_rate_in_a_range_is_a_change():
    f = one("会员消费的平均增幅在 10% 至 14%。", "10% 至 14%")
    assert (f.kind, f.value) == ("change", 12.0)


def test_make_up_is_a_share_not_a_rise():
    f = one("Mobile shoppers now make up 44% of visits.", "44%")
    assert (f.kind, f.value) == ("level", 44.0)


def test_slight_rises_and_falls_are_changes():
    assert one("会员复购率同比微增 1.3 个百分点。", "1.3 个百分点").value == 1.3
    assert one("会员复购率同比微增 1.3 个百分点。", "1.3 个百分点").kind == "change"
    assert one("退货率环比微降 0.4%。", "0.4%").value == -0.4
