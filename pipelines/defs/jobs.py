"""The one job (every asset, in one run, steps in the run's own process) and how runs are described.

Steps are coarse (a handful per run, whatever the number of reports) and the per-report work runs on
the ``engine`` resource's workers, so the job's executor is in-process: a process per step would add
start-up cost and no parallelism. ``run_config`` and ``run_tags`` are shared by ``cxbench run``, the
sensor and the schedule, so every run names its sources folder and catalogue the same way.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from pipelines.defs.resources import CxbenchSettings

TAG_SOURCES = "cxbench/sources"
TAG_CATALOGUE = "cxbench/catalogue"
TAG_REASON = "cxbench/reason"
TAG_VERSION = "cxbench/version"  # added by catalogue_release once it knows what it published

build_catalogue_job = dg.define_asset_job(
    name="build_catalogue",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Snapshot, parse, clean and extract every changed report, run the quality gate, publish a version.",
)


def run_config(settings: CxbenchSettings, engine: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run config pinning the settings (and, when given, the engine: ``{"kind": "dask", ...}``)."""
    resources: dict[str, Any] = {"cxbench": {"config": settings.model_dump()}}
    if engine:
        resources["engine"] = {"config": engine}
    return {"resources": resources}


def run_tags(settings: CxbenchSettings, reason: str) -> dict[str, str]:
    """Tags naming the run's sources folder and catalogue (filterable in the UI's run list)."""
    return {
        TAG_SOURCES: settings.sources_dir[-250:],
        TAG_CATALOGUE: settings.catalogue_root[-250:],
        TAG_REASON: reason[:200],
    }
