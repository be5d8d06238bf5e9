"""Assets: the lineage from the sources folder to the published datasets, a few coarse steps.

source_registry -> raw_snapshots -> report_extracts -> reports / observations / tables / report_status.
Reports are rows, not partitions: each asset handles every report of the folder in one step, so a
run's events do not grow with the number of reports. ``report_extracts`` maps the per-report work
(parse, clean, figures, tables) over the reports that changed on the engine resource; unchanged
reports are reused by fingerprint. Per-report status is data (``report_status``), shown in the
asset's metadata: a failed report is listed as failed, never as materialized. Domain logic lives in
``pipelines.build``, ``pipelines.incremental``, ``pipelines.ingest`` and ``pipelines.catalogue``.
"""

import hashlib
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import pandas as pd

from pipelines.build import ExtractTask, Failure, add_benchmarks
from pipelines.defs.resources import CxbenchSettings, ReportEngine
from pipelines.incremental import (
    STATUS_COLUMNS,
    ExtractRun,
    assemble_datasets,
    extract_code_version,
    registry_failures,
    run_extracts,
    status_rows,
)
from pipelines.ingest.registry import Registry, load_registry
from pipelines.ingest.snapshots import SnapshotStore
from pipelines.model import Snapshot
from pipelines.quality.quarantine import split
from pipelines.source_changes import source_state

SNAPSHOT_THREADS = 8
METADATA_ROWS = 50  # failed reports listed in metadata; the report_status dataset has them all
PROGRESS = "progress"  # work-store record the CLI's progress bar reads


@dg.asset(group_name="sources", description="The sources folder and its registry: which reports exist.")
def source_registry(cxbench: CxbenchSettings) -> dg.Output[Registry]:
    registry = load_registry(cxbench.sources_dir)
    state = source_state(registry)
    metadata = {
        "sources_dir": dg.MetadataValue.path(str(registry.root)),
        "reports": len(registry.specs),
        "url_sources": sum(1 for s in registry.specs if s.url),
        "registry_problems": len(registry.problems),
    }
    version = dg.DataVersion(hashlib.sha256(state.to_cursor().encode()).hexdigest()[:16])
    with warnings.catch_warnings():  # Output(data_version=...) is marked beta in Dagster 1.13
        warnings.simplefilter("ignore", dg.BetaWarning)
        return dg.Output(registry, data_version=version, metadata=metadata)


@dg.asset(
    group_name="per_report",
    description="Raw bytes of each report as an immutable content-addressed snapshot (files copied, URLs fetched).",
)
def raw_snapshots(
    context: dg.AssetExecutionContext, cxbench: CxbenchSettings, source_registry: Registry
) -> dict:  # report id -> Snapshot, or the Failure that kept it from one
    from pipelines.ingest.fetch import fetch_url
    from pipelines.ingest.limits import read_local_bytes

    store = SnapshotStore(cxbench.work_store().root / "snapshots")
    fetched: list[str] = []

    def local(spec) -> Snapshot:
        data = read_local_bytes(source_registry.root / spec.file, max_bytes=cxbench.max_bytes)
        record = store.last_record(spec.report_id)
        if _same_local_snapshot(store, record, spec.file, data):  # no rewrite (fsync) when unchanged
            return store.snapshot_from_record(spec.report_id, record)
        return store.put_bytes(spec.report_id, data, source_file=spec.file)

    def remote(spec) -> Snapshot:
        record = store.last_record(spec.report_id) if not cxbench.refetch_urls else None
        if record and record.get("url") == spec.url and store.has(str(record.get("sha256"))):
            return store.snapshot_from_record(spec.report_id, record)  # re-fetched only when asked
        fetched.append(spec.report_id)
        return fetch_url(
            spec.url, report_id=spec.report_id, store=store, policy=cxbench.fetch_policy(), expected_format=spec.format
        )

    def snapshot(spec) -> tuple[str, Snapshot | Failure]:
        try:
            return spec.report_id, remote(spec) if spec.url else local(spec)
        except Exception as exc:  # recorded per report; the others go on
            return spec.report_id, Failure.from_exception(spec.report_id, exc, spec.file or spec.url)

    # Local files on a few threads: a new snapshot waits on two fsyncs, which release the GIL.
    # URLs one at a time, as the fetch policy's retries and back-off assume.
    with ThreadPoolExecutor(SNAPSHOT_THREADS) as pool:
        out = dict(pool.map(snapshot, [s for s in source_registry.specs if not s.url]))
    out.update(snapshot(s) for s in source_registry.specs if s.url)
    failed = sorted(k for k, v in out.items() if isinstance(v, Failure))
    for key in failed[:METADATA_ROWS]:
        context.log.warning(f"{key}: snapshot failed: {out[key].message}")
    context.add_output_metadata({"reports": len(out), "urls_fetched": len(fetched), "failed": len(failed)})
    return out


def _same_local_snapshot(store: SnapshotStore, record: dict | None, file: str, data: bytes) -> bool:
    """The report's latest record already names these bytes, from this file, and they are stored."""
    if not record or record.get("url") or record.get("source_file") != file:
        return False
    sha256 = str(record.get("sha256"))
    return record.get("bytes") == len(data) and store.has(sha256) and hashlib.sha256(data).hexdigest() == sha256


@dg.asset(
    group_name="per_report",
    description="Each report parsed, cleaned and read for figures and tables, on the engine; unchanged ones reused.",
)
def report_extracts(
    context: dg.AssetExecutionContext,
    cxbench: CxbenchSettings,
    engine: ReportEngine,
    source_registry: Registry,
    raw_snapshots: dict,
) -> ExtractRun:
    specs = source_registry.by_id()
    tasks = {
        key: ExtractTask(specs[key], snap, cxbench.max_pages)
        for key, snap in raw_snapshots.items()
        if isinstance(snap, Snapshot)
    }
    unknown = sorted(set(cxbench.rebuild_reports) - set(specs))
    if unknown:
        raise dg.Failure(description=f"no such report in {cxbench.sources_dir}: {', '.join(unknown)}")
    store = cxbench.work_store()
    limits = cxbench.limits()
    last = [0.0]
    warm = GateWarmUp(enabled=engine.kind == "process")

    def progress(done: int, total: int) -> None:  # throttled: a file the CLI polls, not an event
        warm.start()
        if time.monotonic() - last[0] > 0.5 or done == total:
            last[0] = time.monotonic()
            store.save_json(PROGRESS, "current", {"run_id": context.run.run_id, "done": done, "total": total})

    try:
        run = run_extracts(
            store,
            tasks,
            engine.engine(limits),
            limits=limits,
            force=cxbench.rebuild_reports,
            code=extract_code_version(),
            on_progress=progress,
        )
    finally:
        warm.join()
    computed = [run.extracts[k] for k in run.computed]
    for key in sorted(run.ended)[:METADATA_ROWS]:
        context.log.warning(f"{key}: {run.extracts[key].failure.message}")
    for key, why in sorted(run.unreadable.items())[:METADATA_ROWS]:
        context.log.warning(f"{key}: stored extract {why}: extracted again")
    for extract in sorted(computed, key=lambda e: e.report_id)[:METADATA_ROWS]:
        for warning in extract.warnings:
            context.log.warning(f"{extract.report_id}: {warning}")
    seconds = sum(e.seconds for e in computed)
    warned = {k: e.warnings for k, e in sorted(run.extracts.items()) if e.warnings}
    context.add_output_metadata(
        {
            "reports_with_warnings": len(warned),
            "warnings": dg.MetadataValue.json(dict(list(warned.items())[:METADATA_ROWS])),
            "engine": run.engine,
            "reports": len(run.extracts),
            "computed": len(run.computed),
            "reused": len(run.reused),
            "failed": sum(1 for e in run.extracts.values() if not e.ok),
            "ended_by_limits": len(run.ended),
            "recomputed_unreadable": dg.MetadataValue.json(dict(sorted(run.unreadable.items())[:METADATA_ROWS])),
            "extraction_seconds": round(seconds, 3),
            "map_wall_seconds": round(run.wall_seconds, 3),
            "engine_startup_seconds": round(run.startup_seconds, 3),
            "reports_per_second": round(len(computed) / run.wall_seconds, 2) if run.wall_seconds else 0.0,
        }
    )
    return run


class GateWarmUp:
    """Import Great Expectations (and build its context) on a thread while the workers extract reports,
    and the semantics rules the datasets step builds the benchmarks with.

    A report was extracted, so the datasets change and the gate will need GX, whose import costs
    seconds. The import must not overlap another import in the main thread: two threads importing
    the same modules can see one half-initialised ("partially initialized module"), which is how an
    earlier unjoined prefetch raced with a later step importing SQLAlchemy. So the thread starts only
    once the first report came back (the pool's processes and the results' classes are imported by
    then; the map loop in the main thread imports nothing more) and is joined before the map's step
    ends. Only with the process engine: a Dask client's own threads import modules as they go.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.enabled and self.thread is None:
            self.thread = threading.Thread(target=self._warm_up, name="cxbench-gx-import", daemon=True)
            self.thread.start()

    @staticmethod
    def _warm_up() -> None:
        import pipelines.semantics  # noqa: F401 - the datasets step's benchmarks need it; seconds of imports
        from pipelines.quality.gx_adapter import warm_up

        warm_up()

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()


@dg.multi_asset(
    outs={
        "reports": dg.AssetOut(description="Published dataset: one row per report.", group_name="datasets"),
        "observations": dg.AssetOut(description="Published dataset: one row per stated figure.", group_name="datasets"),
        "tables": dg.AssetOut(description="Published dataset: raw cells of every table.", group_name="datasets"),
        "benchmarks": dg.AssetOut(
            description="Published dataset: one row per topic, measure, population, year and report.",
            group_name="datasets",
        ),
        "quarantine": dg.AssetOut(
            description="Rows held back by a row-level quality rule (an impossible percentage, a 1950 survey "
            "year): published beside the datasets instead of blocking the release.",
            group_name="datasets",
        ),
        "report_status": dg.AssetOut(
            description="Per report: source, stage reached, outcome, error, seconds, content hash, reused or "
            "computed. Failed reports are listed here as failed.",
            group_name="datasets",
        ),
    },
)
def datasets(
    context: dg.AssetExecutionContext,
    cxbench: CxbenchSettings,
    source_registry: Registry,
    raw_snapshots: dict,
    report_extracts: ExtractRun,
):
    # One odd figure never blocks the release: rows breaking a row-level rule are held back first, so the
    # blocking checks judge only what will be published (dataset-level rules still block).
    frames, quarantine = split(assemble_datasets(cxbench.work_store(), report_extracts))
    frames = add_benchmarks(frames)  # from the kept figures only: no benchmark names a held-back one
    problems = registry_failures(source_registry)
    rows = status_rows(source_registry.specs, raw_snapshots, report_extracts, problems)
    status = pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
    status.to_parquet(cxbench.work_store().root / "report_status.parquet", index=False)
    for name, df in frames.items():
        context.add_output_metadata({"rows": len(df), "preview": dg.MetadataValue.md(_preview(df))}, output_name=name)
    context.add_output_metadata(
        {"rows": len(quarantine), "preview": dg.MetadataValue.md(_preview(quarantine))}, output_name="quarantine"
    )
    context.add_output_metadata(status_metadata(status), output_name="report_status")
    return frames["reports"], frames["observations"], frames["tables"], frames["benchmarks"], quarantine, status


def status_metadata(status: pd.DataFrame) -> dict:
    """Counts per outcome, and every failed report (up to ``METADATA_ROWS``) with its source and error."""
    failed = status[status.outcome == "failed"]
    meta: dict = {
        "reports": len(status),
        "ok": int((status.outcome == "ok").sum()),
        "failed": len(failed),
        "reused": int(status.reused.sum()),
        "computed": int((~status.reused & status.content_sha256.notna()).sum()),
        "failed_reports": dg.MetadataValue.json(sorted(failed.report_id)[:METADATA_ROWS]),
    }
    if len(failed):
        shown = failed.head(METADATA_ROWS)
        lines = ["| report | source | stage reached | error |", "|---|---|---|---|"]
        lines += [
            f"| {r.report_id} | {r.source} | {r.stage_reached} | {str(r.error)[:160].replace('|', '/')} |"
            for r in shown.itertuples()
        ]
        more = len(failed) - len(shown)
        meta["failures"] = dg.MetadataValue.md(
            "\n".join(lines) + (f"\n\n{more} more in report_status." if more else "")
        )
    return meta


def _preview(df: pd.DataFrame, n: int = 5) -> str:
    if df.empty:
        return "_empty_"
    cols = [c for c in df.columns if c != "quote"][:8]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df[cols].head(n).itertuples(index=False):
        lines.append("| " + " | ".join(str(v).replace("|", "/")[:40] for v in row) + " |")
    return "\n".join(lines)
