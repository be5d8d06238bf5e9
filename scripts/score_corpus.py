"""Score text figure extraction on the shared corpus with the shared scorer (../shared/eval/score.py).

Reads ../shared/corpus/*.txt and reports.csv (survey_year, language), runs clean_document +
extract_figures, writes observations.parquet and reports.parquet to a temporary folder and runs
the scorer on them. ``--json`` passes through to the scorer; exit 2 when ../shared is absent.

    .venv/bin/python scripts/score_corpus.py [--misses N] [--json]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from pipelines.figures import clean_document, extract_figures  # noqa: E402

OBS_COLUMNS = (
    "report_id", "source", "value", "unit", "kind", "qualifier", "period", "label", "quote", "page",
    "row_label", "column_label", "stated_as",
)


def corpus_observations(shared: Path = SHARED) -> tuple[list[dict], list[dict]]:
    """(observation rows, report rows) for every corpus document listed in reports.csv."""
    corpus = shared / "corpus"
    with (corpus / "reports.csv").open(encoding="utf-8") as fh:
        meta = {row["file"]: row for row in csv.DictReader(fh)}
    obs: list[dict] = []
    reports: list[dict] = []
    for path in sorted(corpus.glob("*.txt")):
        row = meta.get(path.name, {})
        year = int(row["survey_year"]) if row.get("survey_year") else None
        language = row.get("language") or "zh-Hans"
        doc = clean_document([path.read_text(encoding="utf-8")], [None], "text")
        report_id = path.stem
        reports.append({"report_id": report_id, "source_file": path.name})
        for f in extract_figures(doc, year, language):
            obs.append({
                "report_id": report_id, "source": f.source, "value": f.value, "unit": f.unit, "kind": f.kind,
                "qualifier": f.qualifier, "period": f.period, "label": f.label, "quote": f.quote,
                "page": f.page, "row_label": f.row_label, "column_label": f.column_label,
                "stated_as": f.stated_as,
            })
    return obs, reports


def score(misses: int = 0, as_json: bool = False, shared: Path = SHARED) -> subprocess.CompletedProcess[str]:
    """Run the shared scorer on this project's extraction of the shared corpus."""
    obs, reports = corpus_observations(shared)
    with tempfile.TemporaryDirectory() as tmp:
        obs_path, rep_path = Path(tmp) / "observations.parquet", Path(tmp) / "reports.parquet"
        types = {"value": pa.float64(), "page": pa.int32()}
        schema = pa.schema([(name, types.get(name, pa.string())) for name in OBS_COLUMNS])
        pq.write_table(pa.Table.from_pylist(obs, schema=schema), obs_path)
        pq.write_table(pa.Table.from_pylist(reports), rep_path)
        cmd = [
            sys.executable, str(shared / "eval" / "score.py"), "--observations", str(obs_path),
            "--reports", str(rep_path), "--gold", str(shared / "gold"),
        ]
        if misses:
            cmd += ["--misses", str(misses)]
        if as_json:
            cmd.append("--json")
        return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not (SHARED / "corpus").is_dir():
        print(f"no shared corpus at {SHARED}", file=sys.stderr)
        return 2
    done = score(args.misses, args.json)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
