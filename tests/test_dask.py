"""The build on a real distributed engine: dagster-dask on a dask.distributed LocalCluster.

Scaling out is configuration: the same job, selected with ``execution: {config: {dask: ...}}``.
Runs on a copy of the project's sample sources (PDFs included) in a temporary DAGSTER_HOME.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.executors import local_dask_options
from pipelines.defs.runs import launch_build

PROJECT_SOURCES = Path(__file__).resolve().parents[1] / "sources"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dagster_runs")]


def test_build_publishes_on_a_local_dask_cluster(tmp_path, instance):
    sources = tmp_path / "sources"
    shutil.copytree(PROJECT_SOURCES, sources)
    outcome = launch_build(
        sources,
        str(tmp_path / "catalogue"),
        executor="dask",
        executor_options=local_dask_options(n_workers=2, threads_per_worker=1),
        instance=instance,
    )
    run = instance.get_run_by_id(outcome.run_id)
    step_starts = instance.all_logs(outcome.run_id, of_type=dg.DagsterEventType.STEP_START)

    assert outcome.success, outcome.failures
    assert outcome.release and outcome.release["published"]
    assert outcome.release["counts"]["reports"] == len(
        [p for p in PROJECT_SOURCES.iterdir() if p.suffix in (".pdf", ".html", ".txt", ".md")]
    )
    assert "dask" in run.run_config["execution"]["config"]
    # Steps ran in the dask workers' processes, not in the launching one.
    assert step_starts and all(e.dagster_event.pid != os.getpid() for e in step_starts)
