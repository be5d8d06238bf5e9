"""Fixtures shared across the suite: where ../shared is, and a built catalogue of the bundled sources."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from support import SOURCES

# The fault-injecting servers of the fetch tests listen on 127.0.0.1, which fetching refuses by
# default (pipelines.ingest.urls); tests that check the refusal ask for it explicitly.
os.environ.setdefault("CXBENCH_ALLOW_PRIVATE_URLS", "1")
# `cxbench search` stores a search index per published version (pipelines.search.cache_dir): in a
# temporary folder of this run, not the user's ~/.cache.
os.environ.setdefault("CXBENCH_CACHE", tempfile.mkdtemp(prefix="cxbench-test-cache-"))


@pytest.fixture(scope="session")
def built_catalogue(tmp_path_factory: pytest.TempPathFactory):
    """One real build of the bundled sources through Dagster, with a temporary DAGSTER_HOME."""
    from pipelines.defs.runs import launch_build

    base = tmp_path_factory.mktemp("built")
    sources = base / "sources"
    shutil.copytree(SOURCES, sources)
    old = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(base / "dagster_home")
    try:
        outcome = launch_build(sources, str(base / "catalogue"))
    finally:
        if old is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = old
    return base, outcome


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A real Dagster instance in a temporary DAGSTER_HOME (telemetry off)."""
    import dagster as dg

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as inst:
        yield inst
