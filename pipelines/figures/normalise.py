"""The matching copy of a text: width-folded, Simplified, lower-case, and exactly as long as the text.

Belongs here: the character-level normalisation every rule and lexicon relies on (so a lexicon
spells each word once: Simplified, lower case, half width), nothing language-specific beyond it.

Keeping the length lets every rule run on one spelling (％ -> %, 個 -> 个, Percent -> percent)
while the offsets it finds still point into the original-script text users see in quotes.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """OpenCC Traditional-to-Simplified conversion (phrase aware, the official dictionaries)."""
    return _t2s().convert(text)


def _fold_chars(text: str, fold) -> str:
    """Apply ``fold`` character by character, keeping characters whose fold changes the length."""
    out = []
    for ch in text:
        f = fold(ch)
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


def _same_length(text: str, whole, per_char) -> str:
    done = whole(text)
    if len(done) == len(text):
        return done
    lines = text.split("\n")
    fixed = []
    for line in lines:
        d = whole(line)
        fixed.append(d if len(d) == len(line) else per_char(line))
    return "\n".join(fixed)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def matching_copy(text: str) -> str:
    """Return the NFKC + t2s + lower-case copy of ``text`` with ``len(result) == len(text)``."""
    folded = _same_length(text, _nfkc, lambda s: _fold_chars(s, _nfkc))
    simple = _same_length(folded, to_simplified, lambda s: _fold_chars(s, to_simplified))
    lowered = _same_length(simple, str.lower, lambda s: _fold_chars(s, str.lower))
    return lowered
