"""Extraction throughput on a large corpus, against a bare regex scan and quantulum3, in one run.

Prints characters per second per core for cxbench's ``extract_figures`` (and, separately,
``clean_document``), for the bare ``re.finditer(r"\\d+(\\.\\d+)?\\s*%")`` scan (the ceiling: it reads
nothing but digits and percent signs) and for quantulum3 parsing sentence by sentence (the
best-known general quantity extractor), with ratios. Per core means CPU seconds of this process
(``time.process_time``): the machine is shared, and wall time would charge other jobs to us.

One corpus for all three: the project's dev-set documents (tests/data/figures_dev, written for
the project, chrome and non-figures included) interleaved with this module's sentences, repeated
to the asked size. quantulum3 is too slow for all of it, so it and ``extract_figures`` are also
timed on the same evenly spaced sample of the corpus's lines; the quantulum3 ratio uses that sample.

Old against new: the extractor as it stood before the issue-16 restructuring (``FROZEN_COMMIT``) is
exported from git into a temporary folder (``git archive FROZEN_COMMIT pipelines``; no second copy
lives in the tree) and timed in its own interpreter on the same corpus as the tree's extractor, in
interleaved rounds (``old_against_new``): the restructured extractor must keep >= 0.95x its speed,
judged on the median of the paired ratios. Skipped with one line where the git history is absent.

    .venv/bin/python -m benchmarks.bench_figures [--mb 4] [--rounds 40] [--ab-mb 1] [--old-new-only]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.figures import clean_document, extract_figures

SENTENCES_ZH = (
    "今年的調查顯示,近三分之二(63%)的企業表示希望“提升客戶留存”,比去年的 58% 有所上升。",
    "只有 12% 的受訪者認為團隊“配合默契”,而超過五分之四的企業認為數字體驗“非常重要”(81%)。",
    "使用聊天機器人的企業比例從 25% 增長到 31%,增加了 6 個百分點,平均響應時間縮短到 20 秒。",
    "我们调查了 2300 多名消费者,约 45% 的人表示愿意分享数据,不到四分之一(22%)的人表示反对。",
    "客户满意度上升了 7%,净推荐值提高了 3 个点,这种可能性大约是对照组的 1.8 倍。",
    "在过去一年中,品牌在客户体验方面投入了大量资源,但很多团队仍然缺乏统一的数据平台和清晰的衡量方法。",
)
SENTENCES_EN = (
    "Nearly two-thirds (64%) of leaders rated personalisation \"very important\", up 5 points from last year.",
    "Only 18% said their tools work well, compared with 22% in the previous survey.",
    "About one in five shoppers (21%) abandoned a purchase after a slow reply, a 3-point decline.",
    "Teams with unified data were 2.5 times more likely to beat targets; more than 1,200 respondents took part.",
    "Most organisations still struggle to connect journeys across channels, and few measure the value of service.",
)
PROSE = (
    "數字體驗團隊需要與市場、銷售和客服部門緊密合作,才能在每一個接觸點上兌現品牌承諾。",
    "许多企业仍在整合分散的系统,希望把客户旅程中的每一次互动都连接起来,形成完整的客户视图。",
    "Leaders describe a steady shift from channel metrics toward measures of the whole customer journey.",
    "Teams that share one view of the customer find it easier to decide what to fix first and why.",
)
# Figure density of the shared corpus as cleaned (about one figure per 100 characters); the
# benchmark mixes prose in to match it, so its chars/s speak for real reports.
PROSE_REPEATS = 4
BARE = re.compile(r"\d+(\.\d+)?\s*%")
ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT / "tests" / "data" / "figures_dev"
# The extractor before the issue-16 restructuring (rules split into resolvers and lexicons): the peer
# the restructured one is timed against.
FROZEN_COMMIT = "05d840e53552345ecd9ae4a2b3c3df4ab441dd9b"
# A long-lived worker whose ``pipelines`` is either the tree's or the exported old one: it cleans the
# corpus (untimed), extracts once to warm up (lexicons compiled, caches filled), prints its figure count
# and module path, then times one extraction for every line it reads and prints the CPU seconds.
_WORKER = """
import json, sys, time
import pipelines.figures
from pipelines.figures import clean_document, extract_figures
corpus = open(sys.argv[1], encoding="utf-8").read()
doc = clean_document([corpus], [None], "text")
figures = extract_figures(doc, 2024, "zh-Hant")
print(json.dumps({"figures": len(figures), "module": pipelines.figures.__file__}), flush=True)
for _ in sys.stdin:
    t0 = time.process_time()
    extract_figures(doc, 2024, "zh-Hant")
    print(time.process_time() - t0, flush=True)
"""


def dev_documents() -> list[str]:
    """The dev set's plain-text and Markdown documents (HTML needs the parser, which is not timed here)."""
    return [p.read_text(encoding="utf-8") for p in sorted(DEV_SET.glob("*")) if p.suffix in (".txt", ".md")]


def build_corpus(target_chars: int) -> str:
    """Dev-set documents and synthetic paragraphs, alternating, about ``target_chars`` long."""
    prose = "".join(PROSE) * PROSE_REPEATS
    paragraph = "\n".join(("".join(SENTENCES_ZH), prose, " ".join(SENTENCES_EN), prose, "客戶體驗指標", "Key findings"))
    block = "\n".join(part for doc in dev_documents() for part in (doc.strip(), paragraph)) or paragraph
    reps = max(1, target_chars // (len(block) + 1))
    return "\n".join([block] * reps)


def sample_lines(corpus: str, n: int) -> list[str]:
    """``n`` evenly spaced non-empty lines of the corpus: the shared sample for the slow peer."""
    lines = [line for line in corpus.splitlines() if line.strip()]
    step = max(1, len(lines) // max(1, n))
    return lines[::step][:n]


def rate(chars: int, seconds: float) -> float:
    return chars / seconds if seconds > 0 else float("inf")


def timed(fn, *args):
    """(result, CPU seconds of this process) for one call."""
    t0 = time.process_time()
    result = fn(*args)
    return result, time.process_time() - t0


class _Worker:
    """One extractor in its own interpreter (``pythonpath`` picks which ``pipelines``), timed on demand."""

    def __init__(self, pythonpath: str, corpus_file: str, cwd: str) -> None:
        env = {**os.environ, "PYTHONPATH": pythonpath}
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER, corpus_file], env=env, cwd=cwd, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.info = json.loads(self._line())

    def _line(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"figure bench worker exited with {self.proc.wait()}")
        return line

    def time_once(self) -> float:
        """CPU seconds of one extraction of the corpus."""
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        return float(self._line())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def old_against_new(corpus: str, rounds: int) -> None:
    """Time the frozen old extractor against the tree's on ``corpus``: interleaved rounds, median paired ratio.

    Each extractor runs in its own long-lived interpreter (no import or warm-up in the timings). A
    round times one extraction of each back to back, the order alternating from round to round
    (old-new, new-old, ...) so that neither always runs first after the other's cache traffic; the
    ratio of a round is old seconds / new seconds. On a shared machine the load changes between
    rounds, not within one, so the median of those paired ratios is the verdict, printed with its
    spread (lowest, quartiles, highest).
    """
    have = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{FROZEN_COMMIT}^{{commit}}"],
                          capture_output=True, check=False)
    if have.returncode != 0:
        print(f"old extractor ({FROZEN_COMMIT[:7]}): skipped, no git history here to export it from")
        return
    with tempfile.TemporaryDirectory() as tmp:
        old_root = Path(tmp) / "old"
        old_root.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", FROZEN_COMMIT, "pipelines"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old_root)], input=archive, check=True)
        corpus_file = Path(tmp) / "corpus.txt"
        corpus_file.write_text(corpus, encoding="utf-8")
        old = _Worker(str(old_root), str(corpus_file), str(old_root))
        new = _Worker(str(ROOT), str(corpus_file), str(ROOT))
        try:
            if not old.info["module"].startswith(str(old_root)):
                raise RuntimeError(f"the old extractor was not the exported one: {old.info['module']}")
            load_before = os.getloadavg()[0]
            t_old, t_new = [], []
            for i in range(rounds):
                if i % 2 == 0:
                    t_old.append(old.time_once())
                    t_new.append(new.time_once())
                else:
                    t_new.append(new.time_once())
                    t_old.append(old.time_once())
        finally:
            old.close()
            new.close()
    n = len(corpus)
    ratios = sorted(o / w for o, w in zip(t_old, t_new, strict=True))
    median = statistics.median(ratios)
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [median, median, median]
    print(f"old extractor {FROZEN_COMMIT[:7]}  : {rate(n, statistics.median(t_old)):>14,.0f} chars/s/core median "
          f"({rate(n, min(t_old)):,.0f} best; {old.info['figures']:,} figures)")
    print(f"restructured extractor  : {rate(n, statistics.median(t_new)):>14,.0f} chars/s/core median "
          f"({rate(n, min(t_new)):,.0f} best; {new.info['figures']:,} figures)")
    print(f"ratio restructured / old   : {median:.3f} median of {rounds} interleaved rounds (spread {ratios[0]:.3f} "
          f"| {quartiles[0]:.3f} {quartiles[2]:.3f} | {ratios[-1]:.3f}), {min(t_old) / min(t_new):.3f} best "
          f"against best; load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"target >= 0.95 on the median: {'met' if median >= 0.95 else 'NOT met'}")


def main() -> int:
    ap = argparse.ArgumentParser(description="figure extraction throughput")
    ap.add_argument("--mb", type=float, default=4.0, help="corpus size in millions of characters")
    ap.add_argument("--quantulum-sentences", type=int, default=300, help="lines of the corpus given to quantulum3")
    ap.add_argument("--rounds", type=int, default=40, help="interleaved rounds of the old-against-new timing")
    ap.add_argument("--ab-mb", type=float, default=1.0,
                    help="corpus size of the old-against-new timing, millions of characters (the same blocks repeated "
                         "fewer times: short rounds pair old and new under the same load)")
    ap.add_argument("--old-new-only", action="store_true", help="only the old-against-new timing (skip the peers)")
    args = ap.parse_args()
    corpus = build_corpus(int(args.mb * 1_000_000))
    n = len(corpus)
    ab_corpus = build_corpus(int(args.ab_mb * 1_000_000))
    if args.old_new_only:
        old_against_new(ab_corpus, args.rounds)
        return 0

    doc, t_clean = timed(clean_document, [corpus], [None], "text")
    figures, t_extract = timed(extract_figures, doc, 2024, "zh-Hant")
    bare_hits, t_bare = timed(lambda text: sum(1 for _ in BARE.finditer(text)), corpus)

    from quantulum3 import parser as qparser  # imported late: loading its models takes seconds

    sample = sample_lines(corpus, args.quantulum_sentences)
    q_chars = sum(len(s) for s in sample)
    _, t_quant = timed(lambda lines: [qparser.parse(line) for line in lines], sample)
    sample_doc = clean_document(["\n".join(sample)], [None], "text")
    _, t_extract_sample = timed(extract_figures, sample_doc, 2024, "zh-Hant")

    r_extract, r_clean = rate(n, t_extract), rate(n, t_clean)
    r_bare, r_quant = rate(n, t_bare), rate(q_chars, t_quant)
    r_extract_sample = rate(len(sample_doc.text), t_extract_sample)
    print(f"corpus: {n:,} characters, {len(figures):,} figures, one per {n / max(1, len(figures)):.0f} characters "
          f"(bare regex: {bare_hits:,} hits)")
    print(f"cxbench extract_figures : {r_extract:>14,.0f} chars/s/core")
    print(f"cxbench clean_document  : {r_clean:>14,.0f} chars/s/core")
    print(f"cxbench clean + extract : {rate(n, t_clean + t_extract):>14,.0f} chars/s/core")
    print(f"bare regex scan         : {r_bare:>14,.0f} chars/s/core")
    print(f"quantulum3 per sentence : {r_quant:>14,.0f} chars/s/core ({len(sample)} corpus lines, {q_chars:,} chars)")
    print(f"extract on that sample  : {r_extract_sample:>14,.0f} chars/s/core")
    print(f"ratio extract / bare regex : {r_extract / r_bare:.4f}")
    print(f"ratio extract / quantulum3 : {r_extract_sample / r_quant:.1f}x (same sample)")
    print(f"target 1,000,000 chars/s/core: {'met' if r_extract >= 1_000_000 else 'NOT met'}")
    old_against_new(ab_corpus, args.rounds)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
