"""Round-six rules (found on the blind held_out_5 and held_out_6 documents), each on sentences written
for the test: "label: N%" chart data lines and short lines stating a share (三成, 百分点) are not
chrome, a rounding note's 100% is not a finding, 这个比例 restates the previous share, 微增/微降 are
changes, "(2023: 45%)" is that year's level, "延伸阅读:<title>" on one line is a related link."""

from __future__ import annotations

from figure_helpers import figures, one


def test_chart_data_lines_survive_cleaning_while_counters_do_not():
    text = (
        "图表 3　客户首选的联系方式\n在线客服：46%\n短信：12%\n"
        "1 分钟以内：38%　3—5 分钟：17%　5 分钟以上：9%\n阅读 1234 点赞 56 评论 7"
    )
    assert [f.value for f in figures(text) if f.unit == "percent"] == [46, 12, 38, 17, 9]


def test_a_rounding_note_is_not_a_finding():
    assert figures("图表数字经四舍五入，加总可能不等于 100%。") == []
    assert figures("Percentages are rounded and may not add up to 100%.") == []
    assert [f.value for f in figures("100% 的门店已经接入线上客服。")] == [100]
    assert [f.value for f in figures("Together they add up to 45% of buyers.")] == [45]


def test_this_share_in_the_same_sentence_takes_the_previous_label():
    text = "有三成受访者选择了“不愿透露”，在 60 岁以上人群中这个比例达到 44%。"
    assert one(text, "44%").label == "不愿透露"


def test_a_short_finding_line_with_percentage_points_is_not_chrome():
    # 会员 is a chrome cue on short lines (会员登录), but a line stating a share is a finding
    assert one("会员复购率同比上升 1.3 个百分点。", "1.3 个百分点").value == 1.3


def test_slight_rises_and_falls_are_changes():
    assert one("会员复购率同比微增 1.3 个百分点。", "1.3 个百分点").value == 1.3
    assert one("会员复购率同比微增 1.3 个百分点。", "1.3 个百分点").kind == "change"
    assert one("退货率环比微降 0.4%。", "0.4%").value == -0.4


def test_a_short_line_with_tenths_is_not_chrome():
    assert one("有两成的新会员关掉了通知。", "两成").value == 20
    assert figures("会员中心 | 注册 | 登录") == []


def test_a_year_label_inside_the_brackets_dates_the_figure():
    earlier = one("- Loyal shoppers: 38% (2023: 45%)", "45%")
    assert (earlier.period, earlier.year) == ("previous", 2023)
    assert one("- Loyal shoppers: 38% (2023: 45%)", "38%").period == "current"


def test_an_inline_related_article_link_is_chrome_but_a_sentence_is_kept():
    assert figures("延伸閱讀：2025 客服工具 Top 5｜回覆率提升 30% 的秘訣") == []
    assert figures("Related: Why 80% of Brands Miss the Mark") == []
    assert [f.value for f in figures("延伸阅读：报告显示，38% 的企业已经部署 AI。这说明市场正在变化。")] == [38]


def test_n_years_ago_opening_the_clause_dates_an_earlier_level():
    earlier = one("今年有 44% 的企業使用 AI，而兩年前還不到 20%。", "20%")
    assert (earlier.period, earlier.year) == ("previous", 2022)
    assert one("今年有 44% 的企業使用 AI，而兩年前還不到 20%。", "44%").period == "current"
    assert one("未来两年 40% 的企业将上线 AI。", "40%").period != "previous"


def test_this_share_opening_the_next_sentence_takes_the_previous_option():
    text = "有四分之一的人选择了“完全不想用机器人”。值得注意的是，60 岁以上的人里，这个比例高达 41%。"
    assert one(text, "41%").label == "完全不想用机器人"
    apart = "有 30% 的人选择了“价格”。\n\n另一项调查中，这个比例为 20%。"  # a new paragraph: not carried
    assert one(apart, "20%").label is None
