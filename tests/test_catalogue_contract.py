"""The published contract on real builds: what a Data Package tool says about a real release."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from catalogue_samples import BUILD, SOURCES, VALIDATION, build_folder
from support import SOURCES as SOURCES_DIR
from support import shared_path

from pipelines.build import add_benchmarks
from pipelines.catalogue import publish

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def frictionless_errors(package: Path) -> list[tuple]:
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", str(package)], capture_output=True, text=True, timeout=600
    )
    report = json.loads(result.stdout)
    errors = [(t["name"], e["type"], e.get("fieldName"), e.get("cell")) for t in report["tasks"] for e in t["errors"]]
    assert report["valid"] == (not errors) == (result.returncode == 0), result.stdout[-2000:]
    return errors


@pytest.mark.parametrize("folder", ["sources", "shared-corpus"])
def test_frictionless_accepts_a_real_release(tmp_path: Path, folder: str) -> None:
    """Real builds have null pages and offsets (HTML, text, table cells): they must validate too."""
    path = SOURCES_DIR if folder == "sources" else shared_path("corpus")
    data = build_folder(path)
    assert len(data["reports"]) >= 5
    nullable_ints = ("page", "char_start", "char_end")
    assert any(data["observations"][c].isna().any() for c in nullable_ints), "a real build has null integers"
    data = add_benchmarks(data)
    assert len(data["benchmarks"]) > 0  # a real benchmarks resource, with its list column, validates too
    result = publish(str(tmp_path), data, validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    assert frictionless_errors(Path(result.path) / "datapackage.json") == []
    read_benchmarks_four_ways(Path(result.path), len(data["benchmarks"]))


def read_benchmarks_four_ways(folder: Path, rows: int) -> None:
    """An analyst's four readers open the release's benchmarks, and every listed id is a published figure."""
    import duckdb
    import pandas as pd
    import polars as pl
    import pyarrow.parquet as pq

    bench, obs = folder / "benchmarks.parquet", folder / "observations.parquet"
    frame = pd.read_parquet(bench)
    assert len(frame) == rows == pq.read_table(bench).num_rows == pl.read_parquet(bench).height
    ids = pl.read_parquet(bench).explode("observation_ids")["observation_ids"]
    assert set(ids.to_list()) <= set(pd.read_parquet(obs)["observation_id"])
    unresolved = duckdb.sql(
        f"select count(*) from (select unnest(observation_ids) as id from read_parquet('{bench}')) b "
        f"anti join read_parquet('{obs}') o on b.id = o.observation_id"
    ).fetchall()
    assert unresolved == [(0,)]
    assert set(frame["topic"]) <= set(pd.read_parquet(obs)["topic"])
