"""What changed in a sources folder since the last build, and where the folder keeps its state.

Belongs here: hashing the sources, comparing two states (the sensor's cursor), each sources folder's
own work directory, code versions, and the record of the last successful build that lets
``cxbench run`` skip a run when no source, code or setting changed. Light imports only (no Dagster,
pandas or Great Expectations), because the no-change check runs before any of them is needed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.ingest.registry import REGISTRY_FILES, Registry
from pipelines.workstore import WorkStore, fingerprint


@dataclass(frozen=True)
class SourceState:
    """What the sensor remembers between ticks."""

    reports: dict[str, str] = field(default_factory=dict)
    registry: str = ""

    @classmethod
    def from_cursor(cls, cursor: str | None) -> SourceState:
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
        except json.JSONDecodeError:
            return cls()  # an unreadable cursor only costs one full (mostly reused) run
        return cls(dict(data.get("reports") or {}), str(data.get("registry") or ""))

    def to_cursor(self) -> str:
        return json.dumps({"reports": self.reports, "registry": self.registry}, sort_keys=True)


@dataclass(frozen=True)
class SourceChanges:
    added: list[str]
    changed: list[str]
    removed: list[str]
    registry_changed: bool

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.registry_changed)


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def source_state(registry: Registry) -> SourceState:
    """Content hash of every local report, the address of every URL report, the registry's hash."""
    reports = {
        spec.report_id: f"url:{spec.url}" if spec.url else file_sha256(registry.root / spec.file)
        for spec in registry.specs
    }
    registry_files = [registry.root / name for name in REGISTRY_FILES if (registry.root / name).is_file()]
    return SourceState(reports, file_sha256(registry_files[0]) if registry_files else "")


def compare(previous: SourceState, current: SourceState) -> SourceChanges:
    before, now = previous.reports, current.reports
    return SourceChanges(
        added=sorted(k for k in now if k not in before),
        changed=sorted(k for k in now if k in before and before[k] != now[k]),
        removed=sorted(k for k in before if k not in now),
        registry_changed=previous.registry != current.registry,
    )


PROJECT_ROOT = Path(__file__).resolve().parents[1]
_PACKAGE = Path(__file__).resolve().parent
BUILD_RECORD = "build_record"  # work-store stage of the last successful build, per catalogue

# What an extract depends on besides its input bytes: these modules and the libraries they use.
EXTRACT_CODE = (
    ["parse", "figures", "semantics", "tables.py", "build.py", "ids.py", "schema.py", "model.py", "errors.py",
     "ingest/sniff.py"],
    ["pdfplumber", "pypdfium2", "trafilatura", "opencc", "cn2an", "markdown-it-py", "snowballstemmer"],
)


def default_dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home")


def work_dir_for(sources_dir: str | Path) -> Path:
    """This sources folder's own work store: ``$DAGSTER_HOME/storage/cxbench/<name>-<digest>``.

    Keyed by the folder's absolute path, so building another folder never reuses, prunes or
    overwrites this one's extracts and records.
    """
    folder = Path(sources_dir).resolve()
    slug = re.sub(r"[^a-z0-9]+", "-", folder.name.lower()).strip("-")[:40] or "sources"
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    return default_dagster_home() / "storage" / "cxbench" / f"{slug}-{digest}"


def code_version(paths: Iterable[str], libraries: Iterable[str] = ()) -> str:
    """Digest of our source files under ``paths`` and the versions of ``libraries``."""
    digest = hashlib.sha256()
    for rel in paths:
        target = _PACKAGE / rel
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for file in files:
            if file.is_file():
                digest.update(file.relative_to(_PACKAGE).as_posix().encode())
                digest.update(file.read_bytes())
    for lib in libraries:
        try:
            digest.update(f"{lib}=={importlib.metadata.version(lib)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{lib}==absent".encode())
    return digest.hexdigest()[:12]


# --- the no-change check ----------------------------------------------------------------------


def settings_env() -> dict[str, str]:
    """The ``CXBENCH_*`` settings in the environment (limits, policies): a change means a new build."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("CXBENCH_") and k != "CXBENCH_PROGRESS"}


def build_key(sources_state: str, sources_dir: str, catalogue_root: str, options: Mapping[str, Any]) -> str:
    """Digest of everything a build's result depends on: sources, all our code, settings, options."""
    code = code_version([""], [*EXTRACT_CODE[1], "great-expectations", "pandas", "pyarrow", "dagster"])
    return fingerprint(
        sources_state, code, sorted(settings_env().items()), sources_dir, catalogue_root, sorted(options.items())
    )


def record_key(catalogue_root: str) -> str:
    return hashlib.sha256(catalogue_root.encode()).hexdigest()[:12]


def latest_content_hash(catalogue_root: str) -> str | None:
    """The current release's content hash, read from ``latest.json`` (local catalogues only)."""
    if "://" in catalogue_root:
        return None
    try:
        return json.loads((Path(catalogue_root) / "latest.json").read_text(encoding="utf-8")).get("content_hash")
    except (OSError, ValueError, AttributeError):
        return None


def unchanged_since_last_build(store: WorkStore, catalogue_root: str, key: str) -> dict | None:
    """The last build's record when nothing changed since (same key, release still current), else None."""
    record = store.load_json(BUILD_RECORD, record_key(catalogue_root))
    if not isinstance(record, dict) or record.get("key") != key or record.get("retry"):
        return None
    current = latest_content_hash(catalogue_root)
    return record if current and current == record.get("content_hash") else None


def save_build_record(store: WorkStore, catalogue_root: str, record: dict) -> None:
    store.save_json(BUILD_RECORD, record_key(catalogue_root), record)
