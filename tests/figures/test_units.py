"""Unit and value: which spans are stated figures, and what value and unit each has (``patterns``, ``units``)."""

from __future__ import annotations

import pytest
from figure_helpers import figures, one, shares


@pytest.mark.parametrize(
    ("text", "stated", "value", "unit"),
    [
        ("調查顯示 40% 的顧客願意推薦。", "40%", 40, "percent"),
        ("调查显示 40 % 的顾客愿意推荐。", "40 %", 40, "percent"),
        ("調查顯示 40\uff05 的顧客願意推薦。", "40\uff05", 40, "percent"),
        ("調查顯示百分之四十的顧客願意推薦。", "百分之四十", 40, "percent"),
        ("调查显示四成的顾客愿意推荐。", "四成", 40, "percent"),
        ("使用率增加了 29 個百分點。", "29 個百分點", 29, "percentage_points"),
        ("Usage rose 7 percentage points this year.", "7 percentage points", 7, "percentage_points"),
        ("满意度低了 15 个点。", "15 个点", -15, "percentage_points"),
        ("Scores were up 6 points.", "6 points", 6, "percentage_points"),
        ("近一半的企業已經開始。", "一半", 50, "percent"),
        ("过半的企业已经开始。", "过半", 50, "percent"),
        ("三分之二的企業已經開始。", "三分之二", 66.67, "percent"),
        ("五分之四的企业已经开始。", "五分之四", 80, "percent"),
        ("这表明,1/4 以上的团队希望改进。", "1/4", 25, "percent"),
        ("Half of the teams have started.", "Half", 50, "percent"),
        ("Two-thirds of leaders agree.", "Two-thirds", 66.67, "percent"),
        ("A quarter of leaders agree.", "A quarter", 25, "percent"),
        ("One in five shoppers gave up.", "One in five", 20, "percent"),
        ("Three in four agents agree.", "Three in four", 75, "percent"),
        ("Forty-two percent of buyers agree.", "Forty-two percent", 42, "percent"),
        ("可能性大约是 2.5 倍。", "2.5 倍", 2.5, "multiple"),
        ("Brands are 2x as likely to grow.", "2x", 2, "multiple"),
        ("Brands are twice as likely to grow.", "twice", 2, "multiple"),
        ("我們分析了 1100 多名主管的回覆。", "1100 多名", 1100, "count"),
        ("There are 7,000+ tools on the market.", "7,000+", 7000, "count"),
        ("The panel (n=2,400) was online.", "n=2,400", 2400, "count"),
        ("仅用 19 秒就回复了客户。", "19 秒", 19, "seconds"),
        ("Replies used to take 52 hours.", "52 hours", 52, "hours"),
    ],
)
def test_forms(text, stated, value, unit):
    f = one(text, stated)
    assert f.value == pytest.approx(value, abs=0.01)
    assert f.unit == unit
    assert f.source == "text"


def test_pairs_in_parentheses_are_two_figures():
    found = figures("需要“專業技能”(38%,22%)。")
    assert [(f.value, f.label) for f in found] == [(38, "專業技能"), (22, "專業技能")]


@pytest.mark.parametrize(
    "text",
    [
        "自 2016 年以來,我們在 2024 年第 12 次發布報告。",
        "Support is open 24/7 and ranked Top 10 in Q3 2024.",
        "Call 555-0100 or see page 12, version 2.5, rated 4.5 stars.",
        "詳情見 https://example.com/report-40%25 或 www.example.com/50%。",
        "1. 概述\n2. 方法\n第三章 結論",
        "The price is $40 and the score is 4/5 on 3/15/2024.",
    ],
)
def test_not_figures(text):
    assert [f for f in figures(text) if f.unit in ("percent", "percentage_points")] == []


@pytest.mark.parametrize(
    ("text", "stated", "value", "qualifier"),
    [
        ("約三成受訪者表示願意多付費用。", "三成", 30, "~"),
        ("不到兩成準備削減預算。", "兩成", 20, "<"),
        ("不到两成准备削减预算。", "两成", 20, "<"),
        ("七成用户选择线上渠道。", "七成", 70, "="),
        ("不足一成的机构设有独立预算。", "一成", 10, "<"),
        ("近半受訪者曾因排隊過長而放棄購物。", "半", 50, "~"),
        ("Most firms measure effort, but only a quarter publish it.", "a quarter", 25, "="),
        ("Nearly half say so.", "half", 50, "~"),
        ("About one in four agree, and 4 in 10 plan a change.", "4 in 10", 40, "="),
    ],
)
def test_shares_in_words(text, stated, value, qualifier):
    f = one(text, stated)
    assert (f.value, f.unit, f.qualifier) == (pytest.approx(value, abs=0.01), "percent", qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "统一成本核算后,团队效率更高。",  # 一成 inside 统一成本
        "這個做法一成不變。",
        "The first half of 2024 was busy, and each quarter brought new tools.",
        "Half an hour later the queue was gone.",
        "Directors rated their tools 3.6 out of 5, and 4 out of 5 stars overall.",
        "By the research team | 6 min read | Updated March 3, 2025",
    ],
)
def test_not_shares(text):
    assert [f.stated_as for f in figures(text) if f.unit in ("percent", "percentage_points", "minutes")] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("We interviewed 640 service directors in June.", 640),
        ("The panel drew on more than 9,000 customer interviews.", 9000),
        ("共有 1,050 名消費者及 85 間零售商參與。", 85),
    ],
)
def test_counts_of_survey_subjects(text, value):
    f = figures(text)[-1]
    assert (f.unit, f.value) == ("count", value)


def test_plain_plural_nouns_are_not_counts():
    assert figures("Related: 7 ways to cut handle time | 5 trends for 2025") == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The Dow lost 190 points on Monday, while 45% of investors stayed calm.", ["45%"]),
        ("The Dow lost 90 points on Monday.", []),
        ("上证指数下跌了 190 个点。", []),
        ("Trust rose 7 points to 61%.", ["7 points", "61%"]),
    ],
)
def test_index_points_are_not_percentage_points(text, kept):
    """Market-index points, and more bare points than two shares can differ by, are no share change."""
    assert [f.stated_as for f in figures(text)] == kept


def test_a_word_over_digits_is_a_share():
    assert shares("Nearly seven in 10 customers prefer chat.") == [(70.0, "percent", "seven in 10")]
    assert shares("Seven out of 10 agents agree.") == [(70.0, "percent", "Seven out of 10")]


def test_a_rating_out_of_ten_is_no_share():
    assert shares("They rated it seven out of 10.") == []


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


def test_a_rounding_note_is_not_a_finding():
    assert figures("图表数字经四舍五入，加总可能不等于 100%。") == []
    assert figures("Percentages are rounded and may not add up to 100%.") == []
    assert [f.value for f in figures("100% 的门店已经接入线上客服。")] == [100]
    assert [f.value for f in figures("Together they add up to 45% of buyers.")] == [45]
