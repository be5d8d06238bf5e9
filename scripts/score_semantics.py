"""Score ``population`` and ``topic`` against tests/data/semantics_gold on a published catalogue.

Each gold row meets the first unused observation of its document (``reports.source_file``) with its
value (changes by magnitude) and, as the shared scorer does, its anchor inside the folded quote
(text), or its page and row label (table) or page and label (chart). Gold rows whose figure the
build did not extract are counted apart, not as errors.

    .venv/bin/python scripts/score_semantics.py CATALOGUE_ROOT [--misses N] [--json] [--gold FOLDER]
    (the held-out gold: --gold tests/data/semantics_gold/held_out)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.catalogue import reader  # noqa: E402
from pipelines.figures.evaluate import clean_for_match  # noqa: E402
from pipelines.semantics import annotate, annotated  # noqa: E402

GOLD = ROOT / "tests" / "data" / "semantics_gold"


def load_gold(folder: Path = GOLD) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def match(gold: list[dict], observations: pd.DataFrame, reports: pd.DataFrame) -> list[tuple[dict, dict | None]]:
    """(gold row, matched observation row or None) for every gold row."""
    stems = {rid: Path(str(f)).name for rid, f in zip(reports["report_id"], reports["source_file"], strict=False)}
    obs = observations.assign(
        _doc=observations["report_id"].map(stems), _quote=observations["quote"].map(clean_for_match)
    )
    by_doc = {doc: g.to_dict("records") for doc, g in obs.groupby("_doc")}
    used: set[str] = set()
    out = []
    for g in gold:
        doc = g.get("seed") or g.get("doc")
        source = g.get("source", "text")
        anchor = clean_for_match(g.get("anchor"))
        hit = None
        for o in by_doc.get(doc, []):
            if o["observation_id"] in used or abs(abs(float(o["value"])) - abs(float(g["value"]))) > 0.5:
                continue
            if g.get("page") is not None and (pd.isna(o["page"]) or int(o["page"]) != int(g["page"])):
                continue
            if _meets(g, o, source, anchor):
                hit = o
            if hit is not None:
                break
        if hit is not None:
            used.add(hit["observation_id"])
        out.append((g, hit))
    return out


def _meets(g: dict, o: dict, source: str, anchor: str) -> bool:
    """score.py's rule per source: text by anchor in quote, table by row label, chart by page alone."""
    if source != o["source"]:
        return False
    if source == "text":
        return bool(anchor) and anchor in o["_quote"]
    if source == "table":
        return clean_for_match(g.get("row_label")) in clean_for_match(f"{o.get('row_label')}{o.get('quote')}")
    return True


def score(root: str, misses: int = 0, gold: Path = GOLD) -> dict:
    observations = reader.load("observations", root=root)
    reports = reader.load("reports", root=root)
    if not annotated(observations) or "population_rule" not in observations:
        observations = annotate(observations, reports, explain=True)
    pairs = match(load_gold(gold), observations, reports)
    matched = [(g, o) for g, o in pairs if o is not None]
    result: dict = {"gold": len(pairs), "matched": len(matched)}
    for name in ("population", "topic"):
        right = [g[name] == o.get(name) for g, o in matched]
        result[name] = round(sum(right) / len(right), 4) if right else 0.0
        groups: dict[str, list[bool]] = {}
        for (g, _), ok in zip(matched, right, strict=True):
            key = "pdf" if g.get("doc") else "corpus"
            groups.setdefault(key, []).append(ok)
        result[f"{name}_by_group"] = {k: round(sum(v) / len(v), 4) for k, v in groups.items()}
        if misses:
            result[f"{name}_misses"] = [
                f"{g.get('seed') or g.get('doc')} {g['figure']!r} {g.get('anchor')!r}: {o.get(name)!r} "
                f"({o.get(name + '_rule')}) != {g[name]!r} | {g['subject'][:70]}"
                for g, o in matched
                if g[name] != o.get(name)
            ][:misses]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogue")
    parser.add_argument("--misses", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--gold", type=Path, default=GOLD, help="gold folder (default: the development gold)")
    args = parser.parse_args()
    result = score(args.catalogue, args.misses, args.gold)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for key, value in result.items():
        if isinstance(value, list):
            print(f"{key}:")
            print("\n".join(f"  {v}" for v in value))
        else:
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
