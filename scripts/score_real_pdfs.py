"""Score cxbench on real report PDFs that have gold, beside the bare-regex baseline, with the shared scorer.

The documents are every gold file (the shared real-PDF gold format, ``../shared/real-pdfs/gold/README.md``)
in ``../shared/real-pdfs/gold/`` and in ``tests/data/real_pdfs/gold/`` (the repository's copy wins when
both hold one stem) whose PDF is in ``../shared/real-pdfs/`` or ``sources/``. Copying a new gold file
into ``tests/data/real_pdfs/gold/`` is all it takes to score one more document.

cxbench is scored on a published catalogue: a real ``cxbench run`` (Dagster, temporary DAGSTER_HOME) over
a folder holding just those PDFs (with their ``sources/registry.yaml`` entries, where they have one).
The bare regex is the floor the issue measures against: every ``N%`` in each line of pdfplumber's
``extract_text``, with that line as quote. Each document is scored alone by ``../shared/eval/score.py``
(run unchanged, ``--json``) so that chart recall and attribute accuracy are per document too.

Used by ``tests/test_real_pdfs.py`` and ``benchmarks/bench_pdf.py``.

    .venv/bin/python scripts/score_real_pdfs.py [--catalogue VERSION_DIR | --fast] [--only STEM] [--misses N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from pipelines.figures.evaluate import run_scorer, write_observations  # noqa: E402

REPO_GOLD = ROOT / "tests" / "data" / "real_pdfs" / "gold"
SOURCES = ROOT / "sources"
METRICS = ("text_f1", "chart_recall", "table_f1", "kind", "qualifier", "period")
# A number directly followed by a percent sign, half- or full-width; "0%-15%" gives two.
BARE_PERCENT = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)\s?[%％]")


@dataclass(frozen=True)
class RealPdf:
    """One scored document: its PDF and its gold file (same stem)."""

    stem: str
    pdf: Path
    gold: Path


def gold_documents(shared: Path = SHARED) -> list[RealPdf]:
    """Every gold file whose PDF can be found, sorted by stem; later gold folders override earlier ones."""
    gold: dict[str, Path] = {}
    for folder in (shared / "real-pdfs" / "gold", REPO_GOLD):
        gold |= {path.stem: path for path in sorted(folder.glob("*.jsonl"))}
    docs = []
    for stem, path in sorted(gold.items()):
        pdf = next((d / f"{stem}.pdf" for d in (shared / "real-pdfs", SOURCES) if (d / f"{stem}.pdf").is_file()), None)
        if pdf is not None:
            docs.append(RealPdf(stem, pdf, path))
    return docs


def scorer_available(shared: Path = SHARED) -> bool:
    return (shared / "eval" / "score.py").is_file()


# --- the bare regex ------------------------------------------------------------------------------------
def bare_regex_rows(pdf: Path, report_id: str) -> list[dict]:
    """The baseline: each ``N%`` of each pdfplumber text line is a current-level percent, quote = the line."""
    rows = []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            for line in (page.extract_text() or "").splitlines():
                rows += [{
                    "report_id": report_id, "source": "text", "value": float(m.group(1)), "unit": "percent",
                    "kind": "level", "qualifier": "=", "period": "current", "label": None, "quote": line,
                    "page": number, "row_label": None, "column_label": None, "stated_as": m.group(0),
                } for m in BARE_PERCENT.finditer(line)]
    return rows


# --- cxbench: a real build ---------------------------------------------------------------------------------
def build_catalogue(docs: list[RealPdf], work: Path) -> Path:
    """Publish a catalogue of ``docs`` with ``cxbench run`` in a fresh DAGSTER_HOME; the version folder.

    Raises RuntimeError (with the command's output) when nothing was published.
    """
    sources = work / "sources"
    sources.mkdir(parents=True)
    for doc in docs:
        shutil.copy2(doc.pdf, sources / doc.pdf.name)
    registry = yaml.safe_load((SOURCES / "registry.yaml").read_text(encoding="utf-8")) or {}
    entries = [e for e in registry.get("reports", []) if e.get("file") in {d.pdf.name for d in docs}]
    (sources / "registry.yaml").write_text(yaml.safe_dump({"reports": entries}, allow_unicode=True), encoding="utf-8")
    home = work / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    catalogue = work / "catalogue"
    env = os.environ | {"DAGSTER_HOME": str(home)}
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--sources", str(sources), "--catalogue", str(catalogue),
           "--no-progress"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=1800)
    latest = catalogue / "latest.json"
    if done.returncode not in (0, 3) or not latest.is_file():
        raise RuntimeError(f"cxbench run failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-4000:]}")
    return catalogue / json.loads(latest.read_text())["path"]


def extract_catalogue(docs: list[RealPdf], work: Path) -> Path:
    """The same stages in this process, without Dagster (``--fast``, for iterating on rules): a folder
    with observations.parquet and reports.parquet as a version folder has them."""
    import hashlib

    from pipelines.build import assemble, process_report
    from pipelines.model import Snapshot, SourceSpec

    results = []
    for doc in docs:
        data = doc.pdf.read_bytes()
        spec = SourceSpec(report_id=doc.stem, file=doc.pdf.name)
        snapshot = Snapshot(doc.stem, hashlib.sha256(data).hexdigest(), str(doc.pdf), len(data), doc.pdf.name)
        results.append(process_report(spec, snapshot, data))
    frames = assemble(results)
    for name in ("observations", "reports"):
        frames[name].to_parquet(work / f"{name}.parquet")
    return work


# --- scoring -----------------------------------------------------------------------------------------------
def _metrics(result: dict) -> dict:
    """The issue's bars from one document's score.py JSON (None where the document has nothing to score)."""
    doc = next(iter(result["per_doc"].values()))
    table_gold = doc["table"]["gold"]
    return {
        "text_f1": result["text"]["f1"] if result["text"]["gold"] else None,
        "chart_recall": result["chart_recall"],
        "table_f1": result["table"]["f1"] if table_gold else None,
        **{name: result["attributes"][name] for name in ("kind", "qualifier", "period")},
        "no_predictions": bool(result["reports_without_predictions"]),
        "counts": {"text": [doc["text"]["tp"], doc["text"]["pred"], doc["text"]["gold"]],
                   "table": [doc["table"]["tp"], doc["table"]["pred"], table_gold]},
    }


def score_each(observations: Path, reports: Path, docs: list[RealPdf], shared: Path = SHARED) -> dict[str, dict]:
    """Per document (stem): the metrics of score.py run on that document's gold alone."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for doc in docs:
            gold_dir = Path(tmp) / doc.stem
            gold_dir.mkdir()
            shutil.copy2(doc.gold, gold_dir / f"{doc.stem}.jsonl")
            done = run_scorer(observations, reports, gold_dir, as_json=True, shared=shared)
            if done.returncode != 0:
                raise RuntimeError(f"score.py failed on {doc.stem}: {done.stderr}")
            out[doc.stem] = _metrics(json.loads(done.stdout))
    return out


def score_catalogue(version_dir: Path, docs: list[RealPdf], shared: Path = SHARED) -> dict[str, dict]:
    """Scores of a published catalogue version on ``docs``."""
    return score_each(version_dir / "observations.parquet", version_dir / "reports.parquet", docs, shared)


def score_bare_regex(docs: list[RealPdf], shared: Path = SHARED) -> dict[str, dict]:
    """Scores of the bare-regex baseline on ``docs``."""
    obs = [row for doc in docs for row in bare_regex_rows(doc.pdf, doc.stem)]
    reports = [{"report_id": doc.stem, "source_file": doc.pdf.name} for doc in docs]
    with tempfile.TemporaryDirectory() as tmp:
        obs_path, rep_path = write_observations(obs, reports, Path(tmp))
        return score_each(obs_path, rep_path, docs, shared)


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def scoreboard(cxbench: dict[str, dict], regex: dict[str, dict]) -> str:
    """One line per document: cxbench's metrics, then the bare regex's text F1 and chart recall."""
    head = "  ".join(f"{m:>12}" for m in METRICS)
    lines = [f"{'document':<40} {head}   | regex text_f1 chart_recall"]
    for stem, got in cxbench.items():
        cells = "  ".join(f"{_fmt(got[m]):>12}" for m in METRICS)
        base = regex.get(stem, {})
        lines.append(f"{stem[:40]:<40} {cells}   |       {_fmt(base.get('text_f1'))}        "
                     f"{_fmt(base.get('chart_recall'))}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, help="a published version folder (default: build one now)")
    parser.add_argument("--fast", action="store_true", help="extract in this process without Dagster")
    parser.add_argument("--only", help="score only documents whose stem contains this")
    parser.add_argument("--misses", type=int, default=0, help="also list up to N misses and extras per document")
    args = parser.parse_args(argv)
    if not scorer_available():
        print(f"no shared scorer at {SHARED / 'eval' / 'score.py'}", file=sys.stderr)
        return 2
    docs = [d for d in gold_documents() if not args.only or args.only in d.stem]
    with tempfile.TemporaryDirectory() as tmp:
        build = extract_catalogue if args.fast else build_catalogue
        version = args.catalogue or build(docs, Path(tmp))
        print(scoreboard(score_catalogue(version, docs), score_bare_regex(docs)))
        for doc in docs if args.misses else []:
            gold_dir = Path(tmp) / "misses" / doc.stem
            gold_dir.mkdir(parents=True)
            shutil.copy2(doc.gold, gold_dir / doc.gold.name)
            listing = run_scorer(version / "observations.parquet", version / "reports.parquet", gold_dir,
                                 misses=args.misses).stdout
            print(f"\n{doc.stem}:\n" + "\n".join(ln for ln in listing.splitlines() if "missed" in ln or "extra" in ln))
    return 0


if __name__ == "__main__":
    sys.exit(main())
