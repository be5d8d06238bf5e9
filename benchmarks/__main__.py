"""``make bench``: run every benchmark in turn, each in its own process, and say how long each took.

    python -m benchmarks                 # all of them (the soak and the 1,000-report scale runs take a while)
    python -m benchmarks figures pdf     # only these
    python -m benchmarks --quick         # smaller sizes, for a first look

Speed targets live here, not in unit tests: these machines are shared and noisy, so every
benchmark reports a ratio against a peer measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
import time

# name -> (arguments, quick arguments)
BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    "figures": (["--mb", "4"], ["--mb", "1", "--quantulum-sentences", "100"]),
    "pdf": ([], ["--limit", "12"]),
    "ingest": ([], []),
    "quality": (["1000000"], ["200000"]),
    "catalogue": ([], []),
    "scale": (["--n", "1000"], ["--n", "100"]),
    "soak": (["--runs", "20"], ["--runs", "3"]),
    "search": (["2000"], ["500"]),
}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    chosen = [a for a in argv if not a.startswith("-")] or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = []
    for name in chosen:
        full, small = BENCHMARKS[name]
        args = small if quick else full
        print(f"\n=== {name} {' '.join(args)}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.bench_{name}", *args])
        print(f"=== {name}: exit {code} in {time.perf_counter() - started:.1f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
