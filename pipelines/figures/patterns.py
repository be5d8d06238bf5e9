"""The candidate scan: one compiled regex over the matching copy finds every span that may be a figure.

Belongs here: the surface forms of figures (percent, points, fractions, multiples, counts,
durations in Chinese and English) and how a matched span becomes (value, unit, built-in
qualifier). Context (qualifier words, change verbs, periods, labels) lives in the resolvers
(``kind``, ``qualifier``, ``period``, ``labels``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter

from pipelines.figures.gates import first_chars
from pipelines.figures.numerals import (
    CN_DIGITS,
    EN_NUMBER_WORDS,
    english_denominator,
    parse_arabic,
    parse_chinese,
    parse_english,
)
from pipelines.figures.suffix import EndsWith

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = f"[{CN_DIGITS}]"
_WORD = "|".join(sorted(EN_NUMBER_WORDS, key=len, reverse=True))
_SMALL = "a|one|two|three|four|five|six|seven|eight|nine|ten"
_DENOM = "halves|half|thirds|third|quarters|quarter|fourths|fourth|fifths|fifth|tenths|tenth"
# a number word and "point" name percentage points only before a change noun: an eight point decrease
_CHANGE_NOUN = r"(?:decrease|increase|drop|decline|gain|rise|improvement|jump|fall)"
_MORE_THAN = "more|less|higher|lower|as|likelier|faster|greater|larger|bigger|the|over"
_EN_DURATION = "seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
# Who or what a survey counts: "640 service directors", "9,000 customer interviews" (up to two
# words may qualify the noun); other plural nouns ("7 ways", "4 comments") are no figures.
# 成 starting a word is no tenth: 成本 (cost), 成员 (member), 成都, 成功, 成熟 (三成为女性 and 三成年轻人 are shares)
_CHENG_WORDS = "不变|功|本|熟|就|绩|员|立|都|交|果|长|型|品|效|像|人|分|份|色|因|批|套|群|语"
_CN_COUNTERS = "名|位|家|间|所|个|次|种|项|款|篇|条|人"  # 1,050 名, 85 間 (counted people, firms, stores)
_PEOPLE = (
    "respondents|consumers|customers|marketers|leaders|executives|people|adults|companies|"
    "organi[sz]ations|businesses|brands|countries|markets|participants|employees|professionals|"
    "users|shoppers|decision[- ]makers|agents|interactions|conversations|contacts|vendors|firms|"
    "managers|directors|officers|teams|interviews|responses|retailers|merchants|banks|insurers|"
    "institutions|stores|cities|regions|owners|members|patients|students|workers|buyers|households|"
    "travell?ers|guests|subscribers|visitors|viewers|drivers|centres|centers|sites|sellers|providers|"
    "specialists|analysts|staff|calls|chats|tickets|surveys|reviews"
)

# Three scanners, each starting with a character set so the regex engine can skip ahead fast:
# Arabic digits, Chinese numerals (located first, then parsed), English keywords (located, then
# the full English pattern is run in a small window around the keyword).
DIGIT_FIGURE = re.compile(
    rf"""
    (?P<num>\d[\d,]*(?:\.\d+)?)
    (?:
        (?P<pct>\s?(?:%|percent\b|per\s?cent\b|pct\b))
      | (?P<permille>\s?‰)
      | (?P<pp>\s?(?:个?百分点|个点|个基点|percentage[\s-]points?\b|pct\.?\s?points?\b|ppts?\b|pp\b
                    |-?points?\b|pts\b))
      | (?P<mult>\s?(?:倍|x\b|times\b(?=\s(?:{_MORE_THAN}))))
      | (?P<cheng>\s?成(?!{_CHENG_WORDS}))
      | (?P<dur>\s?(?:秒钟?|分钟|个?小时|天|个?星期|周|个月|(?:-\s?)?(?:{_EN_DURATION})\b))
      | (?P<count>\s?(?:(?:多|余)\s?)?(?:{_CN_COUNTERS})|\+|\s(?:[a-z-]+\s){{0,2}}(?:{_PEOPLE})\b)
      | (?P<dfrac>/(?P<dfrac_b>10|[2-9])(?![\d/]))
      | (?P<dinx>\s(?:in|out\sof)\s(?P<dinx_b>\d{{1,3}})\b(?!\s?%))
    )
    """,
    re.X,
)
_RATING_RIGHT = re.compile(r"\s*(?:stars?|points?|on average|overall)\b")
# "stores score 7 out of 10", "rated it 4 out of 5": a rating verb shortly before "N out of M"
_RATING_VERB_LEFT = re.compile(r"\b(?:rat(?:e|es|ed|ing)|scor(?:e|es|ed|ing)|gives?|gave)\b[^,;.]{0,24}$")
_ARTICLE_LEFT = re.compile(r"\ban?\s$")  # "a 2 out of 5" is a score; shares read "2 out of 5 people"
_VALID_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")

# Locates the first character only (the rest is lookaround), so a failed parse at one numeral never
# hides a figure starting at the next one (超过五分之四). Speed: the pattern opens with one character
# class and each branch re-checks its own first character by lookbehind; a pattern that opens with a
# class, a literal or an alternation of literals lets re's search skip to those characters, while an
# alternation of classes or an opening assertion makes it try every position (5x slower here).
CN_LOCATOR = re.compile(
    rf"[{CN_DIGITS}过半](?:"
    rf"(?<=[{CN_DIGITS}])(?=百分之|{_CN}{{0,3}}(?:[到至-]{_CN}{{1,4}})?(?:分之|成|倍|秒|分钟|小时|天|星期|周|个|年)|半)"
    r"|(?<=过)(?=半)|(?<=半)(?=数)|(?<=[近逾]半)(?![年月天日夜小个场]))"
)
CN_FIGURE = re.compile(
    rf"""
    (?P<cnpct>百分之(?P<cnpct_n>[{CN_DIGITS}点\d.]+))
  | (?P<frac>(?P<frac_d>{_CN}{{1,3}})分之(?P<frac_n>{_CN}{{1,3}}))
  | (?P<cheng>(?<![第周期星统唯之万划单同合专均逐])(?P<cheng_n>[一二两三四五六七八九])成(?!{_CHENG_WORDS}))
  | (?P<half>一半|过半|半数|(?<=[近逾])半(?![年月天日夜小个场]))
  | (?P<cnmult>(?P<cnmult_n>{_CN}{{1,4}})倍)
  | (?P<cndur>(?P<cndur_n>{_CN}{{1,4}}(?:到|至|-){_CN}{{1,4}}|(?!一[天年])(?!十分){_CN}{{1,4}})
        (?P<cndur_u>秒钟?|分钟|个?小时|天|个?星期|周|个月|年(?![级代度底初中末前后来内间份]))
    )
    """,
    re.X,
)

EN_LOCATOR = re.compile(
    r"[hqtfpeiotn](?:alf\b|alves|hirds?\b|uarters?\b|ourths?\b|ifths?\b|enths?\b|ercent|er\s?cent|wice"
    r"|oints?\s(?:de|in|dr|ga|ri|im|ju|fa)"
    r"|n\s(?:{_SMALL}|\d{1,3})\b|ut\sof\s(?:{_SMALL}|\d{1,3})\b|\s?=\s?\d)".replace("{_SMALL}", _SMALL)
)
EN_FIGURE = re.compile(
    rf"""
    (?P<nset>\bn\s?=\s?(?P<nset_n>{_NUM}))
  | (?P<wpct>\b(?P<wpct_n>(?:{_WORD})(?:[\s-](?:{_WORD}|and))*)\s(?:percent|per\s?cent)\b)
  | (?P<wpp>\b(?P<wpp_n>(?:{_WORD})(?:[\s-](?:{_WORD}|and))*)[\s-]
        (?:percentage[\s-]points?\b|points?\b(?=\s{_CHANGE_NOUN})))
  | (?P<efrac>\b(?P<efrac_a>{_SMALL})[\s-](?P<efrac_b>{_DENOM})\b)
  | (?P<ehalf>\bhalf\b)
  | (?P<inx>\b(?P<inx_a>{_SMALL})\s(?:in|out\sof)\s(?P<inx_b>{_SMALL}|\d{{1,3}})\b(?!\s?%))
  | (?P<twice>\btwice\b)
    """,
    re.X,
)
_EN_WINDOW = 40  # how far before its keyword an English figure may start ("one hundred and twenty percent")
_EN_RIGHT = 16  # how far after the keyword it may end ("n=" + a number)
# Word starts an English figure can open on: only letters EN_FIGURE can start with (gates.first_chars),
# so the scan below tries no match at a word no figure starts with.
_WORD_START = re.compile(rf"(?<![a-z0-9-])[{''.join(sorted(first_chars(EN_FIGURE) or 'abcdefghijklmnopqrstuvwxyz'))}]")

_FRACTION_CONTEXT_RIGHT = re.compile(
    r"\s*(?:[((]|以上|以下|左右|的|多|of\b|say|said|agree|report|believe|think|are\b|were\b|have\b|had\b|"
    r"plan|expect|use|want|prefer|would|will|do\b|did\b|feel|see|consider|rate|work|name|cite|chose|choose|"
    r"select|mention|indicat|trust|struggl|lack|$"
    r"|(?![日号號月年页頁期版季周週次章节節分秒])[\u4e00-\u9fff])"  # 另有 1/3 认为: Chinese follows a share
)
# A fraction word names a share only where a share can stand: before "of", a verb or a bracketed
# percent, or after a bound (only a quarter, nearly half); time spans and ordinals are no shares.
_FRACTION_TIME_RIGHT = re.compile(
    r"\s*(?:-|of\s+(?:an?\s+|the\s+|this\s+|that\s+|next\s+|last\s+|each\s+)?(?:(?:19|20)\d\d\b(?!\s+(?!was\b|is\b|has\b|does\b)[a-z]+s\b)|year|decade|"
    r"century|month|quarter|week|day|hour|minute|second|season|period|game|match|mile|point|dozen)s?\b"
    r"|(?:an?\s+)?(?:hour|century|mile|dozen|time|way|day|year|point|price|size)s?\b|earlier|later|ago)"
)
_FRACTION_BOUND_LEFT = EndsWith(
    {
        "bound": (
            "only", "just", "nearly", "almost", "about", "around", "roughly", "approximately", "over", "under",
            "more than", "fewer than", "less than", "at least", "barely", "some", "close to", "well over",
            "exceeds", "exceeded", "exceeding",
        )
    }
)
_ORDINAL_LEFT = EndsWith(
    {
        "ordinal": (
            "first", "second", "third", "fourth", "last", "next", "this", "each", "every", "per", "fiscal", "other",
            "in", "and",
        )
    }
)
_DURATION_UNITS = {
    "秒": "seconds", "秒钟": "seconds", "second": "seconds", "sec": "seconds",
    "分钟": "minutes", "minute": "minutes", "min": "minutes",
    "小时": "hours", "个小时": "hours", "hour": "hours", "hr": "hours",
    "天": "days", "day": "days",
}


@dataclass(slots=True)
class Candidate:
    """A parsed span: the figure's value and unit before its context is read."""

    start: int
    end: int
    value: float
    unit: str
    qualifier: str = "="
    form: str = ""  # which pattern matched (used by the context rules)


_DIGIT_UNITS = {"pct": "percent", "pp": "percentage_points", "mult": "multiple"}
# "57% 的一半", "(57%)的一半": half of a stated share compares two shares, it is no share itself
_SHARE_THEN_OF = re.compile(r"%\s*\)?\s*的\s*$")

# A range of shares is two figures, its bounds '>=' and '<=' (the real-report gold, ../shared/real-pdfs/gold:
# "Ranges are two figures"): 40% 至 50%, 10%-15%, 5% to 10%, between 40% and 45%, 介于 20% 和 30% 之间; also
# 10-15%, 15 to 20% and 2 至 3 个百分点. Ranges of durations stay one figure at their midpoint, approximate
# (the shared gold's 六到七个月 = 6.5 "~", read by the Chinese duration pattern).
_RANGE_JOIN = re.compile(r"\s*(?:至|到|~|-|–|—|to\b)\s*")
_RANGE_PAIR_JOIN = re.compile(r"\s*(?:and|和|与)\s*")
_RANGE_PAIR_LEFT = re.compile(r"(?:\bbetween|介于|在)\s*$")
_RANGE_FROM_LEFT = EndsWith(
    {"from": ("从", "由", "from")}, between=("的", "年的", "this year's", "last year's"), span=16
)  # 从 40% 到 50%, from 5% to 10%: an earlier level and a later one, two figures
# ... unless "from" opens a spread: anywhere from 40 to 80 percent, ranging from 10% to 20%
_SPREAD_FROM_LEFT = re.compile(r"(?:anywhere|rang(?:e|es|ed|ing)|var(?:y|ies|ied|ying))\s+from\s*$")


def _not_from(norm: str, start: int) -> bool:
    """Whether a range's low end at ``start`` is no earlier level ("from 5% to 10%" is one, unless a spread)."""
    return _RANGE_FROM_LEFT(norm, start) is None or spread_from(norm, start)


def spread_from(norm: str, start: int) -> bool:
    """Whether "anywhere/ranging from" stands right before ``start``: a spread, no earlier level."""
    return _SPREAD_FROM_LEFT.search(norm, max(0, start - 24), start) is not None


_BARE_LOW = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d+)?)\s*(?:至|到|~|-|–|to\b)\s*$")
_RANGE_UNITS = ("percent", "percentage_points")
_JOINERS = "至到~-–"
_JOINER_SET = tuple(_JOINERS)


def _duration_unit(word: str) -> str:
    word = word.strip().lstrip("-").strip()
    if word.endswith("s") and word[:-1] in _DURATION_UNITS:
        word = word[:-1]
    return _DURATION_UNITS.get(word, "other")


def _number(text: str) -> float | None:
    return parse_arabic(text) if text[:1].isdigit() else parse_english(text)


def _percent_of(a: float | None, b: float | None) -> float | None:
    """a/b as percent for a proper fraction with a small denominator (1/4, one in five), else None."""
    if not a or not b or a >= b or b > 100:
        return None
    return round(100 * a / b, 2)


def _digit_candidate(m: re.Match[str], norm: str) -> Candidate | None:
    s, e = m.span()
    if s:
        prev = norm[s - 1]
        if prev in "/." or prev.isdigit() or (prev == "," and s > 1 and norm[s - 2].isdigit()):
            return None  # the tail of a longer number, a date or a version
    kind = m.lastgroup
    g = m.group
    number = g("num")
    if kind == "dfrac" or kind == "dinx":
        if "." in number or _RATING_RIGHT.match(norm, e):
            return None  # 3.6 out of 5, 4 out of 5 stars: a rating, not a share
        if kind == "dinx" and "out" in g("dinx") and (
            _RATING_VERB_LEFT.search(norm, max(0, s - 40), s) or _ARTICLE_LEFT.search(norm, max(0, s - 4), s)
        ):
            return None  # stores score 7 out of 10, answering a 2 out of 5: a rating
        value = _percent_of(parse_arabic(number), parse_arabic(g(kind + "_b")))
        if value is None or (kind == "dfrac" and not _FRACTION_CONTEXT_RIGHT.match(norm, e)):
            return None
        return Candidate(s, e, value, "percent", form="fraction")
    valid = _VALID_NUMBER.match(number)
    if valid is None or valid.end() != len(number):
        return None
    value = parse_arabic(number)
    if value is None:
        return None
    if kind == "permille":  # 1.3‰ is 0.13%
        return Candidate(s, e, round(value / 10, 6), "percent", form="pct")
    if kind in _DIGIT_UNITS:
        return Candidate(s, e, value, _DIGIT_UNITS[kind], form=kind)
    if kind == "cheng":  # 8 成 = 80%: tenths, written with Arabic digits
        return Candidate(s, e, value * 10, "percent", form="fraction") if 0 < value < 10 else None
    if kind == "dur":
        return Candidate(s, e, value, _duration_unit(g("dur")), form="dur")
    tail = g("count")
    if 1900 <= value <= 2100 and "," not in number and tail.strip() in ("", "年"):
        return None
    more = "多" in tail or "余" in tail or "+" in tail
    return Candidate(s, e, value, "count", ">" if more else "=", "count")


def _cn_candidate(m: re.Match[str], norm: str) -> Candidate | None:
    kind = m.lastgroup
    s, e = m.start(), m.end()
    g = m.group
    if kind == "cnpct":
        n = g("cnpct_n")
        value = parse_arabic(n) if n[:1].isdigit() else parse_chinese(n.replace(".", "点"))
        return None if value is None else Candidate(s, e, value, "percent", form="cnpct")
    if kind == "frac":
        value = _percent_of(parse_chinese(g("frac_n")), parse_chinese(g("frac_d")))
        return None if value is None else Candidate(s, e, value, "percent", form="fraction")
    if kind == "cheng":
        value = parse_chinese(g("cheng_n"))
        return None if value is None else Candidate(s, e, value * 10, "percent", form="fraction")
    if kind == "half":
        if g("half") == "一半" and _SHARE_THEN_OF.search(norm, max(0, s - 12), s):
            return Candidate(s, e, 0.5, "multiple", form="mult")  # 不到大型企业(57%)的一半: a ratio of two shares
        return Candidate(s, e, 50.0, "percent", ">" if g("half") == "过半" else "=", "fraction")
    if kind == "cnmult":
        value = parse_chinese(g("cnmult_n"))
        return None if value is None else Candidate(s, e, value, "multiple", form="mult")
    if kind == "cndur":
        values = [parse_chinese(p) for p in re.split(r"到|至|-", g("cndur_n")) if p]
        if not values or any(v is None for v in values):
            return None
        return Candidate(s, e, sum(values) / len(values), _duration_unit(g("cndur_u")),
                         "~" if len(values) > 1 else "=", "dur")
    return None


def _en_candidate(m: re.Match[str], norm: str) -> Candidate | None:
    kind = m.lastgroup
    s, e = m.start(), m.end()
    g = m.group
    if kind == "nset":
        value = parse_arabic(g("nset_n"))
        return None if value is None else Candidate(s, e, value, "count", form="count")
    if kind == "wpct":
        value = parse_english(g("wpct_n"))
        return None if value is None or value > 1000 else Candidate(s, e, value, "percent", form="pct")
    if kind == "wpp":  # a nine percentage point decrease, an eight point decrease
        words = g("wpp_n")
        article = re.match(r"an?[\s-]+", words)
        if article:  # "a nine percentage point decrease": the article is no part of the number
            s, words = s + article.end(), words[article.end() :]
        value = parse_english(words)
        return None if value is None or value > 100 else Candidate(s, e, value, "percentage_points", form="pp")
    if kind == "twice":
        return Candidate(s, e, 2.0, "multiple", form="mult")
    if kind == "inx":  # three in four, seven in 10 (a word over digits, as reports write it)
        if _RATING_RIGHT.match(norm, e) or ("out" in g("inx") and _RATING_VERB_LEFT.search(norm, max(0, s - 40), s)):
            return None  # seven out of 10 stars, rated it four out of five: a rating
        value = _percent_of(_number(g("inx_a")), _number(g("inx_b")))
        return None if value is None else Candidate(s, e, value, "percent", form="fraction")
    # "second and third" is an ordinal, "and a third work in ..." a share ("a" opens a fraction, never an ordinal)
    if (_ORDINAL_LEFT(norm, s) and g("efrac_a") != "a") or _FRACTION_TIME_RIGHT.match(norm, e):
        return None
    if not (_FRACTION_CONTEXT_RIGHT.match(norm, e) or _FRACTION_BOUND_LEFT(norm, s)):
        return None
    if kind == "ehalf":
        return Candidate(s, e, 50.0, "percent", form="fraction")
    a = 1 if g("efrac_a") in ("a", "one") else parse_english(g("efrac_a"))
    value = _percent_of(a, english_denominator(g("efrac_b")))
    return None if value is None else Candidate(s, e, value, "percent", form="fraction")


_START = attrgetter("start")


def scan(norm: str) -> list[Candidate]:
    """Every figure candidate of the matching copy, in order, without overlaps (longest wins)."""
    found: list[Candidate] = []
    for m in DIGIT_FIGURE.finditer(norm):
        c = _digit_candidate(m, norm)
        if c is not None:
            found.append(c)
    cn_end = 0
    for loc in CN_LOCATOR.finditer(norm):
        if loc.start() < cn_end:
            continue
        m = CN_FIGURE.match(norm, loc.start())
        if m is None:
            continue
        c = _cn_candidate(m, norm)
        if c is not None:
            found.append(c)
            cn_end = c.end
    en_end = 0
    for loc in EN_LOCATOR.finditer(norm):
        ls, le = loc.span()
        hi = le + _EN_RIGHT if le + _EN_RIGHT < len(norm) else len(norm)
        # English figures start at a word: try the few word starts before the keyword, earliest
        # first, instead of letting the pattern try every character of the window.
        for w in _WORD_START.finditer(norm, max(en_end, ls - _EN_WINDOW), ls + 1):
            m = EN_FIGURE.match(norm, w.start(), hi)
            if m is None or m.end() <= ls:
                continue
            c = _en_candidate(m, norm)
            if c is not None:
                found.append(c)
                en_end = c.end
            break
    if not found:
        return found
    # By start alone: the three scanners start on disjoint characters (digits, Chinese numerals,
    # letters) and none overlaps itself, so no two candidates share a start (and a C key is cheaper).
    found.sort(key=_START)
    out = [found[0]]
    for c in found[1:]:
        if c.start >= out[-1].end:
            out.append(c)
    return merge_ranges(norm, out)


def _range(norm: str, low: Candidate, high: Candidate) -> bool:
    """Whether two neighbouring figures of one unit are the ends of a stated range."""
    if low.unit != high.unit or low.unit not in _RANGE_UNITS:
        return False
    if low.value >= high.value or low.form == "fraction":
        return False
    if low.qualifier != "=" or high.form == "fraction":
        return False
    if _RANGE_JOIN.fullmatch(norm, low.end, high.start):
        return _not_from(norm, low.start)
    if _RANGE_PAIR_JOIN.fullmatch(norm, low.end, high.start):
        return _RANGE_PAIR_LEFT.search(norm, max(0, low.start - 12), low.start) is not None
    return False


def _bounds(low: Candidate, high: Candidate) -> tuple[Candidate, Candidate]:
    """The two ends of a range as two figures: the low bound '>=', the high bound '<='."""
    return (Candidate(low.start, low.end, low.value, high.unit, ">=", "range_low"),
            Candidate(high.start, high.end, high.value, high.unit, "<=", "range_high"))


def merge_ranges(norm: str, found: list[Candidate]) -> list[Candidate]:
    """Split each stated range of shares into its two bounds (the real-report gold: ranges are two figures)."""
    out: list[Candidate] = []
    for c in found:
        s = c.start
        if out and s - out[-1].end <= 9 and _range(norm, out[-1], c):
            out[-1:] = _bounds(out[-1], c)
            continue
        # 10-15%, 15 to 20%, 2 至 3 个百分点: a bare number and a joiner right before the figure (cheap test first)
        before = norm[s - 3 : s] if s > 2 else norm[:s]
        if before and c.unit in _RANGE_UNITS and (
            before[-1] in _JOINERS or before[-2:-1] in _JOINER_SET or before.endswith("to ")
        ):
            low = _BARE_LOW.search(norm, max(out[-1].end if out else 0, s - 12), s)
            if low is not None and c.form != "fraction" and _not_from(norm, low.start()):
                value = float(low.group(1))
                if value < c.value:
                    out.extend(_bounds(Candidate(low.start(1), low.end(1), value, c.unit), c))
                    continue
        out.append(c)
    return out
