"""Labels: the answer option a share belongs to (``labels``)."""

from __future__ import annotations

import pytest
from figure_helpers import figures, one


@pytest.mark.parametrize(
    ("text", "stated", "label"),
    [
        ("企業認為數字體驗“極其重要”(40%)或“非常重要”(41%)。", "41%", "非常重要"),
        ("企业认为数字体验「极其重要」(40%)。", "40%", "极其重要"),
        ('Leaders rated it "extremely important" (40%) or "very important" (41%).', "40%", "extremely important"),
        ("“預算/資源有限”以 36% 的比例位居第三。", "36%", "預算/資源有限"),
        ("只有 12% 的組織認為團隊“不經常合作”,比 13% 略有下降。", "13%", "不經常合作"),
        ("近三分之二(63%)的企業希望“增加收入”。", "三分之二", "增加收入"),
        ("近三分之二(63%)的企業希望“增加收入”。", "63%", "增加收入"),
        ("“客戶獲取率”上升了 8%,“客戶留存”上升了 9%。", "9%", "客戶留存"),
        ("比例穩定在 70%,包括“非常重要”或“比較重要”。", "70%", None),
        ("受訪組織中有 45% 是小型企業。", "45%", None),
    ],
)
def test_labels(text, stated, label):
    assert one(text, stated).label == label


def test_english_option_follows_its_figure():
    found = figures('Web chat scored higher: 46% of chat users were "very satisfied" and 31% "satisfied".')
    assert [(f.value, f.label) for f in found] == [(46, "very satisfied"), (31, "satisfied")]


def test_chinese_option_still_leads_its_change():
    found = figures("“客戶獲取率”上升了 8%,“客戶留存”上升了 9%。")
    assert [f.label for f in found] == ["客戶獲取率", "客戶留存"]


def test_back_referenced_earlier_level_keeps_the_label_of_its_figure():
    f = one("另有 23% 的用户选择「人工客服」,这一数字在 2022 年为 30%。", "30%")
    assert (f.period, f.label) == ("previous", "人工客服")


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
def test_labels_of_more_wordings(text, stated, label):
    assert one(text, stated).label == label


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


def test_this_share_in_the_same_sentence_takes_the_previous_label():
    text = "有三成受访者选择了“不愿透露”，在 60 岁以上人群中这个比例达到 44%。"
    assert one(text, "44%").label == "不愿透露"


def test_this_share_opening_the_next_sentence_takes_the_previous_option():
    text = "有四分之一的人选择了“完全不想用机器人”。值得注意的是，60 岁以上的人里，这个比例高达 41%。"
    assert one(text, "41%").label == "完全不想用机器人"
    apart = "有 30% 的人选择了“价格”。\n\n另一项调查中，这个比例为 20%。"  # a new paragraph: not carried
    assert one(apart, "20%").label is None
