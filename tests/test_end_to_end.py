"""The whole asset graph on the bundled sources, through a real Dagster instance, read back by
every reader the catalogue promises (pandas, pyarrow, DuckDB, Polars)."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from support import PROJECT, SOURCES, shared_path

from pipelines.ingest.registry import load_registry

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]


def release_dir(base: Path) -> Path:
    latest = json.loads((base / "catalogue" / "latest.json").read_text())
    return base / "catalogue" / latest["path"]


def test_build_publishes_every_bundled_report(built_catalogue):
    base, outcome = built_catalogue
    assert outcome.success, outcome
    assert outcome.release["published"] and outcome.release["version"] == "1.0.0"
    assert outcome.failures == []
    reports = pd.read_parquet(release_dir(base) / "reports.parquet")
    expected = {s.report_id for s in load_registry(SOURCES).specs}
    assert set(reports["report_id"]) == expected
    assert len(expected) >= 6
    assert set(reports["language"]) == {"en", "zh-Hans", "zh-Hant"}
    assert {"html", "pdf", "text", "markdown"} <= set(reports["format"])


def test_every_reader_opens_every_resource(built_catalogue):
    base, _ = built_catalogue
    folder = release_dir(base)
    for name in ("reports", "observations", "tables", "changes"):
        path = folder / f"{name}.parquet"
        by_pandas = pd.read_parquet(path)
        by_arrow = pq.read_table(path)
        by_duckdb = duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
        by_polars = pl.read_parquet(path)
        assert len(by_pandas) == by_arrow.num_rows == by_duckdb == by_polars.height, name
    obs = pd.read_parquet(folder / "observations.parquet")
    assert len(obs) > 50
    assert obs["quote"].str.len().min() > 0
    assert set(obs["source"]) >= {"text", "table"}


def test_figures_carry_their_provenance(built_catalogue):
    base, _ = built_catalogue
    obs = pd.read_parquet(release_dir(base) / "observations.parquet")
    html = obs[(obs.report_id == "northwind-retail-cx-2025") & (obs.source == "text")]
    row = html[html.stated_as.str.contains("48%")].iloc[0]
    assert (row.value, row.unit, row.period) == (48.0, "percent", "previous")
    assert "Sixty-two percent" in row.quote and row.section == "Speed is the new loyalty"
    cells = obs[(obs.report_id == "northwind-retail-cx-2025") & (obs.source == "table")]
    chat = cells[(cells.row_label == "Live chat") & cells.column_label.str.contains("2025")]
    assert chat.value.tolist() == [51.0]
    tables = pd.read_parquet(release_dir(base) / "tables.parquet")
    assert {"Live chat", "2025"} <= set(tables[tables.report_id == "northwind-retail-cx-2025"].text)


def test_cli_on_the_shared_corpus_is_scored(tmp_path):
    corpus = shared_path("corpus")
    score = shared_path("eval", "score.py")
    env = {"DAGSTER_HOME": str(tmp_path / "home"), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "cxbench"),
            "run",
            "--sources",
            str(corpus),
            "--catalogue",
            str(tmp_path / "c"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=PROJECT,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    folder = Path(run.stdout.strip().splitlines()[-1])
    assert (folder / "observations.parquet").is_file()
    reports = pd.read_parquet(folder / "reports.parquet")
    assert len(reports) == 5
    scored = subprocess.run(
        [
            sys.executable,
            str(score),
            "--observations",
            str(folder / "observations.parquet"),
            "--reports",
            str(folder / "reports.parquet"),
            "--gold",
            str(shared_path("gold")),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    assert result["reports_without_predictions"] == []
    assert result["text"]["f1"] >= 0.98, result["text"]
    for attribute in ("kind", "qualifier", "period"):
        assert result["attributes"][attribute] >= 0.97, (attribute, result["attributes"])
    assert result["attributes"]["label"] >= 0.90, result["attributes"]
