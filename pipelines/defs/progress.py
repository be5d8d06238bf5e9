"""Terminal progress for a build: follow a run's steps and its per-report map, drive rich bars.

Belongs here: turning Dagster step events of a ``build_catalogue`` run into a "step i of n" bar, and
the ``report_extracts`` step's progress record (a small file in the work store, written at most
twice a second, never an event, so events stay flat in the number of reports) into a reports bar.

Why poll from a thread instead of a Dagster logger: it works the same however the run is launched,
because every run writes its events to the instance and its progress to the work store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipelines.defs.assets import PROGRESS
from pipelines.workstore import WorkStore

_STEP_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.RUN_SUCCESS,
    dg.DagsterEventType.RUN_FAILURE,
}


class RunFollower:
    """Reads a run's new step events since the last call (cursor-based, so each poll is cheap)."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str) -> None:
        self.instance = instance
        self.run_id = run_id
        self._cursor: str | None = None

    def new_events(self) -> list[dg.EventLogEntry]:
        connection = self.instance.get_records_for_run(self.run_id, cursor=self._cursor, of_type=_STEP_EVENTS)
        self._cursor = connection.cursor
        return [record.event_log_entry for record in connection.records]


class BuildProgress:
    """Two bars (steps; reports extracted) fed from a run's events and its progress record."""

    def __init__(self, progress: Progress, n_steps: int) -> None:
        self.progress = progress
        self.steps = progress.add_task("steps", total=n_steps)
        self.reports = progress.add_task("reports extracted", total=None)
        self.finished = False

    def reports_done(self, record: dict | None, run_id: str) -> None:
        if isinstance(record, dict) and record.get("run_id") == run_id and record.get("total"):
            self.progress.update(self.reports, completed=record["done"], total=record["total"])

    def handle(self, entry: dg.EventLogEntry) -> None:
        event = entry.dagster_event
        if event is None:
            return
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            self.progress.update(self.steps, description=f"running {event.step_key}")
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            self.progress.advance(self.steps)
            if kind == dg.DagsterEventType.STEP_FAILURE:
                self.progress.console.print(f"[red]step {event.step_key} failed")
        elif kind in (dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE):
            self.progress.update(self.steps, description="done", completed=self.progress.tasks[0].total)
            self.finished = True


def _wait_for_new_run(instance: dg.DagsterInstance, known: set[str], stop: threading.Event, poll: float):
    while not stop.is_set():
        for run in instance.get_runs(limit=5):
            if run.run_id not in known:
                return run
        stop.wait(poll)
    return None


@contextmanager
def build_progress(
    instance: dg.DagsterInstance, store: WorkStore, *, console: Console | None = None, poll_seconds: float = 0.5
) -> Iterator[None]:
    """Show progress of the run that the ``with`` block launches on ``instance``.

    Usage (``cxbench run``)::

        with build_progress(instance, settings.work_store()):
            outcome = launch_build(sources, catalogue, instance=instance)
    """
    known = {run.run_id for run in instance.get_runs(limit=5)}
    stop = threading.Event()
    columns = (TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:

        def follow() -> None:
            run = _wait_for_new_run(instance, known, stop, poll_seconds)
            if run is None:
                return
            plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
            n_steps = len(plan.step_keys_to_execute) if plan else 1
            bars = BuildProgress(progress, n_steps)
            follower = RunFollower(instance, run.run_id)
            while not bars.finished:
                for entry in follower.new_events():
                    bars.handle(entry)
                bars.reports_done(store.load_json(PROGRESS, "current"), run.run_id)
                if stop.is_set() and not bars.finished:
                    for entry in follower.new_events():  # the run ended: drain what is left once
                        bars.handle(entry)
                    bars.reports_done(store.load_json(PROGRESS, "current"), run.run_id)
                    break
                time.sleep(poll_seconds)

        thread = threading.Thread(target=follow, name="cxbench-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=10)
