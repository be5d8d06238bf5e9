"""Catalogue speed: the content hash against its peers, and a whole publish, on synthetic rows.

Run: .venv/bin/python benchmarks/bench_catalogue.py [N_OBSERVATIONS]
Prints seconds and ratios against the named peer measured in the same run.
"""

from __future__ import annotations

import hashlib
import io
import sys
import tempfile
import time

import pandas as pd
import pyarrow.csv as pacsv

from pipelines.catalogue import publish
from pipelines.catalogue.frames import content_hash, parquet_bytes, to_arrow
from pipelines.schema import OBSERVATIONS


def synthetic(n: int) -> dict[str, pd.DataFrame]:
    reports = pd.DataFrame(
        {
            "report_id": [f"r{i:04d}" for i in range(n // 100 + 1)],
            "language": "en",
            "format": "pdf",
            "content_sha256": "ab" * 32,
            "n_observations": 100,
        }
    )
    observations = pd.DataFrame(
        {
            "observation_id": [f"o{i:07d}" for i in range(n)],
            "report_id": [f"r{i // 100:04d}" for i in range(n)],
            "source": "text",
            "value": [float(i % 97) for i in range(n)],
            "unit": "percent",
            "kind": "level",
            "qualifier": "=",
            "period": "current",
            "stated_as": [f"{i % 97}%" for i in range(n)],
            "quote": [f"About {i % 97}% of customers in survey wave {i} said they were satisfied." for i in range(n)],
            "language": "en",
            "page": [i % 40 + 1 for i in range(n)],
        }
    )
    cells = pd.DataFrame(
        {
            "report_id": [f"r{i // 200:04d}" for i in range(2 * n)],
            "table_id": "t1",
            "row": [(i % 200) // 4 for i in range(2 * n)],
            "col": [i % 4 for i in range(2 * n)],
            "text": [f"{i % 97}%" for i in range(2 * n)],
            "is_header": False,
        }
    )
    return {"reports": reports, "observations": observations, "tables": cells}


def timed(label: str, fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:8.3f} s")
    return seconds


def main(n: int) -> None:
    frames = synthetic(n)
    table = to_arrow(frames["observations"], OBSERVATIONS)
    print(f"{n} observations, {2 * n} table cells")
    peer = timed(
        "peer: sha256 of Parquet bytes (incl. writing)",
        lambda: hashlib.sha256(parquet_bytes(table, OBSERVATIONS)),
    )

    def csv_hash() -> None:
        sink = io.BytesIO()
        pacsv.write_csv(table, sink)
        hashlib.sha256(sink.getvalue())

    csv = timed("alt: sha256 of pyarrow CSV", csv_hash)
    ours = timed("ours: canonical JSON per column content hash", content_hash, table, OBSERVATIONS)
    print(f"content hash / Parquet-bytes peer: {ours / peer:.2f}x; CSV / peer: {csv / peer:.2f}x")
    with tempfile.TemporaryDirectory() as root:
        args = {"validation": {}, "build_info": {}, "sources": []}
        first = timed("publish 1.0.0 (first: no diff)", lambda: publish(root, frames, **args))
        frames["observations"].loc[5, "value"] = 99.0
        patch = timed("publish patch (one value changed)", lambda: publish(root, frames, **args))
        same = timed("publish unchanged (no new version)", lambda: publish(root, frames, **args))
        print(f"patch / first: {patch / first:.2f}x; unchanged / first: {same / first:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
