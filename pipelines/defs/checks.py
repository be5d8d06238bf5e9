"""Asset checks: the quality gate, attached to the datasets it judges.

``quality_gate`` is one multi-asset check that runs the pure gate (``pipelines.quality``) once and
reports every expectation and rule as its own blocking Dagster asset check on the dataset it
judges, with observed values and a sample of offending rows; any failure stops
``catalogue_release`` in the same run. The gate result is kept in the work store
under the run id so the release can publish it as ``validation.json`` without validating twice.
``reports_processed`` flags, without blocking, reports that failed a stage.
"""

import json
import re

import dagster as dg
import pandas as pd

from pipelines.defs.resources import CxbenchSettings
from pipelines.quality import suite_names
from pipelines.workstore import StageOutput

DATASET_NAMES = ("reports", "observations", "tables")
GATE_STAGE = "quality_gate"
GATE_RESULTS_KEPT = 50  # the release and `cxbench run` read the current run's; older ones are history


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
):
    """One Great Expectations / integrity check per Dagster asset check; the gate runs once."""
    result = run_quality_gate(cxbench, {"reports": reports, "observations": observations, "tables": tables})
    store = cxbench.work_store()
    store.save(GATE_STAGE, context.run.run_id, result)
    store.keep_newest(GATE_STAGE, GATE_RESULTS_KEPT)  # one per run: without this they pile up forever
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
