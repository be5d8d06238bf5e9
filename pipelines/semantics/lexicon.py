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


_WORDLIKE = re.compile(r"[a-z0-9]")


def word_pattern(words: list[str], *, prefix: bool = False) -> re.Pattern[str] | None:
    """One pattern matching any cue: English cues at word boundaries (``prefix``: at a word start
    only, so "personali" covers personalised; cues of three letters or fewer, "ai", "nps", stay whole
    words), Chinese cues anywhere; at each position the longest cue wins.

    The cues are compiled as a trie (``_trie``), not as one flat alternation: the regex engine then
    rejects a position on its first character instead of trying every cue there, which made the
    semantics rules cost ~10 ms per figure with a few hundred cues.
    """
    bounded: dict[str, bool] = {}
    free: dict[str, bool] = {}
    for w in {str(w) for w in words}:
        if not w:
            continue
        whole = bool(_WORDLIKE.match(w[-1])) and (not prefix or len(w.strip()) <= 3)
        (bounded if _WORDLIKE.match(w[0]) else free)[w] = whole
    parts = []
    if bounded:
        parts.append(r"(?<![a-z0-9])(?:" + _trie(bounded) + ")")
    if free:
        parts.append("(?:" + _trie(free) + ")")
    return re.compile("|".join(parts)) if parts else None


def _trie(words: dict[str, bool]) -> str:
    """A regex for ``words`` (word -> must end at a word boundary) that prefers the longest match:
    at each node the longer continuations are tried before the word that ends there."""
    root: dict = {}
    for word, whole in words.items():
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = whole
    return _node(root)


def _node(node: dict) -> str:
    branches = [re.escape(ch) + _node(child) for ch, child in sorted(node.items()) if ch != ""]
    if "" in node:
        branches.append(r"(?![a-z0-9])" if node[""] else "")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
