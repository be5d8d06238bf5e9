"""``cxbench search``: ranked, fuzzy, bilingual look-up of published figures.

An analyst types a few keywords ("consumers stop doing business without personalization",
"消費者 高度滿意 占比") and gets the figures that answer them, best first. Matching ignores case,
width, Chinese script (OpenCC), hyphens, word order and English inflections; Chinese is matched by
character bigrams (no dictionary to miss a new word), and the glossary in
``pipelines/semantics/lexicon/glossary.yaml`` carries a query across languages: a query and every
figure also carry the glossary concepts they name in either language (个性化 and "personalisation"
are one concept token), so an English query finds a Chinese figure without its own words being
translated into many bigrams that would outweigh them.

Ranking is BM25 from SQLite's FTS5 (standard library; chosen by measurement against bm25s and
rank-bm25, which rank the same documents to the same hit@3 and add a dependency, see
``scripts/compare_search.py``) over one document per figure: its clause twice (the words nearest
the figure count most), its quote, label, table headers, section, and the semantic columns
(measure, topic, population, year) that ``pipelines.semantics`` derives; two rankings are fused
(``rank``).

Reading the catalogue does not import Dagster.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sqlite3
import sys
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from pipelines.semantics import annotate, annotated
from pipelines.semantics.lexicon import load
from pipelines.semantics.text import fold, locate

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_BRITISH = re.compile(r"is(ation|ations|e|ed|es|ing|er|ers)$")  # personalisation = personalization
DEFAULT_LIMIT = 10
CONCEPT_WEIGHT = 1.0  # measured: 1.0 beat 2.0-4.0 on the dev questions (scripts/compare_search.py)
CONTEXT_WEIGHT = 0.3  # borrowed words count less than its own (dev questions: 0.3-1.0 gave 37/40, 0.1 gave 36)
FUSION_K = 60  # reciprocal rank fusion constant (the usual 60; 5-60 gave the same hit@3)
FUSION_DEPTH = 200  # how deep each ranking is read before fusing


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball English stem of one word, British -ise spellings first made -ize (personalisation =
    personalization). Cached: a catalogue's vocabulary is small and the pure-Python stemmer is not
    (measured: stemming was 75% of search time before the cache, benchmarks/bench_search.py)."""
    return _stemmer().stemWord(_BRITISH.sub(r"iz\1", word))


@lru_cache(maxsize=1)
def _stops() -> tuple[frozenset[str], frozenset[str]]:
    spec = load("search")
    return frozenset(_stem(w) for w in spec["stop_en"]), frozenset(spec["stop_zh_chars"])


def tokens(text: object) -> list[str]:
    """Search tokens of any text: English word stems and Chinese character bigrams, both folded.

    >>> tokens("First-response times")
    ['first', 'respons', 'time']
    >>> tokens("客戶滿意度")
    ['客户', '户满', '满意', '意度']
    """
    folded = fold(text)
    if not folded:
        return []
    stop_en, stop_zh = _stops()
    out: list[str] = []
    for word in _LATIN.findall(folded):
        s = _stem(word)
        if s not in stop_en:
            out.append(s)
    for run in _CJK_RUN.findall(folded):
        chars = [c for c in run if c not in stop_zh]
        if len(chars) == 1:
            out.append(chars[0])
        out += [a + b for a, b in itertools.pairwise(chars)]
    return out


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, tuple[str, ...], str]]:
    """(folded Chinese term, stems of its English phrase, concept token) for every glossary entry.

    The concept token names the English phrase ("c_data_polici"), so 人工智能 and "AI" are one concept.
    """
    out = []
    for zh, en in load("glossary")["terms"].items():
        stems = tuple(tokens(en))
        if stems:
            out.append((fold(zh), stems, "c_" + "_".join(stems)))
    return out


def concepts(text: object, stems: list[str] | None = None) -> list[str]:
    """Glossary concepts a text states in either language: a Chinese term standing in it, or an English
    phrase whose stems stand in it one after another ("switched providers" -> c_switch, c_provid)."""
    folded = fold(text)
    stems = tokens(text) if stems is None else stems
    joined = " " + " ".join(stems) + " "
    found = []
    for zh, en, concept in _glossary():
        if (zh and zh in folded) or (" " + " ".join(en) + " ") in joined:
            found.append(concept)
    return list(dict.fromkeys(found))


def query_tokens(query: str) -> list[str]:
    """The query's tokens plus the glossary concepts it names (which carry it across languages)."""
    own = tokens(query)
    return own + concepts(query, own)


def _fts_query(terms: list[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in dict.fromkeys(terms))


class Doc(NamedTuple):
    """One figure's search document: its own words, the glossary concepts, and borrowed context
    (the sentence its chart shows, ``chart_sentences``), ranked in three FTS5 columns."""

    body: list[str]
    concepts: list[str]
    context: list[str]


def documents(observations: pd.DataFrame, reports: pd.DataFrame | None = None) -> list[Doc]:
    """One ``Doc`` per observation (same order): the clause twice, the quote and the metadata; the
    glossary concepts of the quote and metadata; the chart's sentence."""
    titles = {}
    if reports is not None and "title" in reports:
        titles = dict(zip(reports["report_id"], reports["title"], strict=False))
    explained = chart_sentences(observations)
    docs = []
    for key, rec in zip(observations.index, observations.to_dict("records"), strict=True):
        ctx = locate(rec.get("quote"), rec.get("stated_as"))
        meta = " ".join(
            str(rec[c])
            for c in ("label", "row_label", "column_label", "section", "measure", "population", "year")
            if c in rec and rec[c] is not None and not (isinstance(rec[c], float) and pd.isna(rec[c]))
        )
        topic = str(rec.get("topic") or "").replace("_", " ")
        title = titles.get(rec.get("report_id"))
        clause = ctx.clause_text
        quote, extra = tokens(rec.get("quote")), f"{meta} {topic} {title or ''}"
        docs.append(
            Doc(
                tokens(clause) * 2 + quote + tokens(extra),
                concepts(rec.get("quote"), quote) + concepts(extra),
                tokens(explained.get(key)),
            )
        )
    return docs


def chart_sentences(observations: pd.DataFrame) -> dict:
    """For each chart label, the sentences that labels of its chart restate (``restates``), keyed by index.

    A chart label's own quote is the chart's caption ("Percentage of respondents who agree"); the
    sentence one of its labels restates says what the chart shows, for its other labels too (the
    2019 bar beside the 2022 one that "81% of respondents agreed that ..." states). A chart is the
    labels of one report, page and caption.
    """
    if "restates" not in observations.columns:
        return {}
    charts = observations[(observations["source"] == "chart") & observations["page"].notna()]
    if charts.empty:
        return {}
    quotes = dict(zip(observations["observation_id"], observations["quote"], strict=False))
    out: dict = {}
    for _, chart in charts.groupby(["report_id", "page", "quote"], sort=False):
        said = [quotes.get(t) for t in chart["restates"].dropna().unique()]
        text = " ".join(dict.fromkeys(q for q in said if isinstance(q, str)))
        if text:
            out.update(dict.fromkeys(chart.index, text))
    return out


def _fts(docs: list[Doc], queries: list[list[str]], depth: int) -> list[list[int]]:
    """Document indices in BM25 order (SQLite FTS5) for each query, over one in-memory index."""
    con = sqlite3.connect(":memory:")
    try:
        con.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(body, concepts, context, "
            "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
        )
        con.executemany(
            "INSERT INTO docs(rowid, body, concepts, context) VALUES (?, ?, ?, ?)",
            ((i, " ".join(d.body), " ".join(d.concepts), " ".join(d.context)) for i, d in enumerate(docs)),
        )
        out = []
        for query in queries:
            if not query:
                out.append([])
                continue
            rows = con.execute(
                "SELECT rowid, bm25(docs, 1.0, ?, ?) AS s FROM docs WHERE docs MATCH ? ORDER BY s, rowid LIMIT ?",
                (CONCEPT_WEIGHT, CONTEXT_WEIGHT, _fts_query(query), depth),
            ).fetchall()
            out.append([int(i) for i, _ in rows])
        return out
    finally:
        con.close()


def language_neutral(query: list[str]) -> list[str]:
    """The query tokens every language shares: glossary concepts, Latin words and numbers (no bigrams)."""
    return [t for t in query if not _CJK_RUN.search(t)]


def rank(docs: list[Doc], query: list[str], limit: int) -> list[tuple[int, float]]:
    """(document index, score) of the best ``limit`` documents, best first.

    Two BM25 rankings are fused by reciprocal rank (score = sum of 1 / (FUSION_K + rank)): one of
    all the query's tokens, one of its language-neutral tokens only. The second lets an English
    figure answer a Chinese query through the concepts both name, where the query's Chinese bigrams
    would otherwise rank every Chinese figure above it ("2022 隐私法 积极影响 受访者" finds
    "61% felt the laws have had a positive impact").
    """
    if not query or not docs:
        return []
    scores: dict[int, float] = {}
    for ranking in _fts(docs, [query, language_neutral(query)], FUSION_DEPTH):
        for position, i in enumerate(ranking):
            scores[i] = scores.get(i, 0.0) + 1.0 / (FUSION_K + position + 1)
    best = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
    return [(i, scores[i]) for i in best]


def prefer_restated(pool: pd.DataFrame, hits: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Hits with every restatement replaced by the figure it restates, each figure once, in order.

    A chart label "Have Switched Companies/Providers 37%" that restates "37% of respondents ...
    indicated they had switched providers" answers the same question; the analyst wants the
    sentence (and its page) rather than a caption, and never the same fact twice.
    """
    if "restates" not in pool.columns:
        return hits
    position = {oid: i for i, oid in enumerate(pool["observation_id"])}
    restated = pool["restates"].tolist()
    out, seen = [], set()
    for i, score in hits:
        target = restated[i]
        j = position.get(target, i) if isinstance(target, str) else i
        if j not in seen:
            seen.add(j)
            out.append((j, score))
    return out


def search(
    observations: pd.DataFrame,
    query: str,
    *,
    reports: pd.DataFrame | None = None,
    limit: int = DEFAULT_LIMIT,
    population: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """The observations that best answer ``query``, best first, with a ``score`` column.

    Observations without the semantic columns (a catalogue published before the build filled them)
    are annotated on the fly by ``pipelines.semantics.annotate``.
    """
    if not annotated(observations):
        observations = annotate(observations, reports)
    pool = observations
    if population is not None:
        pool = pool[pool["population"] == population]
    if year is not None:
        pool = pool[pool["year"] == year]
    pool = pool.reset_index(drop=True)
    hits = prefer_restated(pool, rank(documents(pool, reports), query_tokens(query), FUSION_DEPTH))[:limit]
    out = pool.iloc[[i for i, _ in hits]].copy()
    out["score"] = [s for _, s in hits]
    if reports is not None and "title" in reports:
        out = out.merge(reports[["report_id", "title"]], on="report_id", how="left")
    return out.reset_index(drop=True)


# --- the CLI verb -------------------------------------------------------------------------------


def add_search_verb(parser: argparse.ArgumentParser) -> None:
    """Arguments and handler of ``cxbench search`` on an argparse parser that already has --catalogue."""
    parser.add_argument("query", nargs="+", help="keywords, English or Chinese (either script)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of observation rows")
    parser.add_argument("--limit", type=_positive, default=DEFAULT_LIMIT, help="results (default %(default)s)")
    parser.add_argument("--population", choices=_populations(), help="only figures about this population")
    parser.add_argument("--year", type=int, help="only figures describing this year")
    parser.add_argument("--version", default="latest", help="catalogue version (default latest)")
    parser.set_defaults(func=cmd_search)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _populations() -> tuple[str, ...]:
    from pipelines.schema import POPULATIONS

    return POPULATIONS


@lru_cache(maxsize=4)
def _catalogue(root: str, version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(annotated observations, reports) of one published version; a version never changes once
    published, so one process (a notebook, a test, a server) reads and annotates it once."""
    from pipelines.catalogue import reader

    resolved = reader.resolve(root, version)
    observations = reader.load("observations", version=resolved, root=root)
    reports = reader.load("reports", version=resolved, root=root)
    if not annotated(observations):
        observations = annotate(observations, reports)
    return observations, reports


def cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    try:
        observations, reports = _catalogue(str(args.catalogue), args.version)
    except LookupError as exc:
        print(f"cxbench search: {exc}", file=sys.stderr)
        return 2
    hits = search(observations, query, reports=reports, limit=args.limit, population=args.population, year=args.year)
    try:
        if args.json:
            print(hits_json(hits))
        elif hits.empty:
            print(f"no figure matches {query!r}", file=sys.stderr)
            return 1
        else:
            for line in render(hits):
                print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # `cxbench search ... | head`: the reader left; stop quietly, and keep Python's exit flush quiet too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def hits_json(hits: pd.DataFrame) -> str:
    """The hits as a JSON list of observation rows (nulls as null, ids as strings)."""
    return json.dumps(
        json.loads(hits.to_json(orient="records", force_ascii=False, date_format="iso")), ensure_ascii=False
    )


def render(hits: pd.DataFrame) -> Iterable[str]:
    """Two lines per hit: value and unit, population, year, report and page (and title); then the quote."""
    for hit in hits.to_dict("records"):
        page = f"p.{int(hit['page'])}" if pd.notna(hit.get("page")) else "-"
        year = int(hit["year"]) if pd.notna(hit.get("year")) else "-"
        title = hit.get("title") if isinstance(hit.get("title"), str) else ""
        who = hit.get("population") or "-"
        yield f"{hit['value']:g} {hit['unit']}  {who}  {year}  {hit['report_id']} {page}  {title}".rstrip()
        yield f"    {hit['quote']}"
