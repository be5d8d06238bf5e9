"""Real report PDFs with gold, scored by the shared scorer on a real published build (issue 12's bars).

The documents are every gold file in ``../shared/real-pdfs/gold/`` and ``tests/data/real_pdfs/gold/``
whose PDF is in ``../shared/real-pdfs/`` or ``sources/`` (``scripts/score_real_pdfs.gold_documents``);
copying a gold file into ``tests/data/real_pdfs/gold/`` adds it here. One ``cxbench run`` (real Dagster,
temporary DAGSTER_HOME) publishes a catalogue of them all per session; ``../shared/eval/score.py`` scores
each document alone, and the bare regex (every ``N%`` of each pdfplumber line, quote = the line) is
scored beside it.

The bars are data. ``TARGETS`` are the issue's acceptance bars, enforced for every document in ``ENFORCED``
(the test fails below one: a regression). ``SHORTFALLS`` lists the bars a document does not meet yet, each
with the value it must not drop below; raise it whenever the extractor gets better, never lower it without
saying why in the commit. A document not in ``ENFORCED`` (new gold just copied in) must still be published
with predictions; its unmet targets are reported as expected failures (with the measured value) until it is
added. A bar with nothing to score (no table gold, no dated text figure) must read None. ``*_vs_regex`` is
cxbench minus the bare regex, so a target of 0 is "never below the bare regex". ``pytest -s`` prints the
scoreboard.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.score_real_pdfs import (  # noqa: E402
    BARE_PERCENT,
    SHARED,
    bare_regex_rows,
    build_catalogue,
    gold_documents,
    score_bare_regex,
    score_catalogue,
    scoreboard,
    scorer_available,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real_pdfs")]

# The acceptance bars (table F1 only where the document has table gold).
TARGETS = {
    "text_f1": 0.95,
    "chart_recall": 0.95,
    "table_f1": 0.90,
    "kind": 0.95,
    "qualifier": 0.95,
    "period": 0.95,
    "text_f1_vs_regex": 0.0,
    "chart_recall_vs_regex": 0.0,
}

# Every bar of these documents is enforced at its target (measured 2026-12-02, session 5: all met).
ENFORCED = (
    "caict-computing-power-index-2021", "caict-ott-data-security-2022", "cisco-consumer-privacy-survey-2022",
    "cx_signals_2025_en", "dora-state-of-devops-2021", "jakarta-ee-developer-survey-2018",
    "microsoft-sales-relationships-ebook", "puppet-state-of-devops-2014", "trustarc-privacy-benchmarks-2022",
)
# Bars an enforced document does not meet yet: {stem: {bar: floor}}, the floor being the measured value
# (unrounded, truncated to three decimals), with a comment saying why. None left since session 5.
SHORTFALLS: dict[str, dict[str, float]] = {}

DOCUMENTS = gold_documents()


def _scorable(row: dict, bar: str) -> bool:
    """Whether a gold row gives ``bar`` something to score (score.py's classes and sources)."""
    bar = bar.removesuffix("_vs_regex")
    source, figure = row.get("source", "text"), row.get("class") in ("percent", "fraction")
    if bar == "table_f1":
        return source == "table"
    if bar == "chart_recall":
        return source == "chart" and figure
    return source == "text" and figure and (bar != "period" or row.get("period") in ("current", "previous"))


def nothing_to_score(doc, bar: str) -> bool:
    """Whether the document's gold has no row for ``bar`` (then its value is None, not a failure)."""
    rows = [json.loads(line) for line in doc.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    return not any(_scorable(row, bar) for row in rows)


def measured(scores: dict[str, dict], regex: dict[str, dict], stem: str, bar: str) -> float | None:
    """A document's value for one bar; the ``*_vs_regex`` bars are differences to the bare regex."""
    if bar.endswith("_vs_regex"):
        name = bar.removesuffix("_vs_regex")
        ours, theirs = scores[stem][name], regex[stem][name]
        return None if ours is None or theirs is None else ours - theirs
    return scores[stem][bar]


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    """cxbench's and the bare regex's scores per document, from one real build of every gold document."""
    if not scorer_available():
        pytest.skip(f"no shared scorer at {SHARED / 'eval' / 'score.py'}")
    version = build_catalogue(DOCUMENTS, tmp_path_factory.mktemp("real_pdfs"))
    scores, regex = score_catalogue(version, DOCUMENTS), score_bare_regex(DOCUMENTS)
    print("\n" + scoreboard(scores, regex))
    return scores, regex


def test_bars_are_consistent():
    """Every shortfall names an enforced document and a known bar, below its target (else it is no shortfall)."""
    for stem, floors in SHORTFALLS.items():
        assert stem in ENFORCED, stem
        for bar, floor in floors.items():
            assert bar in TARGETS and floor < TARGETS[bar], (stem, bar, floor)


def test_sample_pdf_and_its_gold_come_from_the_generator(tmp_path):
    """The committed designed sample and its gold are what make_sample_pdfs.py writes (byte for byte)."""
    name = "cx_signals_2025_en.pdf"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_pdfs.py"), str(tmp_path), "--only", name],
                   check=True, capture_output=True)
    assert (tmp_path / name).read_bytes() == (ROOT / "sources" / name).read_bytes()
    gold = "cx_signals_2025_en.jsonl"
    assert (tmp_path / gold).read_text() == (ROOT / "tests" / "data" / "real_pdfs" / "gold" / gold).read_text()


def test_bare_regex_reads_every_percent_of_a_line():
    """The baseline on the project's sample: chart ticks count, and the quote is the whole line."""
    rows = bare_regex_rows(ROOT / "sources" / "cx_signals_2025_en.pdf", "sample")
    ticks = [r for r in rows if r["page"] == 3 and r["quote"].strip() in {"0%", "20%", "40%", "100%"}]
    assert {r["value"] for r in ticks} == {0.0, 20.0, 40.0, 100.0}
    line = next(r["quote"] for r in rows if r["value"] == 81.0)
    assert "81%" in line and "64%" in line and line.startswith("Speed matters")
    assert [m.group(1) for m in BARE_PERCENT.finditer("0%-15% and 9.73％, not 1,5%")] == ["0", "15", "9.73"]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.stem)
def test_document_is_published_with_predictions(scored, doc):
    scores, _ = scored
    assert not scores[doc.stem]["no_predictions"], f"{doc.stem}: no observations in the published catalogue"


@pytest.mark.parametrize("bar", TARGETS)
@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.stem)
def test_real_pdf_bar(scored, doc, bar):
    scores, regex = scored
    value = measured(scores, regex, doc.stem, bar)
    target = TARGETS[bar]
    if value is None:
        assert nothing_to_score(doc, bar), f"{doc.stem} {bar}: nothing scored although the gold has rows for it"
        return
    if doc.stem not in ENFORCED:  # new gold: report the gap to the target without failing on it
        if value < target:
            pytest.xfail(f"{doc.stem} {bar} = {value:.3f}, target {target}: not enforced yet (ENFORCED)")
        return
    floor = SHORTFALLS.get(doc.stem, {}).get(bar, target)
    assert value >= floor - 1e-9, f"{doc.stem} {bar} = {value:.3f} fell below {floor} (target {target})"
