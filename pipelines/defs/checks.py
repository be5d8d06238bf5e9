"""Asset checks: the quality gate, attached to the datasets it judges.

``quality_gate`` is one multi-asset check that runs the pure gate (``pipelines.quality``) once and
reports a blocking result per dataset, listing every expectation and rule with observed values; a
failure stops ``catalogue_release`` in the same run. The gate result is kept in the work store
under the run id so the release can publish it as ``validation.json`` without validating twice.
``reports_processed`` flags, without blocking, reports that failed a stage.
"""

import dagster as dg
import pandas as pd

from pipelines.defs.resources import CxbenchSettings
from pipelines.workstore import StageOutput

DATASET_NAMES = ("reports", "observations", "tables")
GATE_STAGE = "quality_gate"


def run_quality_gate(settings: CxbenchSettings, frames: dict[str, pd.DataFrame]):
    """The gate against the previous release, allowing drops only for reports whose source changed."""
    from pipelines.catalogue import latest_version, load
    from pipelines.quality import run_gate

    previous, changed = None, set()
    if latest_version(settings.catalogue_root):
        previous = {n: load(n, version="latest", root=settings.catalogue_root) for n in DATASET_NAMES}
        before = dict(zip(previous["reports"]["report_id"], previous["reports"]["content_sha256"], strict=True))
        now = dict(zip(frames["reports"]["report_id"], frames["reports"]["content_sha256"], strict=True))
        changed = {rid for rid in before.keys() | now.keys() if before.get(rid) != now.get(rid)}
    return run_gate(frames, previous=previous, changed_reports=changed, max_drop_share=settings.max_drop_share)


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            "quality_gate",
            asset=name,
            blocking=True,
            description=f"Great Expectations suite and integrity rules over {name}.",
        )
        for name in DATASET_NAMES
    ],
    ins={name: dg.AssetIn(name) for name in DATASET_NAMES},
)
def quality_gate(
    context: dg.AssetCheckExecutionContext,
    cxbench: CxbenchSettings,
    reports: pd.DataFrame,
    observations: pd.DataFrame,
    tables: pd.DataFrame,
):
    result = run_quality_gate(cxbench, {"reports": reports, "observations": observations, "tables": tables})
    cxbench.work_store().save(GATE_STAGE, context.run.run_id, result)
    if not result.success:
        context.log.error(result.summary())
    for name in DATASET_NAMES:
        results = result.by_dataset(name)
        failed = [r for r in results if not r.success]
        rows = "\n".join(
            f"| {'ok' if r.success else 'FAILED'} | {r.name} | {r.observed.get('unexpected_count', '')} |"
            for r in results
        )
        yield dg.AssetCheckResult(
            asset_key=name,
            check_name="quality_gate",
            passed=not failed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "expectations": len(results),
                "failed": len(failed),
                "failed_checks": ", ".join(r.name for r in failed) or "none",
                "failing_reports": ", ".join(sorted({rid for r in failed for rid in r.report_ids})) or "none",
                "results": dg.MetadataValue.md("| result | check | unexpected |\n|---|---|---|\n" + rows),
            },
        )


@dg.asset_check(
    asset="report_rows",
    name="reports_processed",
    blocking=False,
    description="Every report of the run got through every stage (failures are recorded, not fatal).",
)
def reports_processed(report_rows: dict[str, StageOutput]) -> dg.AssetCheckResult:
    failed = {k: o.failure for k, o in report_rows.items() if o is not None and not o.ok}
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "reports": len(report_rows),
            "failed": len(failed),
            "failures": dg.MetadataValue.json({k: f"{f.stage}: {f.message}" for k, f in sorted(failed.items())}),
        },
    )
