"""The semantics cue lists, loaded once from the YAML files beside this module (language cues as data)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent / "lexicon"


@cache
def load(name: str) -> dict[str, Any]:
    """One lexicon file (``population``, ``topics``, ``glossary``, ``measure``) as a dict."""
    with (HERE / f"{name}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def word_pattern(words: list[str], *, prefix: bool = False) -> re.Pattern[str] | None:
    """One alternation matching any cue: English cues at word boundaries (``prefix``: at a word start
    only, so "personali" covers personalised; cues of three letters or fewer, "ai", "nps", stay whole
    words), Chinese cues anywhere; longest cue first."""
    parts = []
    for w in sorted({str(w) for w in words}, key=len, reverse=True):
        escaped = re.escape(w)
        if re.search(r"[a-z0-9]", w[:1]):
            escaped = r"(?<![a-z0-9])" + escaped
        if re.search(r"[a-z0-9]", w[-1:]) and (not prefix or len(w.strip()) <= 3):
            escaped += r"(?![a-z0-9])"
        parts.append(escaped)
    return re.compile("|".join(parts)) if parts else None
