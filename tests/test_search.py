"""``cxbench search``: ranked, fuzzy, bilingual search over a published catalogue.

The first tests publish a small catalogue of hand-written figures and ask through the real CLI.
The acceptance tests (skipped where ../shared is absent) build a catalogue of the shared corpus and
three real PDFs with ``cxbench run``, then judge the analyst questions of
../shared/questions/dev.jsonl, the semantics gold (tests/data/semantics_gold) and the
restates/previous_of links of the shared gold on it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from catalogue_samples import BUILD, SOURCES, VALIDATION, observation, report

from pipelines.catalogue import publish
from pipelines.cli import main
from pipelines.search import prefer_restated, query_tokens, tokens

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PDFS = ("cisco-consumer-privacy-survey-2022", "caict-ott-data-security-2022", "dora-state-of-devops-2021")
LINKS = ROOT / "tests" / "data" / "semantics_gold" / "links" / "shared_gold_links.jsonl"

# Issue 15's bars: the expected figure in the top 3 for >= 90% of the questions, its population right
# on >= 90% of those; population >= 0.9 and topic >= 0.85 on the annotated gold. Measured in session 4
# (build of this module's fixture): 37/40 (corpus 20/20, PDFs 17/20), population on hits 0.973;
# gold population 0.967, topic 0.874 (a training score: the held-out gold is scored apart).
FLOOR_HIT_AT_3 = {"all": 0.9, "corpus": 0.95, "pdf": 0.85}
FLOOR_POPULATION_ON_HITS = 0.9
FLOOR_POPULATION, FLOOR_TOPIC = 0.9, 0.85

FIGURES = [
    ("acme-2024", "en", 31.0, "First-response times fell below one hour for 31% of contacts."),
    ("acme-2024", "en", 44.0, "44% of consumers would recommend the brand to friends."),
    ("acme-2024", "en", 58.0, "58% of executives expect AI to reshape service by 2026."),
    ("huayu-2024", "zh-Hans", 73.0, "73% 的消费者对服务感到满意。"),
    ("huayu-2024", "zh-Hans", 37.0, "37% 的消费者表示将不再与无法提供个性化体验的公司做生意。"),
    ("taipei-2023", "zh-Hant", 52.0, "52% 的受訪者表示客戶滿意度是首要指標。"),
]


def _frames(extra: int = 0) -> dict[str, pd.DataFrame]:
    reports = [report("acme-2024"), report("huayu-2024", "zh-Hans"), report("taipei-2023", "zh-Hant")]
    rows = []
    for i, (rid, language, value, quote) in enumerate(FIGURES):
        row = observation(rid, i, value, quote, language=language)
        row["stated_as"] = f"{value:g}%"
        row["year"] = 2023 if rid == "taipei-2023" else 2024
        rows.append(row)
    for i in range(extra):  # a big catalogue, so a closed pipe stops a long output
        rows.append(observation("acme-2024", 100 + i, 10.0, f"Case {i}: 10% of customers were satisfied."))
    for r in reports:
        r["n_observations"] = sum(o["report_id"] == r["report_id"] for o in rows)
    return {"reports": pd.DataFrame(reports), "observations": pd.DataFrame(rows), "tables": pd.DataFrame([])}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search")
    frames = _frames()
    frames["tables"] = pd.DataFrame(columns=["report_id", "table_id", "page", "row", "col", "text", "is_header"])
    publish(str(path), frames, validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    return path


def ask(capsys: pytest.CaptureFixture, root: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["search", *argv, "--catalogue", str(root)])
    out = capsys.readouterr()
    return code, out.out, out.err


def top(capsys, root, query: str, *argv: str) -> list[dict]:
    code, out, _ = ask(capsys, root, query, "--json", *argv)
    assert code == 0
    return json.loads(out)


def test_tokens_fold_hyphens_inflections_and_scripts():
    assert tokens("First-response TIMES") == tokens("first responses time")
    assert tokens("客戶滿意度") == tokens("客户满意度") == ["客户", "户满", "满意", "意度"]
    assert tokens("personalised") == tokens("personalization")


def test_a_query_carries_its_glossary_concepts_across_languages():
    assert set(query_tokens("personalization")) & set(query_tokens("个性化"))


def test_the_readme_example_finds_the_hyphenated_figure(catalogue, capsys):
    for query in ("first response", "response first", "first-response time"):
        assert top(capsys, catalogue, query)[0]["value"] == 31.0


def test_either_chinese_script_finds_figures_in_the_other(catalogue, capsys):
    assert top(capsys, catalogue, "客戶滿意度 指標")[0]["value"] == 52.0  # Traditional query, Traditional text
    assert top(capsys, catalogue, "客户满意度 指标")[0]["value"] == 52.0  # Simplified query, Traditional text
    assert top(capsys, catalogue, "消費者 滿意")[0]["value"] == 73.0  # Traditional query, Simplified text


def test_an_english_query_finds_a_chinese_figure(catalogue, capsys):
    hit = top(capsys, catalogue, "consumers stop doing business without personalization", "--limit", "1")[0]
    assert hit["value"] == 37.0 and hit["population"] == "consumers"


def test_filters_and_json_rows(catalogue, capsys):
    rows = top(capsys, catalogue, "satisfied", "--population", "consumers", "--limit", "5")
    assert rows and {r["population"] for r in rows} == {"consumers"}
    assert {"observation_id", "report_id", "value", "page", "quote", "population", "topic"} <= set(rows[0])
    assert {r["year"] for r in top(capsys, catalogue, "satisfied", "--year", "2023")} == {2023}


def test_plain_output_names_value_population_year_report_and_page(catalogue, capsys):
    code, out, _ = ask(capsys, catalogue, "recommend", "--limit", "1")
    first, quote = out.splitlines()[:2]
    assert code == 0 and first.startswith("44 percent  consumers  2024  acme-2024 p.2")
    assert "recommend the brand" in quote


def test_a_restatement_gives_way_to_the_figure_it_restates():
    pool = pd.DataFrame({"observation_id": ["text", "chart", "other"], "restates": [None, "text", None]})
    assert prefer_restated(pool, [(1, 3.0), (2, 2.0), (0, 1.0)]) == [(0, 3.0), (2, 2.0)]


def test_no_match_and_no_catalogue_are_one_line(catalogue, capsys, tmp_path):
    code, out, err = ask(capsys, catalogue, "zzzz qqqq")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    code, out, err = ask(capsys, tmp_path / "none", "satisfied")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_piping_into_head_ends_quietly(tmp_path):
    frames = _frames(extra=1500)
    frames["tables"] = pd.DataFrame(columns=["report_id", "table_id", "page", "row", "col", "text", "is_header"])
    publish(str(tmp_path), frames, validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    cxbench = Path(sys.executable).parent / "cxbench"
    proc = subprocess.Popen(
        [str(cxbench), "search", "satisfied customers", "--limit", "1500", "--catalogue", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline()  # what `head -1` does: read one line, then close the pipe
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0
    assert proc.stderr.read() == b""


# --- acceptance on the shared documents -------------------------------------------------------------

needs_shared = pytest.mark.skipif(
    not (SHARED / "questions" / "dev.jsonl").is_file()
    or not all((SHARED / "real-pdfs" / f"{name}.pdf").is_file() for name in PDFS),
    reason="../shared questions, corpus and real PDFs are not present",
)


@pytest.fixture(scope="module")
def shared_catalogue(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A catalogue of the five corpus texts and the three gold PDFs, built by `cxbench run`."""
    base = tmp_path_factory.mktemp("shared")
    sources = base / "sources"
    sources.mkdir()
    for text in (SHARED / "corpus").glob("*.txt"):
        shutil.copy(text, sources / text.name)
    for name in PDFS:
        shutil.copy(SHARED / "real-pdfs" / f"{name}.pdf", sources / f"{name}.pdf")
    env = {**os.environ, "DAGSTER_HOME": str(base / "home")}
    (base / "home").mkdir()
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "cxbench"),
            "run",
            "--sources",
            str(sources),
            "--catalogue",
            str(base / "c"),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return str(base / "c")


@needs_shared
@pytest.mark.slow
def test_dev_questions_find_their_figure_in_the_top_3(shared_catalogue):
    sys.path.insert(0, str(ROOT))
    from scripts.search_questions import judge

    result = judge(shared_catalogue)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    for group, floor in FLOOR_HIT_AT_3.items():
        assert result["hit_at_3"][group] >= floor, (group, result)
    assert result["population_on_hits"] >= FLOOR_POPULATION_ON_HITS, result


@needs_shared
@pytest.mark.slow
def test_population_and_topic_on_the_annotated_gold(shared_catalogue):
    sys.path.insert(0, str(ROOT))
    from scripts.score_semantics import score

    result = score(shared_catalogue)
    print(result)
    assert result["matched"] >= 250, result
    assert result["population"] >= FLOOR_POPULATION and result["topic"] >= FLOOR_TOPIC, result


def _fold(text: object) -> str:
    """score.py's folding (NFKC, pinyin glosses out, quotes folded, no whitespace, lower case)."""
    sys.path.insert(0, str(ROOT))
    from pipelines.figures.evaluate import clean_for_match

    return clean_for_match(text)


@needs_shared
@pytest.mark.slow
def test_restates_and_previous_of_on_every_shared_gold_case(shared_catalogue):
    from pipelines.search import _catalogue

    observations, reports = _catalogue(shared_catalogue, "latest")
    doc_of = dict(zip(reports["report_id"], reports["source_file"], strict=False))
    obs = observations.assign(doc=observations["report_id"].map(doc_of), folded=observations["quote"].map(_fold))
    cases = [json.loads(line) for line in LINKS.read_text(encoding="utf-8").splitlines() if line.strip()]

    def ids(case: dict, which: str) -> set[str]:
        want = case[which]
        rows = obs[(obs["doc"] == case["doc"]) & ((obs["value"] - want["value"]).abs() < 0.01)]
        if "page" in case:
            rows = rows[rows["page"] == case["page"]]
        rows = rows[(rows["source"] == "text") & rows["folded"].str.contains(_fold(want["anchor"]), regex=False)]
        return set(rows["observation_id"])

    wrong = []
    for case in cases:
        sources, targets = ids(case, "figure"), ids(case, "target")
        linked = set(obs.loc[obs["observation_id"].isin(sources), case["link"]].dropna())
        if not (linked & targets):
            wrong.append(case)
    assert not wrong, wrong
    assert len(cases) == 25


def test_the_index_is_built_once_per_published_version(catalogue, capsys, tmp_path, monkeypatch):
    """The first query of a version stores its index (named by the release's content hash); later
    queries read it and rank exactly as an index built for the query does."""
    from pipelines import search as S

    monkeypatch.setenv("CXBENCH_CACHE", str(tmp_path))
    S._index.cache_clear()
    first = top(capsys, catalogue, "satisfied consumers", "--limit", "5")
    stored = list((tmp_path / "search").glob("*.sqlite"))
    assert len(stored) == 1
    built = stored[0].stat().st_mtime_ns
    S._index.cache_clear()  # a new process: finds the stored index instead of building it
    assert top(capsys, catalogue, "satisfied consumers", "--limit", "5") == first
    assert stored[0].stat().st_mtime_ns == built
    observations, reports = S._catalogue(str(catalogue), "latest")
    in_memory = S.search(observations, "satisfied consumers", reports=reports, limit=5)
    assert in_memory["observation_id"].tolist() == [r["observation_id"] for r in first]
    S._index.cache_clear()


def test_an_unwritable_cache_searches_in_memory(catalogue, capsys, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CXBENCH_CACHE", str(blocked))
    from pipelines import search as S

    S._index.cache_clear()
    assert top(capsys, catalogue, "recommend", "--limit", "1")[0]["value"] == 44.0
    S._index.cache_clear()
