"""The ``cxbench`` command: build the catalogue through Dagster, and read what was published.

Only ``run`` needs Dagster; its imports happen inside it, so the catalogue verbs start as fast as
pyarrow imports (a test asserts no Dagster or Great Expectations module is loaded by them).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from pipelines.source_changes import PROJECT_ROOT

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
        "--engine",
        choices=("process", "dask"),
        default="process",
        help="where per-report work runs: a local process pool (default) or a Dask cluster",
    )
    run.add_argument("--workers", type=int, default=0, help="processes or Dask workers (default: every core)")
    run.add_argument("--dask-address", default="", help="a running Dask scheduler (default: a LocalCluster)")
    run.add_argument("--report", action="append", default=[], metavar="ID", help="rebuild this report (repeatable)")
    run.add_argument("--full", action="store_true", help="run even when nothing changed since the last build")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.set_defaults(func=_run)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["run"]:  # the catalogue verbs import pandas; `cxbench run` with nothing to do must not
        from pipelines.catalogue.cli import register

        register(sub, str(DEFAULT_CATALOGUE))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


def _run(args: argparse.Namespace) -> int:
    sources = Path(args.sources)
    if not sources.is_dir():
        print(f"cxbench: sources folder not found: {sources}", file=sys.stderr)
        return 2
    if not (args.full or args.report):
        record = _unchanged(sources, args.catalogue)
        if record is not None:  # answered without importing Dagster, pandas or Great Expectations
            release = record.get("release") or {}
            print(f"nothing changed since run {record.get('run_id')}: catalogue {release.get('version')} is current")
            failures = record.get("failures") or []
            if failures:
                print(f"{len(failures)} report(s) failed in that run: " + ", ".join(f["report_id"] for f in failures))
            if release.get("path"):
                print(release["path"])
            return 3 if failures else 0

    from contextlib import nullcontext

    from rich.console import Console

    from pipelines.defs.progress import build_progress
    from pipelines.defs.runs import get_instance, launch_build, settings_for

    instance = get_instance()
    engine = {"kind": args.engine, "workers": args.workers, "dask_address": args.dask_address}
    show = not args.no_progress and sys.stderr.isatty()
    store = settings_for(sources, args.catalogue).work_store()
    try:
        with build_progress(instance, store, console=Console(stderr=True)) if show else nullcontext():
            outcome = launch_build(
                sources,
                args.catalogue,
                engine=engine,
                instance=instance,
                full=args.full,
                reports=args.report,
                console_level="CRITICAL",  # the summary names every failure; the UI keeps the tracebacks
            )
    except ValueError as exc:  # no reports, an unknown --report id: one clear line
        print(f"cxbench: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the Dagster home or work store cannot be written (read-only, disk full)
        from pipelines.errors import describe_os_error

        print(f"cxbench: nothing published: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    print(render_summary(outcome))
    if outcome.release and outcome.release.get("path"):
        print(outcome.release["path"])
    return exit_code(outcome)


def _unchanged(sources: Path, catalogue: str) -> dict | None:
    """The last build's record if no source, code or setting changed since (see source_changes)."""
    from pipelines.ingest.registry import load_registry
    from pipelines.source_changes import build_key, source_state, unchanged_since_last_build, work_dir_for
    from pipelines.workstore import WorkStore

    root = catalogue if "://" in catalogue else str(Path(catalogue).resolve())
    registry = load_registry(sources)
    key = build_key(source_state(registry).to_cursor(), str(sources.resolve()), root, {})
    return unchanged_since_last_build(WorkStore(work_dir_for(sources)), root, key)


def exit_code(outcome) -> int:
    """0: published (or unchanged); 3: published, but some reports failed; 1: nothing published."""
    if not (outcome.success and outcome.release):
        return 1
    return 3 if outcome.failures else 0


def headline(outcome) -> str:
    """The summary's first line: what the run did for the person who started it, failures included.

    "dagster run: success" alone read as all well while a report had failed (exit 3).
    """
    release, failed = outcome.release, len(outcome.failures or [])
    total = (outcome.extracts or {}).get("reports")
    of = f"{failed} of {total}" if total else str(failed)
    tail = f"; {of} report(s) failed: {', '.join(f['report_id'] for f in outcome.failures[:5])}" if failed else ""
    if release and release.get("published"):
        return f"published catalogue {release.get('version')}{tail}"
    if release:
        return f"nothing new to publish: catalogue {release.get('version')} is current{tail}"
    gate = outcome.gate
    why = "the quality gate failed" if gate is not None and gate.failed() else failure_cause(outcome.error)
    if why.startswith("published "):  # the release is out; only a pointer file could not be updated
        return f"{why}{tail}"
    return f"nothing published: {why}{tail}"


_ERRNO = re.compile(r"\[Errno (\d+)\] ([^:\n]+)(?:: '([^'\n]*)')?")
_OWN_ERRORS = {"CatalogueError", "SourcesError", "ReportError", "RunBusy"}  # their messages are for people


def _short(error: Any) -> str:
    return str(getattr(error, "cls_name", None) or "").rsplit(".", 1)[-1]


def failure_cause(error: Any) -> str:
    """One line naming why a run failed, from its first failed step's error.

    ``error`` is a ``dg.Failure`` description (text) or Dagster's serialized error, whose innermost
    cause is the exception our code raised. An operating-system error is put in plain words (``no
    space left on device (writing /x)``); a traceback never reaches the person.
    """
    if error is None:
        return "the run failed (see the run in the Dagster UI)"
    if isinstance(error, str):
        return error.strip().splitlines()[0] if error.strip() else "the run failed"
    while _short(error) not in _OWN_ERRORS and getattr(error, "cause", None) is not None:
        error = error.cause  # down to the exception our code raised (Dagster wraps it in its own)
    name = _short(error) or "Error"
    message = str(getattr(error, "message", "") or "").strip()
    message = re.sub(rf"^[\w.]*\b{re.escape(name)}:\s*", "", message) or name  # "pkg.mod.Error: text"
    message = message.splitlines()[0]
    errno_match = _ERRNO.search(message)
    if errno_match:
        from pipelines.errors import describe_os_error

        number, text, filename = errno_match.groups()
        return describe_os_error(OSError(int(number), text, filename) if filename else OSError(int(number), text))
    return message if name in _OWN_ERRORS else f"{name}: {message}"


def render_summary(outcome) -> str:
    lines = [headline(outcome)]
    if outcome.skipped:
        lines.append(f"nothing changed since run {outcome.run_id}: no run launched")
    else:
        lines.append(f"dagster run {outcome.run_id}: {'success' if outcome.success else 'FAILED'}")
    stats = outcome.extracts
    if stats:
        lines.append(
            f"reports: {stats.get('reports', 0)}: extracted {stats.get('computed', 0)} on the {stats.get('engine')} "
            f"engine, reused {stats.get('reused', 0)}, failed {stats.get('failed', 0)}"
            + (
                f" ({stats['ended_by_limits']} ended by the time or memory limit)"
                if stats.get("ended_by_limits")
                else ""
            )
        )
        unreadable = stats.get("recomputed_unreadable") or {}
        if unreadable:
            lines.append(
                f"extracted again {len(unreadable)} report(s) whose stored extract could not be loaded: "
                + ", ".join(f"{k} ({why})" for k, why in unreadable.items())
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
        lines += [
            f"  {f['report_id']}: {f['stage']}: {f['error']}: {f['message']} ({f.get('source')})"
            for f in outcome.failures
        ]
    if not release and not outcome.skipped and "untouched" not in lines[0]:
        lines.append("the previous release is untouched")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
