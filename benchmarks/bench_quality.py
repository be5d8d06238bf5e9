"""Quality gate on a 1,000,000-row observations table: wall time against plain pandas.

Peer: the same row rules evaluated directly with pandas (one vectorised mask per rule) plus the
same relational checks, on the same frames in the same run. The ratio says what Great Expectations'
bookkeeping costs on top of the arithmetic. Target for the gate: under 10 s here.

Also timed: ``quarantine.split`` on the same frames with 0.1% of the observations made odd (what
runs before the gate in a build), as a share of the gate's time.

    .venv/bin/python benchmarks/bench_quality.py [n_rows]
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from pipelines.quality import run_gate
from pipelines.quality.quarantine import split
from pipelines.quality.relational import RELATIONAL_CHECKS, GateInputs
from pipelines.quality.rules import Rule, all_rules
from pipelines.quality.synthetic import release_frames

TARGET_S = 10.0


def pandas_rule_failures(rule: Rule, frame: pd.DataFrame) -> int:
    """The number of rows breaking ``rule``, computed with plain pandas (the benchmark's peer).

    Row-level rules use ``Rule.violations``, the pandas reading the quarantine uses (a test checks
    it agrees with GX); the dataset-level ones are counted here.
    """
    if rule.row_level:
        return int(rule.violations(frame).sum())
    kw = rule.kwargs
    if rule.expectation == "expect_table_columns_to_match_set":
        return int(set(frame.columns) != set(kw["column_set"]))
    if rule.expectation == "expect_compound_columns_to_be_unique":
        return int(frame.duplicated(kw["column_list"], keep=False).sum())
    column = frame[kw["column"]]
    if rule.expectation == "expect_column_values_to_not_be_null":
        return int(column.isna().sum())
    if rule.expectation == "expect_column_values_to_be_unique":
        bad = column.duplicated(keep=False)
    elif rule.expectation == "expect_column_values_to_be_in_set":
        bad = ~column.isin(kw["value_set"])
    else:
        raise NotImplementedError(rule.expectation)
    return int((column.notna() & bad.fillna(False).astype(bool)).sum())


def pandas_peer(frames: dict[str, pd.DataFrame]) -> int:
    failures = sum(pandas_rule_failures(rule, frames[rule.dataset]) for rule in all_rules())
    inputs = GateInputs(frames, None, frozenset(), 0.5)
    return failures + sum(not check.run(inputs, check).success for check in RELATIONAL_CHECKS)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    clock = time.perf_counter()
    run_gate(release_frames(200, 4))  # imports GX and builds its context: paid once per process
    warmup = time.perf_counter() - clock

    frames = release_frames(n_observations=n, n_reports=500)
    clock = time.perf_counter()
    result = run_gate(frames)
    gate = time.perf_counter() - clock
    assert result.success, result.summary()

    clock = time.perf_counter()
    assert pandas_peer(frames) == 0
    peer = time.perf_counter() - clock

    odd = {name: frame.copy() for name, frame in frames.items()}
    picked = odd["observations"].sample(frac=0.001, random_state=1).index
    odd["observations"].loc[picked, ["unit", "kind", "value"]] = ["percent", "level", 150.0]
    clock = time.perf_counter()
    kept, quarantine = split(odd)
    quarantined = time.perf_counter() - clock
    assert len(quarantine) == len(picked) and len(kept["observations"]) == n - len(picked)

    rows = {name: len(frame) for name, frame in frames.items()}
    print(f"bench_quality: rows {rows}, {len(result.results)} checks")
    print(f"  GX import + context (once per process): {warmup:6.2f} s")
    print(f"  run_gate (GX suites + pandas checks):   {gate:6.2f} s   target < {TARGET_S:.0f} s")
    print(f"  peer, plain pandas, same checks:        {peer:6.2f} s")
    print(f"  ratio gate / plain pandas:              {gate / peer:6.1f}x")
    print(f"  quarantine.split ({len(quarantine)} rows held back): {quarantined:6.2f} s"
          f" = {quarantined / gate:.2f}x the gate")
    print(f"  {'PASS' if gate < TARGET_S else 'SLOWER THAN TARGET'}")


if __name__ == "__main__":
    main()
