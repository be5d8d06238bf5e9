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
    result = publish(str(tmp_path), data, validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    assert frictionless_errors(Path(result.path) / "datapackage.json") == []
