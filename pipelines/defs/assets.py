"""Assets: the lineage from the sources folder to the published catalogue version.

Per-report assets are partitioned by report and run all of a run's reports in one step
(``BackfillPolicy.single_run``); their values are ``{report_id: StageOutput}``. The unpartitioned
assets assemble the datasets, judge them (``quality_gate``) and publish. Domain logic lives in
``pipelines.build``, ``pipelines.ingest``, ``pipelines.quality`` and ``pipelines.catalogue``.
"""

import dataclasses
import hashlib
import time
import warnings
from typing import Any

import dagster as dg
import pandas as pd

from pipelines.build import Failure, ReportRows, assemble, clean_stage, figures_stage, parse_stage
from pipelines.defs.partitions import reports_partitions
from pipelines.defs.resources import CxbenchSettings
from pipelines.defs.stages import CODE_VERSIONS, PER_REPORT_STAGES, run_stage, stage_metadata
from pipelines.ingest.registry import Registry, load_registry
from pipelines.ingest.snapshots import SnapshotStore
from pipelines.model import Snapshot
from pipelines.source_changes import source_state
from pipelines.workstore import StageOutput, fingerprint

PER_REPORT = dict(
    partitions_def=reports_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="per_report",
)


@dg.asset(group_name="sources", description="The sources folder and its registry: which reports exist.")
def source_registry(cxbench: CxbenchSettings) -> dg.Output[Registry]:
    registry = load_registry(cxbench.sources_dir)
    state = source_state(registry)
    # Every report's content hash on this one event, and their digest as the data version: Dagster 1.13
    # keeps one data version per step output, and per-partition metadata costs an instance query per
    # partition (quadratic: 11 s at 300 reports on Postgres), so the map lives here.
    metadata = {
        "sources_dir": dg.MetadataValue.path(str(registry.root)),
        "reports": len(registry.specs),
        "url_sources": sum(1 for s in registry.specs if s.url),
        "registry_problems": len(registry.problems),
        "content_sha256": dg.MetadataValue.json(state.reports),
    }
    version = dg.DataVersion(hashlib.sha256(state.to_cursor().encode()).hexdigest()[:16])
    with warnings.catch_warnings():  # Output(data_version=...) is marked beta in Dagster 1.13
        warnings.simplefilter("ignore", dg.BetaWarning)
        return dg.Output(registry, data_version=version, metadata=metadata)


@dg.asset(
    **PER_REPORT,
    code_version=CODE_VERSIONS["raw_snapshots"],
    description="Raw bytes of each report as an immutable content-addressed snapshot (files copied, URLs fetched).",
)
def raw_snapshots(
    context: dg.AssetExecutionContext, cxbench: CxbenchSettings, source_registry: Registry
) -> dict[str, StageOutput]:
    from pipelines.ingest.fetch import fetch_url
    from pipelines.ingest.limits import read_local_bytes

    specs = source_registry.by_id()
    problems = {p.report_id: p.error for p in source_registry.problems}
    store = SnapshotStore(cxbench.work_store().root / "snapshots")
    outputs: dict[str, StageOutput] = {}
    for key in context.partition_keys:
        started = time.perf_counter()
        spec = specs.get(key)
        try:
            if spec is None:
                raise problems.get(key) or KeyError(f"report {key!r} is not in the sources registry")
            record = store.last_record(key) if spec.url and not cxbench.refetch_urls else None
            if record and record.get("url") == spec.url and store.has(str(record.get("sha256"))):
                snapshot = store.snapshot_from_record(key, record)  # URLs are re-fetched only when asked
            elif spec.url:
                snapshot = fetch_url(
                    spec.url, report_id=key, store=store, policy=cxbench.fetch_policy(), expected_format=spec.format
                )
            else:
                data = read_local_bytes(source_registry.root / spec.file, max_bytes=cxbench.max_bytes)
                snapshot = store.put_bytes(key, data, source_file=spec.file)
            fp = fingerprint(snapshot.sha256, dataclasses.astuple(spec), CODE_VERSIONS["raw_snapshots"])
            previous = cxbench.work_store().load("raw_snapshots", key)
            reused = isinstance(previous, StageOutput) and previous.fingerprint == fp
            outputs[key] = StageOutput(fp, value=snapshot, seconds=time.perf_counter() - started, reused=reused)
        except Exception as exc:  # recorded per report; the others go on
            failure = Failure.from_exception(key, exc)
            context.log.warning(f"{key}: snapshot failed: {failure.message}")
            outputs[key] = StageOutput(fingerprint(key, "failed", time.time()), failure=failure)
    context.add_output_metadata(stage_metadata(outputs))
    return outputs


@dg.asset(
    **PER_REPORT,
    code_version=CODE_VERSIONS["parsed_documents"],
    description="Each report parsed: page texts, tables and chart figures.",
)
def parsed_documents(
    context: dg.AssetExecutionContext,
    cxbench: CxbenchSettings,
    source_registry: Registry,
    raw_snapshots: dict[str, StageOutput],
) -> dict[str, StageOutput]:
    specs = source_registry.by_id()
    store = SnapshotStore(cxbench.work_store().root / "snapshots")

    def compute(key: str, snapshot: Snapshot) -> Any:
        return parse_stage(specs[key], snapshot, store.read(snapshot), max_pages=cxbench.max_pages)

    return run_stage(context, cxbench.work_store(), "parsed_documents", raw_snapshots, compute)


@dg.asset(
    **PER_REPORT,
    code_version=CODE_VERSIONS["cleaned_texts"],
    description="Each report's text with spam, chrome and garble removed; language and survey year resolved.",
)
def cleaned_texts(
    context: dg.AssetExecutionContext,
    cxbench: CxbenchSettings,
    source_registry: Registry,
    parsed_documents: dict[str, StageOutput],
) -> dict[str, StageOutput]:
    specs = source_registry.by_id()
    return run_stage(
        context, cxbench.work_store(), "cleaned_texts", parsed_documents, lambda k, doc: clean_stage(specs[k], doc)
    )


@dg.asset(
    **PER_REPORT,
    code_version=CODE_VERSIONS["report_rows"],
    description="Each report's rows: its reports row, every stated figure, its table cells.",
)
def report_rows(
    context: dg.AssetExecutionContext,
    cxbench: CxbenchSettings,
    source_registry: Registry,
    raw_snapshots: dict[str, StageOutput],
    parsed_documents: dict[str, StageOutput],
    cleaned_texts: dict[str, StageOutput],
) -> dict[str, StageOutput]:
    specs = source_registry.by_id()

    def compute(key: str, cleaned: Any) -> ReportRows:
        return figures_stage(specs[key], raw_snapshots[key].value, parsed_documents[key].value, cleaned)

    return run_stage(context, cxbench.work_store(), "report_rows", cleaned_texts, compute)


@dg.multi_asset(
    outs={
        "reports": dg.AssetOut(description="Published dataset: one row per report.", group_name="datasets"),
        "observations": dg.AssetOut(description="Published dataset: one row per stated figure.", group_name="datasets"),
        "tables": dg.AssetOut(description="Published dataset: raw cells of every table.", group_name="datasets"),
        "report_failures": dg.AssetOut(
            description="Reports that failed a stage this run (listed in the release manifest).", group_name="datasets"
        ),
    },
    ins={"report_rows": dg.AssetIn(partition_mapping=dg.AllPartitionMapping())},
)
def datasets(
    context: dg.AssetExecutionContext,
    cxbench: CxbenchSettings,
    source_registry: Registry,
    report_rows: dict[str, StageOutput],
):
    # Reports that left the sources: their partitions are gone, so are their stored stage outputs.
    # Asked afresh, not taken from this run's keys: a report added by a concurrent run is kept.
    store, current = cxbench.work_store(), set(context.instance.get_dynamic_partitions(reports_partitions.name))
    for stage in PER_REPORT_STAGES:
        store.discard(stage, set(store.keys(stage)) - current)
    rows = [o.value for _, o in sorted(report_rows.items()) if o is not None and o.ok]
    failures = [o.failure.as_dict() for _, o in sorted(report_rows.items()) if o is not None and not o.ok]
    failures += [Failure.from_exception(p.report_id, p.error).as_dict() for p in source_registry.problems]
    frames = assemble(rows)
    for name, df in frames.items():
        context.add_output_metadata({"rows": len(df), "preview": dg.MetadataValue.md(_preview(df))}, output_name=name)
    context.add_output_metadata({"failed_reports": len(failures)}, output_name="report_failures")
    return frames["reports"], frames["observations"], frames["tables"], failures


def _preview(df: pd.DataFrame, n: int = 5) -> str:
    if df.empty:
        return "_empty_"
    cols = [c for c in df.columns if c != "quote"][:8]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df[cols].head(n).itertuples(index=False):
        lines.append("| " + " | ".join(str(v).replace("|", "/")[:40] for v in row) + " |")
    return "\n".join(lines)
