"""The shared scorer on the shared corpus: the acceptance bar of the figure extraction issue."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
pytestmark = pytest.mark.skipif(
    not (SHARED / "corpus").is_dir() or not (SHARED / "eval" / "score.py").is_file(),
    reason="../shared corpus and scorer are not present",
)


def test_shared_corpus_meets_the_bar():
    sys.path.insert(0, str(ROOT))
    from pipelines.figures.evaluate import score

    done = score(as_json=True, shared=SHARED)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    text, attrs = result["text"], result["attributes"]
    assert text["f1"] >= 0.98, text
    for name in ("kind", "qualifier", "period"):
        assert attrs[name] >= 0.97, (name, attrs)
    assert attrs["label"] >= 0.90, attrs
