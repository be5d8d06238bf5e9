"""fetch_url against hostile servers and URLs on a real HTTP server on 127.0.0.1: stacked
compression, private addresses, credentials in URLs."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from http_faults import FaultServer, Reply, redirect

from pipelines.errors import ReportError
from pipelines.ingest.fetch import FetchPolicy, _next_hop, fetch_url
from pipelines.ingest.snapshots import SnapshotStore
from pipelines.ingest.urls import refuse_private_host, split_url, strip_credentials

FAST = FetchPolicy(connect_timeout=2, read_timeout=2, total_deadline=10, retries=0, allow_private_addresses=True)
TEXT = b"Customer satisfaction rose to 71% in 2024.\n" * 20
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def server():
    with FaultServer() as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> SnapshotStore:
    return SnapshotStore(tmp_path / "snapshots")


def fetch_error(url: str, store: SnapshotStore, policy: FetchPolicy = FAST) -> ReportError:
    with pytest.raises(ReportError) as caught:
        fetch_url(url, report_id="r1", store=store, policy=policy)
    assert caught.value.stage == "fetch"
    return caught.value


def double_gzip_bomb(inflated: int) -> bytes:
    """A few KB that inflate to ``inflated`` bytes through two gzip layers."""
    return gzip.compress(gzip.compress(b"\0" * inflated, 9), 9)


def test_stacked_gzip_is_refused_without_inflating(server, store):
    bomb = double_gzip_bomb(200 << 20)
    assert len(bomb) < 20_000
    server.route("/r.txt", Reply(body=bomb, headers={"Content-Encoding": "gzip, gzip"}))
    error = fetch_error(server.url("/r.txt"), store)
    assert "stacked Content-Encoding" in error.message and "'gzip, gzip'" in error.message
    assert not any(store.root.glob("??/*"))


def test_stacked_gzip_peak_memory_stays_small(tmp_path):
    """The same 4 GiB bomb in a fresh process: peak RSS stays far below what inflating would take."""
    script = textwrap.dedent(
        f"""
        import gzip, json, resource, sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from http_faults import FaultServer, Reply
        from pipelines.errors import ReportError
        from pipelines.ingest.fetch import FetchPolicy, fetch_url
        from pipelines.ingest.snapshots import SnapshotStore
        layer = gzip.compress(b"\\0" * (64 << 20), 9)  # built in pieces: 64 MiB x 64 = 4 GiB inflated
        inner = b"".join([layer] * 64)
        bombs = {{"gzip, gzip": gzip.compress(inner, 9), "gzip": inner}}
        del layer
        policy = FetchPolicy(retries=0, allow_private_addresses=True)
        outcome = {{}}
        for coding, bomb in bombs.items():
            with FaultServer() as server:
                server.route("/r.txt", Reply(body=bomb, headers={{"Content-Encoding": coding}}))
                try:
                    store = SnapshotStore({str(tmp_path)!r})
                    fetch_url(server.url("/r.txt"), report_id="r", store=store, policy=policy)
                except ReportError as exc:
                    outcome[coding] = exc.message
        outcome["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(outcome))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert "stacked Content-Encoding" in outcome["gzip, gzip"]
    assert "over the 50.0 MiB cap" in outcome["gzip"]  # one layer: decoded in bounded pieces to the cap
    assert outcome["peak_mib"] < 400, outcome


@pytest.mark.parametrize("coding", ["br", "compress", "gzip, identity, deflate"])
def test_unknown_or_stacked_encodings_are_refused(server, store, coding):
    server.route("/r.txt", Reply(body=b"xx", headers={"Content-Encoding": coding}))
    error = fetch_error(server.url("/r.txt"), store)
    assert "Content-Encoding" in error.message


@pytest.mark.parametrize(
    "encode", [lambda b: zlib.compress(b), lambda b: zlib.compress(b)[2:-4]], ids=["zlib", "raw-deflate"]
)
def test_deflate_in_either_wrapping_is_decoded(server, store, encode):
    server.route("/r.txt", Reply(body=encode(TEXT), headers={"Content-Encoding": "deflate"}))
    assert store.read(fetch_url(server.url("/r.txt"), report_id="r1", store=store, policy=FAST)) == TEXT


def test_identity_encoding_is_plain(server, store):
    server.route("/r.txt", Reply(body=TEXT, headers={"Content-Encoding": "identity"}))
    assert store.read(fetch_url(server.url("/r.txt"), report_id="r1", store=store, policy=FAST)) == TEXT


def test_private_and_loopback_hosts_are_refused_by_default(server, store, monkeypatch):
    monkeypatch.delenv("CXBENCH_ALLOW_PRIVATE_URLS", raising=False)
    server.route("/r.txt", Reply(body=TEXT))
    error = fetch_error(server.url("/r.txt"), store, FetchPolicy(retries=0))
    assert "127.0.0.1" in error.message and "CXBENCH_ALLOW_PRIVATE_URLS=1" in error.message
    assert server.hits("/r.txt") == 0  # refused before connecting
    monkeypatch.setenv("CXBENCH_ALLOW_PRIVATE_URLS", "1")  # the setting that allows them
    assert store.read(fetch_url(server.url("/r.txt"), report_id="r1", store=store, policy=FetchPolicy(retries=0)))


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/admin",
        "http://192.168.1.1/",
        "http://[::1]:8080/x",
        "http://[fe80::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "http://localhost/x",
    ],
)
def test_redirects_to_private_addresses_are_refused(target):
    policy = FetchPolicy(allow_private_addresses=False)
    with pytest.raises(ReportError, match="private, loopback or link-local"):
        _next_hop("http://93.184.215.14/start", target, ["http://93.184.215.14/start"], policy)
    with pytest.raises(ReportError, match="private, loopback or link-local"):
        refuse_private_host(target)


def test_credentials_are_never_sent_from_nor_stored_with_a_url(server, store):
    server.route("/secret.txt", redirect("/doc.txt"))
    server.route("/doc.txt", Reply(body=TEXT))
    base = server.url("")
    url = base.replace("http://", "http://alice:hunter2@") + "/secret.txt"
    snap = fetch_url(url, report_id="r1", store=store, policy=FAST)
    stored = (store.records_dir / "r1.json").read_text()
    assert "hunter2" not in stored and "alice" not in stored
    assert snap.source_url == f"{base}/secret.txt"
    assert json.loads(stored)["final_url"] == f"{base}/doc.txt"
    assert all("authorization" not in r.headers for r in server.requests)


def test_credentials_never_appear_in_error_messages(server, store):
    server.route("/gone.txt", Reply(404))
    error = fetch_error(server.url("/gone.txt").replace("http://", "http://bob:pw123@"), store)
    assert "pw123" not in str(error)
    assert "pw123" not in strip_credentials("http://bob:pw123@[::1/x")


def test_malformed_urls_are_report_errors():
    for url in ("http://[::1/x", "http://host:99999/x", "http://host:port/x"):
        with pytest.raises(ReportError, match="invalid URL"):
            split_url(url)


def test_the_setting_can_allow_only_some_networks(server, store, monkeypatch):
    monkeypatch.setenv("CXBENCH_ALLOW_PRIVATE_URLS", "127.0.0.0/8, ::1/128")
    policy = FetchPolicy(retries=0)
    assert policy.allow_private_addresses == ("127.0.0.0/8", "::1/128")
    server.route("/r.txt", Reply(body=TEXT))
    server.route("/meta.txt", redirect("http://169.254.169.254/latest/meta-data/"))
    assert store.read(fetch_url(server.url("/r.txt"), report_id="r1", store=store, policy=policy)) == TEXT
    error = fetch_error(server.url("/meta.txt"), store, policy)
    assert "169.254.169.254" in error.message and "private" in error.message
    monkeypatch.setenv("CXBENCH_ALLOW_PRIVATE_URLS", "not-a-network")
    with pytest.raises(ValueError, match="not a network"):
        FetchPolicy()
