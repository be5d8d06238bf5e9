"""The sources sensor: keep one report partition per document and rebuild what changed.

Belongs here: deciding, on each tick, which reports are new, changed (by content SHA-256) or gone,
and turning that into partition requests plus one run over the partitions that need work.
The first tick asks for every report; later ticks ask for the span of reports that were added
or changed (``changed_span``), and the release still assembles every report from the work store.
Hashing local files is cheap next to extraction; URL sources are keyed by their address here and
re-fetched by the schedule (``pipelines.defs.schedules``), not on every tick.

The cursor is JSON: ``{"reports": {report_id: sha256 or "url:<address>"}, "registry": sha256}``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipelines.defs.jobs import build_catalogue_job
from pipelines.defs.partitions import reports_partitions
from pipelines.defs.resources import CxbenchSettings
from pipelines.defs.runs import RANGE_END, RANGE_START
from pipelines.ingest.registry import REGISTRY_FILES, Registry, load_registry

SENSOR_INTERVAL_ENV = "CXBENCH_SENSOR_INTERVAL"
DEFAULT_INTERVAL_SECONDS = 60


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


def partition_plan(
    existing: list[str], wanted: list[str]
) -> tuple[list[str], list[str], list[str]]:
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


def build_run_request(
    settings: CxbenchSettings, keys: list[str], reason: str, touched: set[str] | None = None
) -> dg.RunRequest:
    """One run over the touched reports' span (all keys when ``touched`` is None)."""
    start, end = (keys[0], keys[-1]) if touched is None else changed_span(keys, touched)
    return dg.RunRequest(
        run_config={"resources": {"cxbench": {"config": settings.model_dump()}}},
        tags={RANGE_START: start, RANGE_END: end, "cxbench/reason": reason[:200]},
    )


def sensor_interval() -> int:
    return int(os.environ.get(SENSOR_INTERVAL_ENV) or DEFAULT_INTERVAL_SECONDS)


def _reason(changes: SourceChanges) -> str:
    parts = [f"{len(changes.added)} new", f"{len(changes.changed)} changed", f"{len(changes.removed)} removed"]
    if changes.registry_changed:
        parts.append("registry edited")
    return ", ".join(parts)


@dg.sensor(
    name="sources_sensor",
    target=build_catalogue_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=sensor_interval(),
    description="Adds, rebuilds and removes report partitions as documents appear, change or disappear.",
)
def sources_sensor(context: dg.SensorEvaluationContext, cxbench: CxbenchSettings) -> dg.SensorResult:
    registry = load_registry(cxbench.sources_dir)
    current = source_state(registry)
    changes = compare(SourceState.from_cursor(context.cursor), current)
    existing = list(context.instance.get_dynamic_partitions(reports_partitions.name))
    to_add, to_delete, keys = partition_plan(existing, list(current.reports))
    requests: list = []
    if to_add:
        requests.append(reports_partitions.build_add_request(to_add))
    if to_delete:
        requests.append(reports_partitions.build_delete_request(to_delete))
    if not (changes.any or to_add or to_delete):
        return dg.SensorResult(skip_reason=dg.SkipReason("no report was added, changed or removed"))
    reason = _reason(changes)
    context.log.info(f"sources changed: {reason}")
    # Everything on the first tick (the work store may be empty) and after a registry edit (any
    # report's metadata may have changed); otherwise the span of added and changed reports.
    everything = context.cursor is None or changes.registry_changed
    touched = None if everything else set(changes.added) | set(changes.changed) | set(to_add)
    runs = [build_run_request(cxbench, keys, reason, touched)] if keys else []
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=requests,
        cursor=current.to_cursor(),
        skip_reason=None if runs else dg.SkipReason("every report was removed; nothing to build"),
    )
