"""The re-fetch schedule: look at every URL source again and publish if anything changed.

Belongs here: when URL sources are fetched again (weekly by default; ``CXBENCH_REFETCH_CRON`` and
``CXBENCH_REFETCH_TIMEZONE`` override) and the run that does it. Local files need no schedule: the
sources sensor sees them change. The run re-fetches conditionally (``refetch_urls``: the previous
ETag / Last-Modified are sent, a 304 keeps the stored snapshot), so an unchanged site costs a
request per report, reuses every stored extract, and ``catalogue_release`` publishes nothing
when the datasets' content hash is unchanged.
"""

from __future__ import annotations

import os

import dagster as dg

from pipelines.defs.jobs import build_catalogue_job, run_config, run_tags
from pipelines.defs.resources import CxbenchSettings
from pipelines.ingest.registry import load_registry

REFETCH_CRON_ENV = "CXBENCH_REFETCH_CRON"
REFETCH_TIMEZONE_ENV = "CXBENCH_REFETCH_TIMEZONE"
DEFAULT_REFETCH_CRON = "0 3 * * 1"  # Mondays 03:00


def refetch_cron() -> str:
    return os.environ.get(REFETCH_CRON_ENV) or DEFAULT_REFETCH_CRON


def refetch_run_request(settings: CxbenchSettings, scheduled_for: str) -> dg.RunRequest:
    """A run with URL re-fetching switched on."""
    refetching = settings.model_copy(update={"refetch_urls": True})
    return dg.RunRequest(
        run_key=f"refetch-{scheduled_for}",
        run_config=run_config(refetching),
        tags=run_tags(refetching, "scheduled URL re-fetch"),
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
    moment = context.scheduled_execution_time
    return refetch_run_request(cxbench, moment.isoformat() if moment else "manual")
