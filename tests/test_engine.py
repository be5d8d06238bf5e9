"""The per-report engines: a task that hangs, one that eats memory and one whose process dies are
each ended and recorded while every other task finishes (real worker processes, no mocks)."""

from __future__ import annotations

import time

import pytest
from engine_tasks import behave, square

from pipelines.engine import ENDED_CRASH, ENDED_MEMORY, ENDED_TIME, Limits, ProcessPoolEngine

MIB = 1024**2


def test_pool_maps_every_task():
    engine = ProcessPoolEngine(2, preload=["engine_tasks"])
    outcomes = {o.key: o for o in engine.map(square, [(str(i), i) for i in range(20)])}
    assert {k: o.value for k, o in outcomes.items()} == {str(i): i * i for i in range(20)}
    assert all(o.ok for o in outcomes.values())


def test_hung_hog_and_dying_tasks_are_ended_and_the_others_finish():
    engine = ProcessPoolEngine(2, Limits(seconds=3, memory_bytes=400 * MIB), preload=["engine_tasks"])
    items = [("hang", "hang"), ("hog", "hog"), ("die", "die"), ("raise", "raise")]
    items += [(f"ok-{i}", f"ok-{i}") for i in range(6)]
    started = time.monotonic()
    outcomes = {o.key: o for o in engine.map(behave, items)}
    assert time.monotonic() - started < 60
    assert outcomes["hang"].ended == ENDED_TIME and outcomes["hang"].seconds >= 3
    assert outcomes["hog"].ended == ENDED_MEMORY
    assert outcomes["die"].ended == ENDED_CRASH
    assert outcomes["raise"].error == "ValueError: bad input" and outcomes["raise"].ended is None
    assert {k: o.value for k, o in outcomes.items() if k.startswith("ok-")} == {f"ok-{i}": f"ok-{i}" for i in range(6)}


def test_empty_map_starts_nothing():
    assert list(ProcessPoolEngine(2).map(square, [])) == []


@pytest.mark.slow
@pytest.mark.xdist_group("dask")
def test_dask_engine_maps_and_interrupts_a_hung_task():
    from pipelines.engine import DaskEngine

    engine = DaskEngine(n_workers=2, limits=Limits(seconds=3))
    items = [("hang", "hang")] + [(f"ok-{i}", f"ok-{i}") for i in range(4)]
    outcomes = {o.key: o for o in engine.map(behave, items)}
    assert outcomes["hang"].ended == ENDED_TIME
    assert all(outcomes[f"ok-{i}"].value == f"ok-{i}" for i in range(4))
