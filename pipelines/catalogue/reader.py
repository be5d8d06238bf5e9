"""Reading a published catalogue: the consumer API behind ``load`` and the CLI verbs.

Readers trust only ``latest.json`` and the ``index.json`` entries up to it (``state.released``):
a version folder that neither names is a leftover of an interrupted publish and is never served.
A damaged pointer file or manifest raises ``CatalogueError`` (one line, naming the file);
``verify`` reports it as a problem instead. pandas is imported only by the functions that return
DataFrames, so listing, showing and verifying stay as quick as importing pyarrow.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.catalogue import layout
from pipelines.catalogue.state import CatalogueError, released
from pipelines.catalogue.storage import Store, sha256_hex

if TYPE_CHECKING:
    import pandas as pd


def latest_version(root: str) -> str | None:
    """Version ``latest.json`` points at, or None for an empty catalogue."""
    return released(Store(root)).version


def list_versions(root: str) -> list[dict[str, Any]]:
    """Released versions, oldest first, as recorded in index.json (and latest.json)."""
    return released(Store(root)).entries


def resolve(root: str, version: str = "latest") -> str:
    """A concrete version number; raises LookupError for an unknown one."""
    if version == "latest":
        current = latest_version(root)
        if current is None:
            raise LookupError(f"catalogue {root} has no published version")
        return current
    if version not in {e["version"] for e in list_versions(root)}:
        raise LookupError(f"version {version} is not published in {root}")
    return version


def read_manifest(root: str, version: str = "latest") -> dict[str, Any]:
    store = Store(root)
    rel = f"{layout.version_dir(resolve(root, version))}/{layout.MANIFEST}"
    manifest = _read_manifest_file(store, rel)
    if manifest is None:
        raise LookupError(f"version {version} has no {layout.MANIFEST}")
    return manifest


def _read_manifest_file(store: Store, rel: str) -> dict[str, Any] | None:
    try:
        return json.loads(store.read_bytes(rel))
    except FileNotFoundError:
        return None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{store.url_of(rel)} is damaged (not valid JSON: {exc})") from None


def read_table(root: str, name: str, version: str = "latest") -> pa.Table:
    """One resource as an Arrow table (descriptions kept in the field metadata)."""
    store = Store(root)
    rel = f"{layout.version_dir(resolve(root, version))}/{layout.parquet_name(name)}"
    if not store.exists(rel):
        raise LookupError(f"no resource {name!r} in version {version}")
    with store.fs.open(store.path(rel), "rb") as handle:
        return pq.read_table(handle)


def load(name: str, *, version: str = "latest", root: str) -> pd.DataFrame:
    """A resource (reports, observations, tables, changes) of a version as a DataFrame."""
    return read_table(root, name, version).to_pandas()


def verify(root: str, version: str | None = None) -> list[str]:
    """Recompute hashes and row counts; a list of problems, each naming the file (empty = good).

    Without ``version`` every released version is checked, plus latest.json and index.json.
    """
    store = Store(root)
    try:
        state = released(store)
    except CatalogueError as exc:
        return [str(exc)]
    if version is None:
        if state.latest is None:
            return [f"{layout.LATEST}: missing"]
        versions = [e["version"] for e in state.entries]
    else:
        versions = [resolve(root, version)]
    problems: list[str] = []
    for v in versions:
        problems += verify_folder(store, layout.version_dir(v))
    return problems


def verify_folder(store: Store, rel: str) -> list[str]:
    """Check one version folder against its SHA256SUMS and its manifest (hash, bytes, rows)."""
    problems: list[str] = []
    try:
        sums = parse_checksums(store.read_bytes(f"{rel}/{layout.CHECKSUMS}").decode())
    except FileNotFoundError:
        return [f"{rel}/{layout.CHECKSUMS}: missing"]
    for name, expected in sums.items():
        try:
            actual = sha256_hex(store.read_bytes(f"{rel}/{name}"))
        except FileNotFoundError:
            problems.append(f"{rel}/{name}: missing")
            continue
        if actual != expected:
            problems.append(f"{rel}/{name}: sha256 {actual} does not match {layout.CHECKSUMS} ({expected})")
    if layout.MANIFEST not in sums:
        problems.append(f"{rel}/{layout.CHECKSUMS}: does not cover {layout.MANIFEST}")
    if problems:
        return problems
    try:
        manifest = _read_manifest_file(store, f"{rel}/{layout.MANIFEST}") or {}
    except CatalogueError as exc:
        return [str(exc)]
    for resource in manifest.get("resources", []):
        path = f"{rel}/{resource['path']}"
        data = store.read_bytes(path)
        if resource.get("hash") != f"sha256:{sha256_hex(data)}":
            problems.append(f"{path}: sha256 does not match {layout.MANIFEST}")
        if resource.get("size_bytes") != len(data):
            problems.append(f"{path}: {len(data)} bytes, {layout.MANIFEST} says {resource.get('size_bytes')}")
        try:
            rows = pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows
        except (pa.ArrowInvalid, OSError) as exc:
            problems.append(f"{path}: not readable as Parquet ({exc})")
            continue
        if rows != resource.get("rows"):
            problems.append(f"{path}: {rows} rows, {layout.MANIFEST} says {resource.get('rows')}")
    return problems


def parse_checksums(text: str) -> dict[str, str]:
    """``sha256sum``-format lines (``<hex>  <name>``) as {name: hex}."""
    sums = {}
    for line in text.splitlines():
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip())
        if match:
            sums[match.group(2)] = match.group(1)
    return sums


def format_checksums(files: dict[str, bytes]) -> str:
    return "".join(f"{sha256_hex(data)}  {name}\n" for name, data in sorted(files.items()))


def diff_versions(root: str, old: str, new: str) -> pd.DataFrame:
    """Row-level changes from version ``old`` to ``new`` (any two versions, not only neighbours)."""
    from pipelines.catalogue.changes import diff_releases
    from pipelines.catalogue.manifest import schema_signature_of

    old, new = resolve(root, old), resolve(root, new)
    manifests = {v: read_manifest(root, v) for v in (old, new)}
    names = {v: [r["name"] for r in m["resources"] if r["name"] != layout.CHANGES] for v, m in manifests.items()}
    tables = {v: {n: read_table(root, n, v) for n in names[v]} for v in (old, new)}
    keys = {**_keys_from(manifests[old]), **_keys_from(manifests[new])}
    changes, _ = diff_releases(
        tables[old],
        tables[new],
        keys,
        schema_signature_of(manifests[old], names[old]),
        schema_signature_of(manifests[new], names[new]),
    )
    return changes.to_pandas()


def _keys_from(manifest: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Primary key of each data resource as the manifest declares it."""
    return {
        r["name"]: tuple(r["schema"].get("primaryKey", []))
        for r in manifest["resources"]
        if r["name"] != layout.CHANGES
    }
