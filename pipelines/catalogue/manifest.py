"""The Data Package v2 manifest (datapackage.json) of a release, and reading it back.

The Table Schema is generated from ``pipelines.schema`` (never written by hand). Each field also
carries ``arrowType`` so the next release can tell int32 from int64 when it computes the bump;
``schema_signature_of`` turns a stored manifest back into the signature ``bump`` compares.
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from pipelines.schema import Dataset

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
DEFAULT_LICENSES = (
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0",
    },
)
LIBRARIES = (
    "cxbench",
    "pyarrow",
    "pandas",
    "fsspec",
    "dagster",
    "great-expectations",
    "pdfplumber",
    "pypdfium2",
    "trafilatura",
    "opencc",
    "cn2an",
    "charset-normalizer",
)


NULL_INTEGER_SPELLINGS = ("", "nan")
"""How a null integer may be spelled to a Table Schema reader (field-level ``missingValues``).

The Parquet files hold real nulls. But Data Package tools that read Parquet through pandas (frictionless
does: ``pq.read_table(...).to_pandas()``) turn a nullable integer column into float64, a null into
NaN, and then see the text "nan" where an integer belongs: every real release, whose PDF-less
reports have no page, was reported INVALID. An integer column can hold no other value spelled
"nan", so declaring it a missing value is exact.
"""


def table_schema_type(arrow_type: pa.DataType) -> str:
    """Table Schema type for an Arrow type (what frictionless and other Data Package tools check)."""
    checks = (
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_integer, "integer"),
        (pa.types.is_floating, "number"),
        (pa.types.is_timestamp, "datetime"),
        (pa.types.is_date, "date"),
        (pa.types.is_string, "string"),
        (pa.types.is_large_string, "string"),
    )
    return next((name for check, name in checks if check(arrow_type)), "any")


def table_schema(dataset: Dataset) -> dict[str, Any]:
    fields = []
    for f in dataset.fields:
        constraints: dict[str, Any] = {}
        if not f.nullable:
            constraints["required"] = True
        if f.enum is not None:
            constraints["enum"] = list(f.enum)
        entry: dict[str, Any] = {
            "name": f.name,
            "type": table_schema_type(f.type),
            "description": f.description,
            "arrowType": str(f.type),
        }
        if constraints:
            entry["constraints"] = constraints
        if f.nullable and pa.types.is_integer(f.type):
            entry["missingValues"] = list(NULL_INTEGER_SPELLINGS)
        fields.append(entry)
    schema: dict[str, Any] = {"fields": fields}
    if dataset.primary_key:
        schema["primaryKey"] = list(dataset.primary_key)
    if dataset.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": resource, "fields": [ref]}}
            for column, resource, ref in dataset.foreign_keys
        ]
    return schema


def schema_signature_of(manifest: Mapping[str, Any], data_resources: Sequence[str]) -> dict[str, Any]:
    """The schema signature (see ``bump.schema_signature``) a published manifest describes."""
    signature = {}
    for resource in manifest.get("resources", []):
        if resource["name"] not in data_resources:
            continue
        schema = resource["schema"]
        signature[resource["name"]] = {
            "fields": {
                f["name"]: {
                    "type": f.get("arrowType", f["type"]),
                    "nullable": not f.get("constraints", {}).get("required", False),
                    "enum": f.get("constraints", {}).get("enum"),
                }
                for f in schema["fields"]
            },
            "primary_key": list(schema.get("primaryKey", [])),
        }
    return signature


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries that shape the output (the lock file pins them)."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def normalise_sources(sources: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Data Package sources need a title; fall back to the report id, file or URL."""
    out = []
    for source in sources:
        entry = {k: v for k, v in source.items() if v is not None}
        entry.setdefault("title", str(source.get("report_id") or source.get("path") or source.get("url") or "source"))
        if "path" not in entry and source.get("url"):
            entry["path"] = source["url"]
        out.append(entry)
    return out


def build_manifest(
    *,
    name: str,
    version: str,
    created: str,
    previous_version: str | None,
    content_hash: str,
    bump: str | None,
    reasons: Sequence[str],
    resources: Sequence[dict[str, Any]],
    sources: Sequence[Mapping[str, Any]],
    build_info: Mapping[str, Any],
    failures: Sequence[Mapping[str, Any]],
    licenses: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The datapackage.json dict; ``resources`` come from ``resource_entry``."""
    return {
        "$schema": PROFILE,
        "name": name,
        "title": "cxbench: figures stated in published customer-experience reports",
        "version": version,
        "created": created,
        "previous_version": previous_version,
        "content_hash": f"sha256:{content_hash}",
        "bump": bump,
        "bump_reasons": list(reasons),
        "licenses": [dict(x) for x in (licenses or DEFAULT_LICENSES)],
        "sources": normalise_sources(sources),
        "build": {**dict(build_info), "libraries": {**library_versions(), **build_info.get("libraries", {})}},
        "failed_reports": [dict(f) for f in failures],
        "resources": list(resources),
    }


def resource_entry(
    dataset: Dataset, *, path: str, sha256: str, size: int, rows: int, content_hash: str | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": dataset.name,
        "title": dataset.title,
        "type": "table",
        "path": path,
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "hash": f"sha256:{sha256}",
        # Not the standard "bytes": frictionless cannot measure Parquet it reads through pyarrow and
        # would report every resource as a byte-count error. "hash" it skips when it cannot compute.
        "size_bytes": size,
        "rows": rows,
    }
    if content_hash is not None:
        entry["content_hash"] = f"sha256:{content_hash}"
    entry["schema"] = table_schema(dataset)
    return entry
