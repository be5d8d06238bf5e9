"""Private intermediates kept between runs: per-report extracts, the assets' values, gate results.

Belongs here: where and how they are stored. What is stored, and when it is reused (by a fingerprint
of everything it was computed from), is decided by ``pipelines.incremental``. Storage is pickle
because these are private, same-version intermediates; everything published goes through
``pipelines.catalogue`` as Parquet. Nothing here imports the rest of the project.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


class WorkStore:
    """``<root>/<stage>/<report_id>.pkl`` files written atomically."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, stage: str, key: str) -> Path:
        return self.root / stage / f"{key}.pkl"

    def save(self, stage: str, key: str, obj: Any) -> Path:
        path = self.path(stage, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def load(self, stage: str, key: str, default: Any = None) -> Any:
        path = self.path(stage, key)
        if not path.is_file():
            return default
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except (pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError):
            return default  # written by an incompatible version: recompute

    def save_json(self, stage: str, key: str, obj: Any) -> Path:
        """A small JSON record (read without unpickling, e.g. by the no-change check of ``cxbench run``)."""
        path = self.root / stage / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(obj, handle, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def load_json(self, stage: str, key: str) -> Any:
        try:
            return json.loads((self.root / stage / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def keys(self, stage: str) -> list[str]:
        folder = self.root / stage
        return sorted(p.stem for p in folder.glob("*.pkl")) if folder.is_dir() else []

    def discard(self, stage: str, keys: Iterable[str]) -> int:
        """Delete the stored outputs of ``keys`` (e.g. reports that left the sources); returns how many."""
        removed = 0
        for key in keys:
            path = self.path(stage, key)
            if path.is_file():
                path.unlink()
                removed += 1
        return removed

    def keep_newest(self, stage: str, count: int) -> int:
        """Delete all but the ``count`` most recently written outputs of a per-run stage."""
        folder = self.root / stage
        if not folder.is_dir():
            return 0
        files = sorted(folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in files[count:]:
            path.unlink(missing_ok=True)
        return max(len(files) - count, 0)

