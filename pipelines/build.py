"""Per-report processing and assembly of the published datasets, without Dagster.

The Dagster assets call these functions stage by stage; ``process_report`` runs the same stages in
one call for tests and tools. A stage that fails raises ``ReportError``; callers record it per
report so one bad document never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from pipelines.errors import ReportError
from pipelines.ids import observation_ids
from pipelines.model import Figure, ParsedDocument, Snapshot, SourceSpec
from pipelines.schema import BENCHMARKS, OBSERVATIONS, REPORTS, TABLES, Dataset


@dataclass
class CleanedReport:
    """The cleaning stage's output: the text figures are read from, plus resolved report facts."""

    doc: Any  # pipelines.figures.CleanDocument
    language: str
    survey_year: int | None


@dataclass
class ReportRows:
    """One report's rows of the three datasets."""

    report: dict
    observations: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    chart_figures: int = 0


@dataclass(frozen=True)
class Failure:
    """A report that did not make it through a stage; published in the release manifest."""

    report_id: str
    stage: str
    error: str
    message: str
    source: str | None = None  # the report's file (relative to the sources folder) or URL

    @classmethod
    def from_exception(cls, report_id: str, exc: BaseException, source: str | None = None) -> Failure:
        stage = exc.stage if isinstance(exc, ReportError) else "internal"
        message = exc.message if isinstance(exc, ReportError) else str(exc)
        return cls(report_id, stage, type(exc).__name__, message, source)

    def as_dict(self) -> dict:
        return asdict(self)


def parse_stage(spec: SourceSpec, snapshot: Snapshot, data: bytes, *, max_pages: int = 2000) -> ParsedDocument:
    from pipelines.parse import parse_document

    content_type = (snapshot.fetch_record or {}).get("content_type")
    return parse_document(
        data,
        filename=snapshot.source_file or snapshot.source_url,
        declared_format=spec.format,
        content_type=content_type,
        max_pages=max_pages,
    )


def clean_stage(spec: SourceSpec, parsed: ParsedDocument) -> CleanedReport:
    from pipelines.figures import clean_document, detect_language, detect_survey_year

    doc = clean_document(parsed.pages, parsed.page_numbers, parsed.format)
    language = spec.language or detect_language(doc.text)
    survey_year = spec.survey_year or detect_survey_year(doc.text)
    return CleanedReport(doc=doc, language=language, survey_year=survey_year)


def figures_stage(spec: SourceSpec, snapshot: Snapshot, parsed: ParsedDocument, cleaned: CleanedReport) -> ReportRows:
    from pipelines.figures import extract_figures
    from pipelines.tables import table_figures, table_section

    figures: list[Figure] = list(extract_figures(cleaned.doc, cleaned.survey_year, cleaned.language))
    for table in parsed.tables:
        figures.extend(table_figures(table, section=table_section(table, cleaned.doc)))
    figures.extend(parsed.charts)
    observations = observation_rows(spec.report_id, figures, cleaned.language, cleaned.survey_year)
    cells = [
        {
            "report_id": spec.report_id,
            "table_id": table.table_id,
            "page": table.page,
            "row": r,
            "col": c,
            "text": text,
            "is_header": r < table.header_rows,
        }
        for table in parsed.tables
        for r, row in enumerate(table.cells)
        for c, text in enumerate(row)
    ]
    report = {
        "report_id": spec.report_id,
        "title": spec.title or parsed.title,
        "publisher": spec.publisher,
        "published": spec.published,
        "survey_year": cleaned.survey_year,
        "language": cleaned.language,
        "format": parsed.format,
        "source_file": snapshot.source_file,
        "source_url": snapshot.source_url,
        "original_url": spec.original_url,
        "content_sha256": snapshot.sha256,
        "pages": len(parsed.pages) if parsed.format == "pdf" else None,
        "fetched_at": snapshot.fetched_at,
        "n_observations": len(observations),
    }
    add_semantics(observations, report)
    return ReportRows(report, observations, cells, chart_figures=len(parsed.charts))


def add_semantics(observations: list[dict], report: dict) -> None:
    """Fill what each figure measures and whom it counts (``pipelines.semantics``) into the rows.

    Done per report, inside the figures stage, so the work store reuses it with the report's other
    outputs; every rule reads one report only. Only the semantic columns are taken back from the
    annotated frame: pandas would turn the rows' nullable integers into floats.
    """
    if not observations:
        return
    import pandas as pd

    from pipelines.semantics import COLUMNS, annotate
    from pipelines.semantics.text import clip

    rows = [{**row, "quote": clip(row.get("quote"), row.get("stated_as"))} for row in observations]
    annotated = annotate(pd.DataFrame(rows), pd.DataFrame([report]))
    for row, values in zip(observations, annotated[list(COLUMNS)].to_dict("records"), strict=True):
        row.update({k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in values.items()})


def observation_rows(
    report_id: str, figures: Iterable[Figure], language: str, survey_year: int | None
) -> list[dict]:
    """Attach report-level fields and a stable observation_id (``pipelines.ids``) to each figure."""
    from pipelines.figures.period import published_period

    figures = list(figures)
    rows = []
    for fig, oid in zip(figures, observation_ids(report_id, figures), strict=True):
        row = asdict(fig)
        row["period"], row["year"] = published_period(fig.period, fig.year, fig.source, survey_year)
        row.update(observation_id=oid, report_id=report_id, language=language)
        rows.append(row)
    return rows


def process_report(spec: SourceSpec, snapshot: Snapshot, data: bytes) -> ReportRows:
    parsed = parse_stage(spec, snapshot, data)
    cleaned = clean_stage(spec, parsed)
    return figures_stage(spec, snapshot, parsed, cleaned)


# The stages one report goes through, in order; ``Extract.stage_reached`` names the last one entered.
STAGES = ("snapshot", "parse", "clean", "figures")


@dataclass(frozen=True)
class ExtractTask:
    """Everything a worker process needs to extract one report (small: the bytes are read there)."""

    spec: SourceSpec
    snapshot: Snapshot
    max_pages: int = 2000


@dataclass
class Extract:
    """One report's extraction: its rows, or the failure that stopped it, and where time went."""

    report_id: str
    rows: ReportRows | None = None
    failure: Failure | None = None
    stage_reached: str = "snapshot"
    stage_seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def seconds(self) -> float:
        return sum(self.stage_seconds.values())


def extract_report(task: ExtractTask) -> Extract:
    """Parse, clean and extract one report, recording the stage reached and each stage's seconds.

    The engine's worker processes call this; a ``ReportError`` (or any other exception) becomes the
    report's recorded failure, so the worker goes on to the next report.
    """
    import time
    from pathlib import Path

    from pipelines.ingest.snapshots import SnapshotStore

    spec, snapshot = task.spec, task.snapshot
    result = Extract(spec.report_id)
    clock = time.perf_counter()

    def finished(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.stage_seconds[stage] = now - clock
        clock = now

    try:
        data = SnapshotStore(Path(snapshot.path).parents[1]).read(snapshot)
        finished("snapshot")
        result.stage_reached = "parse"
        parsed = parse_stage(spec, snapshot, data, max_pages=task.max_pages)
        result.warnings = list(parsed.warnings)
        finished("parse")
        result.stage_reached = "clean"
        cleaned = clean_stage(spec, parsed)
        finished("clean")
        result.stage_reached = "figures"
        result.rows = figures_stage(spec, snapshot, parsed, cleaned)
        finished("figures")
    except Exception as exc:  # recorded for this report; the others go on
        finished(result.stage_reached)
        result.failure = Failure.from_exception(spec.report_id, exc, snapshot.source_file or snapshot.source_url)
    return result


def assemble(results: Iterable[ReportRows]) -> dict[str, pd.DataFrame]:
    """The three datasets as DataFrames typed by the published Arrow schemas, stably sorted."""
    results = list(results)
    return {
        "reports": frame(REPORTS, [r.report for r in results]),
        "observations": frame(OBSERVATIONS, [o for r in results for o in r.observations]),
        "tables": frame(TABLES, [t for r in results for t in r.tables]),
    }


def add_benchmarks(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``frames`` with the ``benchmarks`` dataset (``pipelines.semantics.benchmarks``) built from its
    observations. Call it on what will be published, after the quarantine split: a held-back figure
    then never stands behind a benchmark (the gate checks every id resolves)."""
    from pipelines.semantics import benchmarks

    rows = benchmarks(frames["observations"]).to_dict("records") if len(frames["observations"]) else []
    return {**frames, BENCHMARKS.name: frame(BENCHMARKS, rows)}


# Integers and booleans keep their type when nulls appear (plain pandas would turn them into floats).
_NULLABLE = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


def frame(dataset: Dataset, rows: list[dict]) -> pd.DataFrame:
    schema = dataset.arrow_schema()
    table = pa.Table.from_pylist(rows, schema=schema)  # takes the schema's columns; a missing key is null
    df = table.to_pandas(types_mapper=_NULLABLE.get)
    if len(df):
        df = df.sort_values(list(dataset.sort_key), kind="stable").reset_index(drop=True)
    return df
