"""Scale benchmark: a full build of N synthetic reports, then an incremental run after one change.

Prints the full build's wall time, peak memory (RSS of this process and its children, sampled),
reports per second, the incremental run's time and its ratio to the full build, and where the
time goes: extraction (the stages' own measured seconds) against everything else (assembly, the
quality gate, publishing and Dagster's orchestration). The named peer, measured in the same run,
is a plain ``pipelines.build.process_report`` loop without Dagster over a sample of the corpus:
the floor the orchestrated build is compared with.

Targets (from the issue): incremental <= 10% of the full build; peak memory < 2 GiB; throughput
bounded by extraction, not orchestration.

Usage: ``python benchmarks/bench_scale.py [--n 1000] [--pdf-share 0.1] [--workdir DIR] [--noop]``
(dagster's event log goes to stderr; redirect it to keep the summary readable).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_corpus import touch_report, write_corpus  # noqa: E402
from pipelines.defs.runs import PLANNED_EVENTS_ENV  # noqa: E402

EXTRACTION_STAGES = ("raw_snapshots", "parsed_documents", "cleaned_texts", "report_rows")
GIB = 1024**3


@dataclass
class Phase:
    name: str
    wall: float
    peak_rss: int
    extraction: float  # seconds the per-report stages spent computing (reused outputs cost 0)
    steps: dict[str, float]  # step key -> seconds, from the run's STEP_SUCCESS events
    computed: dict[str, int]
    published: bool
    version: str | None


@contextmanager
def rss_sampler(interval: float = 0.2):
    """Track the peak resident memory of this process plus its children while the block runs."""
    import psutil

    me = psutil.Process()
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                total = me.memory_info().rss + sum(
                    c.memory_info().rss for c in me.children(recursive=True) if c.is_running()
                )
            except psutil.Error:
                total = 0
            peak[0] = max(peak[0], total)
            stop.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def step_seconds(instance, run_id: str) -> dict[str, float]:
    import dagster as dg

    events = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)
    return {
        e.dagster_event.step_key: e.dagster_event.event_specific_data.duration_ms / 1000 for e in events
    }


def extraction_seconds(instance, run_id: str) -> float:
    """Sum of the per-report stages' own 'seconds' metadata in this run (reused reports cost 0)."""
    import dagster as dg

    total = 0.0
    for stage in EXTRACTION_STAGES:
        event = instance.get_latest_materialization_event(dg.AssetKey(stage))
        if event is not None and event.run_id == run_id:
            total += float(event.asset_materialization.metadata["seconds"].value)
    return total


def run_phase(name: str, sources: Path, catalogue: Path, instance, span: tuple[str, str] | None = None) -> Phase:
    from pipelines.defs.runs import launch_build

    with rss_sampler() as peak:
        started = time.perf_counter()
        outcome = launch_build(sources, str(catalogue), instance=instance, partition_range=span)
        wall = time.perf_counter() - started
    release = outcome.release or {}
    return Phase(
        name=name,
        wall=wall,
        peak_rss=peak[0],
        extraction=extraction_seconds(instance, outcome.run_id),
        steps=step_seconds(instance, outcome.run_id),
        computed={k: v["computed"] for k, v in outcome.stage_stats.items()} if span is None else {"span": span},
        published=bool(release.get("published")),
        version=release.get("version"),
    )


def plain_loop_seconds(sources: Path, sample_every: int) -> tuple[float, int]:
    """The peer: process_report over every ``sample_every``-th report, no Dagster, no store."""
    from pipelines.build import process_report
    from pipelines.ingest.registry import load_registry
    from pipelines.model import Snapshot

    specs = load_registry(sources).specs[::sample_every]
    started = time.perf_counter()
    for spec in specs:
        data = (sources / spec.file).read_bytes()
        snapshot = Snapshot(spec.report_id, "0" * 64, str(sources / spec.file), len(data), spec.file)
        with contextlib.suppress(Exception):  # a failed report still cost its time, as in the pipeline
            process_report(spec, snapshot, data)
    return time.perf_counter() - started, len(specs)


def describe(phase: Phase, n: int) -> list[str]:
    per_report = sum(v for k, v in phase.steps.items() if k in EXTRACTION_STAGES)
    other_steps = sum(v for k, v in phase.steps.items() if k not in EXTRACTION_STAGES)
    overhead = phase.wall - per_report - other_steps
    lines = [
        f"{phase.name}: wall {phase.wall:.1f} s, peak RSS {phase.peak_rss / GIB:.2f} GiB, "
        f"{n / phase.wall:.2f} reports/s, published={phase.published} ({phase.version})",
        f"  computed per stage: {phase.computed}",
        f"  extraction (stage seconds) {phase.extraction:.1f} s = {phase.extraction / phase.wall:.0%} of wall",
        f"  per-report steps {per_report:.1f} s; assembly+gate+release steps {other_steps:.1f} s; "
        f"dagster outside steps {overhead:.1f} s",
    ]
    slow = sorted(phase.steps.items(), key=lambda kv: -kv[1])[:4]
    lines.append("  slowest steps: " + ", ".join(f"{k} {v:.1f}s" for k, v in slow))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("CXBENCH_BENCH_N", "1000")))
    parser.add_argument("--pdf-share", type=float, default=0.1)
    parser.add_argument("--workdir", help="keep everything here (default: a temporary folder)")
    parser.add_argument("--noop", action="store_true", help="also time a run with no change")
    parser.add_argument("--peer-sample", type=int, default=10, help="peer loop reads every k-th report")
    parser.add_argument(
        "--planned-per-partition",
        action="store_true",
        help="keep Dagster's default of one 'planned' event per partition and asset (slow on SQLite)",
    )
    parser.add_argument(
        "--full-range-incremental", action="store_true", help="also time a change run over every partition"
    )
    args = parser.parse_args(argv)
    if not args.planned_per_partition:
        os.environ.setdefault(PLANNED_EVENTS_ENV, "true")
    print(f"{PLANNED_EVENTS_ENV}={os.environ.get(PLANNED_EVENTS_ENV, '')}")

    work = Path(args.workdir or tempfile.mkdtemp(prefix="cxbench-bench-"))
    home, sources, catalogue = work / "dagster_home", work / "sources", work / "catalogue"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    started = time.perf_counter()
    paths = write_corpus(sources, args.n, pdf_share=args.pdf_share)
    kinds = {s: sum(1 for p in paths if p.suffix == s) for s in sorted({p.suffix for p in paths})}
    print(f"corpus: {args.n} reports {kinds} in {time.perf_counter() - started:.1f} s at {sources}", flush=True)

    instance = dg.DagsterInstance.get()
    full = run_phase("full build", sources, catalogue, instance)
    print("\n".join(describe(full, args.n)), flush=True)
    phases = [full]
    if args.noop:
        noop = run_phase("no-change run", sources, catalogue, instance)
        print("\n".join(describe(noop, args.n)), flush=True)
        phases.append(noop)
    changed = next(p for p in paths if p.suffix == ".txt")
    touch_report(changed)
    key = changed.stem  # the file name is the report id in the synthetic corpus
    incremental = run_phase(
        "incremental, changed span (as the sensor asks)", sources, catalogue, instance, span=(key, key)
    )
    print("\n".join(describe(incremental, args.n)), flush=True)
    phases.append(incremental)
    if args.full_range_incremental:
        touch_report(changed, "A second follow-up found 41% disagreed.")
        whole = run_phase("incremental, whole range (as `cxbench run` does)", sources, catalogue, instance)
        print("\n".join(describe(whole, args.n)), flush=True)
        phases.append(whole)
        print(f"whole-range incremental / full = {whole.wall / full.wall:.1%}")

    peer_seconds, peer_n = plain_loop_seconds(sources, args.peer_sample)
    peer_rate = peer_n / peer_seconds if peer_seconds else float("inf")
    ratio = incremental.wall / full.wall
    peak = max(p.peak_rss for p in phases)
    maxrss = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    print()
    print(f"peer: plain process_report loop (no Dagster) on {peer_n} reports: {peer_rate:.2f} reports/s")
    print(f"full build throughput {args.n / full.wall:.2f} reports/s = {args.n / full.wall / peer_rate:.2f}x the peer")
    print(f"extraction share of full build: {full.extraction / full.wall:.0%}; "
          f"orchestration and assembly: {1 - full.extraction / full.wall:.0%}")
    print(f"incremental / full = {incremental.wall:.1f} / {full.wall:.1f} s = {ratio:.1%} (target <= 10%)"
          f" {'OK' if ratio <= 0.10 else 'MISSED'}")
    print(f"peak RSS (sampled) {peak / GIB:.2f} GiB, ru_maxrss {maxrss / 1024**2:.2f} GiB (target < 2 GiB)"
          f" {'OK' if peak < 2 * GIB else 'MISSED'}")
    print(f"work folder: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
