"""Turning pipeline DataFrames into the catalogue's canonical Arrow tables, Parquet bytes and hashes.

Everything that decides what a published file contains lives here, so reproducibility has one
home: cast to the schema in ``pipelines.schema``, check the contract the manifest promises
(required columns, enums, unique primary key), sort stably, write Parquet with fixed options and
no timestamps, and hash the *content* independently of the Parquet encoding (so a pyarrow upgrade
does not look like a data change).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.catalogue.bump import schema_signature
from pipelines.schema import Dataset

if TYPE_CHECKING:
    import pandas as pd  # frames come in as DataFrames; pandas itself is not needed here

PARQUET_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 3,
    "write_statistics": True,
    "data_page_version": "1.0",
    "row_group_size": 1_000_000,
    "store_schema": True,
}
"""Fixed writer options: changing any of them changes the bytes of every future release."""


def arrow_schema(dataset: Dataset) -> pa.Schema:
    """The dataset's Arrow schema with each field's description attached for Parquet readers."""
    return pa.schema(
        [pa.field(f.name, f.type, nullable=f.nullable, metadata={"description": f.description}) for f in dataset.fields]
    )


def to_arrow(frame: pd.DataFrame, dataset: Dataset) -> pa.Table:
    """Cast a DataFrame to the dataset's schema, check the contract and sort by its sort key.

    Missing nullable columns are filled with nulls; unknown or missing required columns are an
    error rather than silently dropped, because the schema module is the public interface.
    """
    extra = [c for c in frame.columns if c not in dataset.columns]
    missing_required = [f.name for f in dataset.fields if f.name not in frame.columns and not f.nullable]
    if extra or missing_required:
        raise ValueError(
            f"{dataset.name}: columns not in the schema {extra}, required columns missing {missing_required}"
        )
    arrays = []
    for field in dataset.fields:
        if field.name not in frame.columns:
            arrays.append(pa.nulls(len(frame), type=field.type))
            continue
        try:
            array = pa.array(frame[field.name], from_pandas=True)
            arrays.append(array.cast(field.type) if array.type != field.type else array)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise ValueError(f"{dataset.name}.{field.name}: cannot cast to {field.type}: {exc}") from exc
    table = pa.Table.from_arrays(arrays, schema=arrow_schema(dataset))
    check_contract(table, dataset)
    if dataset.sort_key and table.num_rows:
        table = table.sort_by([(k, "ascending") for k in dataset.sort_key])
    return table.combine_chunks()


def check_contract(table: pa.Table, dataset: Dataset) -> None:
    """Refuse data that would make the published manifest lie (nulls, enums, duplicate keys)."""
    problems = []
    for field in dataset.fields:
        column = table.column(field.name)
        if not field.nullable and column.null_count:
            problems.append(f"{field.name}: {column.null_count} null value(s) in a required column")
        if field.enum is not None:
            bad = set(pc.unique(column.drop_null()).to_pylist()) - set(field.enum)
            if bad:
                problems.append(f"{field.name}: values outside {list(field.enum)}: {sorted(bad)[:5]}")
    if dataset.primary_key and table.num_rows:
        counts = table.group_by(list(dataset.primary_key)).aggregate([([], "count_all")])
        dupes = counts.filter(pc.greater(counts["count_all"], 1))
        if dupes.num_rows:
            sample = dupes.drop_columns(["count_all"]).slice(0, 3).to_pylist()
            problems.append(f"primary key {list(dataset.primary_key)} not unique, e.g. {sample}")
    if problems:
        raise ValueError(f"{dataset.name}: " + "; ".join(problems))


def dictionary_columns(table: pa.Table, dataset: Dataset) -> list[str]:
    """String columns worth dictionary encoding: enums, and columns with few distinct values."""
    chosen = []
    for field in dataset.fields:
        if not pa.types.is_string(field.type):
            continue
        column = table.column(field.name)
        if field.enum is not None or pc.count_distinct(column).as_py() * 2 <= max(len(column), 1):
            chosen.append(field.name)
    return chosen


def parquet_bytes(table: pa.Table, dataset: Dataset) -> bytes:
    """Deterministic Parquet bytes: same table and pyarrow version, same bytes."""
    sink = io.BytesIO()
    sorting = [pq.SortingColumn(table.schema.get_field_index(k)) for k in dataset.sort_key]
    pq.write_table(
        table,
        sink,
        use_dictionary=dictionary_columns(table, dataset),
        sorting_columns=sorting or None,
        **PARQUET_OPTIONS,
    )
    return sink.getvalue()


def json_value(value: Any) -> Any:
    """JSON default for Arrow scalars that json cannot encode (dates and timestamps as ISO 8601)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=json_value)


def canonical_json(value: Any) -> str:
    """One spelling per value: the form hashed and shown in changes.parquet."""
    return _ENCODER.encode(value)


HASH_SLICE_ROWS = 65_536


def content_hash(table: pa.Table, dataset: Dataset) -> str:
    """SHA-256 of the schema signature and the sorted values as canonical JSON, column by column.

    Independent of the Parquet encoding and the writer's version; the bytes Arrow leaves under
    nulls and the chunk layout cannot leak in (they would with a hash of Arrow buffers). Slices
    of fixed size keep it deterministic and let the C JSON encoder do whole columns at once.
    """
    digest = hashlib.sha256()
    digest.update(canonical_json(schema_signature({dataset.name: dataset})[dataset.name]).encode())
    for start in range(0, table.num_rows, HASH_SLICE_ROWS):
        part = table.slice(start, HASH_SLICE_ROWS)
        for name in part.column_names:
            digest.update(b"\n")
            digest.update(canonical_json(part.column(name).to_pylist()).encode())
    return digest.hexdigest()


def combined_hash(resource_hashes: dict[str, str]) -> str:
    """The release's content hash: equal exactly when every data resource is equal."""
    return hashlib.sha256(canonical_json(dict(sorted(resource_hashes.items()))).encode()).hexdigest()
