"""Numbers written in words or digits -> float: Chinese numerals (through cn2an), English number words.

Belongs here: turning a captured number into a value; where numbers stand is ``patterns``' concern.

Only ever applied to spans the figure patterns captured, so a parser failure means "not a figure"
(None), never an exception.
"""

from __future__ import annotations

from functools import lru_cache

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九十百千万"

_EN_UNITS = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
EN_NUMBER_WORDS = tuple(_EN_UNITS) + tuple(_EN_TENS) + ("hundred",)
EN_TENS_WORDS = tuple(_EN_TENS)  # "forty-" at a line end is a compound number's hyphen, not a word break
_EN_ORDINAL_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
    "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
}


def parse_arabic(text: str) -> float | None:
    """'1,100' -> 1100.0, '2.5' -> 2.5 (text already width-folded)."""
    try:
        return float(text.replace(",", "").replace(" ", ""))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_chinese(text: str) -> float | None:
    """'四十' -> 40.0, '三点五' -> 3.5, '两' -> 2.0, mixed '1百' via cn2an's smart mode."""
    try:
        return float(cn2an.cn2an(text.replace("〇", "零"), "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def parse_english(text: str) -> float | None:
    """'forty-two' -> 42.0, 'one hundred' -> 100.0, '7' -> 7.0; None when a word is not a number."""
    total = 0.0
    seen = False
    for word in text.replace("-", " ").split():
        if word in _EN_UNITS:
            total += _EN_UNITS[word]
        elif word in _EN_TENS:
            total += _EN_TENS[word]
        elif word == "hundred":
            total = (total or 1) * 100
        elif word == "and" and seen:
            continue
        else:
            value = parse_arabic(word)
            if value is None:
                return None
            total += value
        seen = True
    return total if seen else None


def english_denominator(word: str) -> int | None:
    """'thirds' -> 3, 'quarter' -> 4: the denominators of spelled-out fractions."""
    return _EN_ORDINAL_DENOMINATORS.get(word)
