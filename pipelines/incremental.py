"""Incremental builds without Dagster: which reports to extract, the map over them, their status.

Belongs here: the per-report part of a build as plain functions, so the Dagster assets stay thin and
a benchmark or test can run the same code. A report is extracted again only when its fingerprint
(content hash, registry entry, extraction code version, page cap) changed, it failed by running out
of time or memory last time, or it is asked for by name (``cxbench run --report ID``); every other
report's stored extract is reused. The report-status table says, per report, how far it got.

Where a sources folder keeps this state, and the no-change check, live in
``pipelines.source_changes`` (light imports, so ``cxbench run`` can skip a run cheaply).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipelines.build import Extract, ExtractTask, Failure, assemble, extract_report
from pipelines.engine import Engine, Limits, TaskOutcome, describe_end
from pipelines.ingest.registry import Registry
from pipelines.model import Snapshot, SourceSpec
from pipelines.source_changes import EXTRACT_CODE, code_version
from pipelines.workstore import WorkStore, fingerprint

EXTRACTS = "extracts"  # work-store stage of per-report extracts


def extract_code_version() -> str:
    return code_version(*EXTRACT_CODE)


# --- the map over reports ---------------------------------------------------------------------


@dataclass
class ExtractRun:
    """What the per-report map did: every report's extract, and which were reused or computed."""

    extracts: dict[str, Extract]
    reused: set[str] = field(default_factory=set)
    computed: set[str] = field(default_factory=set)
    ended: set[str] = field(default_factory=set)  # ended by the engine (time, memory, crash): retried next run
    wall_seconds: float = 0.0  # the map's wall time (computed reports only)
    startup_seconds: float = 0.0  # part of it spent starting the engine (e.g. a Dask LocalCluster)
    engine: str = ""
    # Reports whose stored extract could not be loaded (truncated, damaged): computed again, and why.
    unreadable: dict[str, str] = field(default_factory=dict)
    # The fingerprint each report's extract is stored under: its rows are read back from the store by
    # ``assemble_datasets``, not kept in ``extracts`` (whose values carry no rows).
    prints: dict[str, str] = field(default_factory=dict)


def task_fingerprint(task: ExtractTask, code: str) -> str:
    return fingerprint(task.snapshot.sha256, dataclasses.astuple(task.spec), task.max_pages, code)


def run_extracts(
    store: WorkStore,
    tasks: Mapping[str, ExtractTask],
    engine: Engine,
    *,
    limits: Limits = Limits(),  # noqa: B008 - frozen
    force: Iterable[str] = (),
    code: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExtractRun:
    """Extract the reports whose fingerprint changed (or in ``force``) on ``engine``; reuse the rest.

    Each worker stores the extract it computed itself (``extract_and_store``) and sends back only its
    status, so a report's rows are pickled once, where they were made, instead of travelling through
    the engine's pipe to be unpickled and pickled again by this process (which shares the cores with
    the workers). A run that dies part-way keeps what it finished. Extracts of reports no longer in
    ``tasks`` are deleted from the store, and so are the temporary files of writes a worker ended by
    the engine left behind (the store's ``os.replace`` never shows a half-written extract).
    """
    code = code or extract_code_version()
    force = set(force)
    run = ExtractRun(extracts={}, engine=engine.name)
    todo: list[tuple[str, StoreJob]] = []
    prints = {}
    for report_id, task in tasks.items():
        prints[report_id] = task_fingerprint(task, code)
        stored = store.load(EXTRACTS, report_id) if report_id not in force else None
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == prints[report_id]:
            run.extracts[report_id] = _without_rows(stored[1])
            run.prints[report_id] = prints[report_id]
            run.reused.add(report_id)
        else:
            todo.append((report_id, StoreJob(str(store.root), prints[report_id], task)))
    run.unreadable = {key: why for stage, key, why in store.unreadable if stage == EXTRACTS and key in tasks}
    store.discard(EXTRACTS, set(store.keys(EXTRACTS)) - set(tasks))
    store.sweep_temporary(EXTRACTS)
    started = time.perf_counter()
    for done, outcome in enumerate(engine.map(extract_and_store, todo), start=1):
        key = outcome.key
        run.computed.add(key)
        if outcome.ok:  # the worker stored (fingerprint, extract) under ``key`` before it answered
            run.extracts[key] = outcome.value
            run.prints[key] = prints[key]
        else:
            run.extracts[key] = _extract_of(outcome, tasks[key], limits)
            if outcome.ended:
                run.ended.add(key)
                store.discard(EXTRACTS, [key])  # not a verdict on the document: try again next run
            else:  # the worker failed outside the extraction (e.g. storing it): recorded, not retried
                store.save(EXTRACTS, key, (prints[key], run.extracts[key]))
                run.prints[key] = prints[key]
        if on_progress:
            on_progress(done, len(todo))
    run.wall_seconds = time.perf_counter() - started
    store.sweep_temporary(EXTRACTS)  # writes cut short by a worker the engine ended in this run
    run.startup_seconds = float(getattr(engine, "startup_seconds", 0.0))
    return run


@dataclass(frozen=True)
class StoreJob:
    """One report for a worker: extract it and store the result under ``fingerprint`` in the work store
    at ``store_root`` (a path the worker can write: same machine, or a shared filesystem for Dask)."""

    store_root: str
    fingerprint: str
    task: ExtractTask


def extract_and_store(job: StoreJob) -> Extract:
    """Run on an engine's worker: extract one report, store it, return its status without the rows."""
    extract = extract_report(job.task)
    WorkStore(job.store_root).save(EXTRACTS, job.task.spec.report_id, (job.fingerprint, extract))
    return _without_rows(extract)


def _without_rows(extract: Extract) -> Extract:
    """The extract's status only: its rows stay in the store until the datasets are assembled."""
    return dataclasses.replace(extract, rows=None) if extract.rows is not None else extract


ASSEMBLE_CHUNK = 500  # reports whose rows are turned into typed frames at a time


def assemble_datasets(store: WorkStore, run: ExtractRun, chunk: int = ASSEMBLE_CHUNK) -> dict[str, pd.DataFrame]:
    """The datasets (``build.assemble``) from the stored rows of every report that got through.

    Rows are read back from the store ``chunk`` reports at a time instead of being kept since
    extraction: as Python objects they take several times the memory of the typed frames, which
    is what kept a 10,000-report build from fitting in 2 GiB. Every dataset is sorted by report_id
    first, so frames of chunks taken in report order concatenate in the published order.
    """
    keys = sorted(k for k, e in run.extracts.items() if e.ok)
    parts = []
    for start in range(0, len(keys), chunk):
        rows = []
        for key in keys[start : start + chunk]:
            stored = store.load(EXTRACTS, key)
            if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == run.prints.get(key)):
                raise RuntimeError(
                    f"{key}: its stored extract changed or went missing during the run; run again (a Dask "
                    f"cluster's workers must share the work store's filesystem: {store.root})"
                )
            rows.append(stored[1].rows)
        parts.append(assemble(rows))
    if len(parts) <= 1:
        return parts[0] if parts else assemble([])
    return {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}


def _extract_of(outcome: TaskOutcome, task: ExtractTask, limits: Limits) -> Extract:
    if outcome.ok:
        return outcome.value
    source = task.snapshot.source_file or task.snapshot.source_url
    stage = "limits" if outcome.ended else "internal"
    error = {"time": "TimeLimit", "memory": "MemoryLimit", "crash": "WorkerDied"}.get(outcome.ended or "", "Error")
    failure = Failure(task.spec.report_id, stage, error, describe_end(outcome, limits), source)
    return Extract(
        task.spec.report_id, failure=failure, stage_reached="parse", stage_seconds={"total": outcome.seconds}
    )


# --- report status ----------------------------------------------------------------------------

STATUS_COLUMNS = (
    "report_id",
    "source",
    "stage_reached",
    "outcome",
    "error",
    "seconds",
    "content_sha256",
    "reused",
)


def status_rows(
    specs: Iterable[SourceSpec],
    snapshots: Mapping[str, Snapshot | Failure],
    run: ExtractRun,
    registry_problems: Iterable[Failure] = (),
) -> list[dict[str, Any]]:
    """One row per report: how far it got, how it ended, in how many seconds, reused or computed.

    ``stage_reached`` is "published" for a report whose rows are in the datasets, else the stage it
    failed in (registry, fetch, sniff, decode, parse, clean, figures, limits...); ``error`` is then
    "ErrorType: message".
    """
    rows = []
    for spec in specs:
        snap = snapshots.get(spec.report_id)
        extract = run.extracts.get(spec.report_id)
        if isinstance(snap, Snapshot) and extract is not None:
            failure = extract.failure
            row = _row(spec.report_id, spec.file or spec.url, failure, extract.seconds, snap.sha256)
            row["reused"] = spec.report_id in run.reused
        else:
            failure = snap if isinstance(snap, Failure) else Failure(spec.report_id, "fetch", "Missing", "no snapshot")
            row = _row(spec.report_id, spec.file or spec.url, failure, 0.0, None)
        rows.append(row)
    rows += [_row(p.report_id, p.source, p, 0.0, None) for p in registry_problems]
    return sorted(rows, key=lambda r: r["report_id"])


def _row(report_id: str, source: str | None, failure: Failure | None, seconds: float, sha: str | None) -> dict:
    return {
        "report_id": report_id,
        "source": source,
        "stage_reached": failure.stage if failure else "published",
        "outcome": "failed" if failure else "ok",
        "error": f"{failure.error}: {failure.message}" if failure else None,
        "seconds": round(seconds, 4),
        "content_sha256": sha,
        "reused": False,
    }


def failures_from_status(rows: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The failed reports of a report-status table as failure records (the release manifest's shape)."""
    failures = []
    for row in rows:
        if row["outcome"] == "failed":
            error, _, message = str(row["error"]).partition(": ")
            failures.append(Failure(row["report_id"], row["stage_reached"], error, message, row["source"]).as_dict())
    return failures


def registry_failures(registry: Registry) -> list[Failure]:
    """Registry entries that never became a report (bad ids, paths outside the folder...)."""
    return [Failure.from_exception(p.report_id, p.error) for p in registry.problems]
