"""The pure version-bump rule, one test per rule."""

from __future__ import annotations

import dataclasses

import pytest

from pipelines.catalogue.bump import RowCounts, compute_bump, next_version, schema_signature
from pipelines.schema import DATASETS, OBSERVATIONS, UNITS

BASE = schema_signature(DATASETS)


def with_observations(**changes) -> dict:
    return schema_signature({**DATASETS, "observations": dataclasses.replace(OBSERVATIONS, **changes)})


def replace_field(name: str, **changes) -> tuple:
    return tuple(dataclasses.replace(f, **changes) if f.name == name else f for f in OBSERVATIONS.fields)


def test_same_content_is_no_bump() -> None:
    assert compute_bump(BASE, BASE, {}, same_content=True).level is None
    assert compute_bump(BASE, BASE, {"observations": RowCounts()}).level is None


def test_first_release_is_1_0_0() -> None:
    decision = compute_bump(None, BASE, {"reports": RowCounts(added=2)})
    assert decision.level == "major"
    assert next_version(None, decision.level) == "1.0.0"


@pytest.mark.parametrize(
    ("rows", "level"),
    [
        (RowCounts(added=3), "minor"),
        (RowCounts(changed=1), "patch"),
        (RowCounts(removed=1), "patch"),
        (RowCounts(added=1, changed=4, removed=2), "minor"),
    ],
)
def test_row_changes(rows: RowCounts, level: str) -> None:
    assert compute_bump(BASE, BASE, {"observations": rows}).level == level


def test_removed_column_is_major() -> None:
    new = with_observations(fields=tuple(f for f in OBSERVATIONS.fields if f.name != "section"))
    decision = compute_bump(BASE, new, {})
    assert decision.level == "major"
    assert any("section" in r and "removed" in r for r in decision.reasons)


def test_retyped_column_is_major() -> None:
    import pyarrow as pa

    assert compute_bump(BASE, with_observations(fields=replace_field("page", type=pa.int64())), {}).level == "major"


def test_nullability_change_is_major() -> None:
    assert compute_bump(BASE, with_observations(fields=replace_field("label", nullable=False)), {}).level == "major"


def test_changed_unit_set_is_major() -> None:
    new = with_observations(fields=replace_field("unit", enum=(*UNITS, "score")))
    decision = compute_bump(BASE, new, {"observations": RowCounts(added=1)})
    assert decision.level == "major"
    assert any("unit" in r for r in decision.reasons)


def test_changed_primary_key_is_major() -> None:
    assert compute_bump(BASE, with_observations(primary_key=("report_id", "observation_id")), {}).level == "major"


def test_new_nullable_column_is_minor_and_required_one_major() -> None:
    import pyarrow as pa

    from pipelines.schema import Field

    nullable = with_observations(fields=(*OBSERVATIONS.fields, Field("note", pa.string(), "A note.")))
    required = with_observations(fields=(*OBSERVATIONS.fields, Field("note", pa.string(), "A note.", False)))
    assert compute_bump(BASE, nullable, {}).level == "minor"
    assert compute_bump(BASE, required, {}).level == "major"


def test_dataset_added_or_removed() -> None:
    without_tables = {k: v for k, v in BASE.items() if k != "tables"}
    assert compute_bump(without_tables, BASE, {}).level == "minor"
    assert compute_bump(BASE, without_tables, {}).level == "major"


def test_description_change_is_not_a_bump() -> None:
    new = with_observations(fields=replace_field("quote", description="Reworded."))
    assert compute_bump(BASE, new, {}).level is None


@pytest.mark.parametrize(
    ("previous", "level", "expected"),
    [
        ("1.4.0", "major", "2.0.0"),
        ("1.4.0", "minor", "1.5.0"),
        ("1.4.0", "patch", "1.4.1"),
        ("1.9.3", "minor", "1.10.0"),
    ],
)
def test_next_version(previous: str, level: str, expected: str) -> None:
    assert next_version(previous, level) == expected
