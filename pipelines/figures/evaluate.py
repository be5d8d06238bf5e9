"""Scoring figure extraction against gold: the shared corpus through the shared scorer, and the dev set.

Belongs here: the matching rules the project's evaluation uses, importable by scripts and tests
(``scripts/score_corpus.py`` is the command line on top). Shared corpus: ``corpus_observations``
reads ../shared/corpus/*.txt and reports.csv (survey_year, language), runs clean_document +
extract_figures, and ``score`` writes observations.parquet and reports.parquet to a temporary
folder and runs the shared scorer (../shared/eval/score.py) on them, unchanged.

Dev set (tests/data/figures_dev/, split by documents.csv): ``dev_documents`` parses each document as
the pipeline does (``parse_document``, tables included) and ``score_dev`` scores it in-process with
``match_gold`` and ``match_tables``, which apply score.py's matching rules (value, sign of changes,
anchor inside the quote; table cells by value and row/column labels) and also report the year and
the "other" class (counts, durations, multiples) that score.py skips.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from pipelines.figures import clean_document, extract_figures
from pipelines.model import Figure

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DEV = ROOT / "tests" / "data" / "figures_dev"

OBS_COLUMNS = (
    "report_id", "source", "value", "unit", "kind", "qualifier", "period", "label", "quote", "page",
    "row_label", "column_label", "stated_as",
)


def corpus_figures(shared: Path = SHARED) -> Iterator[tuple[Path, list[Figure], str, int | None]]:
    """(path, figures, language, survey year) of every corpus text, with reports.csv's year and language."""
    corpus = shared / "corpus"
    with (corpus / "reports.csv").open(encoding="utf-8") as fh:
        meta = {row["file"]: row for row in csv.DictReader(fh)}
    for path in sorted(corpus.glob("*.txt")):
        row = meta.get(path.name, {})
        year = int(row["survey_year"]) if row.get("survey_year") else None
        language = row.get("language") or "zh-Hans"
        doc = clean_document([path.read_text(encoding="utf-8")], [None], "text")
        yield path, extract_figures(doc, year, language), language, year


def corpus_observations(shared: Path = SHARED) -> tuple[list[dict], list[dict]]:
    """(observation rows, report rows) for every corpus document listed in reports.csv."""
    obs: list[dict] = []
    reports: list[dict] = []
    for path, figures, _language, _year in corpus_figures(shared):
        report_id = path.stem
        reports.append({"report_id": report_id, "source_file": path.name})
        for f in figures:
            obs.append({
                "report_id": report_id, "source": f.source, "value": f.value, "unit": f.unit, "kind": f.kind,
                "qualifier": f.qualifier, "period": f.period, "label": f.label, "quote": f.quote,
                "page": f.page, "row_label": f.row_label, "column_label": f.column_label,
                "stated_as": f.stated_as,
            })
    return obs, reports


def write_observations(obs: list[dict], reports: list[dict], folder: Path) -> tuple[Path, Path]:
    """Write observation and report rows as the catalogue's two Parquet files score.py reads."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    obs_path, rep_path = folder / "observations.parquet", folder / "reports.parquet"
    types = {"value": pa.float64(), "page": pa.int32()}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in OBS_COLUMNS])
    pq.write_table(pa.Table.from_pylist(obs, schema=schema), obs_path)
    pq.write_table(pa.Table.from_pylist(reports), rep_path)
    return obs_path, rep_path


def run_scorer(observations: Path, reports: Path, gold: Path, *, misses: int = 0, as_json: bool = False,
               shared: Path = SHARED) -> subprocess.CompletedProcess[str]:
    """The shared scorer (../shared/eval/score.py), unchanged, on two Parquet files and a gold folder."""
    cmd = [
        sys.executable, str(shared / "eval" / "score.py"), "--observations", str(observations),
        "--reports", str(reports), "--gold", str(gold),
    ]
    if misses:
        cmd += ["--misses", str(misses)]
    if as_json:
        cmd.append("--json")
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300)


def score(misses: int = 0, as_json: bool = False, shared: Path = SHARED) -> subprocess.CompletedProcess[str]:
    """Run the shared scorer on this project's extraction of the shared corpus."""
    obs, reports = corpus_observations(shared)
    with tempfile.TemporaryDirectory() as tmp:
        obs_path, rep_path = write_observations(obs, reports, Path(tmp))
        return run_scorer(obs_path, rep_path, shared / "gold", misses=misses, as_json=as_json, shared=shared)


# --- the dev set, scored with score.py's rules --------------------------------------------------------
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])\((?=[^)]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}\)"
)
_QUOTE_FOLD = str.maketrans({"「": '"', "」": '"', "“": '"', "”": '"', "‘": "'", "’": "'"})
_SCORED_UNITS = ("percent", "percentage_points")
ATTRIBUTES = ("kind", "qualifier", "period", "label", "year")


def clean_for_match(text: str | None) -> str:
    """score.py's cleaning: NFKC, pinyin glosses out, quote marks folded, no whitespace, lower case."""
    if text is None:
        return ""
    text = _PINYIN.sub("", unicodedata.normalize("NFKC", str(text))).translate(_QUOTE_FOLD)
    return re.sub(r"\s+", "", text).lower()


def _expected(g: dict) -> float:
    v = float(g["value"])
    return v * g["sign"] if g.get("kind") == "change" and g.get("sign") in (1, -1) else v


def match_gold(gold: list[dict], figures: list[Figure], scored_class: tuple[str, ...]) -> dict:
    """score.py's text matching for one document: each gold figure meets the first unused prediction
    with the same (signed) value whose quote holds the gold anchor. ``scored_class`` picks the gold
    rows ("percent", "fraction" as score.py; "other" for counts, durations, multiples)."""
    scored = "other" not in scored_class
    g_rows = [g for g in gold if g.get("class") in scored_class and g.get("source", "text") == "text"]
    preds = [f for f in figures if (f.unit in _SCORED_UNITS) == scored and f.source != "table"]
    used: set[int] = set()
    out: dict = {"tp": 0, "pred": len(preds), "gold": len(g_rows), "missed": [], "wrong": []}
    out["attrs"] = {name: [0, 0] for name in ATTRIBUTES}
    for g in g_rows:
        want, tol, anchor = _expected(g), (0.5 if g.get("class") == "fraction" else 0.01), clean_for_match(g["anchor"])
        hit = next(
            (i for i, f in enumerate(preds) if i not in used and abs(f.value - want) <= tol
             and anchor in clean_for_match(f.quote)),
            None,
        )
        if hit is None:
            out["missed"].append(f"{g['figure']!r} near {g['anchor']!r} = {want}")
            continue
        used.add(hit)
        out["tp"] += 1
        f = preds[hit]
        checks = {"kind": (f.kind, g.get("kind")), "qualifier": (f.qualifier, g.get("qualifier"))}
        if g.get("period") in ("current", "previous"):
            checks["period"] = (f.period, g["period"])
        if g.get("label"):
            checks["label"] = (clean_for_match(f.label), clean_for_match(g["label"]))
        if "year" in g:
            checks["year"] = (f.year, g["year"])
        for name, (got, expected) in checks.items():
            out["attrs"][name][1] += 1
            out["attrs"][name][0] += got == expected
            if got != expected:
                out["wrong"].append(f"{g['figure']!r} near {g['anchor']!r}: {name} {got!r} != {expected!r}")
    out["extra"] = [f"{f.stated_as!r} = {f.value} in {f.quote[:60]!r}" for i, f in enumerate(preds) if i not in used]
    return out


def dev_documents(folder: Path = DEV, split: str = "dev") -> list[tuple[str, list[Figure], list[dict]]]:
    """(name, extracted figures, gold rows) of each dev-set document in ``split``, parsed as the pipeline does.

    Text figures come first, then one figure per numeric table cell (source "table").
    """
    from pipelines.figures import detect_language, detect_survey_year
    from pipelines.parse import parse_document
    from pipelines.tables import table_figures

    with (folder / "documents.csv").open(encoding="utf-8") as fh:
        meta = [row for row in csv.DictReader(fh) if row["split"] == split]
    out = []
    for row in meta:
        path = folder / row["file"]
        parsed = parse_document(path.read_bytes(), filename=path.name)
        doc = clean_document(parsed.pages, parsed.page_numbers, parsed.format)
        year = int(row["survey_year"]) if row.get("survey_year") else detect_survey_year(doc.text)
        language = row.get("language") or detect_language(doc.text)
        gold_path = path.with_suffix(".jsonl")
        gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        figures = extract_figures(doc, year, language)
        for table in parsed.tables:
            figures.extend(table_figures(table))
        out.append((path.stem, figures, gold))
    return out


def _labels_meet(a: str | None, b: str | None) -> bool:
    a, b = clean_for_match(a), clean_for_match(b)
    return bool(a and b and (a in b or b in a))


def match_tables(gold: list[dict], figures: list[Figure]) -> dict:
    """score.py's table matching: a gold cell meets the first unused table figure with its value,
    page (when both have one) and row and column labels (either contains the other, cleaned)."""
    g_rows = [g for g in gold if g.get("source") == "table"]
    preds = [f for f in figures if f.source == "table"]
    used: set[int] = set()
    missed = []
    for g in g_rows:
        hit = next(
            (i for i, f in enumerate(preds) if i not in used and abs(f.value - _expected(g)) <= 0.01
             and (g.get("page") is None or f.page is None or int(f.page) == int(g["page"]))
             and _labels_meet(g.get("row_label"), f.row_label) and _labels_meet(g.get("column_label"), f.column_label)),
            None,
        )
        if hit is None:
            missed.append(f"{g['figure']!r} at {g.get('row_label')!r} / {g.get('column_label')!r}")
        else:
            used.add(hit)
    extra = [f"{f.stated_as!r} at {f.row_label!r} / {f.column_label!r}" for i, f in enumerate(preds) if i not in used]
    return {"tp": len(used), "pred": len(preds), "gold": len(g_rows), "missed": missed, "extra": extra, "wrong": []}


def _f1(tp: int, pred: int, gold: int) -> dict:
    p, r = (tp / pred if pred else 0.0), (tp / gold if gold else 0.0)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "tp": tp, "pred": pred, "gold": gold}


def score_dev(folder: Path = DEV, split: str = "dev") -> dict:
    """Text F1 and attribute accuracy over a dev-set split, plus the misses that explain them."""
    totals = {"text": [0, 0, 0], "other": [0, 0, 0], "table": [0, 0, 0]}
    attrs = {name: [0, 0] for name in ATTRIBUTES}
    notes: list[str] = []
    for name, figures, gold in dev_documents(folder, split):
        for key, classes in (("text", ("percent", "fraction")), ("other", ("other",))):
            m = match_gold(gold, figures, classes)
            totals[key] = [a + b for a, b in zip(totals[key], (m["tp"], m["pred"], m["gold"]), strict=True)]
            if key == "text":
                for attr, (ok, n) in m["attrs"].items():
                    attrs[attr][0] += ok
                    attrs[attr][1] += n
            notes += [f"{name} [{key}] {kind}: {line}" for kind in ("missed", "extra", "wrong") for line in m[kind]]
        t = match_tables(gold, figures)
        totals["table"] = [a + b for a, b in zip(totals["table"], (t["tp"], t["pred"], t["gold"]), strict=True)]
        notes += [f"{name} [table] {kind}: {line}" for kind in ("missed", "extra") for line in t[kind]]
    return {
        "text": _f1(*totals["text"]),
        "other": _f1(*totals["other"]),
        "table": _f1(*totals["table"]),
        "attributes": {k: (ok / n if n else None) for k, (ok, n) in attrs.items()},
        "notes": notes,
    }
