"""Repairing a catalogue whose pointer files are missing or damaged: ``cxbench catalogue repair``.

Kept apart from ``state`` (which only reads the pointers strictly) because repairing verifies version
folders through ``reader``, and ``reader`` itself reads the pointers through ``state``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pipelines.catalogue import layout
from pipelines.catalogue.bump import version_key
from pipelines.catalogue.reader import verify_folder
from pipelines.catalogue.state import CatalogueError, json_bytes, read_pointer
from pipelines.catalogue.storage import Store


@dataclass
class RepairReport:
    actions: list[str]
    problems: list[str]
    latest: str | None


def repair(root: str) -> RepairReport:
    """Rebuild a missing or damaged ``latest.json``/``index.json`` from disk; never touch a version folder.

    The versions are those ``index.json`` lists, or, when it is missing or damaged, every folder
    under ``versions/`` whose own manifest names it. A readable ``latest.json`` is kept: its entry
    is added to the index if absent, and index entries newer than it (never released) are
    dropped. A missing or damaged one is pointed at the newest version whose files verify.
    Folders that fail verification are reported and left as they are.
    """
    store = Store(root)
    actions: list[str] = []
    problems: list[str] = []

    def readable(rel: str) -> dict[str, Any] | None:
        try:
            return read_pointer(store, rel)
        except CatalogueError as exc:
            actions.append(f"{str(exc).split('; run')[0]}: rebuilt")
            return None

    with store.lock():
        latest, index = readable(layout.LATEST), readable(layout.INDEX)
        if index is not None:
            entries = {e["version"]: e for e in index.get("versions", [])}
        else:
            found = (_entry_from_folder(store, name) for name in store.list_dirs(layout.VERSIONS))
            entries = {e["version"]: e for e in found if e}
            actions.append(f"rebuilt {layout.INDEX} from {len(entries)} version folder(s)")
        if latest is not None:
            current = version_key(latest["version"])
            for version in [v for v in entries if version_key(v) > current]:
                del entries[version]  # an interrupted publish of the old order (index before latest)
                actions.append(f"dropped {version} from {layout.INDEX}: newer than {layout.LATEST}, never released")
        if latest is not None and latest["version"] not in entries:
            entries[latest["version"]] = {k: v for k, v in latest.items() if k != "name"}
            actions.append(f"added {latest['version']} (from {layout.LATEST}) to {layout.INDEX}")
        chosen = latest["version"] if latest else None
        if chosen is None:
            for version in sorted(entries, key=version_key, reverse=True):
                damage = verify_folder(store, layout.version_dir(version))
                if not damage:
                    chosen = version
                    break
                problems += damage
        name = (index or {}).get("name") or (latest or {}).get("name") or "cxbench"
        new_index = {"name": name, "versions": sorted(entries.values(), key=lambda e: version_key(e["version"]))}
        if index != new_index:
            store.replace_file(layout.INDEX, json_bytes(new_index))
        if chosen is None:
            return RepairReport(actions, problems or ["no version folder verifies"], None)
        if latest is None:
            store.replace_file(layout.LATEST, json_bytes({"name": name, **entries[chosen]}))
            actions.append(f"wrote {layout.LATEST} -> {chosen}")
        else:
            problems += verify_folder(store, layout.version_dir(chosen))
    return RepairReport(actions, problems, chosen)


def _entry_from_folder(store: Store, name: str) -> dict[str, Any] | None:
    """The index entry a version folder's own manifest describes (None when it cannot be read)."""
    rel = layout.version_dir(name)
    try:
        manifest = json.loads(store.read_bytes(f"{rel}/{layout.MANIFEST}"))
        if manifest["version"] != name:
            return None
        return {
            "version": manifest["version"],
            "path": rel,
            "created": manifest.get("created"),
            "previous_version": manifest.get("previous_version"),
            "bump": manifest.get("bump"),
            "counts": {
                r["name"]: r.get("rows") for r in manifest.get("resources", []) if r["name"] != layout.CHANGES
            },
            "content_hash": manifest.get("content_hash"),
        }
    except (FileNotFoundError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        return None
