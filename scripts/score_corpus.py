"""Score text figure extraction: the shared corpus with the shared scorer, or the project's own dev set.

The command line over ``pipelines.figures.evaluate`` (the matching rules live there).

Shared corpus: reads ../shared/corpus/*.txt and reports.csv (survey_year, language), runs
clean_document + extract_figures, writes observations.parquet and reports.parquet to a temporary
folder and runs the scorer (../shared/eval/score.py) on them. ``--json`` passes through to the
scorer; exit 2 when ../shared is absent.

Dev set (``--split NAME``; ``--dev``, ``--held-out``, ``--held-out-2`` are shorthands):
tests/data/figures_dev/, parsed like the pipeline parses them (``parse_document``) and scored
in-process by ``match_gold`` and ``match_tables``, which apply score.py's matching rules (value, sign
of changes, anchor inside the quote; table cells by value and row/column labels) and also report the
year and the "other" class (counts, durations, multiples) that score.py skips.

    .venv/bin/python scripts/score_corpus.py [--misses N] [--json] [--split NAME | --dev | --held-out]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.figures.evaluate import DEV, SHARED, score, score_dev


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    split = ap.add_mutually_exclusive_group()
    split.add_argument("--dev", action="store_const", const="dev", dest="split", help="score the dev set")
    split.add_argument("--held-out", action="store_const", const="held_out", dest="split", help="score held-out docs")
    split.add_argument(
        "--held-out-2", action="store_const", const="held_out_2", dest="split", help="score round-three held-out docs"
    )
    split.add_argument("--split", dest="split", help="score the dev-set split NAME (documents.csv's split column)")
    args = ap.parse_args()
    if args.split:
        result = score_dev(DEV, args.split)
        notes = result.pop("notes")
        lines = [json.dumps(result, indent=1)] if args.json else [*notes[: args.misses * 10], json.dumps(result)]
        print("\n".join(lines))
        return 0
    if not (SHARED / "corpus").is_dir():
        print(f"no shared corpus at {SHARED}", file=sys.stderr)
        return 2
    done = score(args.misses, args.json)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
