"""Soak benchmark: the whole pipeline, run after run, over a corpus that keeps changing and faulting.

    .venv/bin/python benchmarks/bench_soak.py [--runs 20]

Each run is a real Dagster build (``launch_build``) over the quick bundled reports, generated
reports and URL sources on a fault-injecting server on 127.0.0.1. Between runs the corpus is
mutated: a report is added or edited, a bad file dropped in or removed, and the URL sources
toggle between serving, 500s, 404s and a stall. The hostile inputs of issue 14 come and go too: a
disguised PDF bomb, a file named in Chinese, a symlink loop, registry entries with an int file and
an alias bomb, a stacked-gzip URL, a redirect to a private address, and a stored snapshot with one
byte flipped. So do the run-level faults: a stored extract truncated in the work store (it must be
extracted again), two ``cxbench run`` started at once (one builds, the other waits and says nothing
changed), and a catalogue folder made read-only for a run (``cxbench run`` must refuse in one line;
the next run publishes). After every run each version ever published must still exist and verify;
one that does not is a lost release (target: zero).

Printed: runs completed, releases published, reports published, failures recorded, releases
lost, and seconds per run as a ratio against the named peer "unchanged rerun" (the same build
with nothing to recompute, launched with ``full=True``: without it the no-change check answers
without a run), measured in the same process.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import gzip

import yaml
from bad_inputs import (
    EN_REPORT,
    FAST_FETCH_ENV,
    HANS_REPORT,
    environ_with,
    hostile_bomb_pdfs,
    nested_alias_bomb,
    restore_environ,
)
from http_faults import FaultServer, Reply, redirect

from pipelines.catalogue.reader import verify_folder
from pipelines.catalogue.storage import Store
from pipelines.source_changes import work_dir_for

PROJECT = Path(__file__).resolve().parents[1]
QUICK = ("*.txt", "*.md", "*.html")


def report_text(n: int, value: int) -> str:
    return f"Member Service Review {n}\n\nIn 2024, {value}% of members said renewals were easy, up from {value - 6}%.\n"


class Corpus:
    """The sources folder and fault server of one soak, and the mutations applied between runs."""

    def __init__(self, folder: Path, server: FaultServer, seed: int = 8, snapshots: Path | None = None) -> None:
        self.folder, self.server, self.rng, self.snapshots = folder, server, random.Random(seed), snapshots
        folder.mkdir(parents=True)
        for pattern in QUICK:
            for path in (PROJECT / "sources").glob(pattern):
                shutil.copy(path, folder / path.name)
        registry = yaml.safe_load((PROJECT / "sources" / "registry.yaml").read_text(encoding="utf-8"))
        self.entries = list(registry["reports"])
        self.generated = 0
        self.urls = {name: {"id": f"url-{name}", "url": ""} for name in ("flaky", "sometimes-gone", "stalling")}
        self.entries += list(self.urls.values())
        self.hostile_entries: list[dict] = []
        self.truncated = ""  # the stored extract the last mutation truncated
        self.bomb = hostile_bomb_pdfs(200 << 20)["bomb-lzw"]
        self.serve_all(0)
        self.add_report()
        self.write_registry()

    def write_registry(self) -> None:
        reports = self.entries + self.hostile_entries
        (self.folder / "registry.yaml").write_text(yaml.safe_dump({"reports": reports}, allow_unicode=True))

    def add_hostile(self, run: int) -> str:
        """Issue 14's hostile inputs, all at once: each must be one recorded failure (or, for the
        Chinese name and the damaged snapshot, publish as before)."""
        (self.folder / "bomb-lzw.pdf").write_bytes(self.bomb)
        (self.folder / "报告.txt").write_text(HANS_REPORT, encoding="utf-8")
        loop_a, loop_b = self.folder / "loop-a.txt", self.folder / "loop-b.txt"
        if not loop_a.is_symlink():
            loop_a.symlink_to(loop_b)
            loop_b.symlink_to(loop_a)
        stacked = gzip.compress(gzip.compress(b" " * (64 << 20), 9), 9)
        self.server.route(f"/stacked-{run}.txt", Reply(body=stacked, headers={"Content-Encoding": "gzip, gzip"}))
        self.server.route(f"/private-{run}.txt", redirect("http://169.254.169.254/latest/meta-data/"))
        self.hostile_entries = [
            {"id": "int-file", "file": 2024},
            {"id": "alias-bomb", "file": "报告.txt", "title": nested_alias_bomb()},
            {"id": "stacked-gzip", "url": self.server.url(f"/stacked-{run}.txt")},
            {"id": "private-redirect", "url": self.server.url(f"/private-{run}.txt")},
        ]
        return "hostile inputs dropped in; " + self.corrupt_a_snapshot()

    def remove_hostile(self) -> str:
        for name in ("bomb-lzw.pdf", "报告.txt", "loop-a.txt", "loop-b.txt"):
            (self.folder / name).unlink(missing_ok=True)
        self.hostile_entries = []
        return "hostile inputs removed; " + self.corrupt_a_snapshot()

    def corrupt_a_snapshot(self) -> str:
        """Flip one byte of a stored snapshot (same size): the next run must re-read its source."""
        blobs = sorted(p for p in (self.snapshots or Path("/nonexistent")).glob("??/*") if p.is_file())
        if not blobs:
            return "no snapshot to damage"
        blob = self.rng.choice(blobs)
        data = bytearray(blob.read_bytes())
        data[len(data) // 2] ^= 0x01
        blob.chmod(0o644)
        blob.write_bytes(bytes(data))
        return f"one byte flipped in snapshot {blob.name[:12]}"

    def truncate_an_extract(self) -> str:
        """Cut a stored extract in half (a full disk, a killed copy): the next run must extract it again."""
        extracts = sorted((work_dir_for(self.folder) / "extracts").glob("*.pkl"))
        if not extracts:
            return "no stored extract to truncate"
        victim = self.rng.choice(extracts)
        os.truncate(victim, victim.stat().st_size // 2)
        self.truncated = victim.stem
        return f"stored extract {victim.stem} truncated"

    def serve(self, name: str, run: int, *replies: Reply) -> None:
        """Script a URL source afresh. Fetched URLs are reused until their address changes (runs
        re-fetch only with ``refetch_urls``), so each toggle gets a new address in the registry."""
        path = f"/{name}-{run}.txt"
        self.server.route(path, *replies)
        self.urls[name]["url"] = self.server.url(path)

    def serve_all(self, run: int) -> None:
        for name in self.urls:
            self.serve(name, run, Reply(body=EN_REPORT.encode(), headers={"Content-Type": "text/plain"}))

    def add_report(self) -> str:
        self.generated += 1
        (self.folder / f"generated-{self.generated}.txt").write_text(report_text(self.generated, 40 + self.generated))
        return f"added generated-{self.generated}"

    def mutate(self, run: int) -> str:
        """One change per run, cycling through the kinds a real sources folder and the web produce."""
        body = EN_REPORT.encode()
        kind = run % 7
        if kind == 0:
            change = self.add_report()
        elif kind == 1:
            n = self.rng.randint(1, self.generated)
            (self.folder / f"generated-{n}.txt").write_text(report_text(n, self.rng.randint(20, 90)))
            change = f"edited generated-{n}; " + self.truncate_an_extract()
        elif kind == 2:
            (self.folder / "junk.pdf").write_bytes(self.rng.randbytes(2048))
            self.serve("flaky", run, Reply(500), Reply(body=body))
            self.serve("sometimes-gone", run, Reply(404))
            change = "junk.pdf dropped in; flaky 500 once; sometimes-gone 404"
        elif kind == 3:
            (self.folder / "junk.pdf").unlink(missing_ok=True)
            self.serve("stalling", run, Reply(body=body, stall=30))
            self.serve("flaky", run, Reply(500))
            change = "junk.pdf removed; stalling stalls; flaky always 500"
        elif kind == 4:
            self.serve_all(run)
            change = "every URL serves again"
        elif kind == 5:
            change = self.add_hostile(run)
        else:
            change = self.remove_hostile()
        self.write_registry()
        return change


def published_versions(root: Path) -> list[str]:
    versions = root / "versions"
    return sorted(p.name for p in versions.iterdir() if not p.name.startswith(".")) if versions.exists() else []


def cli_run(sources: Path, root: Path, *, read_only_catalogue: bool = False) -> subprocess.Popen:
    """A real ``cxbench run`` subprocess; with ``read_only_catalogue`` it may not write the catalogue
    (as root, which writes anywhere, the capability to ignore permissions is dropped with setpriv)."""
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--sources", str(sources), "--catalogue", str(root)]
    if read_only_catalogue and os.geteuid() == 0:
        cmd = ["setpriv", "--bounding-set=-dac_override", *cmd]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | 0o200 if writable else mode & ~0o222)


def concurrent_runs(sources: Path, root: Path) -> tuple[bool, str]:
    """Two ``cxbench run`` at once: one builds, the other waits for it, then builds nothing new (it
    skips the run when the first left nothing to retry, else its run finds the release current)."""
    procs = [cli_run(sources, root), cli_run(sources, root)]
    outs = [(p.communicate(timeout=1800), p.returncode) for p in procs]
    firsts = sorted(out.splitlines()[0] if out else "" for (out, _), _ in outs)
    waited = sum("waiting for another cxbench run on" in err for (_, err), _ in outs)
    published = sum(first.startswith("published catalogue") for first in firsts)
    ok = all(rc in (0, 3) for _, rc in outs) and waited == 1 and published <= 1
    return ok, f"two runs at once ({waited} waited): {' | '.join(f[:60] for f in firsts)}"


def read_only_run(sources: Path, root: Path) -> tuple[bool, str]:
    """A run into a read-only catalogue: refused in one line naming the cause, nothing changed."""
    _set_writable(root, False)
    try:
        proc = cli_run(sources, root, read_only_catalogue=True)
        out, err = proc.communicate(timeout=1800)
    finally:
        _set_writable(root, True)
    first = out.splitlines()[0] if out else err.strip()
    ok = proc.returncode == 1 and "read-only" in first and "Traceback" not in err
    return ok, f"read-only catalogue: {first[:110]}"


def soak(runs: int, base: Path) -> dict:
    from pipelines.defs.runs import launch_build

    root = base / "catalogue"
    seen: set[str] = set()
    lost: set[str] = set()
    stats = {"runs_completed": 0, "releases_published": 0, "reports_published": 0, "failures_recorded": 0}
    faults = {"concurrent": [0, 0], "read_only": [0, 0], "truncated_extract": [0, 0]}  # [handled, tried]
    seconds = []
    with FaultServer() as server:
        corpus = Corpus(base / "sources", server)
        corpus.snapshots = work_dir_for(corpus.folder) / "snapshots"  # the folder's own work store
        for run in range(runs):
            change = corpus.mutate(run) if run else "initial corpus"
            started = time.perf_counter()
            kind = run % 7 if run else -1
            if kind == 2:  # after junk.pdf dropped in: two runs at once
                ok, what = concurrent_runs(corpus.folder, root)
                faults["concurrent"][0] += ok
                faults["concurrent"][1] += 1
                stats["runs_completed"] += ok
                outcome, change = None, f"{change}; {what}"
                corpus.truncated = ""  # those runs extract it again, out of sight of this process
            elif kind == 4:  # the catalogue read-only for this run; the next run publishes its change
                ok, what = read_only_run(corpus.folder, root)
                faults["read_only"][0] += ok
                faults["read_only"][1] += 1
                stats["runs_completed"] += ok
                outcome, change = None, f"{change}; {what}"
                corpus.truncated = ""
            else:
                outcome = launch_build(corpus.folder, str(root))
                stats["runs_completed"] += bool(outcome.success)
                if corpus.truncated and not outcome.skipped:  # a skipped run reads no extract: next one
                    again = outcome.extracts.get("recomputed_unreadable") or {}
                    faults["truncated_extract"][0] += bool(outcome.success and corpus.truncated in again)
                    faults["truncated_extract"][1] += 1
                    corpus.truncated = ""
            seconds.append(time.perf_counter() - started)
            release = (outcome.release if outcome else None) or {}
            stats["releases_published"] += bool(release.get("published"))
            stats["reports_published"] += int(release.get("counts", {}).get("reports", 0))
            stats["failures_recorded"] += len(outcome.failures) if outcome else 0
            seen.update(published_versions(root))
            for version in sorted(seen):
                if verify_folder(Store(str(root)), f"versions/{version}"):
                    lost.add(version)
            state = ("ok" if outcome.success else "FAILED") if outcome else ("ok" if ok else "FAILED")
            print(
                f"run {run + 1:2}: {seconds[-1]:6.1f} s  {state:6} "
                f"version {release.get('version')} ({'published' if release.get('published') else 'unchanged'}), "
                f"{len(outcome.failures) if outcome else '-'} failures; {change}",
                flush=True,
            )
        started = time.perf_counter()
        launch_build(corpus.folder, str(root), full=True)  # the peer: a run with everything reused
        peer = time.perf_counter() - started
    return {
        **stats, "faults": faults, "releases_lost": len(lost), "lost": sorted(lost), "seconds": seconds, "peer": peer
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)  # three of each of the seven mutations
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="cxbench-soak-"))
    previous = environ_with({**FAST_FETCH_ENV, "DAGSTER_HOME": str(base / "home")})
    try:
        result = soak(args.runs, base)
    finally:
        restore_environ(previous)
        shutil.rmtree(base, ignore_errors=True)
    mean = statistics.mean(result["seconds"])
    print(f"runs as expected    {result['runs_completed']}/{args.runs} (a refused read-only run counts)")
    print(f"releases published  {result['releases_published']}")
    print(f"reports published   {result['reports_published']} (summed over runs)")
    print(f"failures recorded   {result['failures_recorded']} (summed over runs)")
    for name, (handled, tried) in result["faults"].items():
        print(f"{name.replace('_', ' '):19} {handled}/{tried} handled as expected")
    print(f"releases lost       {result['releases_lost']} {result['lost'] or ''}(target 0)")
    print(f"seconds per run     {mean:.1f} mean; peer 'unchanged rerun' {result['peer']:.1f} s; "
          f"ratio {mean / result['peer']:.2f}x")
    return 0 if result["releases_lost"] == 0 and result["runs_completed"] == args.runs else 1


if __name__ == "__main__":
    os.environ.setdefault("DAGSTER_HOME", tempfile.mkdtemp())
    sys.exit(main())
