"""Publishing a release: compare with the latest version, compute the bump, write, check, swap in.

Order of operations (each step leaves a valid catalogue if the process dies right after it):
lock -> read latest.json and index.json (refuse if damaged) -> verify the previous release
(refuse if it fails: its values are what the changes are computed against) -> clear .staging ->
same content hash? stop -> write the version into .staging/<id> -> re-read and check hashes and
row counts -> rename to versions/<v> -> replace latest.json -> rewrite index.json.
``latest.json`` is the single commit point; a folder newer than it that no pointer names is an
unreleased leftover the next publish replaces. A folder that index.json or latest.json names is
never replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pipelines.catalogue import layout
from pipelines.catalogue.bump import RowCounts, compute_bump, next_version, schema_signature, version_key
from pipelines.catalogue.changelog import render_changelog
from pipelines.catalogue.changes import CHANGES, changes_table, diff_releases
from pipelines.catalogue.frames import combined_hash, content_hash, parquet_bytes, to_arrow
from pipelines.catalogue.manifest import build_manifest, resource_entry, schema_signature_of
from pipelines.catalogue.reader import format_checksums, verify_folder
from pipelines.catalogue.state import CatalogueError, Released, json_bytes, released, repair_hint
from pipelines.catalogue.storage import Store, sha256_hex
from pipelines.errors import describe_os_error
from pipelines.schema import BENCHMARKS, CATALOGUE_DATASETS, QUARANTINE, Dataset

if TYPE_CHECKING:
    import pandas as pd  # frames come in as DataFrames; pandas itself is not needed here

PAUSE_ENV = "CXBENCH_CATALOGUE_PAUSE_AT"
"""Test hook: name of a step at which publish stops and waits (to be killed by crash tests)."""
PAUSE_SECONDS_ENV = "CXBENCH_CATALOGUE_PAUSE_SECONDS"  # how long to wait there (default: an hour)


@dataclass
class PublishResult:
    published: bool
    version: str
    path: str  # the version folder, as a path or URL
    bump: str | None  # "major" | "minor" | "patch" | None when nothing was published
    previous_version: str | None
    counts: dict[str, int]  # rows per data resource
    reasons: list[str] = field(default_factory=list)
    content_hash: str = ""


def publish(
    root: str,
    frames: Mapping[str, pd.DataFrame],
    *,
    validation: Mapping[str, Any],
    build_info: Mapping[str, Any],
    sources: Sequence[Mapping[str, Any]],
    failures: Sequence[Mapping[str, Any]] = (),
    name: str = "cxbench",
    datasets: Mapping[str, Dataset] | None = None,
    licenses: Sequence[Mapping[str, Any]] | None = None,
    created: dt.datetime | None = None,
) -> PublishResult:
    """Publish ``frames`` as the next version of the catalogue at ``root`` unless nothing changed.

    ``datasets`` defaults to ``pipelines.schema.CATALOGUE_DATASETS`` (tests pass altered schemas to
    exercise the bump rules). ``frames["quarantine"]`` holds the rows ``quality.quarantine.split``
    held back; absent, nothing was held back and an empty quarantine is published; likewise an
    absent ``frames["benchmarks"]`` (``pipelines.build.add_benchmarks`` derives it) publishes empty. ``created``
    defaults to $SOURCE_DATE_EPOCH or now, in UTC.
    """
    datasets = dict(datasets or CATALOGUE_DATASETS)
    for derived in (QUARANTINE, BENCHMARKS):  # absent: nothing held back / no benchmarks derived
        if derived.name in datasets and derived.name not in frames:
            import pandas as pd

            frames = {**frames, derived.name: pd.DataFrame(columns=derived.columns)}
    missing = sorted(set(datasets) - set(frames))
    if missing:
        raise ValueError(f"frames missing for {missing}")
    tables = {n: to_arrow(frames[n], ds) for n, ds in datasets.items()}
    check_foreign_keys(tables, datasets)
    hashes = {n: content_hash(t, datasets[n]) for n, t in tables.items()}
    release_hash = combined_hash(hashes)
    counts = {n: t.num_rows for n, t in tables.items()}
    store = Store(root)
    progress: dict[str, Any] = {}  # what is on disk so far, to say truthfully what a failure left behind
    try:
        return _publish_locked(
            store, tables, datasets, hashes, release_hash, counts, progress,
            validation=validation, build_info=build_info, sources=sources, failures=failures, name=name,
            licenses=licenses, created=created,
        )  # fmt: skip
    except OSError as exc:  # a read-only folder, a full disk: one line that says what happened
        raise _write_failure(store, exc, progress) from exc


def _write_failure(store: Store, exc: OSError, progress: Mapping[str, Any]) -> CatalogueError:
    """The error to report when writing failed part-way, after removing the half-written staging copy."""
    staging = progress.get("staging")
    if staging and not progress.get("moved"):
        with contextlib.suppress(OSError):
            store.remove_tree(staging)  # frees the space a full disk needs back
    why = describe_os_error(exc)
    if exc.filename is None and staging and not progress.get("moved"):
        why += f" (writing version {progress['version']})"
    if progress.get("released"):  # latest.json names the new version: it is out, only the index lags
        return CatalogueError(
            f"published {progress['version']} to {store.url}, but could not update {layout.INDEX} ({why});"
            f" readers take the new version from {layout.LATEST}, the next publish or {repair_hint(store.url)}"
            " rewrites the index"
        )
    return CatalogueError(f"cannot write to the catalogue {store.url}: {why}; the previous release is untouched")


def _publish_locked(
    store: Store,
    tables: dict[str, pa.Table],
    datasets: dict[str, Dataset],
    hashes: dict[str, str],
    release_hash: str,
    counts: dict[str, int],
    progress: dict[str, Any],
    *,
    validation: Mapping[str, Any],
    build_info: Mapping[str, Any],
    sources: Sequence[Mapping[str, Any]],
    failures: Sequence[Mapping[str, Any]],
    name: str,
    licenses: Sequence[Mapping[str, Any]] | None,
    created: dt.datetime | None,
) -> PublishResult:
    with store.lock():
        _checkpoint("locked")
        state = released(store)
        latest = state.latest
        if latest:
            _refuse_damaged_previous(store, latest["version"])
        store.remove_tree(layout.STAGING)
        if latest and latest.get("content_hash") == f"sha256:{release_hash}":
            return PublishResult(
                False,
                latest["version"],
                store.url_of(latest["path"]),
                None,
                latest.get("previous_version"),
                counts,
                ["content hash unchanged"],
                release_hash,
            )
        previous = latest["version"] if latest else None
        old_tables, old_signature, old_keys = _previous_release(store, previous)
        new_signature = schema_signature(datasets)
        if previous is None:  # nothing to diff against: the data files are the whole story
            changes = changes_table([])
            row_counts = {n: RowCounts(added=t.num_rows) for n, t in tables.items()}
        else:
            changes, row_counts = diff_releases(
                old_tables,
                tables,
                {**old_keys, **{n: ds.primary_key for n, ds in datasets.items()}},
                old_signature,
                new_signature,
            )
        decision = compute_bump(old_signature if previous else None, new_signature, row_counts)
        if decision.level is None:  # content hash differs but nothing a consumer could see did
            decision.level, decision.reasons = "patch", ["content hash changed"]
        version = next_version(previous, decision.level)
        if version in state.listed:
            raise CatalogueError(
                f"{store.url_of(layout.INDEX)} already lists {version}, which latest.json ({previous}) does not"
                f" reach; a listed folder is never replaced: run {repair_hint(store.url)}"
            )
        stamp = _created(created)
        files: dict[str, bytes] = {}
        resources = []
        for n, table in [*tables.items(), (CHANGES.name, changes)]:
            dataset = datasets.get(n, CHANGES)
            data = parquet_bytes(table, dataset)
            files[layout.parquet_name(n)] = data
            resources.append(
                resource_entry(
                    dataset,
                    path=layout.parquet_name(n),
                    sha256=sha256_hex(data),
                    size=len(data),
                    rows=table.num_rows,
                    content_hash=hashes.get(n),
                )
            )
        manifest = build_manifest(
            name=name,
            version=version,
            created=stamp,
            previous_version=previous,
            content_hash=release_hash,
            bump=decision.level,
            reasons=decision.reasons,
            resources=resources,
            sources=sources,
            build_info=build_info,
            failures=failures,
            licenses=licenses,
        )
        files[layout.MANIFEST] = json_bytes(manifest)
        files[layout.VALIDATION] = json_bytes(validation)
        files[layout.CHANGELOG] = render_changelog(
            name=name,
            version=version,
            previous_version=previous,
            created=stamp,
            bump=decision.level,
            reasons=decision.reasons,
            counts=counts,
            row_counts=row_counts,
            changes=changes,
            failures=failures,
        ).encode()
        files[layout.CHECKSUMS] = format_checksums(files).encode()

        staging = f"{layout.STAGING}/{version}-{uuid.uuid4().hex}"
        progress.update(staging=staging, version=version)
        for i, (file_name, data) in enumerate(files.items()):
            store.write_bytes(f"{staging}/{file_name}", data)
            if i == 0:
                _checkpoint("staging")
        problems = verify_folder(store, staging)
        if problems:
            raise RuntimeError(f"staged version {version} failed its checks: {problems}")
        _checkpoint("staged")
        target = layout.version_dir(version)
        if store.exists(target):  # named by no pointer file: an unreleased leftover, replace it
            store.move_dir(target, f"{layout.STAGING}/leftover-{uuid.uuid4().hex}")
        store.move_dir(staging, target)
        progress["moved"] = True
        _checkpoint("renamed")
        entry = {
            "version": version,
            "path": target,
            "created": stamp,
            "previous_version": previous,
            "bump": decision.level,
            "counts": counts,
            "content_hash": f"sha256:{release_hash}",
        }
        store.replace_file(layout.LATEST, json_bytes({"name": name, **entry}))
        progress["released"] = True
        _checkpoint("released")
        _write_index(store, name, state, entry)
        _checkpoint("indexed")
        store.remove_tree(layout.STAGING)
    return PublishResult(
        True, version, store.url_of(target), decision.level, previous, counts, decision.reasons, release_hash
    )


def check_foreign_keys(tables: Mapping[str, pa.Table], datasets: Mapping[str, Dataset]) -> None:
    """Every declared foreign key must resolve, or the manifest's foreignKeys would be false."""
    for name, dataset in datasets.items():
        for column, ref_name, ref_column in dataset.foreign_keys:
            if ref_name not in tables:
                continue
            known = set(tables[ref_name].column(ref_column).to_pylist())
            dangling = sorted(set(tables[name].column(column).drop_null().to_pylist()) - known)
            if dangling:
                raise ValueError(f"{name}.{column}: values not in {ref_name}.{ref_column}: {dangling[:5]}")


def _previous_release(
    store: Store, previous: str | None
) -> tuple[dict[str, pa.Table], dict[str, Any], dict[str, tuple[str, ...]]]:
    """Tables, schema signature and primary keys of the latest release (empty for none)."""
    if previous is None:
        return {}, {}, {}
    from pipelines.catalogue.reader import read_table

    folder = layout.version_dir(previous)
    manifest = store.read_json(f"{folder}/{layout.MANIFEST}")
    names = [r["name"] for r in manifest["resources"] if r["name"] != layout.CHANGES]
    tables = {n: read_table(store.url, n, previous) for n in names}
    keys = {r["name"]: tuple(r["schema"].get("primaryKey", [])) for r in manifest["resources"] if r["name"] in names}
    return tables, schema_signature_of(manifest, names), keys


def _refuse_damaged_previous(store: Store, version: str) -> None:
    """The next release is diffed against the latest one: damaged values would pass for corrections."""
    problems = verify_folder(store, layout.version_dir(version))
    if problems:
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CatalogueError(
            f"the latest release {version} fails verification: {problems[0]}{more}; nothing published."
            f" Restore its files (see `cxbench catalogue verify --catalogue {store.url}`)"
        )


def _write_index(store: Store, name: str, state: Released, entry: dict[str, Any]) -> None:
    """index.json = every released entry (latest.json's included) + the new one."""
    versions = sorted([*state.entries, entry], key=lambda e: version_key(e["version"]))
    store.replace_file(layout.INDEX, json_bytes({"name": name, "versions": versions}))


def _created(created: dt.datetime | None) -> str:
    """UTC creation time; $SOURCE_DATE_EPOCH makes manifests reproducible too."""
    if created is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        created = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return created.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _checkpoint(step: str) -> None:
    """Crash-test hook: with $CXBENCH_CATALOGUE_PAUSE_AT=step, announce the step and wait (to be killed)."""
    if os.environ.get(PAUSE_ENV) == step:
        print(f"paused at {step}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV, "3600")))
