"""The production instance layout, for real: the shipped Postgres config plus batched event writes.

Starts a throwaway PostgreSQL cluster on 127.0.0.1 (``benchmarks.local_postgres``), uses
``docs/deploy/dagster.yaml`` itself as the instance config (only the compute-log folder moved to a
temporary one) with the ``DAGSTER_PG_*`` variables pointing at that server, applies the Dagster
settings of ``docs/deploy/cxbench.env`` (``DAGSTER_EVENT_BATCH_SIZE`` among them), and runs the
bundled sources through ``launch_build`` three times: full, unchanged, one change.
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
from pipelines.defs.stages import PER_REPORT_STAGES

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
                if key.startswith("DAGSTER_"):
                    monkeypatch.setenv(key, value)
            server = {"HOST": pg.host, "PORT": str(pg.port), "USER": pg.user, "PASSWORD": "", "DB": "dagster"}
            for key, value in server.items():
                monkeypatch.setenv(f"DAGSTER_PG_{key}", value)
            monkeypatch.setenv("DAGSTER_HOME", str(home))
            with dg.DagsterInstance.get() as instance:
                yield instance, folder, pg
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def computed(outcome, asset: str) -> int:
    return outcome.stage_stats[asset]["computed"]


def materialization_transactions(pg, run_id: str, asset: str) -> int:
    """How many Postgres transactions wrote ``asset``'s materialization rows for ``run_id``."""
    import psycopg2

    conn = psycopg2.connect(host=pg.host, port=pg.port, user=pg.user, dbname="dagster")
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(DISTINCT xmin::text) FROM event_logs"
                " WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION' AND asset_key = %s",
                (run_id, dg.AssetKey(asset).to_string()),
            )
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_builds_incrementally_on_postgres_with_batched_events(postgres_instance):
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

    instance, folder, pg = postgres_instance
    assert deploy_env()["DAGSTER_EVENT_BATCH_SIZE"] == "1000"
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.run_storage, PostgresRunStorage)
    sources = folder / "sources"
    shutil.copytree(PROJECT / "sources", sources)
    catalogue = str(folder / "catalogue")

    first = launch_build(sources, catalogue, instance=instance)
    assert first.success and first.failures == [], first.failures
    assert first.release and first.release["published"]
    report_ids = set(instance.get_dynamic_partitions("reports"))
    assert report_ids == set(first.added) and len(report_ids) == len(list(sources.glob("*"))) - 1
    for asset in PER_REPORT_STAGES:  # one materialization per report, read back from Postgres
        assert instance.get_materialized_partitions(dg.AssetKey(asset)) == report_ids, asset
        assert computed(first, asset) == len(report_ids), asset
        # DAGSTER_EVENT_BATCH_SIZE took effect: the step's per-report rows went in as one INSERT,
        # so they share one Postgres transaction id (unbatched, each row has its own).
        assert materialization_transactions(pg, first.run_id, asset) == 1, asset

    second = launch_build(sources, catalogue, instance=instance)
    assert second.success
    assert all(computed(second, asset) == 0 for asset in PER_REPORT_STAGES)
    assert second.release["published"] is False
    assert second.release["version"] == first.release["version"]

    changed = next(p for p in sorted(sources.iterdir()) if p.suffix in (".txt", ".md"))
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nIn a follow-up poll, 71% of members rated the chat agents helpful.\n",
        encoding="utf-8",
    )
    third = launch_build(sources, catalogue, instance=instance)
    assert third.success and third.release["published"]
    assert computed(third, "report_rows") == 1
    assert third.release["version"] != first.release["version"]
    event = instance.get_latest_materialization_event(dg.AssetKey("report_rows"))
    assert event.run_id == third.run_id and event.asset_materialization.partition == changed.stem
    assert len(instance.get_runs()) == 3
