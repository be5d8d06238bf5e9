"""The Dagster code location: ``dagster dev``, ``dg check defs`` and ``cxbench run`` all load this."""

import dagster as dg

from pipelines.defs import assets, checks, release
from pipelines.defs.executors import cxbench_executor
from pipelines.defs.jobs import build_catalogue_job
from pipelines.defs.resources import CxbenchSettings, ReportStoreIOManager
from pipelines.defs.schedules import refetch_urls_schedule
from pipelines.defs.sensors import sources_sensor

_settings = CxbenchSettings()

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([assets, release]),
    asset_checks=[checks.quality_gate, checks.reports_processed],
    jobs=[build_catalogue_job],
    sensors=[sources_sensor],
    schedules=[refetch_urls_schedule],
    executor=cxbench_executor,
    resources={"cxbench": _settings, "io_manager": ReportStoreIOManager(settings=_settings)},
)


def build_catalogue() -> dg.JobDefinition:
    """Module-level accessor so ``reconstructable`` can rebuild the job in run workers."""
    return defs.resolve_job_def("build_catalogue")
