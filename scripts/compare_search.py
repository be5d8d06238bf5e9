"""Compare ranking libraries for ``cxbench search`` on the analyst questions: hit@3 and time.

Every engine ranks the same documents (``pipelines.search.documents``: stems, CJK bigrams, glossary
concepts) for the same query tokens, so the comparison is of the ranking library alone:

- ``sqlite-fts5``: the standard library's FTS5 ``bm25()`` (concepts as a second column), as
  ``pipelines.search.rank`` uses it (with its rank fusion);
- ``bm25s``: bm25s (sparse-matrix BM25), one document of body and concept tokens;
- ``rank-bm25``: rank_bm25's BM25Okapi, same documents as bm25s.

bm25s and rank-bm25 are not project dependencies: install them in a scratch environment and put it
on PYTHONPATH to include them; an engine that cannot be imported is reported as such.
DuckDB's full-text search was not a candidate: its ``fts`` extension is downloaded at first use,
which a machine without internet access cannot do.

    .venv/bin/python scripts/compare_search.py CATALOGUE_ROOT
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines import search as S  # noqa: E402
from scripts.search_questions import QUESTIONS, answers  # noqa: E402


def _flat(docs):
    return [d.body + d.concepts + d.context for d in docs]


def engine_fts5(docs):
    """FTS5 builds its index per call, as ``cxbench search`` does (the build is in query_ms)."""
    return lambda query, depth: S._fts(docs, [query], depth)[0]


def _top(scores, depth):
    return [i for i in sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:depth] if scores[i] > 0]


def engine_bm25s(docs):
    import bm25s

    corpus = _flat(docs)
    vocab = {t: i for i, t in enumerate(sorted({t for d in corpus for t in d}))}
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenization.Tokenized(ids=[[vocab[t] for t in d] for d in corpus], vocab=vocab), show_progress=False
    )

    def run(query, depth):
        ids = [vocab[t] for t in dict.fromkeys(query) if t in vocab]
        return _top(retriever.get_scores(ids), depth) if ids else []

    return run


def engine_rank_bm25(docs):
    from rank_bm25 import BM25Okapi

    model = BM25Okapi(_flat(docs))
    return lambda query, depth: _top(model.get_scores(list(dict.fromkeys(query))), depth) if query else []


ENGINES = {"sqlite-fts5": engine_fts5, "bm25s": engine_bm25s, "rank-bm25": engine_rank_bm25}


def fused(run, query, k):
    """``pipelines.search.rank``'s reciprocal rank fusion, over any engine."""
    scores: dict[int, float] = {}
    for query_ in (query, S.language_neutral(query)):
        for position, i in enumerate(run(query_, S.FUSION_DEPTH)):
            scores[i] = scores.get(i, 0.0) + 1.0 / (S.FUSION_K + position + 1)
    return sorted(scores, key=lambda i: (-scores[i], i))[:k]


def compare(root: str) -> dict:
    observations, reports = S._catalogue(root, "latest")
    observations = observations.reset_index(drop=True)
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    source_files = dict(zip(reports["report_id"], reports["source_file"], strict=False))
    t0 = time.perf_counter()
    docs = S.documents(observations, reports)
    queries = [S.query_tokens(q["query"]) for q in questions]
    out: dict = {"documents": len(docs), "tokenise_s": round(time.perf_counter() - t0, 3)}
    for name, make in ENGINES.items():
        try:
            t0 = time.perf_counter()
            run = make(docs)
            built = time.perf_counter() - t0
        except ImportError as exc:
            out[name] = f"not installed ({exc.name})"
            continue
        t0 = time.perf_counter()
        result = {"index_s": round(built, 4)}
        for mode, ranked_by in (
            ("plain", lambda q, run=run: run(q, 3)),
            ("fused", lambda q, run=run: fused(run, q, 3)),
        ):
            hits, groups = 0, {"corpus": [0, 0], "pdf": [0, 0]}
            t0 = time.perf_counter()
            for q, query in zip(questions, queries, strict=True):
                rows = observations.iloc[ranked_by(query)].to_dict("records")
                ok = answers(q, rows, source_files) is not None
                g = groups["pdf" if q["doc"].endswith(".pdf") else "corpus"]
                g[0] += ok
                g[1] += 1
                hits += ok
            result[mode] = {
                "hit_at_3": round(hits / len(questions), 4),
                "by_group": {k: f"{a}/{b}" for k, (a, b) in groups.items()},
                "query_ms": round((time.perf_counter() - t0) / len(questions) * 1000, 2),
            }
        out[name] = result
    return out


if __name__ == "__main__":
    print(json.dumps(compare(sys.argv[1]), indent=1))
