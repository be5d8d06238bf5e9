"""Cleaning: from raw page texts to the text figures are read from (``clean_document``).

Belongs here: line filters for spam, site chrome and boilerplate, ruby pinyin removal, mojibake
quote repair, heading detection and page spans. The original script is kept (quotes show what the
report said); the width-folded Simplified matching copy is built by ``normalise.matching_copy``.
"""

from __future__ import annotations

import re
import unicodedata

from pipelines.figures.document import CleanDocument
from pipelines.figures.normalise import matching_copy, to_simplified

# --- pinyin glosses from flattened ruby markup: 發(fā)展 -> 發展 ------------------------------------
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_GROUP = re.compile(rf"(?<=[\u3400-\u9fff])[(\uff08]([a-z{_TONED}ü]{{1,7}})[)\uff09]")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|üan|van|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    r"|ua|uo|ui|un|üe|ve|ue|ün|vn|a|o|e|i|u|ü|v)|ng|m|n"
)


def _is_pinyin(group: str) -> bool:
    """A ruby gloss has a tone mark and is one valid pinyin syllable; (CLV) or (ok) are not glosses."""
    if not any(c in _TONED for c in group):
        return False
    bare = "".join(c for c in unicodedata.normalize("NFD", group) if not unicodedata.combining(c))
    bare = bare.replace("u\u0308", "ü")
    return _SYLLABLE.fullmatch(bare) is not None


def remove_pinyin(text: str) -> str:
    """Drop pinyin glosses that follow a CJK character (發(fā)展 -> 發展), keep real parentheticals."""
    if "(" not in text and "\uff08" not in text:
        return text
    return _PINYIN_GROUP.sub(lambda m: "" if _is_pinyin(m.group(1)) else m.group(0), text)


# --- mojibake quote marks: "。“預" stored as GBK bytes read one byte late ("?!邦A") -------------------
_MOJIBAKE = re.compile(r"\?!([^\x00-\x7f?]{1,12}[\x21-\x7e]?)")


def _repair_mojibake_match(m: re.Match[str]) -> str:
    run = m.group(1)
    try:
        raw = b"\xa1\xa3\xa1" + run.encode("gbk")
    except UnicodeEncodeError:
        return m.group(0)
    fixed = raw.decode("gbk", errors="replace").replace("\ufffd?", "\ufffd")
    if not fixed.startswith("。") or len(fixed) < 2 or fixed[1] not in "“‘「『":
        return m.group(0)
    return fixed


def repair_mojibake(text: str) -> str:
    """Repair '?!' runs that are '。“' plus text whose GBK bytes were decoded one byte out of step.

    Decoding resynchronises at the first ASCII byte, so only the run up to it is re-decoded; a byte
    lost in the original damage becomes U+FFFD.
    """
    if "?!" not in text:
        return text
    return _MOJIBAKE.sub(_repair_mojibake_match, text)


# --- line filters -----------------------------------------------------------------------------------
_SENTENCE_PUNCT = re.compile(r"[。,,;;!?!?]|\.\s")
_STUFFING_SEP = re.compile(r"[_|\-–—/]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_COUNTER_LINE = re.compile(r"^[\W_]*(?:[^\W\d_]{1,8}\s*:\s*\d[\d,]*\s*[^\W\d_]{0,2}[\W_]*){1,4}$")  # 會員:747
_NUMBER_WORD_PAIRS = re.compile(r"\d[\d,]*\s*[^\W\d_]{1,3}")
_BULLET_ONLY = re.compile(r"^[\W_\d]*$")
_LISTING_DATE = re.compile(r"^\S.{0,30}(?:19|20)\d\d-\d\d-\d\d$")
_BYLINE = re.compile(r"^(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}\s.{0,40}[|丨].{0,30}$")
_BOILERPLATE = re.compile(
    r"©|copyright|all rights reserved|版权所有|转载|转发|原创|投稿|公众号|题图来自|原文地址|原文链接|译者|"
    r"作者[::]|来源[::]|责任编辑|reposted|republished|originally published|source:|photo by|image credit|"
    r"follow us|sign up|subscribe|newsletter|\bmin(?:ute)?s? read\b|阅读时间|阅读量|浏览量",
    re.I,
)
_CHROME = re.compile(
    r"^(?:分享到?|share(?: this)?|tweet|点赞|收藏|评论|评论请登录|登录|注册|menu|home|skip to|back to top|"
    r"相关推荐|相关文章|上一篇|下一篇|返回顶部|首页|tags?)\b[::]?|"
    r"注册|登录|会员|点击|头像|网友|入驻|提交|站长|友链|在线咨询|cookie|log in|sign in|read more|"
    r"related articles|click here",
    re.I,
)
# Promotions glued to articles: 免费试用 30 天, 点击立即领取, 扫码领取 ¥0 福利 (two cues, or one in 【】)
_PROMOTION = re.compile(
    r"免费(?:试用|领取|下载)|立即(?:领取|下载|购买|抢购|报名)|扫码|限时(?:特惠|优惠|免费)?|优惠券|"
    r"立省|专线|热线|首月|\d\s?折|nt\$\s?\d|[¥$€£]\s?\d|\d{3,4}-\d{3}-\d{3,4}|"
    r"free trial|download (?:it )?now|limited[- ]time offer|\bsave \d+%|\d+% off\b",
    re.I,
)
# Words that introduce other articles' titles: 相关文章, "—— 推荐阅读 ——", "Related Articles", "See also"
_RELATED_CUES = (
    r"(?:延伸阅读|相关阅读|推荐阅读|相关文章|相关推荐|相关报道|热门文章|猜你喜欢|更多阅读|你可能还喜欢|"
    r"related(?: (?:reading|articles?|posts?|stories|news|content|resources))?|further reading|"
    r"read (?:more|next|also)|see also|you (?:may|might) also like|recommended (?:reading|for you|articles?))"
)
# ... alone on its line: what follows is a list of titles
_RELATED_BLOCK = re.compile(rf"^[\W_]*{_RELATED_CUES}[\W_]*$", re.I)
# ... then a colon and one title on the same line: "延伸阅读:<another article's title>"
_RELATED_INLINE = re.compile(rf"^[\W_]*{_RELATED_CUES}\s*:", re.I)
_TITLE_MAX = 90
_INNER_SENTENCE_END = re.compile(r"[。!;]|\.(?:\s|$)")  # a title may end in ? but holds no finished sentence
_LIST_MARK = re.compile(r"^(?:\d{1,2}[.)、]|[-*•·▶▸►])\s*")
_ANNOUNCEMENT = re.compile(r"^(?:公告|广告|推广|sponsored|advertisement|ad)[::\s]", re.I)
_HEADING_END = re.compile(r"[。.!;,:、]$")  # read on the width-folded line


_ENDS_WITH_SHARE = re.compile(r"\d\s?%\s*$")
# A share, percentage points or a fraction (read on the folded, Simplified line): chrome states none
_SHARE_HINT = re.compile(r"%|百分|percent|[一二两三四五六七八九\d]\s?成|分之|半数|一半|过半")


def is_keyword_stuffing(line: str) -> bool:
    """SEO spam: many short phrases glued by _ - | with no sentence punctuation at all.

    A row of "label N%" parts (电子邮件 34%|在线聊天 29%|…) is a flattened chart, not spam.
    """
    if _SENTENCE_PUNCT.search(line):
        return False
    parts = [p for p in _STUFFING_SEP.split(line) if p.strip()]
    if len(parts) < 5 or sum(len(p) for p in parts) / len(parts) > 16:
        return False
    return sum(1 for p in parts if _ENDS_WITH_SHARE.search(p)) * 2 < len(parts)


def is_related_title(norm: str) -> bool:
    """A line of a related-articles list: short, and no sentence finished inside it."""
    body = _LIST_MARK.sub("", norm.strip()).rstrip("?")
    return len(body) <= _TITLE_MAX and _INNER_SENTENCE_END.search(body) is None


def is_chrome(line: str, norm: str) -> bool:
    """Site navigation, share widgets, counters, bylines, copyright and repost notices."""
    n = len(norm)
    if _BULLET_ONLY.match(norm):
        return True
    if _ANNOUNCEMENT.match(norm):
        return True
    shares = _SHARE_HINT.search(norm) is not None  # chrome states no shares; a finding or chart line does
    if n <= 40 and not shares and _COUNTER_LINE.match(norm):  # 电话客服:47% is a chart's data line
        return True
    if n <= 60 and not shares and len(_NUMBER_WORD_PAIRS.findall(norm)) >= 3 and not _SENTENCE_PUNCT.search(norm):
        return True  # 阅读 1234 点赞 56 评论 7; with shares (1 分钟以内:38% 3-5 分钟:17%) it is a chart row
    if _LISTING_DATE.match(norm) or _BYLINE.match(norm):
        return True
    if n <= _TITLE_MAX + 12 and _RELATED_INLINE.match(norm) and is_related_title(norm.split(":", 1)[1]):
        return True
    if n <= 80 and _BOILERPLATE.search(norm) and not shares:
        return True
    if n <= 30 and _CHROME.search(norm) and not shares:
        return True
    if n <= 80 and _is_promotion(norm):
        return True
    stripped = _URL.sub("", norm).strip(" :\t[]【】()")
    return stripped != norm.strip() and len(stripped) <= 12  # a bare link, or "原文地址: <url>"


def _is_promotion(norm: str) -> bool:
    """An ad line: two promotion cues, or one on a line that opens with a 【】 tag."""
    cues = _PROMOTION.findall(norm)
    return len(cues) >= 2 or (len(cues) == 1 and norm.lstrip().startswith("【"))


def is_heading(norm: str) -> bool:
    """Short line without closing punctuation: a heading or chart title, kept as section context."""
    s = norm.strip()
    return 1 < len(s) <= 50 and not _HEADING_END.search(s) and not s.startswith(("-", "•", "*"))


def _clean_line(line: str) -> str:
    return remove_pinyin(repair_mojibake(line.replace("\u00a0", " ").rstrip()))


def clean_document(pages: list[str], page_numbers: list[int | None], fmt: str) -> CleanDocument:
    """Filter and repair page texts into one ``CleanDocument`` (offsets refer to its ``text``).

    HTML arrives as main-content text already (rt/rp dropped upstream); the line filters still run
    because scraped pages keep chrome around the article.
    """
    if len(page_numbers) != len(pages):
        page_numbers = [None] * len(pages)
    out: list[str] = []
    spans: list[tuple[int, int, int | None]] = []
    headings: list[tuple[int, str]] = []
    dropped = 0
    pos = 0
    related = False  # inside a "related articles" list: its titles are other articles' headlines
    for page_text, number in zip(pages, page_numbers, strict=True):
        start = pos
        for raw in page_text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            line = _clean_line(raw)
            if not line.strip():
                continue
            norm = unicodedata.normalize("NFKC", to_simplified(line)).lower().strip()
            related = (related and is_related_title(norm)) or _RELATED_BLOCK.match(norm) is not None
            if related or is_keyword_stuffing(norm) or is_chrome(line, norm):
                dropped += 1
                continue
            if is_heading(norm):
                headings.append((pos, line.strip()))
            out.append(line)
            pos += len(line) + 1
        spans.append((start, pos, number))
    text = "\n".join(out)
    return CleanDocument(
        text=text,
        norm=matching_copy(text),
        format=fmt,
        page_spans=spans,
        headings=headings,
        dropped_lines=dropped,
    )
