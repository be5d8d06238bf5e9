"""CHANGELOG.md of a release: the human-readable side of changes.parquet.

Counts per dataset, a few examples of each kind of change, why the version number moved, and the
reports that failed to process, so a consumer can decide whether to upgrade without reading data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from pipelines.catalogue.bump import RowCounts

EXAMPLES = 5


def render_changelog(
    *,
    name: str,
    version: str,
    previous_version: str | None,
    created: str,
    bump: str | None,
    reasons: Sequence[str],
    counts: Mapping[str, int],
    row_counts: Mapping[str, RowCounts],
    changes: pa.Table,
    failures: Sequence[Mapping[str, Any]],
) -> str:
    lines = [f"# {name} {version}", ""]
    since = f"since {previous_version}" if previous_version else "first release"
    lines += [f"Released {created} ({since}). Bump: **{bump}**.", "", "## Why this bump", ""]
    lines += [f"- {r}" for r in reasons] or ["- (none)"]
    lines += [
        "",
        "## Contents",
        "",
        "| dataset | rows | added | removed | changed |",
        "|---|---:|---:|---:|---:|",
    ]
    for dataset in sorted(counts):
        rc = row_counts.get(dataset, RowCounts())
        lines.append(f"| {dataset} | {counts[dataset]} | {rc.added} | {rc.removed} | {rc.changed} |")
    records = changes.to_pylist()
    for kind, title in (
        ("schema", "Schema changes"),
        ("added", "Added"),
        ("removed", "Retracted"),
        ("changed", "Corrected values"),
    ):
        picked = [r for r in records if r["change"] == kind]
        if not picked:
            continue
        lines += ["", f"## {title} ({len(picked)})", ""]
        for r in picked[:EXAMPLES]:
            lines.append(_example(r))
        if len(picked) > EXAMPLES:
            lines.append(f"- ... and {len(picked) - EXAMPLES} more (see changes.parquet)")
    if failures:
        lines += ["", f"## Reports that failed to process ({len(failures)})", ""]
        lines += [
            f"- `{f.get('report_id')}` at {f.get('stage')}: {f.get('message') or f.get('error')}" for f in failures
        ]
    return "\n".join(lines) + "\n"


def _example(r: Mapping[str, Any]) -> str:
    where = f"{r['dataset']} {r['key']}" if r["key"] else r["dataset"]
    if r["change"] == "changed":
        return f"- {where} `{r['column']}`: {r['old_value']} -> {r['new_value']}"
    if r["change"] == "schema":
        return f"- {where} `{r['column']}`: {r['old_value']} -> {r['new_value']}"
    return f"- {where}"
