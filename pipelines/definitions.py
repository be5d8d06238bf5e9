"""The Dagster code location: ``dagster dev``, ``dg check defs`` and ``cxbench run`` all load this."""

import dagster as dg

from pipelines.defs import assets, checks, release
from pipelines.defs.jobs import build_catalogue_job
from pipelines.defs.resources import CxbenchSettings, ReportEngine, work_store_io_manager
from pipelines.defs.schedules import refetch_urls_schedule
from pipelines.defs.sensors import sources_sensor

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([assets, release]),
    asset_checks=[checks.quality_gate, checks.reports_processed],
    jobs=[build_catalogue_job],
    sensors=[sources_sensor],
    schedules=[refetch_urls_schedule],
    resources={"cxbench": CxbenchSettings(), "engine": ReportEngine(), "io_manager": work_store_io_manager},
)
