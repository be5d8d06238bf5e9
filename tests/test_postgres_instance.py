"""The production instance layout, for real: the shipped Postgres config.

Starts a throwaway PostgreSQL cluster on 127.0.0.1 (``benchmarks.local_postgres``), uses
``docs/deploy/dagster.yaml`` itself as the instance config (only the compute-log folder moved to a
temporary one) with the ``DAGSTER_PG_*`` variables pointing at that server, applies the settings of
``docs/deploy/cxbench.env``, and runs the bundled sources through ``launch_build``: full, unchanged
(skipped), forced (everything reused), one change.
Skips when no PostgreSQL server binaries are installed (``.ci/run`` installs them when it can).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import dagster as dg
import pytest
import yaml

from benchmarks.local_postgres import find_bindir, local_postgres
from pipelines.defs.runs import launch_build

PROJECT = Path(__file__).resolve().parents[1]
DEPLOY = PROJECT / "docs" / "deploy"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("dagster_runs"),
    pytest.mark.skipif(
        find_bindir() is None,
        reason="PostgreSQL server binaries not found: install Debian's `postgresql` package",
    ),
]


def deploy_env() -> dict[str, str]:
    """The ``KEY=VALUE`` settings of ``docs/deploy/cxbench.env`` (comments and quotes stripped)."""
    settings = {}
    for line in (DEPLOY / "cxbench.env").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            settings[key.strip()] = value.split(" #", 1)[0].strip().strip("\"'")
    return settings


@pytest.fixture
def postgres_instance(monkeypatch):
    """A Dagster instance configured by the shipped deploy files, storing in a private Postgres."""
    # Directly under /tmp and handed whole to the cluster: as root the server runs as `postgres`,
    # which cannot traverse pytest's 0700 tmp_path parents.
    folder = Path(tempfile.mkdtemp(prefix="cxbench-pg-"))
    try:
        with local_postgres(folder) as pg:
            pg.create_database("dagster")
            home = folder / "dagster_home"
            home.mkdir()
            config = yaml.safe_load((DEPLOY / "dagster.yaml").read_text(encoding="utf-8"))
            config["compute_logs"]["config"]["base_dir"] = str(folder / "compute_logs")
            (home / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
            for key, value in deploy_env().items():
                if key.startswith(("DAGSTER_", "CXBENCH_")) and key != "DAGSTER_HOME":
                    monkeypatch.setenv(key, value)
            server = {"HOST": pg.host, "PORT": str(pg.port), "USER": pg.user, "PASSWORD": "", "DB": "dagster"}
            for key, value in server.items():
                monkeypatch.setenv(f"DAGSTER_PG_{key}", value)
            monkeypatch.setenv("DAGSTER_HOME", str(home))
            with dg.DagsterInstance.get() as instance:
                yield instance, folder, pg
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_builds_incrementally_on_postgres(postgres_instance):
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

    instance, folder, _ = postgres_instance
    assert deploy_env()["CXBENCH_DOCUMENT_TIME_LIMIT"] == "600"
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.run_storage, PostgresRunStorage)
    sources = folder / "sources"
    shutil.copytree(PROJECT / "sources", sources)
    catalogue = str(folder / "catalogue")
    n = len(list(sources.glob("*"))) - 1  # registry.yaml

    first = launch_build(sources, catalogue, instance=instance)
    assert first.success and first.failures == [], first.failures
    assert first.release and first.release["published"]
    assert first.extracts["computed"] == n
    # One materialization per asset per run, read back from Postgres: reports are rows, not partitions.
    for asset in ("raw_snapshots", "report_extracts", "report_status"):
        (event,) = instance.fetch_materializations(dg.AssetKey(asset), limit=10).records
        assert event.run_id == first.run_id and event.asset_materialization.partition is None

    assert launch_build(sources, catalogue, instance=instance).skipped
    forced = launch_build(sources, catalogue, instance=instance, full=True)
    assert forced.success and forced.extracts["computed"] == 0 and forced.release["published"] is False

    changed = next(p for p in sorted(sources.iterdir()) if p.suffix in (".txt", ".md"))
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nIn a follow-up poll, 71% of members rated the chat agents helpful.\n",
        encoding="utf-8",
    )
    third = launch_build(sources, catalogue, instance=instance)
    assert third.success and third.release["published"]
    assert (third.extracts["computed"], third.extracts["reused"]) == (1, n - 1)
    assert third.release["version"] != first.release["version"]
    assert len(instance.get_runs()) == 3
    assert abs(third.events - first.events) <= 0.1 * first.events
