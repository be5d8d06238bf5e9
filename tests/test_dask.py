"""The build on a real distributed engine: per-report work on a dask.distributed LocalCluster.

Scaling out is configuration: the same job, with the ``engine`` resource set to ``{"kind": "dask"}``
(and a scheduler address in production). Runs on a copy of the project's sample sources (PDFs
included) in a temporary DAGSTER_HOME.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.defs.runs import launch_build

PROJECT_SOURCES = Path(__file__).resolve().parents[1] / "sources"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dagster_runs")]


def test_build_publishes_on_a_local_dask_cluster(tmp_path, instance):
    sources = tmp_path / "sources"
    shutil.copytree(PROJECT_SOURCES, sources)
    outcome = launch_build(
        sources, str(tmp_path / "catalogue"), engine={"kind": "dask", "workers": 2}, instance=instance
    )
    run = instance.get_run_by_id(outcome.run_id)

    assert outcome.success, outcome.failures
    assert outcome.release and outcome.release["published"]
    n = len([p for p in PROJECT_SOURCES.iterdir() if p.suffix in (".pdf", ".html", ".txt", ".md")])
    assert outcome.release["counts"]["reports"] == n
    assert outcome.extracts["engine"] == "dask" and outcome.extracts["computed"] == n
    assert run.run_config["resources"]["engine"]["config"]["kind"] == "dask"
