"""Document-level facts read from the text itself: language and script, survey year.

Belongs here: facts about a whole document, used when its registry entry does not state them; the
detected language then picks the lexicons the figure rules read (``lexicons.files_for``).
"""

from __future__ import annotations

import re
from collections import Counter

from pipelines.figures.normalise import to_simplified

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_SAMPLE = 20000


def detect_language(text: str) -> str:
    """'en', 'zh-Hans' or 'zh-Hant': Chinese when CJK outweighs Latin letters; script by OpenCC t2s.

    Traditional text changes under t2s in a good share of its characters; Simplified text barely
    changes, so the share of changed CJK characters tells the scripts apart.
    """
    sample = text[:_SAMPLE]
    cjk = _CJK.findall(sample)
    if len(cjk) < max(5, len(_LATIN.findall(sample)) // 4):
        return "en"
    han = "".join(cjk)
    changed = sum(a != b for a, b in zip(han, to_simplified(han), strict=False))
    return "zh-Hant" if changed / len(han) > 0.03 else "zh-Hans"


_TITLE_YEAR = re.compile(
    r"((?:19|20)\d\d)\s*年?\s*(?:年度)?[^\n。.]{0,16}?(?:报告|報告|调查|調查|调研|調研|研究|指数|指數|"
    r"report|survey|study|index|benchmark|outlook)",
    re.I,
)
_SURVEY_YEAR = re.compile(
    r"(?:in|during)\s+((?:19|20)\d\d)\s*,?\s+(?:we\s+)?(?:surveyed|polled|asked)|((?:19|20)\d\d)\s*年[^\n。]{0,12}?(?:调查|調查|调研|調研)",
    re.I,
)
ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def detect_survey_year(text: str) -> int | None:
    """The year a report's survey describes, when the text states it: a dated title or survey sentence.

    Falls back to the most frequent plausible year in the opening of the text; None without one.
    """
    head = text[:5000]
    m = _SURVEY_YEAR.search(head)
    if m:
        return int(m.group(1) or m.group(2))
    m = _TITLE_YEAR.search(head)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in ANY_YEAR.findall(head) if 1990 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None
