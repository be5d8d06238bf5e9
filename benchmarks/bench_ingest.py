"""Ingest benchmarks: decoding accuracy/speed and fetch overhead, as ratios against named peers.

    .venv/bin/python benchmarks/ingest_bench.py

decode: ``decode_text`` (charset-normalizer inside) against the peer "chardet.detect + decode"
on our own sample sentences in the encodings Chinese CX reports come in; correctness counts.
fetch: ``fetch_url`` (streaming, cap, deadline, snapshot write) against the peer "httpx.get" of
the same document from a local server (reused client), to show what the safety costs.
markdown: cleaning pathological Markdown lines (40,000 "[", 10,000 unclosed "**") against the peer
"an ordinary Markdown line of the same length"; a ratio near 1 at every size means linear (the old
regexes took 8-12 s on the first).
bombs: refusing issue 14's twelve disguised PDF bombs against the peer "zlib inflating the same
128 MiB the cap allows", i.e. what the check costs beyond the inflation it cannot avoid.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import httpx
from http_faults import FaultServer, Reply

from pipelines.ingest.fetch import FetchPolicy, fetch_url
from pipelines.ingest.snapshots import SnapshotStore
from pipelines.ingest.sniff import decode_text

HANS = "客户体验指数连续三年下降，只有百分之二十八的企业能够兑现其服务承诺。"
HANT = "客戶體驗指數連續三年下降，只有百分之二十八的企業能夠兌現其服務承諾。"
EN = "Only 28% of companies kept their service promises; the CX index fell for a third year. Café – naïve."
SAMPLES = [
    (HANS, "gbk"),
    (HANS * 40, "gb18030"),
    (HANT, "big5"),
    (HANT * 40, "big5"),
    (f"{EN}\n{HANS}" * 10, "gb18030"),
    (EN, "cp1252"),
    (EN * 20, "cp1252"),
    (f"{EN}\n{HANT}" * 10, "utf-8"),
]


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def chardet_decode(data: bytes) -> str | None:
    import chardet

    guess = chardet.detect(data)["encoding"]
    try:
        return data.decode(guess) if guess else None
    except (UnicodeDecodeError, LookupError):
        return None


def bench_decode() -> None:
    try:
        import chardet  # noqa: F401
    except ImportError:
        print("decode: peer chardet not installed; skipped")
        return
    ours_ok = peer_ok = 0
    ours_t = peer_t = 0.0
    for text, encoding in SAMPLES:
        data = text.encode(encoding)
        ours_ok += decode_text(data) == text
        peer_ok += chardet_decode(data) == text
        ours_t += best_of(lambda data=data: decode_text(data))
        peer_t += best_of(lambda data=data: chardet_decode(data))
    n = len(SAMPLES)
    print(f"decode: decode_text correct {ours_ok}/{n}, chardet.detect+decode correct {peer_ok}/{n}")
    ratio = ours_t / peer_t
    print(f"decode: time decode_text / chardet = {ratio:.2f} ({ours_t * 1e3:.1f} vs {peer_t * 1e3:.1f} ms)")


def bench_fetch() -> None:
    body = b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024)
    with FaultServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.route("/r.pdf", Reply(body=body, headers={"Content-Type": "application/pdf"}))
        url = server.url("/r.pdf")
        store = SnapshotStore(tmp)
        policy = FetchPolicy(conditional=False)
        ours = [
            best_of(lambda: fetch_url(url, report_id="r", store=store, policy=policy), 3) for _ in range(3)
        ]
        with httpx.Client() as client:  # a reused client: the peer pays no per-call TLS setup
            peer = [best_of(lambda client=client: client.get(url).content, 3) for _ in range(3)]
    ours_s, peer_s = statistics.median(ours), statistics.median(peer)
    ratio = ours_s / peer_s
    print(f"fetch 5 MiB: fetch_url / httpx.Client.get = {ratio:.2f} ({ours_s:.3f} vs {peer_s:.3f} s)")


def bench_markdown() -> None:
    from pipelines.parse.text import plain_paragraphs

    sentence = "In 2024, **64%** of [members](https://example.org) said renewals were easy. "
    for n in (10_000, 40_000, 160_000):
        normal = (sentence * (n // len(sentence) + 1))[:n]
        peer = best_of(lambda normal=normal: plain_paragraphs(normal), 3)
        for name, line in (("'[' * n", "[" * n), ("'**a ' * n/4", ("**a " * (n // 4 + 1))[:n])):
            ours = best_of(lambda line=line: plain_paragraphs(line), 3)
            print(f"markdown {name:>12} n={n:>7}: {ours * 1e3:7.1f} ms vs ordinary line {peer * 1e3:6.1f} ms"
                  f" = {ours / peer:.2f}")


def bench_bombs() -> None:
    import zlib

    from bad_inputs import hostile_bomb_pdfs

    from pipelines.errors import ReportError
    from pipelines.ingest.pdf_streams import MAX_INFLATED_BYTES, check_pdf_inflation

    bombs = hostile_bomb_pdfs(1 << 30)
    compressed = zlib.compress(b" " * MAX_INFLATED_BYTES, 9)
    peer = best_of(lambda: zlib.decompress(compressed), 3)
    for name, data in bombs.items():
        def refuse(data: bytes = data, name: str = name) -> None:
            try:
                check_pdf_inflation(data)
            except ReportError:
                return
            raise AssertionError(f"{name} was not refused")

        ours = best_of(refuse, 3)
        print(f"bombs {name:22} ({len(data) / 1024:6.0f} KiB -> 1 GiB): refused in {ours:.2f} s; "
              f"ratio to zlib inflating 128 MiB {ours / peer:.2f}")


if __name__ == "__main__":
    bench_decode()
    bench_fetch()
    bench_markdown()
    bench_bombs()
