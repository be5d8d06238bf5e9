"""Intermediate per-report stage outputs, kept between runs so unchanged reports are not redone.

Each stage output carries a fingerprint of everything it was computed from (the raw content hash
and the code versions of the stages that produced it). A stage whose fingerprint is unchanged
reuses its stored output instead of recomputing, which is what makes a run after one changed
report cost that report plus assembly. Storage is pickle because these are private, same-version
intermediates; everything published goes through ``pipelines.catalogue`` as Parquet.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.build import Failure


@dataclass
class StageOutput:
    """What one stage produced for one report: a value or a recorded failure, never both."""

    fingerprint: str
    value: Any = None
    failure: Failure | None = None
    seconds: float = 0.0
    reused: bool = False

    @property
    def ok(self) -> bool:
        return self.failure is None


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

