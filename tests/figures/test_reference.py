"""Byte-identical observations: the extractor's output on fixed documents equals the frozen reference.

The reference (tests/data/figures_reference/*.jsonl) was written by ``figure_reference.py --write``
from the extractor as it stood before the issue-16 restructuring (commit 05d840e). A rule change
that changes output must refreeze it and list every changed observation in its commit message.
"""

from __future__ import annotations

import difflib

import pytest
from figure_reference import SHARED, dev_splits, frozen, sets


@pytest.mark.parametrize("name", [f"dev_{s}" for s in dev_splits()] + ["sources", "shared_corpus"])
def test_observations_match_the_frozen_reference(name):
    produce = sets().get(name)
    if produce is None:
        pytest.skip(f"no shared corpus at {SHARED}")
    got, want = produce(), frozen(name)
    if got != want:
        diff = "\n".join(list(difflib.unified_diff(want, got, "frozen", "now", n=0, lineterm=""))[:40])
        pytest.fail(f"{name}: {len(want)} frozen observations, {len(got)} now; first differences:\n{diff}")
