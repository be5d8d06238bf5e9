"""The sources sensor, the re-fetch schedule and the engine resource, evaluated against a real
(temporary) Dagster instance and real files; the re-fetch path against a real HTTP server."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from pathlib import Path
from typing import ClassVar

import dagster as dg
import pytest

from pipelines.defs.jobs import TAG_CATALOGUE, TAG_REASON, TAG_SOURCES
from pipelines.defs.resources import CxbenchSettings, ReportEngine
from pipelines.defs.schedules import DEFAULT_REFETCH_CRON, REFETCH_CRON_ENV, refetch_cron
from pipelines.engine import DaskEngine, Limits, ProcessPoolEngine
from pipelines.source_changes import SourceState


@pytest.fixture
def defs():
    from pipelines.definitions import defs

    return defs


@pytest.fixture
def sources(tmp_path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "alpha-survey.txt").write_text("Alpha survey 2024\n\n61% of callers waited under a minute.\n")
    (folder / "beta-survey.md").write_text("# Beta survey 2024\n\nChat satisfaction reached 47%.\n")
    return folder


def settings_for(tmp_path: Path, sources: Path, **more) -> CxbenchSettings:
    return CxbenchSettings(
        sources_dir=str(sources), catalogue_root=str(tmp_path / "catalogue"), work_dir=str(tmp_path / "work"), **more
    )


def tick(defs, instance, settings, cursor):
    """One sensor tick as the daemon runs it (run requests resolved against the sensor's target)."""
    sensor = defs.resolve_sensor_def("sources_sensor")
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs, resources={"cxbench": settings}
    )
    return sensor.evaluate_tick(context)


def test_sensor_requests_a_run_when_a_report_is_added_changed_or_removed(defs, instance, sources, tmp_path):
    settings = settings_for(tmp_path, sources)

    first = tick(defs, instance, settings, None)
    (run,) = first.run_requests
    assert defs.resolve_sensor_def("sources_sensor").job_name == "build_catalogue"  # the explicit target
    assert run.tags["dagster/sensor_name"] == "sources_sensor"  # added by evaluate_tick's resolution
    assert run.tags[TAG_SOURCES] == str(sources) and run.tags[TAG_CATALOGUE] == settings.catalogue_root
    assert run.run_config["resources"]["cxbench"]["config"]["sources_dir"] == str(sources)
    assert "2 new" in run.tags[TAG_REASON]

    quiet = tick(defs, instance, settings, first.cursor)
    assert not quiet.run_requests and quiet.skip_message
    assert quiet.cursor in (None, first.cursor)

    (sources / "gamma-study.html").write_text("<html><body><p>Gamma study: 33% used email.</p></body></html>")
    added = tick(defs, instance, settings, first.cursor)
    assert "1 new, 0 changed, 0 removed" in added.run_requests[0].tags[TAG_REASON]

    (sources / "beta-survey.md").write_text("# Beta survey 2024\n\nChat satisfaction reached 52%.\n")
    changed = tick(defs, instance, settings, added.cursor)
    assert "0 new, 1 changed, 0 removed" in changed.run_requests[0].tags[TAG_REASON]
    state = SourceState.from_cursor(changed.cursor)
    assert state.reports["beta-survey"] != SourceState.from_cursor(first.cursor).reports["beta-survey"]

    (sources / "beta-survey.md").write_text("# Beta survey 2024\n\nChat satisfaction reached 47%.\n")
    restored = tick(defs, instance, settings, changed.cursor)  # back to an earlier state: builds again
    assert "0 new, 1 changed, 0 removed" in restored.run_requests[0].tags[TAG_REASON]

    (sources / "alpha-survey.txt").unlink()
    removed = tick(defs, instance, settings, restored.cursor)
    assert "0 new, 0 changed, 1 removed" in removed.run_requests[0].tags[TAG_REASON]
    assert "alpha-survey" not in SourceState.from_cursor(removed.cursor).reports
    assert not tick(defs, instance, settings, removed.cursor).run_requests


def test_registry_edit_requests_a_run(defs, instance, sources, tmp_path):
    settings = settings_for(tmp_path, sources)
    cursor = tick(defs, instance, settings, None).cursor
    entry = "reports:\n  - id: alpha-survey\n    file: alpha-survey.txt\n    title: Alpha\n"
    (sources / "registry.yaml").write_text(entry)
    (run,) = tick(defs, instance, settings, cursor).run_requests
    assert "registry edited" in run.tags[TAG_REASON]


def test_sensor_with_every_report_gone_skips(defs, instance, sources, tmp_path):
    settings = settings_for(tmp_path, sources)
    cursor = tick(defs, instance, settings, None).cursor
    for path in sources.iterdir():
        path.unlink()
    data = tick(defs, instance, settings, cursor)
    assert not data.run_requests and "every report was removed" in data.skip_message


def test_automation_starts_running(defs):
    assert defs.resolve_sensor_def("sources_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    schedule = defs.resolve_schedule_def("refetch_urls_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.cron_schedule == refetch_cron()
    assert schedule.job_name == "build_catalogue"


def test_refetch_cron_is_configurable(monkeypatch):
    monkeypatch.delenv(REFETCH_CRON_ENV, raising=False)
    assert refetch_cron() == DEFAULT_REFETCH_CRON
    monkeypatch.setenv(REFETCH_CRON_ENV, "0 6 * * *")
    assert refetch_cron() == "0 6 * * *"


def test_schedule_skips_without_url_sources(defs, instance, sources, tmp_path):
    schedule = defs.resolve_schedule_def("refetch_urls_schedule")
    context = dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=dt.datetime(2026, 1, 5, 3, tzinfo=dt.UTC),
        resources={"cxbench": settings_for(tmp_path, sources)},
    )
    data = schedule.evaluate_tick(context)
    assert not data.run_requests and "no URL sources" in data.skip_message


def test_schedule_requests_a_refetch_run(defs, instance, sources, tmp_path):
    (sources / "registry.yaml").write_text(
        "reports:\n  - id: remote-report\n    url: http://127.0.0.1:9/remote-report.html\n"
    )
    schedule = defs.resolve_schedule_def("refetch_urls_schedule")
    context = dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=dt.datetime(2026, 1, 5, 3, tzinfo=dt.UTC),
        resources={"cxbench": settings_for(tmp_path, sources)},
    )
    (run,) = schedule.evaluate_tick(context).run_requests
    assert run.run_config["resources"]["cxbench"]["config"]["refetch_urls"] is True
    assert run.tags[TAG_SOURCES] == str(sources) and "re-fetch" in run.tags[TAG_REASON]
    assert run.run_key.startswith("refetch-2026-01-05")


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    log: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self):
        type(self).log.append((self.path, self.headers.get("If-Modified-Since")))
        super().do_GET()

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "remote-report.html").write_text(
        "<html><body><h1>Remote report 2025</h1><p>In 2025, 44% of members rated support good.</p></body></html>"
    )
    _CountingHandler.log = []
    handler = lambda *a, **kw: _CountingHandler(*a, directory=str(root), **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_sources_are_refetched_only_when_asked(site, instance, tmp_path):
    from pipelines.defs.assets import raw_snapshots, source_registry
    from pipelines.defs.resources import work_store_io_manager

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "registry.yaml").write_text(f"reports:\n  - id: remote-report\n    url: {site}/remote-report.html\n")

    def snapshot(refetch: bool):
        settings = settings_for(tmp_path, sources, refetch_urls=refetch)
        result = dg.materialize(
            [source_registry, raw_snapshots],
            instance=instance,
            resources={"cxbench": settings, "io_manager": work_store_io_manager},
        )
        assert result.success
        return result.output_for_node("raw_snapshots")["remote-report"]

    first = snapshot(refetch=False)
    assert len(_CountingHandler.log) == 1 and first.sha256
    again = snapshot(refetch=False)
    assert len(_CountingHandler.log) == 1, "a stored snapshot is reused without a request"
    assert again.sha256 == first.sha256
    refetched = snapshot(refetch=True)
    assert len(_CountingHandler.log) == 2
    assert _CountingHandler.log[-1][1], "the re-fetch is conditional (If-Modified-Since sent)"
    assert refetched.sha256 == first.sha256
    event = instance.get_latest_materialization_event(dg.AssetKey("raw_snapshots"))
    assert event.asset_materialization.metadata["urls_fetched"].value == 1
    assert event.asset_materialization.partition is None  # reports are rows, not partitions


def test_engine_resource_builds_the_chosen_engine():
    limits = Limits(seconds=5, memory_bytes=1024**3)
    pool = ReportEngine().engine(limits)
    assert isinstance(pool, ProcessPoolEngine) and pool.limits == limits and pool.workers >= 1
    dask = ReportEngine(kind="dask", workers=2, dask_address="tcp://127.0.0.1:8786").engine(limits)
    assert isinstance(dask, DaskEngine) and dask.address == "tcp://127.0.0.1:8786" and dask.n_workers == 2
    with pytest.raises(Exception, match="kind"):
        ReportEngine(kind="threads")


def test_cursor_round_trip_and_garbage():
    state = SourceState({"a": "1" * 64}, "r")
    assert SourceState.from_cursor(state.to_cursor()) == state
    assert SourceState.from_cursor("not json") == SourceState()
    assert json.loads(state.to_cursor())["reports"] == {"a": "1" * 64}
