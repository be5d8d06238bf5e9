"""The version-bump rule: a pure function from (old schema, new schema, row changes) to a level.

Versions are computed, never typed, so consumers can trust semver: a major release is the only
one that can break a reader. Kept free of I/O so every rule has a direct unit test.

Schema signatures are plain dicts, ``{dataset: {"fields": {name: {"type", "nullable", "enum"}},
"primary_key": [...]}}``, built from ``pipelines.schema`` for the new release and from the
previous ``datapackage.json`` for the old one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import semver

from pipelines.schema import Dataset

LEVELS = ("patch", "minor", "major")


@dataclass(frozen=True)
class RowCounts:
    """Rows added, removed (retracted) and changed (same key, other values) in one dataset."""

    added: int = 0
    removed: int = 0
    changed: int = 0


@dataclass
class BumpDecision:
    level: str | None  # "major" | "minor" | "patch" | None (nothing changed)
    reasons: list[str] = field(default_factory=list)


def schema_signature(datasets: Mapping[str, Dataset]) -> dict[str, Any]:
    """The parts of a schema whose change a consumer can notice."""
    return {
        name: {
            "fields": {
                f.name: {
                    "type": str(f.type),
                    "nullable": f.nullable,
                    "enum": list(f.enum) if f.enum else None,
                }
                for f in ds.fields
            },
            "primary_key": list(ds.primary_key),
        }
        for name, ds in datasets.items()
    }


def compute_bump(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    rows: Mapping[str, RowCounts],
    *,
    same_content: bool = False,
) -> BumpDecision:
    """Decide the bump and say why.

    major: a dataset or column removed or renamed, a column retyped or its nullability changed,
           a new required column, a changed primary key, a changed enum (e.g. the unit set).
    minor: a new dataset, a new nullable column, added rows.
    patch: changed values, removed (retracted) rows.
    None:  same content hash, or no difference found.
    """
    if same_content:
        return BumpDecision(None, ["content hash unchanged"])
    if old is None:
        return BumpDecision("major", ["first release"])
    found: dict[str, list[str]] = {level: [] for level in LEVELS}
    for name in sorted(set(old) | set(new)):
        if name not in new:
            found["major"].append(f"dataset {name} removed")
            continue
        if name not in old:
            found["minor"].append(f"dataset {name} added")
            continue
        _compare_dataset(name, old[name], new[name], found)
    for name in sorted(rows):
        counts = rows[name]
        if counts.added:
            found["minor"].append(f"{name}: {counts.added} row(s) added")
        if counts.changed:
            found["patch"].append(f"{name}: {counts.changed} row(s) corrected")
        if counts.removed:
            found["patch"].append(f"{name}: {counts.removed} row(s) retracted")
    for level in reversed(LEVELS):
        if found[level]:
            return BumpDecision(level, [r for lv in reversed(LEVELS) for r in found[lv]])
    return BumpDecision(None, ["no difference found"])


def _compare_dataset(name: str, old: Mapping[str, Any], new: Mapping[str, Any], found: dict) -> None:
    if list(old.get("primary_key", [])) != list(new.get("primary_key", [])):
        found["major"].append(f"{name}: primary key {old.get('primary_key')} -> {new.get('primary_key')}")
    old_fields, new_fields = old["fields"], new["fields"]
    for column in old_fields:
        if column not in new_fields:
            found["major"].append(f"{name}.{column}: column removed or renamed")
            continue
        before, after = old_fields[column], new_fields[column]
        if before["type"] != after["type"]:
            found["major"].append(f"{name}.{column}: type {before['type']} -> {after['type']}")
        if before["nullable"] != after["nullable"]:
            found["major"].append(f"{name}.{column}: nullable {before['nullable']} -> {after['nullable']}")
        if (before.get("enum") or None) != (after.get("enum") or None):
            found["major"].append(f"{name}.{column}: allowed values {before.get('enum')} -> {after.get('enum')}")
    for column in new_fields:
        if column not in old_fields:
            level = "minor" if new_fields[column]["nullable"] else "major"
            kind = "nullable" if new_fields[column]["nullable"] else "required"
            found[level].append(f"{name}.{column}: new {kind} column")


def next_version(previous: str | None, level: str) -> str:
    """Apply a bump; the first release is 1.0.0 whatever the level."""
    if previous is None:
        return "1.0.0"
    current = semver.Version.parse(previous)
    return str({"major": current.bump_major, "minor": current.bump_minor, "patch": current.bump_patch}[level]())


def version_key(version: str) -> semver.Version:
    """Sort key so 1.10.0 comes after 1.9.0."""
    return semver.Version.parse(version)
