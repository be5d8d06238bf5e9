"""A damaged or inconsistent catalogue: every reader says so in one line, and publish refuses.

Each test reproduces a report from issue 14: a deleted latest.json, truncated pointer files and a
tampered Parquet file in the latest release.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from catalogue_samples import BUILD, SOURCES, VALIDATION, frames

from pipelines.catalogue import CatalogueError, latest_version, list_versions, load, publish, repair, verify

TESTS = Path(__file__).resolve().parent


def run(root: Path, data=None):
    return publish(str(root), data or frames(), validation=VALIDATION, build_info=BUILD, sources=SOURCES)


@pytest.fixture
def two_versions(tmp_path: Path) -> Path:
    run(tmp_path)
    run(tmp_path, frames(with_third_report=True))
    return tmp_path


def cxbench(root: Path, *argv: str) -> subprocess.CompletedProcess:
    """The real console command, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent)}
    command = [sys.executable, "-c", "import sys; from pipelines.cli import main; sys.exit(main())", *argv]
    return subprocess.run(
        [*command, "--catalogue", str(root)], capture_output=True, text=True, env=env, timeout=300
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_missing_latest_json_is_refused_and_repaired(two_versions: Path) -> None:
    root = two_versions
    (root / "latest.json").unlink()
    before = snapshot(root)
    with pytest.raises(CatalogueError, match=r"latest\.json is missing .*`cxbench catalogue repair"):
        run(root)  # would have been "1.0.0 (first version)" over the released folder
    assert snapshot(root) == before  # nothing replaced, nothing dropped from index.json
    listed = cxbench(root, "catalogue", "list")
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    assert len(listed.stderr.strip().splitlines()) == 1 and "catalogue repair" in listed.stderr
    assert verify(str(root)) and "latest.json is missing" in verify(str(root))[0]
    fixed = cxbench(root, "catalogue", "repair")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "latest.json -> 1.1.0" in fixed.stdout
    assert latest_version(str(root)) == "1.1.0" and verify(str(root)) == []
    assert [e["version"] for e in list_versions(str(root))] == ["1.0.0", "1.1.0"]
    assert run(root, frames(with_third_report=True, first_value=70.0)).version == "1.1.1"


@pytest.mark.parametrize("name", ["index.json", "latest.json"])
def test_truncated_pointer_files_are_one_line_errors(two_versions: Path, name: str) -> None:
    root = two_versions
    path = root / name
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    for verb in (["list"], ["show"], ["show", "1.0.0"], ["verify"], ["diff", "1.0.0", "1.1.0"]):
        done = cxbench(root, "catalogue", *verb)
        assert done.returncode != 0, verb
        assert "Traceback" not in done.stderr + done.stdout, verb
        message = (done.stderr + done.stdout).strip().splitlines()
        assert len(message) == 1 and name in message[0] and "damaged" in message[0], (verb, message)
    with pytest.raises(CatalogueError, match=name):
        load("observations", root=str(root))
    before = snapshot(root)
    with pytest.raises(CatalogueError, match=name):
        run(root, frames(with_third_report=True, first_value=70.0))
    assert snapshot(root) == before
    assert cxbench(root, "catalogue", "repair").returncode == 0
    assert latest_version(str(root)) == "1.1.0" and verify(str(root)) == []
    assert [e["version"] for e in list_versions(str(root))] == ["1.0.0", "1.1.0"]


def test_tampered_latest_release_is_not_diffed_against(two_versions: Path) -> None:
    """A changed value in the latest release's Parquet would otherwise be published as a 'correction'."""
    import pyarrow.parquet as pq

    root = two_versions
    path = root / "versions" / "1.1.0" / "observations.parquet"
    table = pq.read_table(path)
    values = table.column("value").to_pylist()
    values[0] = 99.0
    pq.write_table(table.set_column(table.schema.get_field_index("value"), "value", [values]), path)
    before = snapshot(root)
    with pytest.raises(CatalogueError, match=r"latest release 1\.1\.0 fails verification.*observations\.parquet"):
        run(root, frames(with_third_report=True, first_value=70.0))
    with pytest.raises(CatalogueError, match="fails verification"):
        run(root, frames(with_third_report=True))  # not even an "unchanged" answer on damaged data
    assert snapshot(root) == before
    assert latest_version(str(root)) == "1.1.0"


def test_a_listed_folder_is_never_replaced(two_versions: Path) -> None:
    """latest.json rolled back by hand: the next number is taken, so publishing must stop."""
    root = two_versions
    index = json.loads((root / "index.json").read_text())
    first = next(e for e in index["versions"] if e["version"] == "1.0.0")
    (root / "latest.json").write_text(json.dumps({"name": "cxbench", **first}))
    before = snapshot(root)
    with pytest.raises(CatalogueError, match=r"already lists 1\.1\.0"):
        run(root, frames(with_third_report=True, first_value=70.0))
    assert snapshot(root) == before


def test_repair_rebuilds_a_lost_index_from_the_folders(two_versions: Path) -> None:
    root = two_versions
    (root / "index.json").unlink()
    (root / "latest.json").unlink()
    report = repair(str(root))
    assert report.latest == "1.1.0" and not report.problems
    assert [e["version"] for e in list_versions(str(root))] == ["1.0.0", "1.1.0"]
    assert list_versions(str(root))[1]["counts"]["reports"] == 3
    assert verify(str(root)) == []
