"""The ``cxbench`` command: build the catalogue through Dagster, and read what was published.

Only ``run`` needs Dagster; its imports happen inside it, so the catalogue verbs start as fast as
pyarrow imports (a test asserts no Dagster or Great Expectations module is loaded by them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The checkout (pipelines/defs/resources.py computes the same folder, but importing it loads Dagster).
PROJECT_ROOT = Path(__file__).resolve().parents[1]

DEFAULT_SOURCES = PROJECT_ROOT / "sources"
DEFAULT_CATALOGUE = PROJECT_ROOT / "datasets" / "catalogue"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cxbench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="materialize every asset on a sources folder and publish a catalogue version")
    run.add_argument(
        "--sources", default=str(DEFAULT_SOURCES), help="folder of report documents (default: %(default)s)"
    )
    run.add_argument("--catalogue", default=str(DEFAULT_CATALOGUE), help="catalogue root, path or fsspec URL")
    run.add_argument(
        "--executor",
        choices=("in_process", "multiprocess", "dask"),
        default="in_process",
        help="Dagster executor (default: %(default)s; every report runs in one step either way)",
    )
    run.add_argument("--full", action="store_true", help="run every report, not only those whose sources changed")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.set_defaults(func=_run)
    from pipelines.catalogue.cli import register

    register(sub, str(DEFAULT_CATALOGUE))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


def _run(args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from rich.console import Console

    from pipelines.defs.progress import build_progress
    from pipelines.defs.runs import get_instance, launch_build
    from pipelines.errors import SourcesError

    sources = Path(args.sources)
    if not sources.is_dir():
        print(f"cxbench: sources folder not found: {sources}", file=sys.stderr)
        return 2
    instance = get_instance()
    show = not args.no_progress and sys.stderr.isatty()
    try:
        with build_progress(instance, console=Console(stderr=True)) if show else nullcontext():
            outcome = launch_build(sources, args.catalogue, executor=args.executor, instance=instance, full=args.full)
    except SourcesError as exc:  # a folder that cannot be built at all: one line, no traceback
        print(f"cxbench: {exc}", file=sys.stderr)
        return 2
    print(render_summary(outcome))
    if outcome.release and outcome.release.get("path"):
        print(outcome.release["path"])
    return exit_code(outcome)


def exit_code(outcome) -> int:
    """0: published (or unchanged); 3: published, but some reports failed; 1: nothing published."""
    if not (outcome.success and outcome.release):
        return 1
    return 3 if outcome.failures else 0


def render_summary(outcome) -> str:
    lines = [f"dagster run {outcome.run_id}: {'success' if outcome.success else 'FAILED'}"]
    if outcome.added or outcome.removed:
        lines.append(f"partitions: +{len(outcome.added)} new, -{len(outcome.removed)} removed")
    for stage, stats in outcome.stage_stats.items():
        lines.append(
            f"  {stage:<17} computed {stats['computed']:>5}  reused {stats['reused']:>5}"
            f"  unchanged, not in this run {stats.get('not in run', 0):>5}"
        )
    release = outcome.release
    if release:
        counts = release.get("counts", {})
        state = "published" if release.get("published") else "unchanged, nothing published"
        if release.get("published"):
            previous = release.get("previous_version")
            state += f", {release.get('bump')} bump from {previous}" if previous else ", first version"
        lines.append(
            f"catalogue {release.get('version')} ({state}): "
            + ", ".join(f"{k} {v}" for k, v in counts.items() if isinstance(v, int))
        )
    gate = outcome.gate
    if gate is not None:
        failed = gate.failed()
        lines.append(f"checks: {len(gate.results) - len(failed)} passed, {len(failed)} failed")
        if failed:
            lines.append(gate.summary())
    if outcome.failures:
        lines.append(f"reports that failed ({len(outcome.failures)}):")
        lines += [f"  {f['report_id']}: {f['stage']}: {f['error']}: {f['message']}" for f in outcome.failures]
    if not release:
        lines.append("nothing published: the previous release is untouched")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
