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

import os

import dagster as dg

from pipelines.defs.jobs import build_catalogue_job
from pipelines.defs.partitions import reports_partitions
from pipelines.defs.resources import CxbenchSettings
from pipelines.defs.runs import RANGE_END, RANGE_START
from pipelines.ingest.registry import load_registry
from pipelines.source_changes import SourceChanges, SourceState, changed_span, compare, partition_plan, source_state

SENSOR_INTERVAL_ENV = "CXBENCH_SENSOR_INTERVAL"
DEFAULT_INTERVAL_SECONDS = 60


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
