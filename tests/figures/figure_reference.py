"""Frozen observations: what the extractor states for every reference document, serialised byte for byte.

The restructuring of ``pipelines/figures`` (issue 16) must not change a single observation. This
module turns the extractor's output on fixed documents into deterministic JSON lines (every
``Figure`` field, plus the period and year the catalogue finally publishes, which the table-cell
period rule sets), and writes or reads the frozen copies under ``tests/data/figures_reference/``.

Documents: the shared corpus (``../shared/corpus``, when present), every split of
``tests/data/figures_dev`` (parsed as the pipeline parses them, tables included) and the bundled
sample reports in ``sources/`` (HTML, Markdown, text and real PDFs).

    .venv/bin/python tests/figures/figure_reference.py --write   # refreeze (only for a listed, justified change)
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DEV = ROOT / "tests" / "data" / "figures_dev"
SOURCES = ROOT / "sources"
REFERENCE = ROOT / "tests" / "data" / "figures_reference"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _lines(name: str, figures: list, language: str, year: int | None) -> list[str]:
    """One JSON line per figure: every Figure field, then the published period and year."""
    from pipelines.build import observation_rows

    rows = observation_rows(name, figures, language, year)
    out = []
    for fig, row in zip(figures, rows, strict=True):
        record = {"doc": name, **asdict(fig), "published_period": row["period"], "published_year": row["year"]}
        out.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return out


def _parsed_figures(path: Path, year: int | None, language: str | None) -> tuple[list, str, int | None]:
    from pipelines.figures import clean_document, detect_language, detect_survey_year, extract_figures
    from pipelines.parse import parse_document
    from pipelines.tables import table_figures

    parsed = parse_document(path.read_bytes(), filename=path.name)
    doc = clean_document(parsed.pages, parsed.page_numbers, parsed.format)
    year = year or detect_survey_year(doc.text)
    language = language or detect_language(doc.text)
    figures = list(extract_figures(doc, year, language))
    for table in parsed.tables:
        figures.extend(table_figures(table))
    figures.extend(parsed.charts)
    return figures, language, year


def dev_splits() -> list[str]:
    with (DEV / "documents.csv").open(encoding="utf-8") as fh:
        return list(dict.fromkeys(row["split"] for row in csv.DictReader(fh)))


def dev_split(split: str) -> list[str]:
    """Observation lines of one figures_dev split, documents in documents.csv order."""
    with (DEV / "documents.csv").open(encoding="utf-8") as fh:
        rows = [row for row in csv.DictReader(fh) if row["split"] == split]
    out: list[str] = []
    for row in rows:
        year = int(row["survey_year"]) if row.get("survey_year") else None
        figures, language, year = _parsed_figures(DEV / row["file"], year, row.get("language") or None)
        out += _lines(row["file"], figures, language, year)
    return out


def shared_corpus() -> list[str]:
    """Observation lines of the shared corpus, read as pipelines.figures.evaluate reads it."""
    from pipelines.figures.evaluate import corpus_figures

    out: list[str] = []
    for path, figures, language, year in corpus_figures(SHARED):
        out += _lines(path.name, figures, language, year)
    return out


def bundled_sources() -> list[str]:
    """Observation lines of the sample reports in sources/ (registry years and languages)."""
    import yaml

    registry = yaml.safe_load((SOURCES / "registry.yaml").read_text(encoding="utf-8"))["reports"]
    by_file = {r["file"]: r for r in registry if r.get("file")}
    out: list[str] = []
    for path in sorted(p for p in SOURCES.iterdir() if p.name != "registry.yaml" and p.is_file()):
        spec = by_file.get(path.name, {})
        figures, language, year = _parsed_figures(path, spec.get("survey_year"), spec.get("language"))
        out += _lines(path.name, figures, language, year)
    return out


def sets() -> dict[str, object]:
    """Reference name -> function producing its lines (the shared corpus only where ../shared exists)."""
    named: dict[str, object] = {f"dev_{split}": (lambda s=split: dev_split(s)) for split in dev_splits()}
    named["sources"] = bundled_sources
    if (SHARED / "corpus" / "reports.csv").is_file():
        named["shared_corpus"] = shared_corpus
    return named


def frozen(name: str) -> list[str]:
    return (REFERENCE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()


def write_all() -> None:
    REFERENCE.mkdir(parents=True, exist_ok=True)
    for name, produce in sets().items():
        lines = produce()
        (REFERENCE / f"{name}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        print(f"{name}: {len(lines)} observations")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        print("usage: figure_reference.py --write", file=sys.stderr)
        sys.exit(2)
    write_all()
