"""Publishing and reading the catalogue end to end, on real folders and real Parquet readers."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from catalogue_samples import BUILD, SOURCES, VALIDATION, frames

from pipelines.catalogue import (
    diff_versions,
    latest_version,
    list_versions,
    load,
    publish,
    read_manifest,
    verify,
)
from pipelines.schema import CATALOGUE_DATASETS, OBSERVATIONS

RESOURCES = ("reports", "observations", "tables", "benchmarks", "quarantine", "changes")
TESTS = Path(__file__).resolve().parent


def run(root, data=None, **kwargs):
    return publish(str(root), data or frames(), validation=VALIDATION, build_info=BUILD, sources=SOURCES, **kwargs)


@pytest.fixture
def published(tmp_path: Path) -> Path:
    run(tmp_path)
    return tmp_path


def test_first_publish_layout(published: Path) -> None:
    assert latest_version(str(published)) == "1.0.0"
    folder = published / "versions" / "1.0.0"
    expected = {f"{r}.parquet" for r in RESOURCES} | {
        "datapackage.json",
        "CHANGELOG.md",
        "validation.json",
        "SHA256SUMS",
    }
    assert {p.name for p in folder.iterdir()} == expected
    latest = json.loads((published / "latest.json").read_text())
    assert latest["path"] == "versions/1.0.0"
    assert json.loads((folder / "validation.json").read_text()) == VALIDATION
    assert [e["version"] for e in list_versions(str(published))] == ["1.0.0"]
    assert verify(str(published)) == []
    # sha256sum -c understands the checksum file
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_manifest_content(published: Path) -> None:
    manifest = read_manifest(str(published))
    assert manifest["version"] == "1.0.0" and manifest["previous_version"] is None
    assert manifest["created"].endswith("Z")
    assert manifest["build"]["git_sha"] == BUILD["git_sha"]
    assert "pyarrow" in manifest["build"]["libraries"]
    resources = {r["name"]: r for r in manifest["resources"]}
    assert set(resources) == set(RESOURCES)
    observations = resources["observations"]
    assert observations["format"] == "parquet" and observations["hash"].startswith("sha256:")
    assert observations["rows"] == 4 and observations["content_hash"].startswith("sha256:")
    schema = observations["schema"]
    assert schema["primaryKey"] == ["observation_id"]
    assert schema["foreignKeys"][0]["reference"] == {"resource": "reports", "fields": ["report_id"]}
    described = {f["name"]: f["description"] for f in schema["fields"]}
    assert described == {f.name: f.description for f in OBSERVATIONS.fields}


def test_every_reader_opens_every_resource(published: Path) -> None:
    folder = published / "versions" / "1.0.0"
    for name in RESOURCES:
        path = folder / f"{name}.parquet"
        rows = pq.read_metadata(path).num_rows
        assert len(pd.read_parquet(path)) == rows
        assert pq.read_table(path).num_rows == rows
        assert duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall() == [(rows,)]
        assert pl.read_parquet(path).height == rows
        assert len(load(name, root=str(published))) == rows
    order = pl.read_parquet(folder / "observations.parquet").select("report_id", "page", "char_start")
    assert order.rows() == sorted(order.rows())  # reading order: report, page, offset


def test_parquet_writer_options(published: Path) -> None:
    meta = pq.ParquetFile(published / "versions" / "1.0.0" / "observations.parquet").metadata
    group = meta.row_group(0)
    names = [group.column(i).path_in_schema for i in range(group.num_columns)]
    unit = group.column(names.index("unit"))
    assert unit.compression == "ZSTD"
    assert "RLE_DICTIONARY" in unit.encodings
    assert unit.statistics is not None and unit.statistics.has_min_max
    assert [s.column_index for s in group.sorting_columns] == [
        names.index(c) for c in ("report_id", "page", "char_start", "observation_id")
    ]


def test_frictionless_accepts_the_package(published: Path) -> None:
    run(published, frames(with_third_report=True, first_value=62.0))
    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run(
        [str(frictionless), "validate", "--json", str(published / "versions" / "1.1.0" / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert json.loads(result.stdout)["valid"] is True


def test_unchanged_sources_publish_nothing(published: Path) -> None:
    before = sorted(p.relative_to(published) for p in published.rglob("*"))
    result = run(published)
    assert not result.published and result.bump is None and result.version == "1.0.0"
    assert sorted(p.relative_to(published) for p in published.rglob("*")) == before


def test_new_report_is_minor_with_rows_in_changes(published: Path) -> None:
    result = run(published, frames(with_third_report=True))
    assert (result.published, result.version, result.bump) == (True, "1.1.0", "minor")
    assert result.previous_version == "1.0.0"
    changes = load("changes", root=str(published))
    added = changes[changes["change"] == "added"]
    assert set(added["report_id"]) == {"nordic-2024"}
    assert set(added["dataset"]) == {"reports", "observations"}
    row = json.loads(added[added["dataset"] == "observations"]["new_value"].iloc[0])
    assert row["value"] == 44.0
    assert "Added" in (published / "versions" / "1.1.0" / "CHANGELOG.md").read_text()


def test_edited_figure_is_patch_with_old_and_new_values(published: Path) -> None:
    result = run(published, frames(first_value=64.0))
    assert (result.version, result.bump) == ("1.0.1", "patch")
    changes = load("changes", root=str(published))
    value = changes[(changes["change"] == "changed") & (changes["column"] == "value")]
    assert value[["key", "old_value", "new_value"]].values.tolist() == [['["acme-2024-o0"]', "61.0", "64.0"]]
    changelog = (published / "versions" / "1.0.1" / "CHANGELOG.md").read_text()
    assert "patch" in changelog and "61.0 -> 64.0" in changelog


def test_retracted_rows_are_patch(published: Path) -> None:
    data = frames()
    data["tables"] = data["tables"][data["tables"]["row"] == 0]
    result = run(published, data)
    assert result.bump == "patch"
    changes = load("changes", root=str(published))
    assert (changes["change"] == "removed").sum() == 2


def test_removed_column_is_major(published: Path) -> None:
    narrower = dataclasses.replace(OBSERVATIONS, fields=tuple(f for f in OBSERVATIONS.fields if f.name != "section"))
    data = frames()
    data["observations"] = data["observations"].drop(columns=["section"])
    result = run(published, data, datasets={**CATALOGUE_DATASETS, "observations": narrower})
    assert (result.version, result.bump) == ("2.0.0", "major")
    changes = load("changes", root=str(published))
    schema_rows = changes[changes["change"] == "schema"]
    assert schema_rows[["dataset", "column"]].values.tolist() == [["observations", "section"]]
    assert "section" not in load("observations", root=str(published)).columns
    # the old release is untouched and still readable
    assert "section" in load("observations", version="1.0.0", root=str(published)).columns


def test_diff_between_any_two_versions(published: Path) -> None:
    run(published, frames(with_third_report=True))
    run(published, frames(with_third_report=True, first_value=70.0))
    diff = diff_versions(str(published), "1.0.0", "1.1.1")
    assert set(diff["change"]) == {"added", "changed"}
    assert diff_versions(str(published), "1.1.1", "1.1.1").empty


def test_reproducible_in_fresh_folders(tmp_path: Path) -> None:
    first = run(tmp_path / "a")
    # Another interpreter with another hash seed must still give the same bytes.
    code = (
        "import sys; from catalogue_samples import *; from pipelines.catalogue import publish;"
        "r = publish(sys.argv[1], frames(), validation=VALIDATION, build_info=BUILD, sources=SOURCES);"
        "print(r.content_hash)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "1234", "PYTHONPATH": f"{TESTS}{os.pathsep}{TESTS.parent}"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "b")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == first.content_hash
    for name in RESOURCES:
        a = (tmp_path / "a" / "versions" / "1.0.0" / f"{name}.parquet").read_bytes()
        b = (tmp_path / "b" / "versions" / "1.0.0" / f"{name}.parquet").read_bytes()
        assert a == b, name


def test_row_order_of_input_does_not_matter(tmp_path: Path) -> None:
    data = frames()
    shuffled = {k: v.sample(frac=1.0, random_state=7) for k, v in data.items()}
    assert run(tmp_path / "a", data).content_hash == run(tmp_path / "b", shuffled).content_hash


def test_verify_catches_a_flipped_byte(published: Path) -> None:
    path = published / "versions" / "1.0.0" / "observations.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = verify(str(published))
    assert problems and all("observations.parquet" in p for p in problems)


def test_failures_listed_in_manifest_and_changelog(tmp_path: Path) -> None:
    failure = {
        "report_id": "broken-2024",
        "stage": "parse",
        "error": "ReportError",
        "message": "no text layer",
    }
    run(tmp_path, failures=[failure])
    assert read_manifest(str(tmp_path))["failed_reports"] == [failure]
    assert "broken-2024" in (tmp_path / "versions" / "1.0.0" / "CHANGELOG.md").read_text()


def test_contract_violations_are_refused(tmp_path: Path) -> None:
    data = frames()
    data["observations"].loc[0, "unit"] = "furlongs"
    with pytest.raises(ValueError, match="furlongs"):
        run(tmp_path, data)
    data = frames()
    data["observations"] = pd.concat([data["observations"], data["observations"].iloc[:1]])
    with pytest.raises(ValueError, match="not unique"):
        run(tmp_path, data)
    data = frames()
    data["observations"].loc[0, "report_id"] = "ghost-2024"
    with pytest.raises(ValueError, match="ghost-2024"):
        run(tmp_path, data)
    assert latest_version(str(tmp_path)) is None


def test_fsspec_memory_root() -> None:
    root = "memory://cxbench-test-catalogue"
    first = run(root)
    assert first.path == "memory:///cxbench-test-catalogue/versions/1.0.0"
    assert run(root, frames(with_third_report=True)).version == "1.1.0"
    assert not run(root, frames(with_third_report=True)).published
    assert len(load("reports", root=root)) == 3
    assert verify(root) == []
