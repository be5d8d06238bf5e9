"""Period and year: current, previous or a forecast, and the year a figure describes (``period``)."""

from __future__ import annotations

import pytest
from figure_helpers import meaning, one


def test_period_year_resolves_from_survey_year():
    f = one("只有1% 認為不重要——低於去年的 2%。", "2%")
    assert f.year == 2023
    assert one("The share grew from 32% to 39% in total.", "39%").year == 2024


@pytest.mark.parametrize(
    ("text", "stated", "period", "year"),
    [
        ("62% 的人改用其他品牌,這一比例從 2021 年的 51% 增長到今年的水準。", "51%", "previous", 2021),
        ("客服人員流失率比 2022 年的 31% 略有下降。", "31%", "previous", 2022),
        ("使用比例达到 57%;而在 2022 年,这一比例只有 32%。", "32%", "previous", 2022),
        ("In 2022 only 21% preferred messaging.", "21%", "previous", 2022),
        ("Only 14% link data to revenue, compared with 11% in 2023.", "11%", "previous", 2023),
        ("主管合計為 68%,高於前一年的 61%。", "61%", "previous", 2023),
        ("願意使用的不到四成(38%,去年為 33%)。", "33%", "previous", 2023),
        ("Replies took 47 minutes on chat, compared with 3 hours by email.", "3 hours", "current", 2024),
        ("预计到 2026 年,线上预约比例将增长到 70% 左右。", "70%", "unknown", None),
        ("In 2024, 40% of firms will invest more.", "40%", "current", 2024),
    ],
)
def test_stated_years_set_the_period(text, stated, period, year):
    f = one(text, stated)
    assert (f.period, f.year) == (period, year)


def test_in_the_earlier_survey_dates_the_figure():
    assert meaning("In the 2012 survey, 57 percent of respondents said they worked in IT operations.") == [
        (57.0, "level", "previous")]


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
    ("text", "stated"),
    [
        ("Mobile check-in reached 44%, compared with 31% a year earlier.", "31%"),
        ("线上办理比例升至 52%,一年前这一比例仅为 40%。", "40%"),
        ("Only 15% used the app, about the same as in 2022 (14%).", "14%"),
    ],
)
def test_earlier_levels_named_around_the_figure(text, stated):
    assert one(text, stated).period == "previous"


@pytest.mark.parametrize(
    "text",
    ["The rate is flat since 2020, when it stood at 31%.", "Usage fell back to where it was in 2021, when it was 31%."],
)
def test_when_it_stood_at_is_an_earlier_level(text):
    assert one(text, "31%").period == "previous"


def test_a_year_label_inside_the_brackets_dates_the_figure():
    earlier = one("- Loyal shoppers: 38% (2023: 45%)", "45%")
    assert (earlier.period, earlier.year) == ("previous", 2023)
    assert one("- Loyal shoppers: 38% (2023: 45%)", "38%").period == "current"


def test_n_years_ago_opening_the_clause_dates_an_earlier_level():
    earlier = one("今年有 44% 的企業使用 AI，而兩年前還不到 20%。", "20%")
    assert (earlier.period, earlier.year) == ("previous", 2022)
    assert one("今年有 44% 的企業使用 AI，而兩年前還不到 20%。", "44%").period == "current"
    assert one("未来两年 40% 的企业将上线 AI。", "40%").period != "previous"
