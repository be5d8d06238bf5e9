"""Valid synthetic release frames of any size, for the gate's tests and its benchmark.

Built with vectorised numpy so a million observation rows take about a second; every value obeys
the rules of ``pipelines.quality.rules``, so any check that fails on a copy was broken on purpose.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from pipelines.build import add_benchmarks
from pipelines.schema import DATASETS, FORMATS, KINDS, LANGUAGES, PERIODS, QUALIFIERS, SOURCES, UNITS

_MEASURES = ("very satisfied with service", "would recommend the brand", "felt heard")
_QUOTES = {
    "en": "Customers who felt heard were far more likely to return.",
    "zh-Hans": "感到被倾听的顾客更有可能再次光顾。",
    "zh-Hant": "感到被傾聽的顧客更有可能再次光顧。",
}


def release_frames(n_observations: int = 1_000, n_reports: int = 20, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Return {"reports", "observations", "tables", "benchmarks"} frames that pass every gate check."""
    rng = np.random.default_rng(seed)
    reports = _reports(n_reports, rng)
    observations = _observations(reports, n_observations, rng)
    counts = observations["report_id"].value_counts()
    reports["n_observations"] = reports["report_id"].map(counts).fillna(0).astype("int32")
    frames = {"reports": reports, "observations": observations, "tables": _tables(reports)}
    frames = {name: frame.reindex(columns=DATASETS[name].columns) for name, frame in frames.items()}  # new: null
    return add_benchmarks(frames)


def _reports(n: int, rng: np.random.Generator) -> pd.DataFrame:
    ids = [f"report-{i:04d}" for i in range(n)]
    fmt = np.array(FORMATS)[np.arange(n) % len(FORMATS)]
    is_pdf = fmt == "pdf"
    return pd.DataFrame(
        {
            "report_id": ids,
            "title": [f"Customer experience study {i}" for i in range(n)],
            "publisher": "Example Research",
            "published": pd.to_datetime("2024-03-01").date(),
            "survey_year": pd.array(rng.integers(2015, 2025, n), dtype="Int32"),
            "language": np.array(LANGUAGES)[np.arange(n) % len(LANGUAGES)],
            "format": fmt,
            "source_file": [f"{i}.{f}" for i, f in zip(ids, fmt, strict=True)],
            "source_url": None,
            "original_url": None,
            "content_sha256": [hashlib.sha256(i.encode()).hexdigest() for i in ids],
            "pages": pd.array(np.where(is_pdf, 40, None), dtype="Int32"),
            "fetched_at": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]"),
            "n_observations": 0,
        }
    )


def _observations(reports: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    which = np.sort(rng.integers(0, len(reports), n))
    rid = reports["report_id"].to_numpy()[which]
    unit = np.array(UNITS)[rng.integers(0, len(UNITS), n)]
    kind = np.array(KINDS)[rng.integers(0, len(KINDS), n)]
    value = rng.uniform(0.1, 99.0, n)
    signed = (kind == "change") & (unit != "multiple")
    value = np.where(signed & (rng.random(n) < 0.5), -value, value)
    is_pdf = reports["format"].to_numpy()[which] == "pdf"
    survey = reports["survey_year"].to_numpy(dtype="float64", na_value=np.nan)[which]
    period = np.array(PERIODS)[rng.integers(0, len(PERIODS), n)]
    year = np.where(period == "previous", survey - 1, np.where(period == "current", survey, np.nan))
    language = reports["language"].to_numpy()[which]
    start = rng.integers(0, 50_000, n)
    stated = np.char.add(np.round(value, 1).astype(str), "%")
    return pd.DataFrame(
        {
            "observation_id": np.char.add(np.char.add(rid.astype(str), "-"), np.arange(n).astype(str)),
            "report_id": rid,
            "source": np.array(SOURCES)[rng.integers(0, len(SOURCES), n)],
            "value": value,
            "unit": unit,
            "kind": kind,
            "qualifier": np.array(QUALIFIERS)[rng.integers(0, len(QUALIFIERS), n)],
            "period": period,
            "year": pd.array(year, dtype="Int32"),
            "stated_as": stated,
            "label": "Very satisfied",
            "quote": pd.Series(language).map(_QUOTES).to_numpy(),
            "section": "Findings",
            "page": pd.array(np.where(is_pdf, rng.integers(1, 41, n), np.nan), dtype="Int32"),
            "char_start": pd.array(start, dtype="Int32"),
            "char_end": pd.array(start + 5, dtype="Int32"),
            "table_id": None,
            "row_label": None,
            "column_label": None,
            "language": language,
            "population": "consumers",
            "topic": "satisfaction",
            "measure": np.array(_MEASURES)[rng.integers(0, len(_MEASURES), n)],
        }
    ).astype({c: "str" for c in ("observation_id", "report_id", "stated_as", "quote")})


def _tables(reports: pd.DataFrame) -> pd.DataFrame:
    cells = pd.MultiIndex.from_product([reports["report_id"], range(3), range(3)], names=["report_id", "row", "col"])
    frame = cells.to_frame(index=False)
    is_pdf = frame["report_id"].map(reports.set_index("report_id")["format"]) == "pdf"
    return pd.DataFrame(
        {
            "report_id": frame["report_id"],
            "table_id": "t1",
            "page": pd.array(np.where(is_pdf, 3, np.nan), dtype="Int32"),
            "row": frame["row"].astype("int32"),
            "col": frame["col"].astype("int32"),
            "text": "42%",
            "is_header": frame["row"] == 0,
        }
    )
