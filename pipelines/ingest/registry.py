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
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pipelines.errors import ReportError, SourcesError
from pipelines.ingest.urls import require_fetchable, strip_credentials
from pipelines.model import SourceSpec

DOCUMENT_SUFFIXES = (".html", ".htm", ".txt", ".md", ".pdf")
REGISTRY_FILES = ("registry.yaml", "registry.yml", "reports.csv")
# Folder documentation, not reports: skipped when scanning for unlisted documents.
NOT_REPORTS = ("readme", "license", "licence", "changelog", "contributing")
FORMATS = ("pdf", "html", "markdown", "text")
MAX_REGISTRY_BYTES = 10 * 1024 * 1024  # a registry of thousands of reports is a few hundred KiB
MAX_ID_LENGTH = 100  # ids name files in the work store and Dagster partitions; keep them short
MAX_FIELD_CHARS = 2000  # a title, publisher or path longer than this is a mistake or an attack
_ID_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_TEXT_FIELDS = ("id", "report_id", "file", "url", "title", "publisher", "original_url", "language", "format")
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
    """A registry entry or document that cannot become a report; recorded as a failure."""

    report_id: str
    error: ReportError
    source: str | None = None  # the file name or URL the problem is about, when known


@dataclass(frozen=True)
class Registry:
    root: Path
    specs: tuple[SourceSpec, ...]
    problems: tuple[RegistryProblem, ...]

    def by_id(self) -> dict[str, SourceSpec]:
        return {s.report_id: s for s in self.specs}

    def no_reports_message(self, shown: int = 3) -> str:
        """One line for a folder with nothing to build: which files were refused and why."""
        where = f"no reports found in {self.root}"
        if not self.problems:
            return f"{where} (documents end in {', '.join(DOCUMENT_SUFFIXES)})"
        refused = [f"{p.source or p.report_id}: {p.error.message}" for p in self.problems[:shown]]
        more = len(self.problems) - shown
        return f"{where}: {len(self.problems)} refused: " + "; ".join(refused) + (f"; {more} more" if more > 0 else "")

    def require_reports(self) -> None:
        """Raise ``SourcesError`` with ``no_reports_message`` when the folder yields no report."""
        if not self.specs:
            raise SourcesError(self.no_reports_message())


def report_id_from_name(name: str) -> str:
    """A partition-safe id from a file name that depends on that name alone.

    Lower case ASCII ``[a-z0-9_-]``, accents folded (``Über`` -> ``uber``). When letters the slug
    cannot carry would be lost (``报告.txt``, ``调查.txt``), a digest of the name is appended so
    such files never share an id, and adding one never renames another.
    """
    stem = Path(name).stem if "." in Path(name).name else name
    folded = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
    slug = _ID_UNSAFE.sub("-", folded.lower()).strip("-")
    if any(c.isalnum() and not c.isascii() for c in folded):
        digest = hashlib.sha256(unicodedata.normalize("NFC", stem).encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else f"report-{digest}"
    return slug or "report"


def load_registry(root: str | Path) -> Registry:
    """Read every report of a sources folder: registry entries first, then unlisted documents.

    Nothing one entry or file does stops the others: each refusal is a ``RegistryProblem``. Only a
    registry file that cannot be read at all raises (``SourcesError``, one line for the user).
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise SourcesError(f"sources folder not found: {root}")
    entries, problems = _read_registry_entries(root)
    specs: dict[str, SourceSpec] = {}
    listed_files: set[Path] = set()
    for raw in entries:
        try:
            spec = _spec_from_entry(root, raw)
        except ReportError as exc:
            problems.append(RegistryProblem(_entry_id(raw), exc, _entry_source(raw)))
            continue
        if spec.report_id in specs:
            error = ReportError("registry", f"duplicate report id {spec.report_id!r}")
            problems.append(RegistryProblem(spec.report_id, error, spec.file or spec.url))
            continue
        specs[spec.report_id] = spec
        if spec.file:
            listed_files.add((root / spec.file).resolve())
    unlisted: dict[str, list[str]] = {}
    for path in sorted(root.iterdir()):
        if path.suffix.lower() not in DOCUMENT_SUFFIXES or path.name.startswith("."):
            continue
        if path.stem.lower() in NOT_REPORTS:
            continue
        try:
            rel = _safe_relative(root, path.name)
            if root / rel in listed_files:
                continue
            rid = _checked_id(report_id_from_name(path.name), what=f"the file name {path.name!r}")
        except ReportError as exc:
            problems.append(RegistryProblem(short_id(report_id_from_name(path.name)), exc, path.name))
            continue
        unlisted.setdefault(rid, []).append(rel)
    for rid, files in unlisted.items():
        if len(files) == 1 and rid not in specs:
            specs[rid] = SourceSpec(report_id=rid, file=files[0])
            continue
        claimants = " and ".join(repr(f) for f in ([specs[rid].file or specs[rid].url] if rid in specs else []) + files)
        for file in files:
            error = ReportError(
                "registry",
                f"report id {rid!r} is claimed by {claimants}: refused rather than numbered by sort order; "
                "give each its own id in registry.yaml",
            )
            problems.append(RegistryProblem(short_id(rid, file), error, file))
    ordered = tuple(specs[k] for k in sorted(specs))
    return Registry(root=root, specs=ordered, problems=tuple(problems))


def _read_registry_entries(root: Path) -> tuple[list[dict], list[RegistryProblem]]:
    for name in REGISTRY_FILES:
        path = root / name
        if not path.is_file():
            continue
        try:
            size = path.stat().st_size
            if size > MAX_REGISTRY_BYTES:
                raise SourcesError(f"{path}: {size} bytes is over the {MAX_REGISTRY_BYTES} byte limit for a registry")
            text = path.read_text(encoding="utf-8-sig")
            if name.endswith(".csv"):
                rows: list = list(csv.DictReader(io.StringIO(text)))
            else:
                data = yaml.safe_load(text) or {}
                rows = data.get("reports") if isinstance(data, dict) else None
                if not isinstance(rows, list):
                    raise SourcesError(f"{path}: expected a top-level 'reports:' list")
        except (yaml.YAMLError, csv.Error, UnicodeDecodeError, OSError) as exc:
            raise SourcesError(f"{path}: cannot read registry: {_one_line(exc)}") from None
        entries, problems = [], []
        for number, row in enumerate(rows, 1):
            if isinstance(row, dict):
                entries.append(row)
            else:
                error = ReportError("registry", f"entry {number} of {name} is a {type(row).__name__}, not a mapping")
                problems.append(RegistryProblem(f"entry-{number}", error, name))
        return entries, problems
    return [], []


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def _entry_id(raw: dict) -> str:
    for key in ("id", "report_id", "file", "url"):
        value = raw.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            value = str(value)[:MAX_FIELD_CHARS]
            if key == "url":
                try:
                    value = Path(urlsplit(value).path).name
                except ValueError:
                    value = ""
            return short_id(report_id_from_name(value))
    return "report"


def _entry_source(raw: dict) -> str | None:
    for key in ("file", "url"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return strip_credentials(value.strip()[:MAX_FIELD_CHARS])
    return None


def short_id(rid: str, salt: str = "") -> str:
    """The id of a problem row that always fits: long ids (or a collision's claimants, told apart
    by ``salt``) are cut and get a digest."""
    if len(rid) <= MAX_ID_LENGTH and not salt:
        return rid
    digest = hashlib.sha256(f"{rid}\0{salt}".encode()).hexdigest()[:8]
    return f"{rid[:60].rstrip('-')}-{digest}"


def _checked_id(rid: str, *, what: str) -> str:
    if len(rid) > MAX_ID_LENGTH:
        raise ReportError(
            "registry",
            f"{what} makes a report id of {len(rid)} characters, over the {MAX_ID_LENGTH} limit; "
            "give it a shorter id in registry.yaml",
        )
    return rid


def _validate_fields(raw: dict) -> None:
    """Registry values must be short scalars: a YAML alias bomb (nested lists multiplied by
    aliases) or a megabyte title would otherwise be expanded into every copy of the catalogue."""
    for key, value in raw.items():
        if isinstance(value, (list, dict, set, tuple)):
            raise ReportError(
                "registry", f"field {str(key)[:40]!r} is a {type(value).__name__}; registry fields are single values"
            )
        if key in _TEXT_FIELDS and value is not None and not isinstance(value, str):
            if key in ("id", "report_id") and isinstance(value, int) and not isinstance(value, bool):
                continue  # `id: 2024` is a fine id
            raise ReportError(
                "registry", f"field {key!r} must be text, got {type(value).__name__} {value!r}; quote it in YAML"
            )
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise ReportError(
                "registry", f"field {str(key)[:40]!r} is {len(value)} characters, over the {MAX_FIELD_CHARS} limit"
            )


def _spec_from_entry(root: Path, raw: dict) -> SourceSpec:
    _validate_fields(raw)
    file = (raw.get("file") or "").strip() or None
    url = (raw.get("url") or "").strip() or None
    if bool(file) == bool(url):
        raise ReportError("registry", "an entry needs exactly one of 'file' or 'url'")
    if url:
        url = strip_credentials(url)
        require_fetchable(url, stage="registry")
    else:
        file = _safe_relative(root, file)
    rid = raw.get("id") or raw.get("report_id")
    rid = report_id_from_name(str(rid)) if rid else _entry_id(raw)
    rid = _checked_id(rid, what="the id" if raw.get("id") or raw.get("report_id") else "the file name")
    fmt = _text(raw.get("format"))
    if fmt is not None and fmt.lower() not in FORMATS:
        raise ReportError("registry", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    original_url = _text(raw.get("original_url"))
    return SourceSpec(
        report_id=rid,
        file=file,
        url=url,
        title=_text(raw.get("title")),
        publisher=_text(raw.get("publisher")),
        original_url=strip_credentials(original_url) if original_url else None,
        published=_date(raw.get("published")),
        survey_year=_year(raw.get("survey_year")),
        language=_language(raw.get("language")),
        format=fmt.lower() if fmt else None,
    )


def _safe_relative(root: Path, name: str) -> str:
    """Refuse absolute paths, ``..`` escapes, symlinks that lead outside the sources folder or
    round in a loop, and names the file system cannot hold."""
    if "\0" in name:
        raise ReportError("registry", f"file name contains a NUL character: {name!r}")
    if Path(name).is_absolute():
        raise ReportError("registry", f"absolute paths are not allowed in the registry: {name}")
    try:
        target = (root / name).resolve()
        rel = target.relative_to(root)
        is_file = target.is_file()
    except RuntimeError:  # Python 3.11 reports a symlink loop this way
        raise ReportError("registry", f"symlink loop: {name}") from None
    except ValueError:
        raise ReportError("registry", f"path escapes the sources folder (a symlink or ..): {name}") from None
    except OSError as exc:
        raise ReportError("registry", f"cannot use {name[:80]!r}: {exc.strerror or exc}") from None
    if not is_file:
        raise ReportError("registry", f"file not found in the sources folder: {name}")
    return rel.as_posix()


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
