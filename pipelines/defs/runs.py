"""Launching builds from the command line, tests and benchmarks: one Dagster run per build.

A build is skipped outright when nothing it depends on changed since the last successful build of
the same sources folder into the same catalogue (``pipelines.source_changes``): same sources, same
code, same ``CXBENCH_*`` settings, and that build's release still the current one. Otherwise one run
of ``build_catalogue`` extracts what changed on the engine and reassembles, checks and publishes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from pipelines.defs.checks import GATE_STAGE, LAST_RUN
from pipelines.defs.jobs import run_config, run_tags
from pipelines.defs.resources import CxbenchSettings, default_dagster_home
from pipelines.incremental import failures_from_status
from pipelines.ingest.registry import load_registry
from pipelines.locks import build_locks, hold, instance_lock_path
from pipelines.source_changes import (
    build_key,
    latest_content_hash,
    save_build_record,
    source_state,
    unchanged_since_last_build,
)
from pipelines.workstore import WorkStore


@dataclass
class BuildOutcome:
    run_id: str | None
    success: bool
    release: dict[str, Any] | None
    gate: Any = None  # pipelines.quality.GateResult | None
    failures: list[dict] = field(default_factory=list)
    extracts: dict[str, Any] = field(default_factory=dict)  # report_extracts' metadata: computed, reused...
    status: pd.DataFrame | None = None  # the report_status dataset
    skipped: bool = False  # nothing changed since the last build: no run was launched
    events: int = 0  # events the run wrote (flat in the number of reports)
    error: Any = None  # the first failed step's error (dagster SerializableErrorInfo), for the summary
    waited: bool = False  # another run held this folder's or catalogue's lock first (pipelines.locks)


def get_instance() -> dg.DagsterInstance:
    """The project's persistent instance, so CLI runs show up in ``make ui``."""
    home = default_dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    with hold(instance_lock_path(home), f"Dagster instance {home}", notice=None):
        return dg.DagsterInstance.get()


def settings_for(sources_dir: str | Path, catalogue_root: str, work_dir: str = "", **more: Any) -> CxbenchSettings:
    root = catalogue_root if "://" in catalogue_root else str(Path(catalogue_root).resolve())
    return CxbenchSettings(sources_dir=str(Path(sources_dir).resolve()), catalogue_root=root, work_dir=work_dir, **more)


def launch_build(
    sources_dir: str | Path,
    catalogue_root: str,
    *,
    engine: dict[str, Any] | None = None,
    instance: dg.DagsterInstance | None = None,
    work_dir: str = "",
    full: bool = False,
    reports: list[str] | tuple[str, ...] = (),
    reason: str = "cxbench run",
    console_level: str = "WARNING",
) -> BuildOutcome:
    """Build the catalogue from ``sources_dir`` unless nothing changed (``full`` runs regardless).

    ``engine`` configures the per-report engine resource (``{"kind": "dask", "workers": 2}``);
    ``reports`` are extracted again even if unchanged (``cxbench run --report ID``).
    ``console_level`` is the threshold of Dagster's terminal log (``cxbench run`` prints its own
    summary, so it shows none of the events; the instance keeps all of them for the UI).
    """
    settings = settings_for(sources_dir, catalogue_root, work_dir, rebuild_reports=list(reports))
    registry = load_registry(settings.sources_dir)
    registry.require_reports()  # SourcesError: one line naming the refused files, never an empty run
    unknown = sorted(set(reports) - {s.report_id for s in registry.specs})
    if unknown:
        raise ValueError(f"no such report in {settings.sources_dir}: {', '.join(unknown)}")
    store = settings.work_store()
    # One build at a time per sources folder and per catalogue; a run that waited looks again at what
    # changed, so it reports that the other run did the work instead of doing it twice.
    with build_locks(store.root, settings.sources_dir, default_dagster_home(), settings.catalogue_root) as waited:
        outcome = _launch_locked(settings, registry, store, engine, instance, full, reports, reason, console_level)
    outcome.waited = waited
    return outcome


def _launch_locked(
    settings: CxbenchSettings,
    registry: Any,
    store: WorkStore,
    engine: dict[str, Any] | None,
    instance: dg.DagsterInstance | None,
    full: bool,
    reports: list[str] | tuple[str, ...],
    reason: str,
    console_level: str,
) -> BuildOutcome:
    key = build_key(source_state(registry).to_cursor(), settings.sources_dir, settings.catalogue_root, {})
    record = None if (full or reports) else unchanged_since_last_build(store, settings.catalogue_root, key)
    if record is not None:
        release = {**(record.get("release") or {}), "published": False}
        return BuildOutcome(record.get("run_id"), True, release, failures=record.get("failures", []), skipped=True)

    from pipelines.definitions import defs

    instance = instance or get_instance()
    tags = run_tags(settings, f"{reason}: rebuild {', '.join(reports)}" if reports else reason)
    # The terminal shows warnings; every event still reaches the instance, so the UI shows the full run.
    config = {**run_config(settings, engine), "loggers": {"console": {"config": {"log_level": console_level}}}}
    result = defs.resolve_job_def("build_catalogue").execute_in_process(
        run_config=config, instance=instance, tags=tags, raise_on_error=False
    )
    outcome = read_outcome(instance, store, result.run_id, result.success)
    if outcome.success and outcome.release:
        retry = bool(outcome.extracts.get("ended_by_limits")) or any(f["stage"] == "fetch" for f in outcome.failures)
        save_build_record(
            store,
            settings.catalogue_root,
            {
                "key": key,
                "run_id": result.run_id,
                "release": outcome.release,
                "content_hash": latest_content_hash(settings.catalogue_root),
                "retry": retry,  # time/memory endings and fetch failures may pass next time
                "failures": outcome.failures,
            },
        )
    return outcome


def read_outcome(instance: dg.DagsterInstance, store: WorkStore, run_id: str, success: bool) -> BuildOutcome:
    """What the run did, read from its own events (never from another run's, which may have
    materialized the same assets since: runs of other sources folders share the instance)."""
    materialized = _materializations(instance, run_id)
    release = store.load("assets", "catalogue_release") if "catalogue_release" in materialized else None
    status = store.load("assets", "report_status") if "report_status" in materialized else None
    gate = store.load(GATE_STAGE, LAST_RUN)
    failures = failures_from_status(status.to_dict("records")) if status is not None else []
    return BuildOutcome(
        run_id=run_id,
        success=success,
        release=release,
        gate=gate[1] if isinstance(gate, tuple) and gate[0] == run_id else None,
        failures=failures,
        extracts=materialized.get("report_extracts", {}),
        status=status,
        events=len(instance.all_logs(run_id)),
        error=None if success else _first_error(instance, run_id),
    )


def _materializations(instance: dg.DagsterInstance, run_id: str) -> dict[str, dict[str, Any]]:
    """Metadata of each asset this run materialized, by asset name."""
    found = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = entry.asset_materialization
        if materialization is not None:
            found[materialization.asset_key.to_user_string()] = {
                k: v.value for k, v in materialization.metadata.items()
            }
    return found


def _first_error(instance: dg.DagsterInstance, run_id: str) -> Any:
    """The error of the run's first failed step (what the summary names as the cause)."""
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        data = entry.dagster_event.step_failure_data if entry.dagster_event else None
        if data is not None:
            if data.user_failure_data is not None and data.user_failure_data.description:
                return data.user_failure_data.description
            return data.error
    return None
