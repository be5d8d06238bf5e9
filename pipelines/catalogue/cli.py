"""Command-line verbs for catalogue consumers: ``catalogue list|show|diff|verify`` and ``search``.

``register`` plugs them into the project's argparse CLI (pipelines/cli.py). Every verb stores its
handler in ``args.func``; a handler takes the parsed args and returns the process exit code.
``main`` runs the verbs on their own (``python -m pipelines.catalogue.cli``). Every verb answers a
damaged catalogue with one line on stderr (exit 1) and an unknown version with one line (exit 2),
never a traceback. Nothing here imports Dagster or Great Expectations, and pandas only for the
verbs that build tables (diff, search).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Sequence

from pipelines.catalogue import reader
from pipelines.catalogue.state import CatalogueError

DIFF_VALUE_WIDTH = 60


def register(subparsers: argparse._SubParsersAction, default_root: str) -> None:
    """Add ``catalogue`` (list/show/diff/verify) and ``search`` to an argparse subparsers object."""

    def with_root(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--catalogue", default=default_root, help=f"catalogue root (default {default_root})")
        return parser

    catalogue = subparsers.add_parser("catalogue", help="inspect published catalogue versions")
    verbs = catalogue.add_subparsers(dest="catalogue_verb", required=True)
    with_root(verbs.add_parser("list", help="released versions")).set_defaults(func=cmd_list)
    show = with_root(verbs.add_parser("show", help="manifest summary and changelog of a version"))
    show.add_argument("version", nargs="?", default="latest")
    show.set_defaults(func=cmd_show)
    diff = with_root(verbs.add_parser("diff", help="row-level changes between two versions"))
    diff.add_argument("old")
    diff.add_argument("new")
    diff.set_defaults(func=cmd_diff)
    verify = with_root(verbs.add_parser("verify", help="recompute hashes and row counts"))
    verify.add_argument("version", nargs="?", default=None, help="one version (default: all released)")
    verify.set_defaults(func=cmd_verify)
    repair = with_root(
        verbs.add_parser("repair", help="rebuild a missing or damaged latest.json/index.json from the version folders")
    )
    repair.set_defaults(func=cmd_repair)
    from pipelines.search import add_search_verb  # the ranked, bilingual search (issue 15)

    add_search_verb(with_root(subparsers.add_parser("search", help="figures that answer a few keywords, best first")))


def _one_line_errors(verb: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """One answer per kind of trouble, for every verb: a damaged catalogue exits 1, an unknown version 2."""

    @functools.wraps(verb)
    def run(args: argparse.Namespace) -> int:
        try:
            return verb(args)
        except CatalogueError as exc:
            print(f"cxbench: {exc}", file=sys.stderr)
            return 1
        except LookupError as exc:
            print(exc, file=sys.stderr)
            return 2

    return run


@_one_line_errors
def cmd_list(args: argparse.Namespace) -> int:
    versions = reader.list_versions(args.catalogue)
    if not versions:
        print(f"no published version in {args.catalogue}")
        return 0
    latest = reader.latest_version(args.catalogue)
    for entry in versions:
        counts = ", ".join(f"{k} {v}" for k, v in entry["counts"].items())
        mark = "  (latest)" if entry["version"] == latest else ""
        print(f"{entry['version']:<10} {entry['created']}  {entry.get('bump') or '':<5}  {counts}{mark}")
    return 0


@_one_line_errors
def cmd_show(args: argparse.Namespace) -> int:
    manifest = reader.read_manifest(args.catalogue, args.version)
    print(f"{manifest['name']} {manifest['version']}  created {manifest['created']}")
    print(f"previous {manifest.get('previous_version')}  bump {manifest.get('bump')}")
    print(f"content {manifest['content_hash']}")
    build = {k: v for k, v in manifest.get("build", {}).items() if k != "libraries"}
    print(f"build {json.dumps(build)}")
    for resource in manifest["resources"]:
        print(f"  {resource['path']:<22} {resource['rows']:>8} rows {resource['size_bytes']:>10} bytes")
    for failure in manifest.get("failed_reports", []):
        print(f"  failed: {failure.get('report_id')} at {failure.get('stage')}: {failure.get('message')}")
    return 0


@_one_line_errors
def cmd_diff(args: argparse.Namespace) -> int:
    changes = reader.diff_versions(args.catalogue, args.old, args.new)
    if changes.empty:
        print(f"no differences between {args.old} and {args.new}")
        return 0
    summary = changes.groupby(["dataset", "change"]).size()
    for (dataset, change), n in summary.items():
        print(f"{dataset:<14} {change:<8} {n}")
    print()
    shown = changes.fillna("").map(lambda v: v if len(str(v)) <= DIFF_VALUE_WIDTH else str(v)[:57] + "...")
    print(shown.to_string(index=False))
    return 0


@_one_line_errors
def cmd_verify(args: argparse.Namespace) -> int:
    problems = reader.verify(args.catalogue, args.version)
    for problem in problems:
        print(f"FAILED {problem}")
    if problems:
        return 1
    print(f"OK {args.version or 'all released versions'}")
    return 0


@_one_line_errors
def cmd_repair(args: argparse.Namespace) -> int:
    from pipelines.catalogue.recovery import repair

    report = repair(args.catalogue)
    for action in report.actions:
        print(f"repaired: {action}")
    for problem in report.problems:
        print(f"FAILED {problem}")
    if report.latest is None:
        print(f"cxbench: no version of {args.catalogue} verifies; nothing to point latest.json at", file=sys.stderr)
        return 1
    if not report.actions:
        print(f"nothing to repair: latest is {report.latest}")
    return 1 if report.problems else 0


def main(argv: Sequence[str] | None = None, default_root: str = "catalogue") -> int:
    parser = argparse.ArgumentParser(prog="cxbench")
    register(parser.add_subparsers(dest="command", required=True), default_root)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
