"""Figure forms and meanings in Chinese (both scripts) and English, on our own example sentences."""

from __future__ import annotations

import pytest
from figure_helpers import figures, one

from pipelines.figures import clean_document, detect_language, detect_survey_year, extract_figures


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


def test_period_year_resolves_from_survey_year():
    f = one("只有1% 認為不重要——低於去年的 2%。", "2%")
    assert f.year == 2023
    assert one("The share grew from 32% to 39% in total.", "39%").year == 2024


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


def test_spam_line_figures_are_not_figures():
    text = "免费下载_99%好评_精品资源_在线观看_高清无码_最新影院\n报告显示 30% 的客户满意。"
    assert [f.stated_as for f in figures(text)] == ["30%"]


def test_provenance_quote_section_offsets():
    text = "客戶體驗現狀\n品牌面臨的挑戰越來越多。超過五分之四的企業認為數字體驗很重要。"
    doc = clean_document([text], [None], "text")
    (f,) = extract_figures(doc, 2024, "zh-Hant")
    assert doc.text[f.char_start : f.char_end] == f.stated_as == "五分之四"
    assert f.section == "客戶體驗現狀"
    assert f.page is None
    assert f.quote.startswith("品牌面臨的挑戰越來越多。超過五分之四")  # widened: the figure opens its sentence
    assert f.qualifier == ">"


def test_quote_keeps_traditional_script_without_pinyin():
    (f,) = figures("這是一個快速發(fā)展的領域,有 40% 的企業投資。")
    assert f.quote == "這是一個快速發展的領域,有 40% 的企業投資。"


def test_language_and_survey_year():
    assert detect_language("Customer experience leaders surveyed in 2024.") == "en"
    assert detect_language("數字客戶體驗報告顯示,企業的數據與體驗發展迅速。") == "zh-Hant"
    assert detect_language("数字客户体验报告显示,企业的数据与体验发展迅速。") == "zh-Hans"
    assert detect_survey_year("2023 全球客户互动报告\n正文") == 2023
    assert detect_survey_year("In 2022 we surveyed 900 people.") == 2022
    assert detect_survey_year("no year here") is None
