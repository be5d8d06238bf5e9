"""Engines that map one function over many independent tasks: a local process pool, or Dask.

Belongs here: running per-report work in parallel and bounding what one task may cost. Nothing here
knows about reports or Dagster; ``pipelines.incremental`` gives the engine its tasks and the Dagster
layer chooses the engine (``pipelines.defs.resources.ReportEngine``).

Why a hand-written pool instead of ``concurrent.futures.ProcessPoolExecutor``: a task that hangs in
C code (a pathological PDF inside PDFium) or eats memory can only be stopped by ending its process,
and ending a worker breaks a ``ProcessPoolExecutor`` for every other task. Here each worker has its
own pipe, the parent watches each task's wall clock and each worker's resident memory, ends the one
worker that crosses a limit, records that task as ended, starts a fresh worker and goes on.

``DaskEngine`` runs the same tasks on a dask.distributed cluster (a ``LocalCluster`` when no
scheduler address is given). There the memory limit is Dask's own: the nanny ends a worker that
crosses it and the scheduler, allowed no retries, reports the task as ``KilledWorker``. The time
limit interrupts the task's thread (an asynchronous exception at the next Python bytecode), since
ending a shared Dask worker would also end its neighbours' tasks.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

ENDED_TIME = "time"
ENDED_MEMORY = "memory"
ENDED_CRASH = "crash"


@dataclass(frozen=True)
class Limits:
    """What one task may cost: wall-clock seconds, and resident memory of the process running it."""

    seconds: float | None = None
    memory_bytes: int | None = None


@dataclass
class TaskOutcome:
    """One task's end: its value, or why it has none (an exception, or the engine ended it)."""

    key: str
    value: Any = None
    error: str | None = None  # "TypeName: message" of an exception the task raised
    ended: str | None = None  # ENDED_TIME / ENDED_MEMORY / ENDED_CRASH when the engine stopped it
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.ended is None


class Engine(Protocol):
    """Anything that can map ``fn`` over ``(key, argument)`` pairs, yielding outcomes as they end."""

    name: str

    def map(self, fn: Callable[[Any], Any], items: Sequence[tuple[str, Any]]) -> Iterator[TaskOutcome]: ...


def cpu_count() -> int:
    """Cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def describe_end(outcome: TaskOutcome, limits: Limits) -> str:
    """One line a person can act on, naming the limit that ended the task."""
    if outcome.ended == ENDED_TIME:
        return f"ended after {outcome.seconds:.1f} s: over the {limits.seconds:g} s limit per report"
    if outcome.ended == ENDED_MEMORY:
        limit = (limits.memory_bytes or 0) / 1024**2
        return f"ended: its worker's memory went over the {limit:.0f} MiB limit per report"
    if outcome.ended == ENDED_CRASH:
        return "its worker process died (crashed or was killed) while working on it"
    return outcome.error or ""


# --- the local process pool -------------------------------------------------------------------


def _worker_main(conn: Connection, fn: Callable[[Any], Any]) -> None:
    """A pool worker: run tasks from the pipe until told to stop (``None``) or the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        key, argument = message
        started = time.perf_counter()
        try:
            outcome = TaskOutcome(key, value=fn(argument))
        except Exception as exc:  # reported to the parent; the worker takes the next task
            outcome = TaskOutcome(key, error=f"{type(exc).__name__}: {exc}")
        outcome.seconds = time.perf_counter() - started
        try:
            conn.send(outcome)
        except Exception as exc:  # an unpicklable value: say so instead of dying silently
            conn.send(TaskOutcome(key, error=f"{type(exc).__name__}: result not sendable: {exc}"))


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process
    conn: Connection
    inflight: deque = field(default_factory=deque)  # (key, argument) sent, oldest (running) first
    started: float = 0.0  # monotonic time the oldest in-flight task began

    def rss(self) -> int:
        """Resident bytes of the worker, read from /proc (cheap enough to poll 20 times a second)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as handle:
                return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    def end(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


# What every worker needs for a report, imported once by the forkserver instead of by each worker.
PRELOAD = (
    "pipelines.build",
    "pipelines.incremental",
    "pipelines.parse",
    "pipelines.figures",
    "pipelines.tables",
    "pipelines.semantics",
)


def prestart_forkserver(preload: Iterable[str] = PRELOAD) -> None:
    """Start the workers' forkserver now, without waiting for it: it imports ``preload`` in its own
    process while this one goes on (a build starts it when the run starts, so its seconds of imports
    overlap the snapshot step instead of delaying the first report). Idempotent."""
    from multiprocessing import forkserver

    mp.get_context("forkserver").set_forkserver_preload(list(preload))
    forkserver.ensure_running()


class ProcessPoolEngine:
    """Local worker processes (all usable cores by default) with per-task time and memory limits.

    Workers are forked from a ``forkserver`` that imported ``preload`` once, so a replacement for an
    ended worker starts in milliseconds and no worker inherits the parent's threads.
    """

    name = "process"
    DEPTH = 2  # tasks in flight per worker

    def __init__(
        self,
        workers: int = 0,
        limits: Limits = Limits(),
        *,
        preload: Iterable[str] = PRELOAD,
        start_method: str = "forkserver",
        poll_seconds: float = 0.05,
    ) -> None:
        self.workers = workers or cpu_count()
        self.limits = limits
        self.preload = list(preload)
        self.start_method = start_method
        self.poll_seconds = poll_seconds

    def _context(self) -> Any:
        context = mp.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload(self.preload)
        return context

    def _start(self, context: Any, fn: Callable[[Any], Any]) -> _Worker:
        parent, child = context.Pipe()
        process = context.Process(target=_worker_main, args=(child, fn), daemon=True, name="cxbench-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    def map(self, fn: Callable[[Any], Any], items: Sequence[tuple[str, Any]]) -> Iterator[TaskOutcome]:
        """Each worker has up to ``DEPTH`` tasks in flight, so it never waits for the parent between
        two tasks; the oldest is the one running, and its clock starts when the previous one ends."""
        if not items:
            return
        context = self._context()
        queue = deque(items)
        pool = [self._start(context, fn) for _ in range(min(self.workers, len(queue)))]
        try:
            while queue or any(w.inflight for w in pool):
                for depth in range(1, self.DEPTH + 1):  # breadth first: every idle worker gets a task first
                    for worker in pool:
                        if queue and len(worker.inflight) < depth:
                            task = queue.popleft()
                            if not worker.inflight:
                                worker.started = time.monotonic()
                            worker.conn.send(task)
                            worker.inflight.append(task)
                busy = {w.conn: w for w in pool if w.inflight}
                for conn in wait(list(busy), timeout=self.poll_seconds):
                    worker = busy[conn]
                    try:
                        outcome = conn.recv()
                    except (EOFError, OSError):  # the worker died mid-task (segfault, OOM killer, kill -9)
                        yield self._end(context, fn, pool, worker, queue, ENDED_CRASH)
                        continue
                    worker.inflight.popleft()
                    worker.started = time.monotonic()
                    yield outcome
                yield from self._enforce_limits(context, fn, pool, queue)
        finally:
            for worker in pool:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            for worker in pool:
                worker.process.join(timeout=2)
                worker.end()

    def _enforce_limits(self, context: Any, fn: Callable, pool: list[_Worker], queue: deque) -> Iterator[TaskOutcome]:
        now = time.monotonic()
        for worker in list(pool):
            if not worker.inflight:
                continue
            if self.limits.seconds and now - worker.started > self.limits.seconds:
                yield self._end(context, fn, pool, worker, queue, ENDED_TIME)
            elif self.limits.memory_bytes and worker.rss() > self.limits.memory_bytes:
                yield self._end(context, fn, pool, worker, queue, ENDED_MEMORY)

    def _end(self, context: Any, fn: Callable, pool: list[_Worker], worker: _Worker, queue: deque, why: str):
        """End ``worker``: its running task is recorded as ended, the ones waiting behind it go back
        to the front of the queue, and a fresh worker takes its place."""
        key, _ = worker.inflight.popleft()
        queue.extendleft(reversed(worker.inflight))
        pool[pool.index(worker)] = self._replace(context, fn, worker)
        return TaskOutcome(key, ended=why, seconds=time.monotonic() - worker.started)

    def _replace(self, context: Any, fn: Callable, worker: _Worker) -> _Worker:
        worker.end()
        return self._start(context, fn)


# --- dask.distributed -------------------------------------------------------------------------


class _TaskExpired(BaseException):
    """Raised inside a Dask task's thread when it runs out of time (BaseException: not swallowed)."""


def _interrupt(thread_id: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(_TaskExpired))


def _dask_call(fn: Callable[[Any], Any], key: str, argument: Any, seconds: float | None) -> TaskOutcome:
    """Run one task on a Dask worker thread, interrupted after ``seconds``."""
    started = time.perf_counter()
    timer = None
    if seconds:
        timer = threading.Timer(seconds, _interrupt, args=(threading.get_ident(),))
        timer.daemon = True
        timer.start()
    try:
        outcome = TaskOutcome(key, value=fn(argument))
    except _TaskExpired:
        outcome = TaskOutcome(key, ended=ENDED_TIME)
    except Exception as exc:
        outcome = TaskOutcome(key, error=f"{type(exc).__name__}: {exc}")
    finally:
        if timer is not None:
            timer.cancel()
    outcome.seconds = time.perf_counter() - started
    return outcome


def _dask_batch(fn: Callable[[Any], Any], batch: list[tuple[str, Any]], seconds: float | None) -> list[TaskOutcome]:
    """Several tasks in one Dask task, each under its own time limit."""
    return [_dask_call(fn, key, argument, seconds) for key, argument in batch]


class DaskEngine:
    """Tasks as dask.distributed futures: on ``address``'s cluster, or on a fresh ``LocalCluster``.

    Reports take milliseconds and a Dask task costs about a millisecond of scheduler time, so tasks
    go in batches of ``batch_size`` (default: enough for about eight batches per worker). A worker
    ended for memory fails its whole batch: each of its reports is recorded as ended and retried on
    the next build.

    ``n_workers`` and the memory limit apply to the ``LocalCluster`` only; a production cluster sets
    its workers' ``--memory-limit`` itself and should run its scheduler with
    ``distributed.scheduler.allowed-failures: 0`` so a memory hog is not retried on the next worker.
    """

    name = "dask"

    def __init__(
        self,
        address: str = "",
        *,
        n_workers: int = 0,
        limits: Limits = Limits(),
        threads_per_worker: int = 1,
        batch_size: int = 0,
    ) -> None:
        self.batch_size = batch_size
        self.address = address
        self.n_workers = n_workers or cpu_count()
        self.limits = limits
        self.threads_per_worker = threads_per_worker
        self.startup_seconds = 0.0

    def _client(self) -> Any:
        import dask
        from distributed import Client, LocalCluster

        if self.address:
            return Client(self.address)
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(
                n_workers=self.n_workers,
                threads_per_worker=self.threads_per_worker,
                processes=True,
                memory_limit=self.limits.memory_bytes or "auto",
                dashboard_address=None,
            )
        client = Client(cluster)
        client._cxbench_cluster = cluster  # closed with the client
        return client

    def map(self, fn: Callable[[Any], Any], items: Sequence[tuple[str, Any]]) -> Iterator[TaskOutcome]:
        if not items:
            return
        from distributed import as_completed

        started = time.perf_counter()
        client = self._client()
        self.startup_seconds = time.perf_counter() - started
        try:
            run = uuid.uuid4().hex[:8]
            size = self.batch_size or max(1, len(items) // (8 * self.n_workers))
            batches = [list(items[i : i + size]) for i in range(0, len(items), size)]
            futures = {
                client.submit(_dask_batch, fn, batch, self.limits.seconds, key=f"batch-{i}-{run}", pure=False): batch
                for i, batch in enumerate(batches)
            }
            for future, result in as_completed(futures, with_results=True, raise_errors=False):
                if isinstance(result, list):
                    yield from result
                    continue
                # KilledWorker: the nanny ended the worker (memory) or it died
                killed = type(result).__name__ == "KilledWorker"
                ended = ENDED_MEMORY if killed and self.limits.memory_bytes else ENDED_CRASH
                for key, _ in futures[future]:
                    yield TaskOutcome(key, ended=ended, error=None if killed else repr(result))
        finally:
            cluster = getattr(client, "_cxbench_cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
