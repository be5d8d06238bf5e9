"""Release asset: publish a catalogue version of the checked datasets.

It runs only after the blocking ``quality_gate`` checks (``checks.py``) passed in the same run, and
re-runs the gate itself when materialized on its own, so a failed gate never publishes.
"""

import dataclasses
import subprocess
from typing import Any

import dagster as dg
import pandas as pd

from pipelines.defs.checks import gate_result
from pipelines.defs.jobs import TAG_VERSION
from pipelines.defs.resources import PROJECT_ROOT, CxbenchSettings
from pipelines.incremental import failures_from_status
from pipelines.ingest.registry import Registry


@dg.asset(group_name="release", description="The published, immutable catalogue version (Parquet + manifest).")
def catalogue_release(
    context: dg.AssetExecutionContext,
    cxbench: CxbenchSettings,
    source_registry: Registry,
    reports: pd.DataFrame,
    observations: pd.DataFrame,
    tables: pd.DataFrame,
    benchmarks: pd.DataFrame,
    quarantine: pd.DataFrame,
    report_status: pd.DataFrame,
) -> dict[str, Any]:
    from pipelines.catalogue import publish

    frames = {"reports": reports, "observations": observations, "tables": tables, "benchmarks": benchmarks}
    quality_gate = gate_result(cxbench, frames)
    if reports.empty:
        raise dg.Failure(description="no report got through every stage; nothing to publish")
    if not quality_gate.success:
        raise dg.Failure(description="quality gate failed; nothing published\n" + quality_gate.summary())
    result = publish(
        cxbench.catalogue_root,
        {**frames, "quarantine": quarantine},
        validation=quality_gate.to_json(),
        build_info={"git_sha": git_sha(), "dagster_run_id": context.run.run_id},
        sources=[_source_entry(s) for s in source_registry.specs],
        failures=failures_from_status(report_status.to_dict("records")),
    )
    context.instance.add_run_tags(context.run.run_id, {TAG_VERSION: result.version})
    context.add_output_metadata(
        {
            "published": result.published,
            "version": result.version,
            "bump": str(result.bump),
            "previous_version": str(result.previous_version),
            "path": dg.MetadataValue.path(str(result.path)),
            **{f"rows_{k}": v for k, v in result.counts.items() if isinstance(v, int)},
        }
    )
    return dataclasses.asdict(result)


def _source_entry(spec) -> dict:
    entry = {"id": spec.report_id, "title": spec.title or spec.report_id}
    if spec.url or spec.original_url:
        entry["path"] = spec.url or spec.original_url
    return entry


def git_sha() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None
