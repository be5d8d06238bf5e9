"""observation_id names a statement at a place, so a corrected figure is a patch, not a new row."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from catalogue_samples import BUILD, SOURCES, VALIDATION

from pipelines.build import assemble, process_report
from pipelines.catalogue import load, publish
from pipelines.model import Snapshot, SourceSpec

REPORT = """# Contact centre pulse 2024

In 2024, 61% of callers said they felt heard, and 30% said they did not.

Waiting times rose by 9% year on year.

In 2024, 61% of callers said they felt heard, and 30% said they did not.

| Channel | Share |
|---|---|
| Phone | 40% |
| Chat | 25% |
"""


def build(text: str) -> dict[str, pd.DataFrame]:
    data = text.encode()
    spec = SourceSpec(report_id="pulse-2024", file="pulse.md")
    snapshot = Snapshot("pulse-2024", hashlib.sha256(data).hexdigest(), "pulse.md", len(data), "pulse.md")
    return assemble([process_report(spec, snapshot, data)])


def ids_by_value(frames: dict[str, pd.DataFrame]) -> dict[str, list[float]]:
    obs = frames["observations"]
    return obs.groupby("observation_id")["value"].apply(list).to_dict()


def test_ids_are_unique_even_for_a_repeated_sentence() -> None:
    obs = build(REPORT)["observations"]
    assert len(obs) == 7 and obs["observation_id"].is_unique


def test_corrected_values_keep_their_ids_and_publish_as_a_patch(tmp_path: Path) -> None:
    before = build(REPORT)
    # 61 -> 64 (same length) and 9 -> 10 (shifts every later character offset) and a table cell.
    edited = REPORT.replace("61%", "64%", 1).replace("9%", "10%").replace("40%", "41%")
    after = build(edited)
    assert set(before["observations"]["observation_id"]) == set(after["observations"]["observation_id"])
    publish(str(tmp_path), before, validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    result = publish(str(tmp_path), after, validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    assert (result.version, result.bump) == ("1.0.1", "patch")
    changes = load("changes", root=str(tmp_path))
    assert set(changes["change"]) == {"changed"}
    values = changes[changes["column"] == "value"].sort_values("old_value")
    assert values[["old_value", "new_value"]].values.tolist() == [["40.0", "41.0"], ["61.0", "64.0"], ["9.0", "10.0"]]


def test_a_reworded_sentence_is_a_new_statement() -> None:
    before = ids_by_value(build(REPORT))
    after = ids_by_value(build(REPORT.replace("rose by 9%", "grew by 9%")))
    assert len(set(before) - set(after)) == 1 and len(set(after) - set(before)) == 1
    assert after[next(iter(set(after) - set(before)))] == [9.0]


def test_observations_are_published_in_reading_order() -> None:
    obs = build(REPORT)["observations"]
    text = obs[obs["source"] == "text"]
    assert text["char_start"].is_monotonic_increasing
    assert obs["source"].tolist()[-2:] == ["table", "table"]
