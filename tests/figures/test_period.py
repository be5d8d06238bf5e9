"""Period and year: current, previous or a forecast, and the year a figure describes (``period``)."""

from __future__ import annotations

import pytest
from figure_helpers import figures, meaning, one


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


@pytest.mark.parametrize(
    ("text", "stated", "year"),
    [
        ("Only 3% felt a negative impact, down from 4% last year and 6% two years ago.", "6%", 2022),
        ("61% felt a positive impact, up from 60% last year and 53% two years ago.", "53%", 2022),
    ],
)
def test_n_years_ago_after_a_level_dates_it(text, stated, year):
    f = one(text, stated)
    assert (f.period, f.year) == ("previous", year)


@pytest.mark.parametrize(
    ("text", "stated", "period"),
    [
        ("Support ranged from 28% in Spain to 54% in the UK.", "28%", "current"),
        ("It rose from 28% in March to 54%.", "28%", "previous"),
        ("Share rose from 28% in 2020 to 54% in 2022.", "28%", "previous"),
    ],
)
def test_from_one_item_to_another_is_no_earlier_level(text, stated, period):
    f = one(text, stated)
    assert (f.kind, f.period) == ("level", period)


def test_a_figure_of_an_earlier_edition_of_the_report_is_previous():
    f = one("The share was 12%, consistent with our 2019 report at 9%.", "9%")
    assert (f.period, f.year) == ("previous", 2019)
    assert one("Our 2024 survey found 40% agree.", "40%").period == "current"


@pytest.mark.parametrize(
    ("text", "stated", "period", "year"),
    [
        ("The mean scores in 2022 and 2023 were 62% and 70% respectively; in 2024 the mean dropped to 50%.", "62%",
         "previous", 2022),
        ("The mean scores in 2022 and 2023 were 62% and 70% respectively; in 2024 the mean dropped to 50%.", "70%",
         "previous", 2023),
        ("The mean scores in 2022 and 2023 were 62% and 70% respectively; in 2024 the mean dropped to 50%.", "50%",
         "current", 2024),
        ("Adoption reached 31%, 40% and 52% in 2022, 2023 and 2024, respectively.", "40%", "previous", 2023),
        ("Adoption reached 31%, 40% and 52% in 2022, 2023 and 2024, respectively.", "52%", "current", 2024),
        ("2022 年和 2023 年的使用率分别为 41% 和 47%。", "47%", "previous", 2023),
        ("Median scores had grown from 62% to 70% from 2022 to 2023 but fell back to 62% in 2024.", "70%",
         "previous", 2023),
        ("Median scores had grown from 62% to 70% from 2022 to 2023 but fell back to 62% in 2024.", "62%",
         "previous", 2022),
        ("Usage rose from 30% to 45% between 2023 and 2024.", "45%", "current", 2024),
    ],
)
def test_years_listed_in_the_order_of_the_figures_date_them(text, stated, period, year):
    f = next(f for f in figures(text) if f.stated_as == stated)  # the first one stated so
    assert (f.period, f.year) == (period, year)


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Chat and email reached 62% and 70% respectively in 2023.", "62%"),  # one year: nothing to pair
        ("In 2022 and 2023 the panel grew; 62% and 70% use chat and email respectively.", "62%"),  # other part
        ("Men and women chose chat (62% and 70% respectively).", "70%"),  # items, not years
        ("Usage rose from 30% to 45% between 2025 and 2026.", "45%"),  # later years: left to the forecast rules
    ],
)
def test_years_and_figures_not_paired_leave_the_survey_year(text, stated):
    assert one(text, stated).period == "current"


@pytest.mark.parametrize(
    ("text", "stated", "period"),
    [
        ("Last year, we found that elite teams deployed with 50 percent fewer failures.", "50 percent", "previous"),
        ("Last year, we were delighted to discover this. We discovered that elite teams had 50 percent fewer "
         "failures. This year, 40% of teams did.", "50 percent", "previous"),
        ("Last year, we were delighted to discover this. We discovered that elite teams had 50 percent fewer "
         "failures. This year, 40% of teams did.", "40%", "current"),
        ("去年,我们发现 45% 的企业已部署客服机器人。", "45%", "previous"),
        ("We've confirmed last year's findings: elite teams still have 50 percent fewer failures.", "50 percent",
         "current"),
        ("Last year, we found that 40% used chat; this year 55% do.", "55%", "current"),
        ("We discovered that elite teams had 50 percent fewer failures.", "50 percent", "current"),  # no opener
        ("Last year, we changed the survey. We found that 35% use chat.", "35%", "current"),  # not a finding
    ],
)
def test_an_earlier_finding_dates_its_figures(text, stated, period):
    assert one(text, stated).period == period
