"""Which reports exist: read a sources folder and its registry into ``SourceSpec`` entries.

A folder of documents is enough. Metadata, when present, comes from ``registry.yaml`` (our own
format, documented in README.md) or from a ``reports.csv`` with the columns
file,title,publisher,original_url,published,survey_year,language. Entries that point outside the
folder, at unsupported schemes or at missing files become ``RegistryProblem`` rows: the other
reports still run and the problem is published in the release manifest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

from pipelines.errors import ReportError
from pipelines.model import SourceSpec

DOCUMENT_SUFFIXES = (".html", ".htm", ".txt", ".md", ".pdf")
REGISTRY_FILES = ("registry.yaml", "registry.yml", "reports.csv")
# Folder documentation, not reports: skipped when scanning for unlisted documents.
NOT_REPORTS = ("readme", "license", "licence", "changelog", "contributing")
_ID_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_LANGUAGE_ALIASES = {
    "en": "en",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
}


@dataclass(frozen=True)
class RegistryProblem:
    report_id: str
    error: ReportError


@dataclass(frozen=True)
class Registry:
    root: Path
    specs: tuple[SourceSpec, ...]
    problems: tuple[RegistryProblem, ...]

    def by_id(self) -> dict[str, SourceSpec]:
        return {s.report_id: s for s in self.specs}


def report_id_from_name(name: str) -> str:
    """A partition-safe id from a file name: lower case, [a-z0-9_-], never empty."""
    stem = Path(name).stem if "." in Path(name).name else name
    slug = _ID_UNSAFE.sub("-", stem.lower()).strip("-")
    return slug or "report"


def load_registry(root: str | Path) -> Registry:
    """Read every report of a sources folder: registry entries first, then unlisted documents."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"sources folder not found: {root}")
    entries, problems = _read_registry_entries(root)
    specs: dict[str, SourceSpec] = {}
    listed_files: set[Path] = set()
    for raw in entries:
        try:
            spec = _spec_from_entry(root, raw)
        except ReportError as exc:
            problems.append(RegistryProblem(_entry_id(raw), exc))
            continue
        if spec.report_id in specs:
            problems.append(
                RegistryProblem(spec.report_id, ReportError("registry", f"duplicate report id {spec.report_id!r}"))
            )
            continue
        specs[spec.report_id] = spec
        if spec.file:
            listed_files.add((root / spec.file).resolve())
    for path in sorted(root.iterdir()):
        if path.suffix.lower() not in DOCUMENT_SUFFIXES or path.name.startswith("."):
            continue
        if path.stem.lower() in NOT_REPORTS:
            continue
        if path.resolve() in listed_files:
            continue
        try:
            rel = _safe_relative(root, path.name)
        except ReportError as exc:
            problems.append(RegistryProblem(report_id_from_name(path.name), exc))
            continue
        rid = _unique_id(report_id_from_name(path.name), specs)
        specs[rid] = SourceSpec(report_id=rid, file=rel)
    ordered = tuple(specs[k] for k in sorted(specs))
    return Registry(root=root, specs=ordered, problems=tuple(problems))


def _read_registry_entries(root: Path) -> tuple[list[dict], list[RegistryProblem]]:
    for name in REGISTRY_FILES:
        path = root / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig")
        try:
            if name.endswith(".csv"):
                return list(csv.DictReader(io.StringIO(text))), []
            data = yaml.safe_load(text) or {}
        except (yaml.YAMLError, csv.Error) as exc:
            raise ValueError(f"{path}: cannot read registry: {exc}") from exc
        reports = data.get("reports") if isinstance(data, dict) else None
        if not isinstance(reports, list):
            raise ValueError(f"{path}: expected a top-level 'reports:' list")
        return [r for r in reports if isinstance(r, dict)], []
    return [], []


def _entry_id(raw: dict) -> str:
    for key in ("id", "report_id", "file", "url"):
        if raw.get(key):
            value = str(raw[key])
            return report_id_from_name(Path(urlparse(value).path).name if key == "url" else value)
    return "report"


def _spec_from_entry(root: Path, raw: dict) -> SourceSpec:
    file = (raw.get("file") or "").strip() or None
    url = (raw.get("url") or "").strip() or None
    if bool(file) == bool(url):
        raise ReportError("registry", "an entry needs exactly one of 'file' or 'url'")
    if url:
        scheme = urlparse(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise ReportError(
                "registry", f"only http and https sources are fetched, not {scheme or 'no'} scheme: {url}"
            )
    else:
        file = _safe_relative(root, file)
    rid = raw.get("id") or raw.get("report_id")
    rid = report_id_from_name(str(rid)) if rid else _entry_id(raw)
    return SourceSpec(
        report_id=rid,
        file=file,
        url=url,
        title=_text(raw.get("title")),
        publisher=_text(raw.get("publisher")),
        original_url=_text(raw.get("original_url")),
        published=_date(raw.get("published")),
        survey_year=_year(raw.get("survey_year")),
        language=_language(raw.get("language")),
        format=_text(raw.get("format")),
    )


def _safe_relative(root: Path, name: str) -> str:
    """Refuse absolute paths, ``..`` escapes and symlinks that lead outside the sources folder."""
    if Path(name).is_absolute():
        raise ReportError("registry", f"absolute paths are not allowed in the registry: {name}")
    target = (root / name).resolve()
    try:
        rel = target.relative_to(root)
    except ValueError:
        raise ReportError("registry", f"path escapes the sources folder: {name}") from None
    if not target.is_file():
        raise ReportError("registry", f"file not found in the sources folder: {name}")
    return rel.as_posix()


def _unique_id(rid: str, taken: dict[str, SourceSpec]) -> str:
    candidate, n = rid, 2
    while candidate in taken:
        candidate, n = f"{rid}-{n}", n + 1
    return candidate


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ReportError("registry", f"published must be an ISO date (YYYY-MM-DD), got {text!r}") from None


def _year(value: object) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise ReportError("registry", f"survey_year must be a four-digit year, got {text!r}")
    return int(text)


def _language(value: object) -> str | None:
    text = _text(value)
    if not text:
        return None
    try:
        return _LANGUAGE_ALIASES[text.lower()]
    except KeyError:
        raise ReportError("registry", f"unknown language {text!r}; use en, zh-Hans or zh-Hant") from None
