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
from contextlib import closing
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


_SCHEMA = (
    "CREATE VIRTUAL TABLE docs USING fts5(body, concepts, context, population UNINDEXED, year UNINDEXED, "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
)


def _fill(con: sqlite3.Connection, docs: list[Doc], observations: pd.DataFrame | None = None) -> None:
    """One FTS5 row per document (rowid = the figure's position), with its population and year to filter on."""
    con.execute(_SCHEMA)
    n = len(docs)
    populations = [None] * n if observations is None else _column(observations, "population")
    years = [None] * n if observations is None else _column(observations, "year")
    con.executemany(
        "INSERT INTO docs(rowid, body, concepts, context, population, year) VALUES (?, ?, ?, ?, ?, ?)",
        (
            (i, " ".join(d.body), " ".join(d.concepts), " ".join(d.context), populations[i], years[i])
            for i, d in enumerate(docs)
        ),
    )


def _column(frame: pd.DataFrame, name: str) -> list:
    if name not in frame.columns:
        return [None] * len(frame)
    return [None if pd.isna(v) else (int(v) if name == "year" else str(v)) for v in frame[name]]


def _ranked(
    con: sqlite3.Connection, query: list[str], depth: int, population: str | None = None, year: int | None = None
) -> list[int]:
    """Document positions in BM25 order for one query, filtered on population and year."""
    if not query:
        return []
    where, args = "docs MATCH ?", [_fts_query(query)]
    if population is not None:
        where, args = where + " AND population = ?", [*args, population]
    if year is not None:
        where, args = where + " AND year = ?", [*args, int(year)]
    rows = con.execute(
        f"SELECT rowid, bm25(docs, 1.0, ?, ?, 0.0, 0.0) AS s FROM docs WHERE {where} ORDER BY s, rowid LIMIT ?",
        (CONCEPT_WEIGHT, CONTEXT_WEIGHT, *args, depth),
    ).fetchall()
    return [int(i) for i, _ in rows]


def _fts(docs: list[Doc], queries: list[list[str]], depth: int) -> list[list[int]]:
    """Document indices in BM25 order (SQLite FTS5) for each query, over one in-memory index."""
    con = sqlite3.connect(":memory:")
    try:
        _fill(con, docs)
        return [_ranked(con, query, depth) for query in queries]
    finally:
        con.close()


def language_neutral(query: list[str]) -> list[str]:
    """The query tokens every language shares: glossary concepts, Latin words and numbers (no bigrams)."""
    return [t for t in query if not _CJK_RUN.search(t)]


def _fuse(rankings: Iterable[list[int]], limit: int) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for position, i in enumerate(ranking):
            scores[i] = scores.get(i, 0.0) + 1.0 / (FUSION_K + position + 1)
    best = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
    return [(i, scores[i]) for i in best]


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
    return _fuse(_fts(docs, [query, language_neutral(query)], FUSION_DEPTH), limit)


class SearchIndex:
    """The FTS5 index of one catalogue's figures in an SQLite file: built once, queried many times.

    ``cxbench search`` keeps one per published version, named by the release's content hash and
    the search code's own digest (``index_key``), so a version is tokenised once, not at every query
    (``benchmarks/bench_search.py`` measures both).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)

    @classmethod
    def build(cls, path: str | os.PathLike[str], observations: pd.DataFrame, reports: pd.DataFrame | None = None):
        """Write the index of ``observations`` (annotated) to ``path``, atomically (a reader never sees half)."""
        import tempfile

        folder = os.path.dirname(os.fspath(path)) or "."
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".search-", suffix=".sqlite", dir=folder)
        os.close(fd)
        try:
            con = sqlite3.connect(tmp)
            try:
                _fill(con, documents(observations, reports), observations)
                con.execute("CREATE TABLE meta(rows INTEGER)")
                con.execute("INSERT INTO meta VALUES (?)", (len(observations),))
                con.commit()
            finally:
                con.close()
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return cls(path)

    def rows(self) -> int:
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as con:
            return int(con.execute("SELECT rows FROM meta").fetchone()[0])

    def rank(
        self, query: list[str], limit: int, population: str | None = None, year: int | None = None
    ) -> list[tuple[int, float]]:
        """``rank`` over the stored index, filtered on population and year."""
        if not query:
            return []
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as con:
            return _rank_con(con, query, population, year)[:limit]


@lru_cache(maxsize=1)
def index_key() -> str:
    """Digest of everything an index depends on besides the data: this module and the lexicons."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [Path(__file__).resolve(), *sorted((here / "semantics").rglob("*.py")),
                 *sorted((here / "semantics" / "lexicon").glob("*.yaml"))]:  # fmt: skip
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> str:
    """Where search indexes live: $CXBENCH_CACHE, else $XDG_CACHE_HOME/cxbench, else ~/.cache/cxbench."""
    explicit = os.environ.get("CXBENCH_CACHE")
    if explicit:
        return os.path.join(explicit, "search")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cxbench", "search")


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


def _rank_con(
    con: sqlite3.Connection, query: list[str], population: str | None, year: int | None
) -> list[tuple[int, float]]:
    rankings = [_ranked(con, q, FUSION_DEPTH, population, year) for q in (query, language_neutral(query))]
    return _fuse(rankings, FUSION_DEPTH)


def search(
    observations: pd.DataFrame,
    query: str,
    *,
    reports: pd.DataFrame | None = None,
    limit: int = DEFAULT_LIMIT,
    population: str | None = None,
    year: int | None = None,
    index: SearchIndex | None = None,
) -> pd.DataFrame:
    """The observations that best answer ``query``, best first, with a ``score`` column.

    ``index`` is the stored index of exactly these observations (``SearchIndex.build``); without
    one, an in-memory index is built for this call. Observations without the semantic columns (a
    catalogue published before the build filled them) are annotated on the fly by
    ``pipelines.semantics.annotate``.
    """
    if not annotated(observations):
        observations = annotate(observations, reports)
    pool = observations.reset_index(drop=True)
    terms = query_tokens(query)
    if index is not None:
        ranked = index.rank(terms, FUSION_DEPTH, population, year)
    elif terms and len(pool):
        with closing(sqlite3.connect(":memory:")) as con:
            _fill(con, documents(pool, reports), pool)
            ranked = _rank_con(con, terms, population, year)
    else:
        ranked = []
    hits = prefer_restated(pool, ranked)
    if population is not None or year is not None:  # the restated figure must pass the filters too
        hits = [
            (i, score)
            for i, score in hits
            if (population is None or pool.at[i, "population"] == population)
            and (year is None or (pd.notna(pool.at[i, "year"]) and int(pool.at[i, "year"]) == int(year)))
        ]
    hits = hits[:limit]
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


@lru_cache(maxsize=4)
def _index(root: str, version: str) -> SearchIndex | None:
    """The stored search index of one published version, built on its first query and kept in
    ``cache_dir()`` under the release's content hash; None (search in memory) where it cannot be written."""
    from pipelines.catalogue import reader

    observations, reports = _catalogue(root, version)
    content = str(reader.read_manifest(root, reader.resolve(root, version)).get("content_hash", ""))
    if not content:
        return None
    path = os.path.join(cache_dir(), f"{content.split(':')[-1][:32]}-{index_key()}.sqlite")
    try:
        if os.path.exists(path):
            index = SearchIndex(path)
            if index.rows() == len(observations):
                return index
        return SearchIndex.build(path, observations, reports)
    except (OSError, sqlite3.Error):
        return None


def cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    try:
        observations, reports = _catalogue(str(args.catalogue), args.version)
        index = _index(str(args.catalogue), args.version)
    except LookupError as exc:
        print(f"cxbench search: {exc}", file=sys.stderr)
        return 2
    hits = search(
        observations,
        query,
        reports=reports,
        limit=args.limit,
        population=args.population,
        year=args.year,
        index=index,
    )
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
