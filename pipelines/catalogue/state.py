"""Which versions are released: ``latest.json`` and ``index.json`` read strictly (``recovery`` repairs them).

``latest.json`` is the single commit point; ``index.json`` lists every released version and is
written after it, so the newest entry may be missing from the index after a crash (readers take
it from ``latest.json``). Damage is never guessed around: a pointer file that is not valid JSON,
or a catalogue whose index lists versions while ``latest.json`` is gone, raises
``CatalogueError`` with one line that names the file and the repair command. Publishing on top
of such a catalogue would re-issue version numbers that consumers already downloaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pipelines.catalogue import layout
from pipelines.catalogue.storage import Store

REPAIR_HINT = "cxbench catalogue repair"


class CatalogueError(Exception):
    """The catalogue itself is damaged or inconsistent; the message is one line for a person."""


@dataclass
class Released:
    """The released versions: the latest entry (None for an empty catalogue) and every entry up to it."""

    latest: dict[str, Any] | None
    entries: list[dict[str, Any]] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)  # every version index.json names, released or not

    @property
    def version(self) -> str | None:
        return self.latest["version"] if self.latest else None


def repair_hint(root: str) -> str:
    return f"`{REPAIR_HINT} --catalogue {root}`"


def read_pointer(store: Store, rel: str) -> dict[str, Any] | None:
    """A pointer file (latest.json, index.json) as a dict; None when absent; CatalogueError when damaged."""
    try:
        data = store.read_bytes(rel)
    except FileNotFoundError:
        return None
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueError(
            f"{store.url_of(rel)} is damaged (not valid JSON: {exc}); run {repair_hint(store.url)}"
        ) from None
    if not isinstance(value, dict) or not _well_formed(rel, value):
        raise CatalogueError(f"{store.url_of(rel)} is damaged (unexpected content); run {repair_hint(store.url)}")
    return value


def _well_formed(rel: str, value: dict[str, Any]) -> bool:
    from pipelines.catalogue.bump import version_key

    entries = [value] if rel == layout.LATEST else value.get("versions", [])
    if not isinstance(entries, list):
        return False
    try:
        for entry in entries:
            version_key(entry["version"])
    except (KeyError, TypeError, ValueError):
        return False
    return True


def released(store: Store) -> Released:
    """The released versions, or CatalogueError when the pointer files contradict the folders."""
    from pipelines.catalogue.bump import version_key

    latest = read_pointer(store, layout.LATEST)
    index = read_pointer(store, layout.INDEX) or {}
    listed = list(index.get("versions", []))
    if latest is None:
        # Folders without any pointer file are what a first publish killed before latest.json
        # leaves: unreleased leftovers. An index entry, though, is only written after latest.json.
        if listed:
            raise CatalogueError(
                f"{store.url_of(layout.LATEST)} is missing but {layout.INDEX} lists {len(listed)} version(s);"
                f" run {repair_hint(store.url)}"
            )
        return Released(None)
    current = version_key(latest["version"])
    entries = {e["version"]: e for e in listed if version_key(e["version"]) <= current}
    entries.setdefault(latest["version"], {k: v for k, v in latest.items() if k != "name"})
    ordered = sorted(entries.values(), key=lambda e: version_key(e["version"]))
    return Released(latest, ordered, {e["version"] for e in listed} | {latest["version"]})


def json_bytes(value: Any) -> bytes:
    """How the catalogue writes its JSON files (pretty, UTF-8, newline-terminated)."""
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n").encode()
