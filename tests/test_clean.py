"""Cleaning: line filters, pinyin glosses, mojibake quotes, headings, the matching copy."""

from __future__ import annotations

from pipelines.figures import clean_document
from pipelines.figures.clean import remove_pinyin, repair_mojibake


def test_pinyin_gloss_removed_only_after_cjk_with_tone_mark():
    assert remove_pinyin("市場發(fā)展很快") == "市場發展很快"
    assert remove_pinyin("數(shù)據\uff08jù\uff09") == "數據"
    kept = "數字客戶體驗(Digital Customer Experience,DCX)和客戶終身價值(CLV)佔(40%)與(ok)"
    assert remove_pinyin(kept) == kept


def test_pinyin_group_must_parse_as_a_syllable():
    assert remove_pinyin("品牌(xyzá)") == "品牌(xyzá)"


def test_mojibake_quote_repaired_up_to_resync():
    assert repair_mojibake("答案?!邦A算/資源有限”以") == "答案。“預算/資源有限”以"
    assert repair_mojibake("Why?! Because.") == "Why?! Because."


def test_spam_chrome_and_boilerplate_dropped_headings_kept():
    page = "\n".join([
        "免费看片_在线观看_高清无码_精品专区_福利视频_最新影院",
        "2024-05-01 某某體驗研究 | 譯者:王小明",
        "  • 會員:812",
        "分享到:",
        "客戶體驗現狀",
        "我們調查了 800 多名經理,其中 45% 認為體驗“極其重要”。",
        "本文為作者原創翻譯,歡迎轉發分享。",
        "https://example.com/report",
    ])
    doc = clean_document([page], [None], "text")
    assert "免费看片" not in doc.text and "會員" not in doc.text and "分享到" not in doc.text
    assert "原創" not in doc.text and "example.com" not in doc.text
    assert "45%" in doc.text
    assert doc.dropped_lines == 6
    assert doc.section_at(doc.text.index("45%")) == "客戶體驗現狀"


def test_matching_copy_is_simplified_folded_lowercase_and_same_length():
    doc = clean_document(["增長了 15\uff05,Percent 個百分點"], [None], "text")
    assert len(doc.norm) == len(doc.text)
    assert "增长了 15%" in doc.norm and "percent 个百分点" in doc.norm
    assert "增長了" in doc.text  # the original script stays in the text


def test_pages_keep_their_numbers():
    doc = clean_document(["第一頁的內容,10% 的人。", "第二頁:20% 的人。"], [3, 4], "pdf")
    assert doc.page_at(doc.text.index("10%")) == 3
    assert doc.page_at(doc.text.index("20%")) == 4


def test_promotion_lines_dropped_article_lines_kept():
    """Ad lines glued to scraped articles carry counts (免费试用 30 天) that are no figures of the report."""
    text = (
        "【熱門】客服系統排行,免費試用 14 天!點擊立即領取\n"
        "扫码添加顾问微信,限时特惠 ¥49 立即报名\n"
        "Start your free trial today and download now.\n"
        "约 61% 的受访者表示愿意免费试用新功能。"
    )
    doc = clean_document([text], [None], "text")
    assert doc.text == "约 61% 的受访者表示愿意免费试用新功能。"
    assert doc.dropped_lines == 3


def test_promotion_with_prices_phones_and_discounts_dropped():
    text = (
        "☎ 會員專線 02-2345-6789|年費只要 NT$990,立省 30%\n"
        "Book a demo today: save 20% with our annual plan, from $49 a month\n"
        "門市調查顯示,有 42% 的顧客曾因排隊太久而離開。"
    )
    doc = clean_document([text], [None], "text")
    assert doc.text == "門市調查顯示,有 42% 的顧客曾因排隊太久而離開。"


def test_related_article_titles_dropped_until_the_next_sentence():
    """Titles in a related-articles list are other articles' headlines, even when they hold a figure."""
    text = "\n".join([
        "受访者中 58% 的人更愿意自助办理。",
        "== 相关阅读 ==",
        "1. 会员流失率 25% 的背后?",
        "2. 门店数字化的三个误区",
        "声明:本文数据来自公开报告,仅供参考。",
        "Related Articles",
        "- Why 70% of Shoppers Abandon Their Carts (and How to Stop It)",
        "Overall, 61% of the stores surveyed now offer self-checkout.",
    ])
    doc = clean_document([text], [None], "text")
    assert "25%" not in doc.text and "70%" not in doc.text and "三个误区" not in doc.text
    assert "58%" in doc.text and "61%" in doc.text


def test_a_related_heading_alone_does_not_drop_findings_after_it():
    text = "相关研究\n本次调查覆盖 1,200 名消费者,其中 35% 的人每月网购三次以上。"
    assert "35%" in clean_document([text], [None], "text").text


def test_a_row_of_label_share_pairs_is_a_flattened_chart_not_spam():
    page = "门店 41%|小程序 27%|电话 15%|邮件 10%|其他 7%\n热门:客服|工单|呼叫中心|CRM|外呼"
    doc = clean_document([page], [None], "text")
    assert "小程序 27%" in doc.text and "热门" not in doc.text
