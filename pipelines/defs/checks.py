"""Asset checks: the quality gate, attached to the datasets it judges.

``quality_gate`` is one multi-asset check that runs the pure gate (``pipelines.quality``) once and
reports every expectation and rule as its own blocking Dagster asset check on the dataset it
judges, with observed values and a sample of offending rows; any failure stops
``catalogue_release`` in the same run. The gate result is kept in the work store under a
fingerprint of what it judged (the datasets' content, the previous release, the gate's code), so
the release publishes it as ``validation.json`` without validating twice, and a run whose datasets
did not change validates nothing again and never imports Great Expectations. When they did change,
the row-level rules recheck only the rows of reports whose rows changed: the per-report verdicts
of the last gate are kept in the work store too (``ROW_VERDICTS``), under the gate's code version.
``reports_processed`` flags, without blocking, reports that failed (their rows in ``report_status``).
"""

import json
import re

import dagster as dg
import pandas as pd

from pipelines.defs.resources import CxbenchSettings
from pipelines.quality import suite_names
from pipelines.quality.gate import row_hashes
from pipelines.source_changes import code_version, latest_content_hash
from pipelines.workstore import fingerprint

DATASET_NAMES = ("reports", "observations", "tables", "benchmarks")
PREVIOUS_NAMES = ("reports", "observations", "tables")  # what the regression checks compare with
GATE_STAGE = "quality_gate"
GATE_RESULTS_KEPT = 50  # one per distinct input; older ones are history
LAST_RUN = "_last_run"  # (run id, result) of the latest run's gate, overwritten each run
ROW_VERDICTS = "_row_verdicts"  # {"code": quality code version, "verdicts": per-report row-rule verdicts}


def frames_fingerprint(frames: dict[str, pd.DataFrame]) -> str:
    """A digest of the frames' content (row hashes, columns, dtypes), cheap next to validating them."""
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(frames):
        df = frames[name]
        digest.update(f"{name}|{list(df.columns)}|{[str(t) for t in df.dtypes]}|{len(df)}".encode())
        digest.update(row_hashes(df).tobytes())
    return digest.hexdigest()


def quality_code() -> str:
    return code_version(["quality", "schema.py"])


def gate_key(settings: CxbenchSettings, frames: dict[str, pd.DataFrame]) -> str | None:
    """What a gate result depends on; None when the previous release cannot be named cheaply."""
    previous = latest_content_hash(settings.catalogue_root)
    if "://" in settings.catalogue_root:
        return None
    return fingerprint(frames_fingerprint(frames), previous, settings.max_drop_share, quality_code())


def gate_result(settings: CxbenchSettings, frames: dict[str, pd.DataFrame]):
    """The gate's verdict on ``frames``: the stored one when nothing it depends on changed."""
    store, key = settings.work_store(), gate_key(settings, frames)
    stored = store.load(GATE_STAGE, key) if key else None
    if stored is not None:
        return stored
    code = quality_code()
    kept = store.load(GATE_STAGE, ROW_VERDICTS)
    earlier = kept["verdicts"] if isinstance(kept, dict) and kept.get("code") == code else {}
    result = run_quality_gate(settings, frames, earlier)
    store.save(GATE_STAGE, ROW_VERDICTS, {"code": code, "verdicts": result.row_verdicts})
    result.row_verdicts = {}  # kept once, above, not in every stored result
    if key:
        store.save(GATE_STAGE, key, result)
        store.keep_newest(GATE_STAGE, GATE_RESULTS_KEPT + 1)
    return result


def run_quality_gate(settings: CxbenchSettings, frames: dict[str, pd.DataFrame], row_verdicts: dict | None = None):
    """The gate against the previous release, allowing drops only for reports whose source changed.

    ``row_verdicts`` are the last gate's per-report verdicts of the row-level rules (``run_gate``).
    """
    from pipelines.catalogue import latest_version, load
    from pipelines.quality import run_gate

    previous, changed = None, set()
    if latest_version(settings.catalogue_root):
        previous = {n: load(n, version="latest", root=settings.catalogue_root) for n in PREVIOUS_NAMES}
        before = dict(zip(previous["reports"]["report_id"], previous["reports"]["content_sha256"], strict=True))
        now = dict(zip(frames["reports"]["report_id"], frames["reports"]["content_sha256"], strict=True))
        changed = {rid for rid in before.keys() | now.keys() if before.get(rid) != now.get(rid)}
    return run_gate(
        frames,
        previous=previous,
        changed_reports=changed,
        max_drop_share=settings.max_drop_share,
        row_verdicts=row_verdicts,
    )


def check_name(gate_name: str) -> str:
    """Dagster allows [A-Za-z0-9_] in check names.

    'observations.foreign_key[report_id->reports]' -> 'foreign_key_report_id_reports'.
    """
    return re.sub(r"[^A-Za-z0-9]+", "_", gate_name.split(".", 1)[1]).strip("_")


def _check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(check_name(gate_name), asset=name, blocking=True, description=gate_name)
        for name in DATASET_NAMES
        for gate_name in suite_names(name)
    ]


@dg.multi_asset_check(specs=_check_specs(), ins={name: dg.AssetIn(name) for name in DATASET_NAMES})
def quality_gate(
    context: dg.AssetCheckExecutionContext,
    cxbench: CxbenchSettings,
    reports: pd.DataFrame,
    observations: pd.DataFrame,
    tables: pd.DataFrame,
    benchmarks: pd.DataFrame,
):
    """One Great Expectations / integrity check per Dagster asset check; the gate runs once."""
    frames = {"reports": reports, "observations": observations, "tables": tables, "benchmarks": benchmarks}
    result = gate_result(cxbench, frames)
    rechecked = ", ".join(f"{k} {v}" for k, v in getattr(result, "rechecked_reports", {}).items())
    context.log.info(
        f"quality gate: {len(result.results)} checks, {len(result.failed())} failed; "
        f"reports whose rows the row-level rules rechecked: {rechecked or 'none (stored verdict)'}"
    )
    cxbench.work_store().save(GATE_STAGE, LAST_RUN, (context.run.run_id, result))  # for the CLI summary
    if not result.success:
        context.log.error(result.summary())
    by_name = {r.name: r for r in result.results}
    for name in DATASET_NAMES:
        for gate_name in suite_names(name):
            r = by_name.get(gate_name)
            metadata: dict = {"check": gate_name}
            if r is None:
                passed, metadata["error"] = False, "the gate did not evaluate this check"
            else:
                passed = r.success
                metadata["description"] = r.description
                metadata.update({k: v for k, v in r.observed.items() if isinstance(v, (int, float, str, bool))})
                if r.sample:
                    metadata["sample"] = dg.MetadataValue.json(json.loads(json.dumps(r.sample[:5], default=str)))
                if r.report_ids:
                    metadata["failing_reports"] = ", ".join(sorted(r.report_ids)[:20])
            yield dg.AssetCheckResult(
                asset_key=name,
                check_name=check_name(gate_name),
                passed=passed,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata=metadata,
            )


@dg.asset_check(
    asset="report_status",
    name="reports_processed",
    blocking=False,
    description="Every report got through every stage (failures are recorded in report_status, not fatal).",
)
def reports_processed(report_status: pd.DataFrame) -> dg.AssetCheckResult:
    failed = report_status[report_status.outcome == "failed"]
    return dg.AssetCheckResult(
        passed=failed.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "reports": len(report_status),
            "failed": len(failed),
            "failures": dg.MetadataValue.json(
                {r.report_id: f"{r.source}: {r.error}" for r in failed.head(50).itertuples()}
            ),
        },
    )
