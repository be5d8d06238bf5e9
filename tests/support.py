"""Paths and guards shared by the tests (the tests folder is on sys.path, so ``from support import ...``)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
SOURCES = PROJECT / "sources"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test cleanly when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so a parser's broad ``except Exception`` cannot swallow it."""


@contextmanager
def hang_guard(seconds: float, *, what: str) -> Iterator[None]:
    """Fail the test if the block runs longer than ``seconds`` of wall-clock time.

    A hang detector for tests of pathological inputs (a quadratic regex took minutes): without it
    a regression hangs the suite instead of failing one test. SIGALRM, so main thread only; it
    interrupts Python code, not one long call inside a C library. The pipeline itself bounds a
    report's time by ending its worker (``pipelines.engine``), which also stops C code.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        raise RuntimeError("hang_guard needs the main thread of a Unix process")

    def expire(signum: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        pytest.fail(f"{what} took longer than {seconds:g} s (a hang)", pytrace=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
