"""The sources sensor, the re-fetch schedule and the executor selector, evaluated against a real
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

from pipelines.defs.executors import EXECUTOR_NAMES, execution_config
from pipelines.defs.partitions import reports_partitions
from pipelines.defs.resources import CxbenchSettings
from pipelines.defs.runs import RANGE_END, RANGE_START
from pipelines.defs.schedules import DEFAULT_REFETCH_CRON, REFETCH_CRON_ENV, refetch_cron
from pipelines.source_changes import SourceState, partition_plan


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
    """One sensor tick as the daemon runs it: evaluate (run requests resolved against the sensor's
    target), then apply its partition requests to the instance."""
    sensor = defs.resolve_sensor_def("sources_sensor")
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs, resources={"cxbench": settings}
    )
    data = sensor.evaluate_tick(context)
    for request in data.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return data


def keys(instance) -> list[str]:
    return list(instance.get_dynamic_partitions(reports_partitions.name))


def test_sensor_adds_updates_and_removes_partitions(defs, instance, sources, tmp_path):
    settings = settings_for(tmp_path, sources)

    first = tick(defs, instance, settings, None)
    assert keys(instance) == ["alpha-survey", "beta-survey"]
    (run,) = first.run_requests
    assert defs.resolve_sensor_def("sources_sensor").job_name == "build_catalogue"  # the explicit target
    assert run.tags["dagster/sensor_name"] == "sources_sensor"  # added by evaluate_tick's resolution
    assert (run.tags[RANGE_START], run.tags[RANGE_END]) == ("alpha-survey", "beta-survey")
    assert run.run_config["resources"]["cxbench"]["config"]["sources_dir"] == str(sources)

    quiet = tick(defs, instance, settings, first.cursor)
    assert not quiet.run_requests and quiet.skip_message
    assert quiet.cursor == first.cursor

    (sources / "beta-survey.md").write_text("# Beta survey 2024\n\nChat satisfaction reached 52%.\n")
    (sources / "gamma-study.html").write_text("<html><body><p>Gamma study: 33% used email.</p></body></html>")
    changed = tick(defs, instance, settings, first.cursor)
    assert keys(instance) == ["alpha-survey", "beta-survey", "gamma-study"]
    assert "1 new, 1 changed, 0 removed" in changed.run_requests[0].tags["cxbench/reason"]
    state = SourceState.from_cursor(changed.cursor)
    assert state.reports["beta-survey"] != SourceState.from_cursor(first.cursor).reports["beta-survey"]

    (run,) = changed.run_requests  # only the span of what changed: beta (changed) .. gamma (new)
    assert (run.tags[RANGE_START], run.tags[RANGE_END]) == ("beta-survey", "gamma-study")

    (sources / "alpha-survey.txt").unlink()
    removed = tick(defs, instance, settings, changed.cursor)
    assert keys(instance) == ["beta-survey", "gamma-study"]
    (run,) = removed.run_requests  # nothing to extract: one reused report stands in for assembly
    assert (run.tags[RANGE_START], run.tags[RANGE_END]) == ("gamma-study", "gamma-study")
    assert "alpha-survey" not in SourceState.from_cursor(removed.cursor).reports


def test_new_report_range_follows_instance_order_not_name_order(defs, instance, sources, tmp_path):
    settings = settings_for(tmp_path, sources)
    cursor = tick(defs, instance, settings, None).cursor
    (sources / "aardvark-poll.txt").write_text("Aardvark poll: 12% complained.\n")
    data = tick(defs, instance, settings, cursor)
    assert keys(instance)[-1] == "aardvark-poll"
    assert data.run_requests[0].tags[RANGE_START] == data.run_requests[0].tags[RANGE_END] == "aardvark-poll"


def test_changed_span_covers_touched_reports_in_instance_order():
    from pipelines.source_changes import changed_span

    order = ["d", "a", "c", "b"]
    assert changed_span(order, {"a", "b"}) == ("a", "b")
    assert changed_span(order, {"c"}) == ("c", "c")
    assert changed_span(order, set()) == ("b", "b")


def test_registry_edit_requests_a_run(defs, instance, sources, tmp_path):
    settings = settings_for(tmp_path, sources)
    cursor = tick(defs, instance, settings, None).cursor
    entry = "reports:\n  - id: alpha-survey\n    file: alpha-survey.txt\n    title: Alpha\n"
    (sources / "registry.yaml").write_text(entry)
    data = tick(defs, instance, settings, cursor)
    (run,) = data.run_requests
    assert "registry edited" in run.tags["cxbench/reason"]
    assert (run.tags[RANGE_START], run.tags[RANGE_END]) == ("alpha-survey", "beta-survey")  # all: metadata


def test_sensor_with_every_report_gone_deletes_and_skips(defs, instance, sources, tmp_path):
    settings = settings_for(tmp_path, sources)
    cursor = tick(defs, instance, settings, None).cursor
    for path in sources.iterdir():
        path.unlink()
    data = tick(defs, instance, settings, cursor)
    assert keys(instance) == [] and not data.run_requests


def test_plain_invocation_returns_partition_requests(instance, sources, tmp_path):
    from pipelines.defs.sensors import sources_sensor

    context = dg.build_sensor_context(instance=instance, resources={"cxbench": settings_for(tmp_path, sources)})
    result = sources_sensor(context)
    (add,) = result.dynamic_partitions_requests
    assert list(add.partition_keys) == ["alpha-survey", "beta-survey"]


def test_partition_plan_keeps_survivors_in_place():
    assert partition_plan(["b", "c", "d"], ["a", "c", "d"]) == (["a"], ["b"], ["c", "d", "a"])


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
    assert keys(instance) == ["alpha-survey", "beta-survey", "remote-report"]
    assert (run.tags[RANGE_START], run.tags[RANGE_END]) == ("alpha-survey", "remote-report")
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
    from pipelines.defs.resources import ReportStoreIOManager

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "registry.yaml").write_text(f"reports:\n  - id: remote-report\n    url: {site}/remote-report.html\n")
    instance.add_dynamic_partitions(reports_partitions.name, ["remote-report"])

    def snapshot(refetch: bool):
        settings = settings_for(tmp_path, sources, refetch_urls=refetch)
        result = dg.materialize(
            [source_registry, raw_snapshots],
            partition_key="remote-report",
            instance=instance,
            resources={"cxbench": settings, "io_manager": ReportStoreIOManager(settings=settings)},
        )
        assert result.success
        return settings.work_store().load("raw_snapshots", "remote-report")

    first = snapshot(refetch=False)
    assert len(_CountingHandler.log) == 1 and first.ok
    again = snapshot(refetch=False)
    assert len(_CountingHandler.log) == 1, "a stored snapshot is reused without a request"
    assert again.reused and again.value.sha256 == first.value.sha256
    refetched = snapshot(refetch=True)
    assert len(_CountingHandler.log) == 2
    assert _CountingHandler.log[-1][1], "the re-fetch is conditional (If-Modified-Since sent)"
    assert refetched.value.sha256 == first.value.sha256
    event = instance.get_latest_materialization_event(dg.AssetKey("raw_snapshots"))
    metadata = event.asset_materialization.metadata
    assert metadata["reused"].value == 1
    registry_event = instance.get_latest_materialization_event(dg.AssetKey("source_registry"))
    contents = registry_event.asset_materialization.metadata["content_sha256"].value
    assert contents == {"remote-report": f"url:{site}/remote-report.html"}  # every report, one event


def test_execution_config_names_every_engine():
    assert execution_config("dask", cluster={"local": {}}) == {"config": {"dask": {"cluster": {"local": {}}}}}
    assert set(EXECUTOR_NAMES) >= {"in_process", "multiprocess", "dask"}
    with pytest.raises(ValueError, match="unknown executor"):
        execution_config("threads")


def test_cursor_round_trip_and_garbage():
    state = SourceState({"a": "1" * 64}, "r")
    assert SourceState.from_cursor(state.to_cursor()) == state
    assert SourceState.from_cursor("not json") == SourceState()
    assert json.loads(state.to_cursor())["reports"] == {"a": "1" * 64}
