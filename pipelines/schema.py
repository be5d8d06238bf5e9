"""The published datasets' columns: the public interface of the catalogue.

One home for every column name, Arrow type, description and allowed value, so the Parquet writer,
the Data Package manifest, the quality gate and the README all say the same thing. Changing a
field here is a catalogue schema change (the version bump rules in ``pipelines.catalogue`` read
these definitions to tell a major from a minor change).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

UNITS = (
    "percent",
    "percentage_points",
    "multiple",
    "count",
    "currency",
    "seconds",
    "minutes",
    "hours",
    "days",
    "other",
)
KINDS = ("level", "change")
QUALIFIERS = ("=", "~", ">", "<", ">=", "<=")
PERIODS = ("current", "previous", "unknown")
SOURCES = ("text", "table", "chart")
LANGUAGES = ("en", "zh-Hans", "zh-Hant")
FORMATS = ("html", "pdf", "text", "markdown")
# --- issue 15: what a figure measures and whom it counts (pipelines/semantics) ---------------------
POPULATIONS = ("consumers", "businesses", "leaders", "employees", "marketers", "it_developers", "public", "other")
TOPICS = (
    "trust_privacy",
    "ai_adoption",
    "personalisation",
    "satisfaction",
    "loyalty_churn",
    "channel_preference",
    "speed_of_service",
    "employee_experience",
    "spend_revenue",
    "other",
)


@dataclass(frozen=True)
class Field:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    sort_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, referenced dataset, referenced column)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(f.name, f.type, nullable=f.nullable) for f in self.fields])


REPORTS = Dataset(
    name="reports",
    title="One row per source report",
    primary_key=("report_id",),
    sort_key=("report_id",),
    fields=(
        Field("report_id", pa.string(), "Stable identifier of the report (from the registry or file name).", False),
        Field("title", pa.string(), "Report title."),
        Field("publisher", pa.string(), "Organisation that published the original report."),
        Field("published", pa.date32(), "Publication date of the document."),
        Field("survey_year", pa.int32(), "Year the report's survey describes."),
        Field("language", pa.string(), "Language and script of the document.", False, LANGUAGES),
        Field("format", pa.string(), "Document format, sniffed from content.", False, FORMATS),
        Field("source_file", pa.string(), "File name of the raw document."),
        Field("source_url", pa.string(), "URL the raw document was fetched from, if any."),
        Field("original_url", pa.string(), "Address of the original (untranslated) report."),
        Field("content_sha256", pa.string(), "SHA-256 of the raw document bytes.", False),
        Field("pages", pa.int32(), "Number of pages (PDF) or null."),
        Field("fetched_at", pa.timestamp("us", tz="UTC"), "When the raw bytes were fetched (URL sources)."),
        Field("n_observations", pa.int32(), "Number of observations published for the report.", False),
    ),
)

OBSERVATIONS = Dataset(
    name="observations",
    title="One row per stated figure",
    primary_key=("observation_id",),
    sort_key=("report_id", "page", "char_start", "observation_id"),  # reading order
    foreign_keys=(
        ("report_id", "reports", "report_id"),
        ("restates", "observations", "observation_id"),  # issue 15
        ("previous_of", "observations", "observation_id"),  # issue 15
    ),
    fields=(
        Field("observation_id", pa.string(), "Stable id of the figure: same document, same figure, same id.", False),
        Field("report_id", pa.string(), "Report the figure comes from.", False),
        Field(
            "source", pa.string(), "Where in the document: running text, a table cell or a chart label.", False, SOURCES
        ),
        Field("value", pa.float64(), "Numeric value; fractions as percent; changes signed.", False),
        Field("unit", pa.string(), "Unit of the value.", False, UNITS),
        Field("kind", pa.string(), "A level at a point in time or a change.", False, KINDS),
        Field("qualifier", pa.string(), "Exact, approximate or bound.", False, QUALIFIERS),
        Field("period", pa.string(), "The report's own survey period or an earlier one.", False, PERIODS),
        Field("year", pa.int32(), "Year the figure describes, resolved from the survey year."),
        Field("stated_as", pa.string(), "The figure exactly as written.", False),
        Field("label", pa.string(), "The quoted answer option the figure belongs to."),
        Field("quote", pa.string(), "The sentence stating the figure, cleaned, original script.", False),
        Field("section", pa.string(), "Nearest heading above the figure."),
        Field("page", pa.int32(), "1-based PDF page, null for single-page formats."),
        Field("char_start", pa.int32(), "Start offset of stated_as in the cleaned document text."),
        Field("char_end", pa.int32(), "End offset (exclusive) in the cleaned document text."),
        Field("table_id", pa.string(), "Table the cell belongs to (source 'table')."),
        Field("row_label", pa.string(), "Row header of the cell (source 'table') or series label."),
        Field("column_label", pa.string(), "Column header path of the cell, joined with ' / '."),
        Field("language", pa.string(), "Language of the quote.", False, LANGUAGES),
        # --- issue 15: semantic columns, filled by pipelines.semantics.annotate ---------------------
        Field(
            "population",
            pa.string(),
            "Whom the figure counts (consumers, businesses, leaders, employees, marketers, it_developers, "
            "public, other); null where the text does not say.",
            True,
            POPULATIONS,
        ),
        Field(
            "topic",
            pa.string(),
            "CX taxonomy class of the figure (pipelines/semantics/lexicon/topics.yaml).",
            True,
            TOPICS,
        ),
        Field("measure", pa.string(), "What is measured: a short normalised English phrase built from the sentence."),
        Field(
            "sample_size",
            pa.int32(),
            "Number of people or organisations asked, where the sentence states it (n=2,400).",
        ),
        Field(
            "base", pa.string(), "Who the sample is, as the sentence says it ('leaders' of '1,100 leaders surveyed')."
        ),
        Field("restates", pa.string(), "observation_id of the figure this one restates (近七成 restating 68%)."),
        Field(
            "previous_of",
            pa.string(),
            "observation_id of this figure's earlier value in a from-to or 'up from' pair "
            "(set on 61% of 'from 54% to 61%').",
        ),
    ),
)

TABLES = Dataset(
    name="tables",
    title="Raw cells of every extracted table",
    primary_key=("report_id", "table_id", "row", "col"),
    sort_key=("report_id", "table_id", "row", "col"),
    foreign_keys=(("report_id", "reports", "report_id"),),
    fields=(
        Field("report_id", pa.string(), "Report the table comes from.", False),
        Field("table_id", pa.string(), "Table identifier, unique within the report.", False),
        Field("page", pa.int32(), "1-based PDF page, null for HTML tables."),
        Field("row", pa.int32(), "0-based row index.", False),
        Field("col", pa.int32(), "0-based column index.", False),
        Field("text", pa.string(), "Cell text as extracted (spanning cells repeat their text)."),
        Field("is_header", pa.bool_(), "Whether the cell is part of the header rows.", False),
    ),
)

BENCHMARKS = Dataset(
    name="benchmarks",
    title="One row per measure, population, year and report: the same measure lined up across reports",
    primary_key=("benchmark_id",),
    sort_key=("topic", "measure", "population", "year", "report_id"),
    foreign_keys=(("report_id", "reports", "report_id"),),
    fields=(
        Field(
            "benchmark_id",
            pa.string(),
            "Stable id of the row: a digest of (topic, measure, population, year, report_id).",
            False,
        ),
        Field("topic", pa.string(), "CX taxonomy class.", False, TOPICS),
        Field("measure", pa.string(), "What is measured (observations.measure).", False),
        Field(
            "population", pa.string(), "Whom the figure counts; null where the text does not say.", True, POPULATIONS
        ),
        Field("year", pa.int32(), "Year the figures describe."),
        Field("report_id", pa.string(), "Report the figures come from.", False),
        Field("value", pa.float64(), "The figure's value (the first in reading order that restates no other).", False),
        Field("unit", pa.string(), "Unit of the value.", False, UNITS),
        Field(
            "n_values",
            pa.int32(),
            "Distinct values under this key: above 1, the measure is not specific enough.",
            False,
        ),
        Field(
            "observation_ids",
            pa.list_(pa.string()),
            "The observations behind this row (every id is published in observations: a quality gate rule).",
            False,
        ),
    ),
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (REPORTS, OBSERVATIONS, TABLES, BENCHMARKS)}
"""The benchmark datasets: what the quality gate judges."""

HELD_BACK = ("row", "report")

QUARANTINE = Dataset(
    name="quarantine",
    title="Rows held back by a row-level quality rule",
    primary_key=("dataset", "row_key", "rule"),
    sort_key=("report_id", "dataset", "row_key", "rule"),
    fields=(
        Field("report_id", pa.string(), "Report the held-back row comes from.", False),
        Field("dataset", pa.string(), "Dataset the row was held back from.", False, tuple(DATASETS)),
        Field("row_key", pa.string(), "Primary-key values of the held-back row as a JSON array.", False),
        Field("observation_id", pa.string(), "The held-back figure (rows from observations)."),
        Field("rule", pa.string(), "Name of the rule broken, as the quality gate reports it.", False),
        Field("description", pa.string(), "What the rule requires.", False),
        Field("column", pa.string(), "Column(s) the rule judges, comma-separated.", False),
        Field("value", pa.string(), "The offending value(s) as JSON (an object when several columns)."),
        Field("stated_as", pa.string(), "The figure exactly as written (rows from observations)."),
        Field("quote", pa.string(), "The sentence stating the figure (rows from observations)."),
        Field("page", pa.int32(), "1-based PDF page of the row, null for single-page formats."),
        Field(
            "held_back",
            pa.string(),
            "What was held back: the row, or the whole report with its figures and tables (a reports row).",
            False,
            HELD_BACK,
        ),
    ),
)

CATALOGUE_DATASETS: dict[str, Dataset] = {**DATASETS, QUARANTINE.name: QUARANTINE}
"""Everything a release publishes besides its changes: the benchmark datasets and the quarantine."""
