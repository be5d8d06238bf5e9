"""Run locks: two ``cxbench run`` on one machine take turns instead of trampling each other.

Two runs of one sources folder share a work store (its stored extracts, the assets' values, the
build record); two runs into one catalogue each check their datasets against the release that is
current when they start. Run at once, the first overwrote the second's values mid-run and the
second's gate judged a release that had been replaced before it published. So a build holds, for
its whole length:

1. the lock of its sources folder's work store (``<work store>/.run.lock``), then
2. the lock of its catalogue (``$DAGSTER_HOME/storage/cxbench/locks/catalogue-<digest>.lock``),

always in that order, so two runs never wait for each other crosswise. A run that finds a lock held
says so in one line ("waiting for another cxbench run on <folder>") and waits; afterwards it looks
again at what changed, so it reports truthfully that the other run already did the work. Publishing
itself also holds the catalogue root's own lock (``pipelines.catalogue.storage``), which covers
publishers on other Dagster homes.

The locks are ``filelock`` locks: ``flock`` on POSIX, so the kernel releases them when a run dies
(a killed run never leaves a stale lock behind).
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

RUN_LOCK = ".run.lock"
INSTANCE_LOCK = ".cxbench-instance.lock"


class RunBusy(RuntimeError):
    """Another run held a lock longer than this run was willing to wait."""


def work_store_lock_path(work_dir: str | Path) -> Path:
    return Path(work_dir) / RUN_LOCK


def catalogue_lock_path(dagster_home: str | Path, catalogue_root: str) -> Path:
    digest = hashlib.sha256(catalogue_root.encode()).hexdigest()[:12]
    return Path(dagster_home) / "storage" / "cxbench" / "locks" / f"catalogue-{digest}.lock"


def instance_lock_path(dagster_home: str | Path) -> Path:
    """Held while a process opens the Dagster instance: two first runs on a new ``DAGSTER_HOME``
    (two sources folders run at once) otherwise both create its SQLite schedule storage and leave
    two alembic heads behind, after which no process can open the instance again."""
    return Path(dagster_home) / INSTANCE_LOCK


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextlib.contextmanager
def hold(
    path: str | Path, what: str, *, notice: Callable[[str], None] | None = _stderr, timeout: float = -1
) -> Iterator[bool]:
    """Hold the lock at ``path``; yields whether this run had to wait for it.

    When the lock is held elsewhere, ``notice`` gets one line naming ``what`` is being waited for,
    then the run waits (forever with ``timeout`` -1, else at most ``timeout`` seconds, then
    ``RunBusy``).
    """
    import filelock

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(path), thread_local=False)
    waited = False
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        waited = True
        if notice:
            notice(f"waiting for another cxbench run on {what}")
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            raise RunBusy(f"another cxbench run on {what} still holds {path} after {timeout:g} s") from None
    try:
        yield waited
    finally:
        lock.release()


@contextlib.contextmanager
def build_locks(
    work_dir: str | Path,
    sources_dir: str,
    dagster_home: str | Path,
    catalogue_root: str,
    *,
    notice: Callable[[str], None] | None = _stderr,
) -> Iterator[bool]:
    """Both locks of one build, in the fixed order; yields whether the run waited for either."""
    with (
        hold(work_store_lock_path(work_dir), sources_dir, notice=notice) as waited_sources,
        hold(
            catalogue_lock_path(dagster_home, catalogue_root), f"catalogue {catalogue_root}", notice=notice
        ) as waited_catalogue,
    ):
        yield waited_sources or waited_catalogue
