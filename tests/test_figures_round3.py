"""Round-three rules (found on the held_out_2 documents), each on sentences written for the test:
back-referenced earlier years, undirected gaps, 年增/同比增 changes, planned changes, multiples
measured against a base year, and rating points that are not percentage points."""

from __future__ import annotations

import pytest
from figure_helpers import figures, one


@pytest.mark.parametrize(
    ("text", "stated", "period", "year"),
    [
        ("半数商家已上线小程序,而 2021 年这一比例为 28%。", "28%", "previous", 2021),
        ("有 35% 的门店提供预约,這一數字在 2022 年僅為 19%。", "19%", "previous", 2022),
        ("線上客服使用率達 64%,而去年這一比例為 57%。", "57%", "previous", 2023),
        ("满意度为 81%,去年为 77%。", "81%", "current", 2024),
        ("2024 年有 45% 的受访者使用自助服务。", "45%", "current", 2024),
    ],
)
def test_year_or_last_year_opening_a_clause_marks_an_earlier_level(text, stated, period, year):
    f = one(text, stated)
    assert (f.period, f.year) == (period, year)


def test_back_referenced_earlier_level_keeps_the_label_of_its_figure():
    f = one("另有 23% 的用户选择「人工客服」,这一数字在 2022 年为 30%。", "30%")
    assert (f.period, f.label) == ("previous", "人工客服")


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
    ("text", "stated", "value"),
    [
        ("Most retailers plan to increase loyalty spending in 2026, by 12% on average.", "12%", 12),
        ("多数企业计划在 2025 年扩大团队规模,平均增幅为 15%。", "15%", 15),
    ],
)
def test_change_planned_for_a_later_year_is_a_forecast(text, stated, value):
    f = one(text, stated)
    assert (f.kind, f.value, f.period, f.year) == ("change", value, "unknown", None)


def test_level_in_a_plan_sentence_stays_current():
    f = one("Forty firms, or 55% of the panel, plan to increase budgets in 2026, by 5% on average.", "55%")
    assert (f.kind, f.period) == ("level", "current")


def test_multiple_against_a_base_year_is_a_current_level():
    f = one("客户平均使用 6 个渠道,是 2019 年的 1.8 倍。", "1.8 倍")
    assert (f.unit, f.kind, f.period, f.year) == ("multiple", "level", "current", 2024)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Shoppers rate the app 8.1 out of 10, up 0.3 points on last year.", []),
        ("门店服务评分为 4.2 分(满分 5 分),较上年下降 0.2 个点。", []),
        ("Satisfaction rose 3 points to 71%.", ["3 points", "71%"]),
        (
            "Stores score 7 out of 10; the share rating them excellent rose 2 percentage points.",
            ["2 percentage points"],
        ),
    ],
)
def test_points_after_a_rating_are_score_points(text, kept):
    assert [f.stated_as for f in figures(text) if f.unit in ("percent", "percentage_points")] == kept
