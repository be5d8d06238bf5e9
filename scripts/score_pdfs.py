"""Score real report PDFs against gold without Dagster: parse, clean, extract, then ../shared/eval/score.py.

For each gold file (``<stem>.jsonl``) in the gold folders given, reads ``<stem>.pdf`` beside the
folder's parent (../shared/real-pdfs/gold -> ../shared/real-pdfs), runs the same stages as
``pipelines.build.process_report``, writes observations.parquet and reports.parquet to a temporary
folder and prints the scorer's numbers per document (``--misses N`` lists misses and extras).

    .venv/bin/python scripts/score_pdfs.py [--gold DIR ...] [--misses N] [--only STEM]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from pipelines.build import assemble, process_report  # noqa: E402
from pipelines.model import Snapshot, SourceSpec  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", action="append", type=Path)
    ap.add_argument("--pdfs", type=Path, default=SHARED / "real-pdfs")
    ap.add_argument("--misses", type=int, default=0)
    ap.add_argument("--only")
    args = ap.parse_args()
    gold_dirs = args.gold or [SHARED / "real-pdfs" / "gold"]
    if not all(d.is_dir() for d in gold_dirs):
        print("gold folder missing", file=sys.stderr)
        return 2
    for gold_dir in gold_dirs:
        for gold in sorted(gold_dir.glob("*.jsonl")):
            if args.only and args.only not in gold.stem:
                continue
            pdf = args.pdfs / f"{gold.stem}.pdf"
            data = pdf.read_bytes()
            spec = SourceSpec(report_id=gold.stem, file=pdf.name)
            snap = Snapshot(gold.stem, hashlib.sha256(data).hexdigest(), str(pdf), len(data), pdf.name)
            start = time.perf_counter()
            rows = process_report(spec, snap, data)
            seconds = time.perf_counter() - start
            frames = assemble([rows])
            with tempfile.TemporaryDirectory() as tmp:
                t = Path(tmp)
                frames["observations"].to_parquet(t / "observations.parquet")
                frames["reports"].to_parquet(t / "reports.parquet")
                (t / "g").mkdir()
                (t / "g" / gold.name).write_bytes(gold.read_bytes())
                cmd = [
                    sys.executable,
                    str(SHARED / "eval" / "score.py"),
                    "--observations",
                    str(t / "observations.parquet"),
                    "--reports",
                    str(t / "reports.parquet"),
                    "--gold",
                    str(t / "g"),
                ]
                out = json.loads(subprocess.run([*cmd, "--json"], capture_output=True, text=True, check=True).stdout)
                text, table, attrs = out["text"], out["table"], out["attributes"]
                chart = out.get("chart_recall")
                table_f1 = (
                    f"{table['f1']:.3f} ({table['tp']}/{table['pred']}/{table['gold']})" if table["gold"] else "-"
                )
                print(
                    f"{gold.stem[:36]:36s} text F1 {text['f1']:.3f}"
                    f" (tp {text['tp']} pred {text['pred']} gold {text['gold']})"
                    f"  chart R {'-' if chart is None else format(chart, '.3f')}  table F1 {table_f1}"
                    f"  kind {_f(attrs['kind'])} qual {_f(attrs['qualifier'])} period {_f(attrs['period'])}"
                    f"  {seconds:.1f}s"
                )
                if args.misses:
                    res = subprocess.run(
                        [*cmd, "--misses", str(args.misses)], capture_output=True, text=True, check=True
                    )
                    print("\n".join(line for line in res.stdout.splitlines() if "missed" in line or "extra" in line))
    return 0


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
