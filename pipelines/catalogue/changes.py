"""Row-level differences between two releases: what ``changes.parquet`` holds.

Rows are matched on the dataset's primary key. A row whose key is new is ``added``, one whose key
disappeared is ``removed`` (the whole row as JSON in new_value / old_value), and one whose key is
kept but whose values differ gives one ``changed`` row per differing column with the old and new
value as JSON. Column-level differences are ``schema`` rows. Values are compared with Arrow
kernels and only differing cells are serialised, so a large unchanged table diffs quickly.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.catalogue.bump import RowCounts
from pipelines.catalogue.frames import canonical_json, to_arrow
from pipelines.schema import Dataset, Field

CHANGE_KINDS = ("added", "removed", "changed", "schema")

# Catalogue bookkeeping rather than benchmark data, so it is defined beside the code that fills it,
# with the same Dataset type the benchmark datasets use in pipelines.schema.
CHANGES = Dataset(
    name="changes",
    title="Row-level differences against the previous version",
    primary_key=(),
    sort_key=("dataset", "report_id", "key", "column"),
    fields=(
        Field("dataset", pa.string(), "Dataset the change is in (reports, observations, tables).", False),
        Field(
            "change",
            pa.string(),
            "added, removed (retracted), changed (a value), schema (a column).",
            False,
            CHANGE_KINDS,
        ),
        Field("report_id", pa.string(), "Report of the row; null for schema changes."),
        Field("key", pa.string(), "Primary-key values of the row as a JSON array; null for schema changes."),
        Field("column", pa.string(), "Column whose value or definition changed; null for added/removed rows."),
        Field("old_value", pa.string(), "Previous value as JSON (whole row for removed rows)."),
        Field("new_value", pa.string(), "New value as JSON (whole row for added rows)."),
    ),
)


def diff_dataset(name: str, old: pa.Table | None, new: pa.Table | None, key: tuple[str, ...]) -> list[dict]:
    """Change rows for one dataset; ``None`` stands for a dataset absent from that release."""
    old = old if old is not None else _empty_like(new)
    new = new if new is not None else _empty_like(old)
    changes: list[dict] = []
    if not key or not set(key) <= set(old.column_names) & set(new.column_names):
        # No common identity: the whole old dataset is replaced by the new one.
        return (
            changes
            + _whole_rows(name, old, range(old.num_rows), key, "removed")
            + _whole_rows(name, new, range(new.num_rows), key, "added")
        )
    keys = list(key)
    left = old.select(keys).append_column("__old", pa.array(range(old.num_rows), pa.int64()))
    right = new.select(keys).append_column("__new", pa.array(range(new.num_rows), pa.int64()))
    joined = left.join(right, keys=keys, join_type="full outer", coalesce_keys=True)
    removed = pc.filter(joined["__old"], pc.is_null(joined["__new"])).to_pylist()
    added = pc.filter(joined["__new"], pc.is_null(joined["__old"])).to_pylist()
    both = joined.filter(pc.and_(pc.is_valid(joined["__old"]), pc.is_valid(joined["__new"])))
    changes += _whole_rows(name, old, removed, key, "removed") + _whole_rows(name, new, added, key, "added")
    old_idx, new_idx = both["__old"].combine_chunks(), both["__new"].combine_chunks()
    common = [c for c in new.column_names if c in old.column_names and c not in key]
    for column in common:
        before = old.column(column).take(old_idx)
        after = new.column(column).take(new_idx)
        for i in pc.indices_nonzero(_differs(before, after)).to_pylist():
            n = new_idx[i].as_py()
            changes.append(
                {
                    "dataset": name,
                    "change": "changed",
                    "report_id": _report_id(new, n),
                    "key": canonical_json([new.column(k)[n].as_py() for k in key]),
                    "column": column,
                    "old_value": canonical_json(before[i].as_py()),
                    "new_value": canonical_json(after[i].as_py()),
                }
            )
    return changes


def diff_releases(
    old: Mapping[str, pa.Table],
    new: Mapping[str, pa.Table],
    keys: Mapping[str, tuple[str, ...]],
    old_signature: Mapping | None = None,
    new_signature: Mapping | None = None,
) -> tuple[pa.Table, dict[str, RowCounts]]:
    """The changes table of a release and per-dataset row counts for the bump rule.

    ``keys`` maps each dataset to the primary key rows are matched on.
    Signatures (see ``bump.schema_signature``) add ``schema`` rows for column changes; without
    them only rows are compared.
    """
    rows: list[dict] = []
    for name in sorted(set(old) | set(new)):
        key = tuple(keys.get(name, ()))
        if old_signature is not None and new_signature is not None:
            rows += schema_changes(
                name,
                old_signature.get(name, {}).get("fields", {}),
                new_signature.get(name, {}).get("fields", {}),
            )
        rows += diff_dataset(name, old.get(name), new.get(name), key)
    return changes_table(rows), count_rows(rows)


def changes_table(rows: list[dict]) -> pa.Table:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=CHANGES.columns)
    return to_arrow(frame, CHANGES)


def count_rows(rows: list[dict]) -> dict[str, RowCounts]:
    """Rows added/removed, and distinct rows (not cells) changed, per dataset."""
    per: dict[str, dict[str, set]] = {}
    for row in rows:
        if row["change"] == "schema":
            continue
        per.setdefault(row["dataset"], {k: set() for k in ("added", "removed", "changed")})[row["change"]].add(
            row["key"]
        )
    return {name: RowCounts(len(s["added"]), len(s["removed"]), len(s["changed"])) for name, s in per.items()}


def _differs(before: pa.Array, after: pa.Array) -> pa.Array:
    """True where the values differ; two nulls (or two NaNs) count as equal."""
    if before.type != after.type or pa.types.is_nested(after.type):  # Arrow has no equal kernel for lists
        try:
            if pa.types.is_nested(after.type):
                raise pa.ArrowNotImplementedError("nested")
            before = before.cast(after.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            before_text = [canonical_json(v) for v in before.to_pylist()]
            after_text = [canonical_json(v) for v in after.to_pylist()]
            return pa.array([a != b for a, b in zip(before_text, after_text, strict=True)], type=pa.bool_())
    same = pc.fill_null(pc.equal(before, after), False)
    same = pc.or_(same, pc.and_(pc.is_null(before), pc.is_null(after)))
    if pa.types.is_floating(after.type):
        same = pc.or_(same, pc.fill_null(pc.and_(pc.is_nan(before), pc.is_nan(after)), False))
    return pc.invert(same)


def _whole_rows(name: str, table: pa.Table, indices, key: tuple[str, ...], change: str) -> list[dict]:
    indices = list(indices)
    if not indices:
        return []
    records = table.take(pa.array(indices, pa.int64())).to_pylist()
    side = "new_value" if change == "added" else "old_value"
    return [
        {
            "dataset": name,
            "change": change,
            "report_id": record.get("report_id"),
            "key": canonical_json([record.get(k) for k in key]),
            "column": None,
            "old_value": None,
            "new_value": None,
        }
        | {side: canonical_json(record)}
        for record in records
    ]


def schema_changes(name: str, old_fields: Mapping, new_fields: Mapping) -> list[dict]:
    """One ``schema`` row per column added, removed or redefined (type, nullability, enum)."""
    out = []
    for column in list(old_fields) + [c for c in new_fields if c not in old_fields]:
        before, after = old_fields.get(column), new_fields.get(column)
        if before != after:
            out.append(
                {
                    "dataset": name,
                    "change": "schema",
                    "report_id": None,
                    "key": None,
                    "column": column,
                    "old_value": None if before is None else canonical_json(before),
                    "new_value": None if after is None else canonical_json(after),
                }
            )
    return out


def _report_id(table: pa.Table, index: int) -> str | None:
    return table.column("report_id")[index].as_py() if "report_id" in table.column_names else None


def _empty_like(table: pa.Table | None) -> pa.Table:
    return table.schema.empty_table() if table is not None else pa.table({})
