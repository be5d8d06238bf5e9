"""fetch_url against a real, misbehaving HTTP server on 127.0.0.1 (tests/http_faults.py)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import socket
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from http_faults import Conditional, FaultServer, Reply, redirect

from pipelines.errors import ReportError
from pipelines.ingest.fetch import FetchPolicy, _next_hop, fetch_url
from pipelines.ingest.limits import describe_size
from pipelines.ingest.snapshots import SnapshotStore
from pipelines.ingest.urls import refuse_private_host, split_url, strip_credentials

# Short clocks keep the suite fast; none of the assertions depend on timing.
FAST = FetchPolicy(connect_timeout=2, read_timeout=2, total_deadline=10, retries=2, backoff_base=0.01)
PDF = b"%PDF-1.4\n% our own tiny test document\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Please sign in</p></body></html>"


@pytest.fixture
def server():
    with FaultServer() as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> SnapshotStore:
    return SnapshotStore(tmp_path / "snapshots")


def fetch_error(url: str, store: SnapshotStore, policy: FetchPolicy = FAST, **kwargs) -> ReportError:
    with pytest.raises(ReportError) as caught:
        fetch_url(url, report_id="r1", store=store, policy=policy, **kwargs)
    assert caught.value.stage == "fetch"
    return caught.value


def test_fetch_stores_content_addressed_snapshot_and_record(server, store):
    server.route("/report.pdf", Reply(body=PDF, headers={"Content-Type": "application/pdf", "ETag": '"v1"'}))
    snap = fetch_url(server.url("/report.pdf"), report_id="r1", store=store, policy=FAST)

    assert Path(snap.path) == store.root / snap.sha256[:2] / snap.sha256
    assert Path(snap.path).read_bytes() == PDF == store.read(snap)
    assert snap.size == len(PDF) and snap.source_url == server.url("/report.pdf")
    assert snap.fetched_at is not None and snap.fetched_at.utcoffset() == dt.timedelta(0)
    record = store.last_record("r1")
    assert record["url"] == server.url("/report.pdf")
    assert record["status"] == 200 and record["etag"] == '"v1"' and record["sha256"] == snap.sha256
    assert record["bytes"] == len(PDF) and record["sniffed_format"] == "pdf"
    assert dt.datetime.fromisoformat(record["fetched_at"]) == snap.fetched_at
    assert server.requests[0].headers["user-agent"].startswith("cxbench/")


def test_refetch_is_conditional_and_304_keeps_previous_snapshot(server, store):
    doc = Conditional(
        PDF, etag='"abc"', last_modified="Tue, 02 Jan 2024 10:00:00 GMT", content_type="application/pdf"
    )
    server.route("/r.pdf", doc)
    first = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    again = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)

    assert server.requests[1].headers["if-none-match"] == '"abc"'
    assert server.requests[1].headers["if-modified-since"] == "Tue, 02 Jan 2024 10:00:00 GMT"
    assert doc.full_responses == 1
    assert again.sha256 == first.sha256 and again.fetched_at == first.fetched_at
    record = store.last_record("r1")
    assert record["fetched_at"] == first.fetch_record["fetched_at"]
    assert record["last_status"] == 304
    checked = dt.datetime.fromisoformat(record["last_checked"])
    assert checked > dt.datetime.fromisoformat(first.fetch_record["last_checked"])


def test_changed_document_gets_new_snapshot_and_old_bytes_stay(server, store):
    doc = Conditional(PDF, etag='"1"', last_modified=None, content_type="application/pdf")
    server.route("/r.pdf", doc)
    old = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    doc.update(PDF + b"% revised\n", etag='"2"', last_modified=None)
    new = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)

    assert new.sha256 != old.sha256
    assert store.read(old) == PDF and store.read(new).endswith(b"% revised\n")
    assert store.last_record("r1")["etag"] == '"2"'


def test_last_modified_alone_drives_conditional_request(server, store):
    modified = "Mon, 01 Jan 2024 00:00:00 GMT"
    doc = Conditional(PDF, etag=None, last_modified=modified, content_type="application/pdf")
    server.route("/r.pdf", doc)
    fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    assert "if-none-match" not in server.requests[1].headers
    assert doc.full_responses == 1


def test_missing_snapshot_bytes_mean_unconditional_refetch(server, store):
    doc = Conditional(PDF, etag='"abc"', last_modified=None, content_type="application/pdf")
    server.route("/r.pdf", doc)
    snap = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    Path(snap.path).unlink()
    again = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    assert "if-none-match" not in server.requests[1].headers
    assert store.read(again) == PDF


@pytest.mark.parametrize(
    ("status", "words"), [(404, "not found"), (410, "removed for good"), (403, "refuses")]
)
def test_client_errors_fail_at_once_with_clear_message(server, store, status, words):
    server.route("/gone", Reply(status=status))
    error = fetch_error(server.url("/gone"), store)
    assert str(status) in error.message and words in error.message.lower()
    assert server.hits("/gone") == 1  # a 4xx is not retried
    assert store.last_record("r1") is None


def test_server_error_then_success_is_retried(server, store):
    server.route("/r.pdf", Reply(status=500), Reply(status=503), Reply(body=PDF))
    snap = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    assert store.read(snap) == PDF
    assert server.hits("/r.pdf") == 3 and snap.fetch_record["attempts"] == 3


def test_persistent_server_error_gives_up_after_retries(server, store):
    server.route("/r.pdf", Reply(status=502))
    error = fetch_error(server.url("/r.pdf"), store)
    assert "502" in error.message and "gave up after 3 attempts" in error.message
    assert server.hits("/r.pdf") == 3


def test_throttling_honours_retry_after(server, store):
    server.route("/r.pdf", Reply(status=429, headers={"Retry-After": "0"}), Reply(body=PDF))
    assert store.read(fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)) == PDF


def test_retry_after_longer_than_deadline_stops_early(server, store):
    server.route("/r.pdf", Reply(status=503, headers={"Retry-After": "5"}))
    policy = FetchPolicy(read_timeout=1, total_deadline=1, retries=3, backoff_base=0.01)
    error = fetch_error(server.url("/r.pdf"), store, policy)
    assert "no time left to retry" in error.message and server.hits("/r.pdf") == 1


def test_silent_server_times_out(server, store):
    server.route("/slow", Reply(stall=30, body=PDF))
    policy = FetchPolicy(read_timeout=0.2, total_deadline=10, retries=1, backoff_base=0.01)
    error = fetch_error(server.url("/slow"), store, policy)
    assert "timed out" in error.message and server.hits("/slow") == 2


def test_slow_drip_hits_total_deadline_not_read_timeout(server, store):
    # Every byte arrives well inside the read timeout, so only a total deadline can stop this.
    server.route("/drip", Reply(body=b"x" * 10_000, drip_delay=0.02))
    policy = FetchPolicy(read_timeout=2, total_deadline=0.5, retries=2, backoff_base=0.01)
    error = fetch_error(server.url("/drip"), store, policy)
    assert "total deadline of 0.5 s exceeded" in error.message
    assert "of 10000 bytes" in error.message
    assert server.hits("/drip") == 1


def test_redirects_are_followed_and_recorded(server, store):
    server.route("/old", redirect("/newer", 301))
    server.route("/newer", redirect(server.url("/final.pdf"), 308))
    server.route("/final.pdf", Reply(body=PDF))
    snap = fetch_url(server.url("/old"), report_id="r1", store=store, policy=FAST)
    assert store.read(snap) == PDF
    assert snap.fetch_record["redirects"] == [server.url("/newer"), server.url("/final.pdf")]
    assert snap.fetch_record["final_url"] == server.url("/final.pdf")


def test_redirect_loop_is_named(server, store):
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))
    error = fetch_error(server.url("/a"), store)
    assert "redirect loop" in error.message and error.message.count("->") == 2
    assert server.hits("/a") == 1  # not retried


def test_too_many_redirects(server, store):
    for n in range(4):
        server.route(f"/hop{n}", redirect(f"/hop{n + 1}"))
    policy = FetchPolicy(retries=0, max_redirects=2)
    error = fetch_error(server.url("/hop0"), store, policy)
    assert "more than 2 redirects" in error.message


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/r.pdf", "file:///etc/passwd", "data:text/plain,hello"])
def test_redirect_to_other_scheme_is_refused(server, store, target):
    server.route("/r", redirect(target))
    error = fetch_error(server.url("/r"), store)
    assert "only http and https" in error.message and target.split(":")[0] in error.message


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/r.pdf", "data:text/plain,hi", "r.pdf"]
)
def test_only_http_urls_are_fetched(store, url):
    error = fetch_error(url, store)
    assert "only http and https" in error.message


def test_malformed_url_is_a_report_error(store):
    assert "invalid URL" in fetch_error("http://[::1/r.pdf", store).message


def test_html_served_for_a_pdf_url_is_refused_but_kept(server, store):
    server.route("/report.pdf", Reply(body=HTML, headers={"Content-Type": "text/html; charset=utf-8"}))
    error = fetch_error(server.url("/report.pdf"), store)
    assert "should be a PDF" in error.message and "html" in error.message
    kept = error.message.rsplit(" ", 1)[-1]
    assert (store.root / kept[:2] / kept).read_bytes() == HTML
    assert store.last_record("r1") is None  # the next run fetches afresh


def test_expected_pdf_from_registry_applies_to_any_url(server, store):
    server.route("/download?id=7", Reply(body=HTML, headers={"Content-Type": "application/pdf"}))
    error = fetch_error(server.url("/download?id=7"), store, expected_format="pdf")
    assert "should be a PDF" in error.message


def test_mislabelled_content_type_is_recorded_and_content_wins(server, store):
    server.route("/doc", Reply(body=PDF, headers={"Content-Type": "text/html"}))
    snap = fetch_url(server.url("/doc"), report_id="r1", store=store, policy=FAST)
    assert snap.fetch_record["sniffed_format"] == "pdf"
    assert snap.fetch_record["content_type_mismatch"] is True
    assert snap.fetch_record["content_type"] == "text/html"


def test_truncated_body_is_an_error(server, store):
    server.route("/r.pdf", Reply(body=PDF[:20], content_length=len(PDF)))
    error = fetch_error(server.url("/r.pdf"), store, FetchPolicy(retries=1, backoff_base=0.01))
    assert "gave up after 2 attempts" in error.message
    assert server.hits("/r.pdf") == 2  # a cut connection is worth one more try


def test_declared_length_over_cap_is_refused_before_download(server, store):
    server.route("/big.pdf", Reply(body=PDF * 100))
    error = fetch_error(server.url("/big.pdf"), store, FetchPolicy(max_bytes=1000, retries=0))
    assert f"is {describe_size(len(PDF) * 100)}, over the 1000 bytes cap" in error.message


def test_undeclared_length_over_cap_stops_streaming(server, store):
    server.route("/big.pdf", Reply(body=PDF * 100, content_length=-1))
    error = fetch_error(server.url("/big.pdf"), store, FetchPolicy(max_bytes=1000, retries=0))
    assert "more than 1000 bytes, over the 1000 bytes cap" in error.message
    assert not any(store.root.glob("??/*"))


def test_gzip_bomb_is_capped_on_decoded_size(server, store):
    bomb = gzip.compress(b"a" * 200_000)
    server.route("/r.txt", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    error = fetch_error(server.url("/r.txt"), store, FetchPolicy(max_bytes=50_000, retries=0))
    assert "over the" in error.message


def test_gzip_transfer_is_stored_decoded(server, store):
    text = b"Customer satisfaction rose to 71% in 2024.\n" * 50
    server.route("/r.txt", Reply(body=gzip.compress(text), headers={"Content-Encoding": "gzip"}))
    assert store.read(fetch_url(server.url("/r.txt"), report_id="r1", store=store, policy=FAST)) == text


def test_connection_refused_is_retried_then_reported(store):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{port}/r.pdf", store, FetchPolicy(retries=1, backoff_base=0.01))
    assert "connection failed" in error.message and "gave up after 2 attempts" in error.message


def test_corrupted_cached_snapshot_is_fetched_again(server, store):
    """Same size, one byte changed: the digest no longer matches, so the next fetch is unconditional
    and the good bytes replace the damaged copy (issue 14)."""
    doc = Conditional(PDF, etag='"abc"', last_modified=None, content_type="application/pdf")
    server.route("/r.pdf", doc)
    snap = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    Path(snap.path).chmod(0o644)
    damaged = bytearray(PDF)
    damaged[10] ^= 0x01
    Path(snap.path).write_bytes(bytes(damaged))
    again = fetch_url(server.url("/r.pdf"), report_id="r1", store=store, policy=FAST)
    assert "if-none-match" not in server.requests[1].headers and doc.full_responses == 2
    assert again.sha256 == snap.sha256 and store.read(again) == PDF

# --- hostile servers and URLs (issue 14): stacked compression, private addresses, credentials ---

ONCE = FetchPolicy(connect_timeout=2, read_timeout=2, total_deadline=10, retries=0, allow_private_addresses=True)
TEXT = b"Customer satisfaction rose to 71% in 2024.\n" * 20
ROOT = Path(__file__).resolve().parents[1]


def double_gzip_bomb(inflated: int) -> bytes:
    """A few KB that inflate to ``inflated`` bytes through two gzip layers."""
    return gzip.compress(gzip.compress(b"\0" * inflated, 9), 9)


def test_stacked_gzip_is_refused_without_inflating(server, store):
    bomb = double_gzip_bomb(200 << 20)
    assert len(bomb) < 20_000
    server.route("/r.txt", Reply(body=bomb, headers={"Content-Encoding": "gzip, gzip"}))
    error = fetch_error(server.url("/r.txt"), store, ONCE)
    assert "stacked Content-Encoding" in error.message and "'gzip, gzip'" in error.message
    assert not any(store.root.glob("??/*"))


def test_stacked_gzip_peak_memory_stays_small(tmp_path):
    """The same 4 GiB bomb in a fresh process: peak RSS stays far below what inflating would take."""
    script = textwrap.dedent(
        f"""
        import gzip, json, sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from bad_inputs import peak_rss_mib as peak_mib
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
        outcome["peak_mib"] = peak_mib()
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
    error = fetch_error(server.url("/r.txt"), store, ONCE)
    assert "Content-Encoding" in error.message


@pytest.mark.parametrize(
    "encode", [lambda b: zlib.compress(b), lambda b: zlib.compress(b)[2:-4]], ids=["zlib", "raw-deflate"]
)
def test_deflate_in_either_wrapping_is_decoded(server, store, encode):
    server.route("/r.txt", Reply(body=encode(TEXT), headers={"Content-Encoding": "deflate"}))
    assert store.read(fetch_url(server.url("/r.txt"), report_id="r1", store=store, policy=ONCE)) == TEXT


def test_identity_encoding_is_plain(server, store):
    server.route("/r.txt", Reply(body=TEXT, headers={"Content-Encoding": "identity"}))
    assert store.read(fetch_url(server.url("/r.txt"), report_id="r1", store=store, policy=ONCE)) == TEXT


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
    snap = fetch_url(url, report_id="r1", store=store, policy=ONCE)
    stored = (store.records_dir / "r1.json").read_text()
    assert "hunter2" not in stored and "alice" not in stored
    assert snap.source_url == f"{base}/secret.txt"
    assert json.loads(stored)["final_url"] == f"{base}/doc.txt"
    assert all("authorization" not in r.headers for r in server.requests)


def test_credentials_never_appear_in_error_messages(server, store):
    server.route("/gone.txt", Reply(404))
    error = fetch_error(server.url("/gone.txt").replace("http://", "http://bob:pw123@"), store, ONCE)
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
