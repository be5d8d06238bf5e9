"""The sources sensor: ask for a run when a report is added, changed (by content SHA-256) or removed.

The run itself decides which reports need extracting (by fingerprint, ``pipelines.incremental``),
so the sensor only has to notice that something changed. URL sources are keyed by their address
here and re-fetched by the schedule (``pipelines.defs.schedules``), not on every tick.

The cursor is JSON: ``{"reports": {report_id: sha256 or "url:<address>"}, "registry": sha256}``.
"""

from __future__ import annotations

import os

import dagster as dg

from pipelines.defs.jobs import build_catalogue_job, run_config, run_tags
from pipelines.defs.resources import CxbenchSettings
from pipelines.ingest.registry import load_registry
from pipelines.source_changes import SourceChanges, SourceState, compare, source_state

SENSOR_INTERVAL_ENV = "CXBENCH_SENSOR_INTERVAL"
DEFAULT_INTERVAL_SECONDS = 60


def sensor_interval() -> int:
    return int(os.environ.get(SENSOR_INTERVAL_ENV) or DEFAULT_INTERVAL_SECONDS)


def describe(changes: SourceChanges) -> str:
    parts = [f"{len(changes.added)} new", f"{len(changes.changed)} changed", f"{len(changes.removed)} removed"]
    if changes.registry_changed:
        parts.append("registry edited")
    return ", ".join(parts)


@dg.sensor(
    name="sources_sensor",
    target=build_catalogue_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=sensor_interval(),
    description="Requests a build when a report in the sources folder is added, changed or removed.",
)
def sources_sensor(context: dg.SensorEvaluationContext, cxbench: CxbenchSettings) -> dg.SensorResult:
    registry = load_registry(cxbench.sources_dir)
    current = source_state(registry)
    changes = compare(SourceState.from_cursor(context.cursor), current)
    if not changes.any:
        return dg.SensorResult(skip_reason=dg.SkipReason("no report was added, changed or removed"))
    reason = describe(changes)
    context.log.info(f"sources changed: {reason}")
    if not current.reports:
        return dg.SensorResult(
            cursor=current.to_cursor(), skip_reason=dg.SkipReason("every report was removed; nothing to build")
        )
    # No run key: the cursor already asks once per change, and a folder put back to an earlier state
    # (a file restored) must build again, which a key derived from the state would refuse.
    request = dg.RunRequest(run_config=run_config(cxbench), tags=run_tags(cxbench, reason))
    return dg.SensorResult(run_requests=[request], cursor=current.to_cursor())
