"""Cleaning as figures see it: chrome and spam lines go, findings and chart lines stay (``clean``)."""

from __future__ import annotations

from figure_helpers import figures, one


def test_spam_line_figures_are_not_figures():
    text = "免费下载_99%好评_精品资源_在线观看_高清无码_最新影院\n报告显示 30% 的客户满意。"
    assert [f.stated_as for f in figures(text)] == ["30%"]


def test_chart_data_lines_survive_cleaning_while_counters_do_not():
    text = (
        "图表 3　客户首选的联系方式\n在线客服：46%\n短信：12%\n"
        "1 分钟以内：38%　3—5 分钟：17%　5 分钟以上：9%\n阅读 1234 点赞 56 评论 7"
    )
    assert [f.value for f in figures(text) if f.unit == "percent"] == [46, 12, 38, 17, 9]


def test_a_short_finding_line_with_percentage_points_is_not_chrome():
    # 会员 is a chrome cue on short lines (会员登录), but a line stating a share is a finding
    assert one("会员复购率同比上升 1.3 个百分点。", "1.3 个百分点").value == 1.3


def test_a_short_line_with_tenths_is_not_chrome():
    assert one("有两成的新会员关掉了通知。", "两成").value == 20
    assert figures("会员中心 | 注册 | 登录") == []


def test_an_inline_related_article_link_is_chrome_but_a_sentence_is_kept():
    assert figures("延伸閱讀：2025 客服工具 Top 5｜回覆率提升 30% 的秘訣") == []
    assert figures("Related: Why 80% of Brands Miss the Mark") == []
    assert [f.value for f in figures("延伸阅读：报告显示，38% 的企业已经部署 AI。这说明市场正在变化。")] == [38]
