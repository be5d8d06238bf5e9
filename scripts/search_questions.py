"""Judge analyst look-up questions (../shared/questions/dev.jsonl) against a published catalogue.

The rules are those of ``../shared/eval/questions.py``: a question passes when one of the top 3
results has the question's document, value (by magnitude, within 0.01), page (PDFs) and anchor
inside the folded quote (text figures). Runs ``cxbench search QUERY --json --limit 3`` in-process
(the real CLI entry point) and prints hit@3 overall, per document group (corpus texts vs PDFs) and
per query language, plus the population accuracy on the hits.

    .venv/bin/python scripts/search_questions.py CATALOGUE_ROOT [QUESTIONS.jsonl] [--misses]
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUESTIONS = ROOT.parent / "shared" / "questions" / "dev.jsonl"


def fold(text: object) -> str:
    """The questions' folding: NFKC, whitespace removed, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def answers(question: dict, rows: list[dict], source_files: dict[str, str]) -> dict | None:
    """The first of ``rows`` (top 3) that is the question's figure, or None."""
    stem = Path(question["doc"]).stem
    for row in rows[:3]:
        if (
            Path(str(source_files.get(row.get("report_id")) or "")).stem != stem
            and row.get("report_id") != stem.lower()
        ):
            continue
        if row.get("value") is None or abs(abs(float(row["value"])) - abs(float(question["value"]))) > 0.01:
            continue
        if (
            question.get("page") is not None
            and row.get("page") is not None
            and int(row["page"]) != int(question["page"])
        ):
            continue
        if question.get("anchor") and fold(question["anchor"]) not in fold(row.get("quote")):
            continue
        return row
    return None


def ask(query: str, catalogue: str) -> list[dict]:
    """``cxbench search QUERY --json --limit 3 --catalogue ROOT`` through the CLI entry point."""
    from pipelines.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["search", query, "--json", "--limit", "3", "--catalogue", catalogue])
    return json.loads(out.getvalue())


def judge(catalogue: str, questions_path: Path = QUESTIONS) -> dict:
    from pipelines.catalogue import reader

    questions = [json.loads(line) for line in questions_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    reports = reader.load("reports", root=catalogue)
    source_files = dict(zip(reports["report_id"], reports["source_file"], strict=False))
    groups: dict[str, list[bool]] = {}
    population_ok, misses, hits = 0, [], 0
    for q in questions:
        found = answers(q, ask(q["query"], catalogue), source_files)
        group = "pdf" if q["doc"].endswith(".pdf") else "corpus"
        for key in ("all", group, q["query_language"]):
            groups.setdefault(key, []).append(found is not None)
        if found is None:
            misses.append(f"{q['id']} {q['query']!r} -> {q['doc']} {q['value']} ({q['figure']})")
        else:
            hits += 1
            population_ok += found.get("population") == q["population"]
    return {
        "hit_at_3": {k: round(sum(v) / len(v), 4) for k, v in groups.items()},
        "counts": {k: f"{sum(v)}/{len(v)}" for k, v in groups.items()},
        "population_on_hits": round(population_ok / hits, 4) if hits else 0.0,
        "misses": misses,
    }


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    result = judge(args[0], Path(args[1]) if len(args) > 1 else QUESTIONS)
    if "--misses" not in sys.argv:
        result.pop("misses")
    print(json.dumps(result, ensure_ascii=False, indent=1))
