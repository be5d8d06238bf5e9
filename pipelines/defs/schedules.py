"""The re-fetch schedule: look at every URL source again and publish if anything changed.

Belongs here: when URL sources are fetched again (weekly by default; ``CXBENCH_REFETCH_CRON`` and
``CXBENCH_REFETCH_TIMEZONE`` override) and the run that does it. Local files need no schedule: the
sources sensor sees them change. The run re-fetches conditionally (``refetch_urls``: the previous
ETag / Last-Modified are sent, a 304 keeps the stored snapshot), so an unchanged site costs a
request per report, reuses every stored stage output, and ``catalogue_release`` publishes nothing
when the datasets' content hash is unchanged.
"""

from __future__ import annotations

import os

import dagster as dg

from pipelines.defs.jobs import build_catalogue_job
from pipelines.defs.partitions import reports_partitions
from pipelines.defs.resources import CxbenchSettings
from pipelines.defs.runs import RANGE_END, RANGE_START, sync_partitions
from pipelines.ingest.registry import load_registry

REFETCH_CRON_ENV = "CXBENCH_REFETCH_CRON"
REFETCH_TIMEZONE_ENV = "CXBENCH_REFETCH_TIMEZONE"
DEFAULT_REFETCH_CRON = "0 3 * * 1"  # Mondays 03:00


def refetch_cron() -> str:
    return os.environ.get(REFETCH_CRON_ENV) or DEFAULT_REFETCH_CRON


def refetch_run_request(settings: CxbenchSettings, keys: list[str], scheduled_for: str) -> dg.RunRequest:
    """A run over every report partition with URL re-fetching switched on."""
    config = settings.model_dump() | {"refetch_urls": True}
    return dg.RunRequest(
        run_key=f"refetch-{scheduled_for}",
        run_config={"resources": {"cxbench": {"config": config}}},
        tags={RANGE_START: keys[0], RANGE_END: keys[-1], "cxbench/reason": "scheduled URL re-fetch"},
    )


@dg.schedule(
    name="refetch_urls_schedule",
    cron_schedule=refetch_cron(),
    execution_timezone=os.environ.get(REFETCH_TIMEZONE_ENV) or "UTC",
    target=build_catalogue_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Re-fetches URL sources (conditionally) and publishes a new version if any changed.",
)
def refetch_urls_schedule(context: dg.ScheduleEvaluationContext, cxbench: CxbenchSettings):
    registry = load_registry(cxbench.sources_dir)
    if not any(spec.url for spec in registry.specs):
        return dg.SkipReason("no URL sources in the registry; local files are watched by the sensor")
    # Schedules cannot send partition requests; align partitions here as the sensor would.
    sync_partitions(context.instance, [s.report_id for s in registry.specs])
    keys = list(context.instance.get_dynamic_partitions(reports_partitions.name))
    moment = context.scheduled_execution_time
    return refetch_run_request(cxbench, keys, moment.isoformat() if moment else "manual")
