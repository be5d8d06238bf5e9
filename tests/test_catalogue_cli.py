"""The catalogue CLI verbs, run through argparse exactly as pipelines/cli.py wires them."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalogue_samples import BUILD, SOURCES, VALIDATION, frames

from pipelines.catalogue import publish
from pipelines.catalogue.cli import main


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalogue")
    publish(str(path), frames(), validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    publish(str(path), frames(True, 62.0), validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    return path


def cli(capsys: pytest.CaptureFixture, root: Path, *argv: str) -> tuple[int, str]:
    code = main(list(argv), default_root=str(root))
    return code, capsys.readouterr().out


def test_list_and_show(root: Path, capsys: pytest.CaptureFixture) -> None:
    code, out = cli(capsys, root, "catalogue", "list")
    assert code == 0 and "1.0.0" in out and "1.1.0" in out and "(latest)" in out
    code, out = cli(capsys, root, "catalogue", "show", "1.1.0", "--catalogue", str(root))
    assert code == 0 and "observations.parquet" in out and "previous 1.0.0" in out
    assert cli(capsys, root, "catalogue", "show", "9.9.9")[0] == 2


def test_diff(root: Path, capsys: pytest.CaptureFixture) -> None:
    code, out = cli(capsys, root, "catalogue", "diff", "1.0.0", "1.1.0")
    assert code == 0 and "added" in out and "nordic-2024" in out and "62.0" in out


def test_search(root: Path, capsys: pytest.CaptureFixture) -> None:
    code, out = cli(capsys, root, "search", "recommend")  # the ranked search of pipelines/search.py
    assert code == 0 and out.startswith("44 percent") and "nordic-2024 p.1" in out.splitlines()[0]
    assert cli(capsys, root, "search", "no such words")[0] == 1


def test_verify_names_the_damaged_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    publish(str(tmp_path), frames(), validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    assert cli(capsys, tmp_path, "catalogue", "verify")[0] == 0
    target = tmp_path / "versions" / "1.0.0" / "tables.parquet"
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    code, out = cli(capsys, tmp_path, "catalogue", "verify", "1.0.0")
    assert code == 1 and "tables.parquet" in out


READ_ONLY = """
import json, sys
from pipelines.cli import main
from pipelines.catalogue import load
root = sys.argv[1]
codes = [main([*verb, "--catalogue", root]) for verb in (
    ["catalogue", "list"], ["catalogue", "show"], ["catalogue", "diff", "1.0.0", "1.1.0"],
    ["catalogue", "verify"], ["search", "recommend"],
)]
rows = len(load("observations", root=root))
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("dagster", "great_expectations"))
print(json.dumps({"codes": codes, "rows": rows, "heavy": heavy}))
"""


def test_reading_never_imports_dagster_or_great_expectations(root: Path) -> None:
    """Reading the catalogue costs a pyarrow import, not Dagster's (4-5 s) or GX's."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", READ_ONLY, str(root)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, 0, 0, 0, 0] and result["rows"] == 5
    assert result["heavy"] == []
