"""DNS rebinding: the address a URL source's host is checked at is the address it is fetched from.

Before, the private-address check resolved the name, then the HTTP client resolved it again to
connect: a name that answers a public address first and 127.0.0.1 next (a rebinding DNS server)
passed the check and reached the machine's own services. Now each connection resolves its host
once, checks every address, and connects to a checked one.

The test is real end to end: a private user, mount and network namespace (no root needed) where
/etc/resolv.conf points at a small DNS server on 127.0.0.1 that answers a public address to the
first query and 127.0.0.1 to every later one, and a real HTTP server on 127.0.0.1 counts hits.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

IN_NAMESPACE = r"""
import json, os, socket, struct, subprocess, sys, threading
sys.path[:0] = [os.environ["TESTS"], os.environ["PROJECT"]]
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
with open(os.environ["RESOLV"], "w") as f:
    f.write("nameserver 127.0.0.1\noptions attempts:1 timeout:2\n")
subprocess.run(["mount", "--bind", os.environ["RESOLV"], "/etc/resolv.conf"], check=True)

answers = []  # the A records the DNS server gave, in order

def dns():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 53))
    while True:
        query, peer = sock.recvfrom(512)
        end = 12
        while query[end]:
            end += query[end] + 1
        qtype = struct.unpack(">H", query[end + 1:end + 3])[0]
        question = query[12:end + 5]
        record = b""
        if qtype == 1:  # A: public first, then the machine itself
            address = "93.184.215.14" if not answers else "127.0.0.1"
            answers.append(address)
            record = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 0, 4) + socket.inet_aton(address)
        header = query[:2] + struct.pack(">HHHHH", 0x8180, 1, 1 if record else 0, 0, 0)
        sock.sendto(header + question + record, peer)

threading.Thread(target=dns, daemon=True).start()

from http_faults import FaultServer, Reply
from pipelines.errors import ReportError
from pipelines.ingest.fetch import FetchPolicy, fetch_url
from pipelines.ingest.snapshots import SnapshotStore

result = {}
with FaultServer() as server:
    server.route("/r.txt", Reply(body=b"In 2024, 64% of members said renewals were easy."))
    port = server.url("").rsplit(":", 1)[1].strip("/")
    store = SnapshotStore(os.environ["STORE"])
    try:
        fetch_url(f"http://rebind.test:{port}/r.txt", report_id="r", store=store,
                  policy=FetchPolicy(retries=0, allow_private_addresses=False, total_deadline=20))
        result["outcome"] = "fetched"
    except ReportError as exc:
        result["outcome"] = "refused"
        result["message"] = exc.message
    result["hits"] = server.hits("/r.txt")
result["answers"] = answers
print(json.dumps(result))
"""


def _namespaces() -> bool:
    if not sys.platform.startswith("linux") or not (shutil.which("unshare") and shutil.which("ip")):
        return False
    done = subprocess.run(["unshare", "-rmn", "ip", "link", "set", "lo", "up"], capture_output=True, timeout=30)
    return done.returncode == 0


def test_a_name_that_rebinds_to_loopback_after_the_check_is_never_connected(tmp_path: Path) -> None:
    if not _namespaces():
        pytest.skip("no unprivileged user, mount and network namespaces here")
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "TESTS": str(TESTS),
        "PROJECT": str(TESTS.parent),
        "RESOLV": str(tmp_path / "resolv.conf"),
        "STORE": str(tmp_path / "snapshots"),
        "PYTHONWARNINGS": "ignore",
    }
    done = subprocess.run(
        ["unshare", "-rmn", sys.executable, "-c", IN_NAMESPACE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answers"][:2] == ["93.184.215.14", "127.0.0.1"], result  # the name did rebind
    assert result["hits"] == 0, result  # the machine's own server was never reached
    assert result["outcome"] == "refused", result
    assert "127.0.0.1" in result["message"] and "private, loopback or link-local" in result["message"], result
