"""Launching builds: keep report partitions in step with the sources, then run one job run.

Used by ``cxbench run`` and by the sources sensor. A run always covers every current report
partition as one partition range (one run, not one per report); unchanged reports are reused
from the work store by their fingerprints, so a run after one change costs that report plus
assembly and publishing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.defs.executors import execution_config
from pipelines.defs.partitions import reports_partitions
from pipelines.defs.resources import CxbenchSettings, default_dagster_home
from pipelines.defs.stages import CODE_VERSIONS, PER_REPORT_STAGES
from pipelines.ingest.registry import load_registry
from pipelines.source_changes import SourceState, changed_span, compare, source_state
from pipelines.workstore import WorkStore

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
BUILD_STATE = "build_state"  # work-store stage holding what the last successful build saw


@dataclass
class BuildOutcome:
    run_id: str
    success: bool
    release: dict[str, Any] | None
    gate: Any  # pipelines.quality.GateResult | None
    failures: list[dict] = field(default_factory=list)
    stage_stats: dict[str, dict] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# One "planned" event per asset for a partition range instead of one per report and asset:
# at 1,000 reports the per-partition planned events alone took minutes before any step ran
# (see docs/deploy/README.md). The cost: a failed run does not mark each report failed in the UI.
PLANNED_EVENTS_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
# Write a step's per-partition materializations as one batch. Postgres storage inserts a batch in
# one statement (measured at 1,000 reports: 42.4 s full build against 131.0 s on SQLite);
# SQLite's storage writes a batch event by event, so the default instance is unaffected.
EVENT_BATCH_ENV = "DAGSTER_EVENT_BATCH_SIZE"
EVENT_BATCH_SIZE = "1000"


def get_instance() -> dg.DagsterInstance:
    """The project's persistent instance, so CLI runs show up in ``make ui``."""
    os.environ.setdefault(PLANNED_EVENTS_ENV, "true")
    os.environ.setdefault(EVENT_BATCH_ENV, EVENT_BATCH_SIZE)
    home = default_dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    return dg.DagsterInstance.get()


def sync_partitions(instance: dg.DagsterInstance, report_ids: list[str]) -> tuple[list[str], list[str]]:
    """Add partitions for new reports and delete those whose report left the sources."""
    current = set(instance.get_dynamic_partitions(reports_partitions.name))
    wanted = list(dict.fromkeys(report_ids))
    added = [k for k in wanted if k not in current]
    removed = sorted(current - set(wanted))
    if added:
        instance.add_dynamic_partitions(reports_partitions.name, added)
    for key in removed:
        instance.delete_dynamic_partition(reports_partitions.name, key)
    return added, removed


def range_tags(start: str, end: str) -> dict[str, str]:
    """Tags that make a run cover the report partitions ``start`` to ``end`` (instance order)."""
    return {RANGE_START: start, RANGE_END: end}


def run_config(
    settings: CxbenchSettings, executor: str = "in_process", executor_options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run config pinning the settings and the engine (see ``pipelines.defs.executors``)."""
    return {
        "execution": execution_config(executor, **(executor_options or {})),
        "resources": {"cxbench": {"config": settings.model_dump()}},
        # The terminal shows warnings and the progress bar; every event still reaches the
        # instance's event log, so the UI shows the full run.
        "loggers": {"console": {"config": {"log_level": "WARNING"}}},
    }


def plan_range(store: WorkStore, state: SourceState, keys: list[str]) -> tuple[tuple[str, str], str]:
    """The partition range this build must run, and why.

    Every report after a code change (stored outputs of the others would be stale), a registry
    edit (metadata may have changed) or when there is no record of a previous build; otherwise
    the span of reports that were added, changed, never built, or failed to fetch last time
    (fetch failures can be transient). With nothing to redo the range is the last report alone:
    the run then costs one reused report plus assembly, and publishes nothing new.
    """
    everything = (keys[0], keys[-1])
    previous = store.load(BUILD_STATE, "_last")
    if not isinstance(previous, dict) or previous.get("code") != CODE_VERSIONS:
        return everything, "every report (first build, or the code changed)"
    changes = compare(previous["sources"], state)
    if changes.registry_changed:
        return everything, "every report (the registry changed)"
    touched = set(changes.added) | set(changes.changed) | set(previous.get("retry", ()))
    span = changed_span(keys, touched)
    return span, f"{len(touched)} report(s) added or changed, span {span[0]}..{span[1]}"


def launch_build(
    sources_dir: str | Path,
    catalogue_root: str,
    *,
    executor: str = "in_process",
    executor_options: dict[str, Any] | None = None,
    instance: dg.DagsterInstance | None = None,
    work_dir: str = "",
    partition_range: tuple[str, str] | None = None,
    full: bool = False,
) -> BuildOutcome:
    """Sync partitions, run the job once over the reports that need work, summarise.

    ``partition_range`` forces a range; ``full`` runs every report (each still reused when its
    fingerprint is unchanged); by default ``plan_range`` picks the span of changed reports. The
    release always assembles every report from the work store.
    """
    from pipelines import definitions

    instance = instance or get_instance()
    settings = CxbenchSettings(
        sources_dir=str(Path(sources_dir).resolve()),
        catalogue_root=_resolve_root(catalogue_root),
        work_dir=work_dir,
    )
    store = settings.work_store()
    registry = load_registry(settings.sources_dir)
    registry.require_reports()  # SourcesError: one line naming the refused files, never an empty run
    added, removed = sync_partitions(instance, [s.report_id for s in registry.specs])
    keys = list(instance.get_dynamic_partitions(reports_partitions.name))
    if not keys:
        raise ValueError(f"no reports found in {settings.sources_dir}")
    state = source_state(registry)
    if partition_range is None:
        partition_range, _ = ((keys[0], keys[-1]), "") if full else plan_range(store, state, keys)
    result = dg.execute_job(
        dg.reconstructable(definitions.build_catalogue),
        instance=instance,
        run_config=run_config(settings, executor, executor_options),
        tags=range_tags(*partition_range),
        raise_on_error=False,
    )
    run_id = result.run_id
    release = None
    event = instance.get_latest_materialization_event(dg.AssetKey("catalogue_release"))
    if event is not None and event.run_id == run_id:
        release = store.load("catalogue_release", "_all")
    failures = (
        store.load("report_failures", "_all") or [] if _materialized_in(instance, "report_failures", run_id) else []
    )
    if result.success:  # fetch failures may be transient: the next build tries those reports again
        retry = sorted({f["report_id"] for f in failures if f["stage"] == "fetch"})
        store.save(BUILD_STATE, "_last", {"code": CODE_VERSIONS, "sources": state, "retry": retry})
    in_run = keys[keys.index(partition_range[0]) : keys.index(partition_range[1]) + 1]
    stats = {}
    for stage in PER_REPORT_STAGES:
        meta = _step_metadata(instance, stage, run_id)  # the counts the stage recorded, not re-read pickles
        stats[stage] = {
            "computed": meta.get("computed", 0),
            "reused": meta.get("reused", 0),
            "not in run": len(keys) - len(in_run),
        }
    return BuildOutcome(
        run_id=run_id,
        success=result.success,
        release=release,
        gate=store.load("quality_gate", run_id),
        failures=failures,
        stage_stats=stats,
        added=added,
        removed=removed,
    )


def _step_metadata(instance: dg.DagsterInstance, asset: str, run_id: str) -> dict[str, Any]:
    event = instance.get_latest_materialization_event(dg.AssetKey(asset))
    if event is None or event.run_id != run_id:
        return {}
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def _materialized_in(instance: dg.DagsterInstance, asset: str, run_id: str) -> bool:
    event = instance.get_latest_materialization_event(dg.AssetKey(asset))
    return event is not None and event.run_id == run_id


def _resolve_root(root: str) -> str:
    return root if "://" in root else str(Path(root).resolve())
