"""Hand-written sample frames for the catalogue tests (invented reports, not real survey text)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

BUILD = {"git_sha": "0" * 40, "dagster_run_id": "test-run"}
VALIDATION = {"success": True, "results": [{"expectation": "row_count_positive", "success": True}]}


def report(report_id: str, language: str = "en", n: int = 2) -> dict:
    return {
        "report_id": report_id,
        "title": f"Service pulse {report_id}",
        "publisher": "Example Research Ltd",
        "published": dt.date(2024, 3, 1),
        "survey_year": 2023,
        "language": language,
        "format": "pdf",
        "source_file": f"{report_id}.pdf",
        "source_url": None,
        "original_url": None,
        "content_sha256": "ab" * 32,
        "pages": 4,
        "fetched_at": None,
        "n_observations": n,
    }


def observation(
    report_id: str, i: int, value: float, quote: str, label: str | None = None, language: str = "en"
) -> dict:
    return {
        "observation_id": f"{report_id}-o{i}",
        "report_id": report_id,
        "source": "text",
        "value": value,
        "unit": "percent",
        "kind": "level",
        "qualifier": "=",
        "period": "current",
        "year": 2023,
        "stated_as": f"{value:g}%",
        "label": label,
        "quote": quote,
        "section": "Findings",
        "page": i + 1,
        "char_start": 10 * i,
        "char_end": 10 * i + 4,
        "table_id": None,
        "row_label": None,
        "column_label": None,
        "language": language,
        "sample_size": 1000,  # frictionless reads a null Parquet integer as "nan" (so do real pages)
    }


def cell(report_id: str, row: int, col: int, text: str) -> dict:
    return {
        "report_id": report_id,
        "table_id": "t1",
        "page": 2,
        "row": row,
        "col": col,
        "text": text,
        "is_header": row == 0,
    }


def frames(with_third_report: bool = False, first_value: float = 61.0) -> dict[str, pd.DataFrame]:
    reports = [report("acme-2024"), report("huayu-2024", "zh-Hans")]
    observations = [
        observation("acme-2024", 0, first_value, f"Some {first_value:g}% of callers felt heard.", "Felt heard"),
        observation("acme-2024", 1, 12.5, "Waiting times rose by 12.5% year on year."),
        observation("huayu-2024", 0, 73.0, "73%的受访者对服务感到满意。", "满意"),
        observation("huayu-2024", 1, 8.0, "8%的受访者表示不满意。", "不满意", "zh-Hans"),
    ]
    observations[2]["language"] = "zh-Hans"
    cells = [
        cell("acme-2024", r, c, t)
        for r, row in enumerate([["Channel", "Share"], ["Phone", "40%"]])
        for c, t in enumerate(row)
    ]
    if with_third_report:
        reports.append(report("nordic-2024", n=1))
        observations.append(observation("nordic-2024", 0, 44.0, "44% would recommend the brand."))
    # Deliberately unsorted: publish must sort.
    return {
        "reports": pd.DataFrame(reports[::-1]),
        "observations": pd.DataFrame(observations[::-1]),
        "tables": pd.DataFrame(cells[::-1]),
    }


SOURCES = [{"report_id": "acme-2024", "title": "Acme service pulse", "path": "https://example.org/acme.pdf"}]


def build_folder(folder) -> dict[str, pd.DataFrame]:
    """The three extracted datasets of a real sources folder, through the same pure stages the assets
    call (``pipelines.build.add_benchmarks`` derives benchmarks from what the quarantine keeps).

    Reports that fail a stage are left out, as a run records and skips them.
    """
    import hashlib
    from pathlib import Path

    from pipelines.build import assemble, process_report
    from pipelines.errors import ReportError
    from pipelines.ingest.registry import load_registry
    from pipelines.model import Snapshot

    registry = load_registry(folder)
    rows = []
    for spec in registry.specs:
        if not spec.file:
            continue
        data = (Path(registry.root) / spec.file).read_bytes()
        snapshot = Snapshot(spec.report_id, hashlib.sha256(data).hexdigest(), spec.file, len(data), spec.file)
        try:
            rows.append(process_report(spec, snapshot, data))
        except ReportError:
            continue
    return assemble(rows)
