"""What changed in a sources folder since the last build: pure helpers for incremental runs.

Belongs here: hashing the sources, comparing two states, and choosing the smallest partition
range that covers the reports needing work. Used by the sources sensor and by ``cxbench run``;
no Dagster import, so it is tested on its own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.registry import REGISTRY_FILES, Registry


@dataclass(frozen=True)
class SourceState:
    """What the sensor remembers between ticks."""

    reports: dict[str, str] = field(default_factory=dict)
    registry: str = ""

    @classmethod
    def from_cursor(cls, cursor: str | None) -> SourceState:
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
        except json.JSONDecodeError:
            return cls()  # an unreadable cursor only costs one full (mostly reused) run
        return cls(dict(data.get("reports") or {}), str(data.get("registry") or ""))

    def to_cursor(self) -> str:
        return json.dumps({"reports": self.reports, "registry": self.registry}, sort_keys=True)


@dataclass(frozen=True)
class SourceChanges:
    added: list[str]
    changed: list[str]
    removed: list[str]
    registry_changed: bool

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.registry_changed)


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def source_state(registry: Registry) -> SourceState:
    """Content hash of every local report, the address of every URL report, the registry's hash."""
    reports = {
        spec.report_id: f"url:{spec.url}" if spec.url else file_sha256(registry.root / spec.file)
        for spec in registry.specs
    }
    registry_files = [registry.root / name for name in REGISTRY_FILES if (registry.root / name).is_file()]
    return SourceState(reports, file_sha256(registry_files[0]) if registry_files else "")


def compare(previous: SourceState, current: SourceState) -> SourceChanges:
    before, now = previous.reports, current.reports
    return SourceChanges(
        added=sorted(k for k in now if k not in before),
        changed=sorted(k for k in now if k in before and before[k] != now[k]),
        removed=sorted(k for k in before if k not in now),
        registry_changed=previous.registry != current.registry,
    )


def partition_plan(existing: list[str], wanted: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(to add, to delete, key order after both) for the dynamic partitions.

    The instance keeps dynamic partitions in insertion order and a partition range is read in that
    order, so the range of the coming run is taken from the order the instance will hold after the
    requests of this tick are applied: surviving keys as they are, new keys appended.
    """
    wanted_set = set(wanted)
    to_delete = [k for k in existing if k not in wanted_set]
    kept = [k for k in existing if k in wanted_set]
    existing_set = set(existing)
    to_add = [k for k in wanted if k not in existing_set]
    return to_add, to_delete, kept + to_add


def changed_span(keys: list[str], touched: set[str]) -> tuple[str, str]:
    """The smallest partition range (in instance order) covering every touched report.

    Dagster writes a few events per partition and asset of a run (about 0.1 s each on SQLite),
    so a run over all partitions costs time in proportion to the corpus even when every report
    is reused; a run over the changed span costs those reports only. The release still holds
    every report: ``datasets`` reads all partitions' rows from the work store. With nothing
    touched (only removals) the last key stands in, so the release is rebuilt at the cost of one
    reused report.
    """
    positions = [i for i, k in enumerate(keys) if k in touched]
    if not positions:
        return keys[-1], keys[-1]
    return keys[positions[0]], keys[positions[-1]]
