"""Plain data types passed between the pure stages (ingest -> parse -> clean -> figures -> build).

They carry no behaviour beyond construction, so every stage stays testable without Dagster.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceSpec:
    """One report as the registry (or the bare file system) describes it."""

    report_id: str
    file: str | None = None  # path relative to the sources folder
    url: str | None = None  # http(s) address to fetch instead of a file
    title: str | None = None
    publisher: str | None = None
    original_url: str | None = None
    published: dt.date | None = None
    survey_year: int | None = None
    language: str | None = None  # en | zh-Hans | zh-Hant; detected when None
    format: str | None = None  # html | pdf | text | markdown; sniffed when None


@dataclass(frozen=True)
class Snapshot:
    """Immutable raw bytes of one report, addressed by their SHA-256."""

    report_id: str
    sha256: str
    path: str  # where the bytes are stored
    size: int
    source_file: str | None
    source_url: str | None = None
    fetched_at: dt.datetime | None = None  # UTC; None for local files (keeps releases reproducible)
    fetch_record: dict = field(default_factory=dict)


@dataclass
class RawTable:
    """A table as extracted: a rectangular grid of cell texts, header rows first."""

    table_id: str
    page: int | None
    cells: list[list[str | None]]
    header_rows: int = 1
    header_cols: int = 1
    bbox: tuple[float, float, float, float] | None = None
    caption: str | None = None  # the table's own title (<caption>, or the title line above it)


@dataclass
class Figure:
    """One stated figure, before report-level fields (report_id, observation_id) are attached."""

    source: str  # text | table | chart
    value: float
    unit: str
    stated_as: str
    quote: str
    kind: str = "level"
    qualifier: str = "="
    period: str = "current"
    year: int | None = None
    label: str | None = None
    section: str | None = None
    page: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    table_id: str | None = None
    row_label: str | None = None
    column_label: str | None = None


@dataclass
class ParsedDocument:
    """A document reduced to page texts, tables and chart figures.

    Non-PDF formats have one page whose number is None. ``pages`` hold raw extracted text; the
    cleaning stage (``pipelines.figures.clean``) turns them into the text figures are read from.
    """

    format: str
    pages: list[str]
    page_numbers: list[int | None]
    title: str | None = None
    tables: list[RawTable] = field(default_factory=list)
    charts: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
