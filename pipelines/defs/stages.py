"""Per-report stage execution shared by the partitioned assets: reuse, isolate, time.

Every partitioned asset runs its pure stage function over the run's report partitions through
``run_stage``, which (1) reuses the stored output when the fingerprint is unchanged, (2) turns any
exception of one report into a recorded ``Failure`` so the other reports go on, (3) passes an
upstream failure through without calling the stage, (4) bounds each report's compute by the
per-document time limit, and (5) surfaces a parser's warnings (e.g. pages cut at ``max_pages``)
in the log and the asset's metadata, so a truncated document is never silently partial.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.build import Failure
from pipelines.ingest.limits import time_limit
from pipelines.workstore import StageOutput, WorkStore, fingerprint

_PACKAGE = Path(__file__).resolve().parents[1]

# What each stage's result depends on besides its inputs: our modules and the libraries they use.
_STAGE_CODE = {
    "raw_snapshots": (["ingest"], []),
    "parsed_documents": (["parse", "ingest/sniff.py", "model.py"], ["pdfplumber", "pypdfium2", "trafilatura"]),
    "cleaned_texts": (["figures", "build.py"], ["opencc"]),
    "report_rows": (["figures", "tables.py", "build.py", "schema.py"], ["cn2an", "opencc"]),
}


def stage_code_version(stage: str) -> str:
    """A code version that changes whenever the stage's own code or library versions change."""
    paths, libraries = _STAGE_CODE[stage]
    digest = hashlib.sha256(stage.encode())
    for rel in paths:
        target = _PACKAGE / rel
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for file in files:
            if file.is_file():
                digest.update(file.relative_to(_PACKAGE).as_posix().encode())
                digest.update(file.read_bytes())
    for lib in libraries:
        digest.update(f"{lib}=={importlib.metadata.version(lib)}".encode())
    return digest.hexdigest()[:12]


CODE_VERSIONS = {stage: stage_code_version(stage) for stage in _STAGE_CODE}
# The per-report (partitioned) assets, in pipeline order: one home for the list.
PER_REPORT_STAGES = tuple(_STAGE_CODE)
METADATA_LIST_CAP = 20  # failures / warnings listed in a stage's metadata; the rest are counted
# The ``ReportError`` stage a time-out is recorded under, per asset.
_ERROR_STAGE = {"parsed_documents": "parse", "cleaned_texts": "clean", "report_rows": "figures"}


def run_stage(
    context: dg.AssetExecutionContext,
    store: WorkStore,
    stage: str,
    upstream: Mapping[str, StageOutput],
    compute: Callable[[str, Any], Any],
    *,
    seconds_per_report: float | None = None,
) -> dict[str, StageOutput]:
    """Run ``compute(report_id, upstream_value)`` for every partition of this run.

    ``seconds_per_report`` defaults to the run's ``CxbenchSettings.document_time_limit``.
    """
    if seconds_per_report is None:
        seconds_per_report = _settings_time_limit(context)
    outputs: dict[str, StageOutput] = {}
    for key in context.partition_keys:
        up = upstream.get(key)
        if up is None:
            failure = Failure(key, stage, "MissingInput", "the upstream stage produced nothing for this report")
            outputs[key] = StageOutput(fingerprint(key, stage, "missing"), failure=failure)
            continue
        fp = fingerprint(up.fingerprint, stage, CODE_VERSIONS[stage])
        if not up.ok:
            outputs[key] = StageOutput(fp, failure=up.failure)
            continue
        previous = store.load(stage, key)
        if isinstance(previous, StageOutput) and previous.fingerprint == fp:
            outputs[key] = replace(previous, reused=True)
            continue
        started = time.perf_counter()
        try:
            with time_limit(seconds_per_report, stage=_ERROR_STAGE.get(stage, stage), what=f"{stage} of {key}"):
                value = compute(key, up.value)
            for warning in getattr(value, "warnings", None) or []:
                context.log.warning(f"{key}: {stage}: {warning}")
            outputs[key] = StageOutput(fp, value=value, seconds=time.perf_counter() - started)
        except Exception as exc:  # one report's failure must not stop the others
            failure = Failure.from_exception(key, exc)
            context.log.warning(f"{key}: {stage} failed: {failure.stage}: {failure.message}")
            outputs[key] = StageOutput(fp, failure=failure, seconds=time.perf_counter() - started)
    context.add_output_metadata(stage_metadata(outputs))
    return outputs


def _settings_time_limit(context: dg.AssetExecutionContext) -> float | None:
    try:
        return context.resources.cxbench.document_time_limit
    except Exception:  # an asset without the settings resource: no limit
        return None


def stage_metadata(outputs: Mapping[str, StageOutput]) -> dict[str, Any]:
    done = [o for o in outputs.values() if o.ok]
    failed = {k: o.failure for k, o in outputs.items() if not o.ok}
    meta: dict[str, Any] = {
        "reports": len(outputs),
        "computed": sum(1 for o in done if not o.reused),
        "reused": sum(1 for o in done if o.reused),
        "failed": len(failed),
        "seconds": round(sum(o.seconds for o in outputs.values() if not o.reused), 3),
    }
    # Output metadata is copied onto every partition's materialization, so the lists are capped:
    # uncapped, 100 failures in a 1,000-report run would be stored 1,000 times over.
    if failed:
        shown = sorted(failed.items())[:METADATA_LIST_CAP]
        rows = "\n".join(f"| {k} | {f.stage} | {f.error} | {f.message[:120]} |" for k, f in shown)
        more = len(failed) - len(shown)
        table = "| report | stage | error | message |\n|---|---|---|---|\n" + rows
        meta["failures"] = dg.MetadataValue.md(table + (f"\n\n{more} more: see report_failures." if more else ""))
    warned = {k: o.value.warnings for k, o in outputs.items() if o.ok and getattr(o.value, "warnings", None)}
    if warned:
        meta["warnings"] = dg.MetadataValue.json(dict(sorted(warned.items())[:METADATA_LIST_CAP]))
        meta["reports_with_warnings"] = len(warned)
    return meta
