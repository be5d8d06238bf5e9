"""Semantics and search on N synthetic figures: throughput against named peers in the same run.

- ``annotate`` (pipelines.semantics) against its floor, ``matching_copy`` of every quote (the
  folding every rule reads): the ratio is what the rules cost on top of reading the text once.
- ``search`` (tokenise, FTS5 index and BM25 with rank fusion) against the substring scan the
  catalogue used before (pandas ``str.contains`` over quote and label, both scripts): the ratio is
  what ranking, fuzziness and bilingual matching cost per query.

Sentences are drawn from the glossary's English phrases and Chinese terms, so both languages and
every topic occur. Targets at 2,000 figures: under 5 ms of annotation per figure and under 2 s per
query. ``cxbench search`` stores the index once per published version (``SearchIndex``, keyed by
the release's content hash); the benchmark times the one-off build, a query on the stored index
and, as the peer, a query that builds its index first (what every query cost before).

    .venv/bin/python benchmarks/bench_search.py [n_rows]   (default 2,000)
"""

from __future__ import annotations

import random
import sys
import time

import pandas as pd

from pipelines.figures.normalise import matching_copy
from pipelines.search import SearchIndex, documents, query_tokens, rank
from pipelines.semantics import annotate
from pipelines.semantics.lexicon import load

QUERIES = ("consumers satisfied with customer service", "消费者 个性化 体验", "trust personal data privacy law")
TARGET_MS_PER_ROW, TARGET_S_PER_QUERY = 5.0, 2.0


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    rng = random.Random(seed)
    terms = list(load("glossary")["terms"].items())
    rows = []
    for i in range(n):
        zh = i % 2 == 0
        words = [t[0] if zh else t[1] for t in rng.sample(terms, 10)]
        figure = f"{rng.randint(1, 99)}%"
        words.insert(3, f"{figure} 的" if zh else f"{figure} of")
        quote = ("".join(words) + "。") if zh else (" ".join(words).capitalize() + ".")
        rows.append(
            {
                "observation_id": f"o{i:07d}",
                "report_id": f"r{i // 200:04d}",
                "source": "text",
                "value": float(figure[:-1]),
                "unit": "percent",
                "kind": "level",
                "qualifier": "=",
                "period": "current",
                "year": 2024,
                "stated_as": figure,
                "label": None,
                "quote": quote,
                "section": None,
                "page": None,
                "char_start": 100 * i,
                "char_end": 100 * i + len(figure),
                "table_id": None,
                "row_label": None,
                "column_label": None,
                "language": "zh-Hans" if zh else "en",
            }
        )
    return pd.DataFrame(rows)


def substring_scan(observations: pd.DataFrame, query: str) -> pd.DataFrame:
    """The peer: what ``cxbench search`` did before, a case-folded substring test in both scripts."""
    import opencc

    hay = (observations["quote"].fillna("") + "\n" + observations["label"].fillna("")).str.casefold()
    mask = pd.Series(False, index=observations.index)
    for needle in {query, opencc.OpenCC("s2t").convert(query), opencc.OpenCC("t2s").convert(query)}:
        mask |= hay.str.contains(needle.casefold(), regex=False)
    return observations[mask]


def main(n: int) -> int:
    frame = synthetic(n)
    t0 = time.perf_counter()
    for quote in frame["quote"]:
        matching_copy(quote)
    fold_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    annotated = annotate(frame)
    annotate_s = time.perf_counter() - t0
    per_row_ms = annotate_s / n * 1000
    print(
        f"annotate {n} rows: {annotate_s:.2f} s ({per_row_ms:.3f} ms/row); matching_copy alone {fold_s:.2f} s; "
        f"ratio {annotate_s / fold_s:.1f}x"
    )
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        index = SearchIndex.build(Path(tmp) / "index.sqlite", annotated)
        print(f"index build (once per published version): {time.perf_counter() - t0:.2f} s")
        worst = 0.0
        for query in QUERIES:
            t0 = time.perf_counter()
            hits = index.rank(query_tokens(query), 10)
            stored_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            rebuilt = rank(documents(annotated), query_tokens(query), 10)
            rebuilt_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            scanned = substring_scan(annotated, query)
            scan_s = time.perf_counter() - t0
            assert [i for i, _ in hits] == [i for i, _ in rebuilt], "stored and per-query index rank alike"
            worst = max(worst, stored_s)
            print(
                f"search {query!r}: stored index {stored_s * 1000:.1f} ms, {len(hits)} hits; index built per "
                f"query {rebuilt_s:.2f} s (ratio {rebuilt_s / stored_s:.0f}x); substring scan {scan_s * 1000:.1f} ms, "
                f"{len(scanned)} hits (ratio {stored_s / scan_s:.2f}x)"
            )
    ok = per_row_ms <= TARGET_MS_PER_ROW and worst <= TARGET_S_PER_QUERY
    print(f"targets: {TARGET_MS_PER_ROW} ms/row, {TARGET_S_PER_QUERY} s/query: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000))
