"""The Dagster UI loads the code location and shows the lineage from sources to the release."""

import itertools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from support import PROJECT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ui")]

LINEAGE = [
    "source_registry",
    "raw_snapshots",
    "parsed_documents",
    "cleaned_texts",
    "report_rows",
    "observations",
    "catalogue_release",
]
QUERY = "{ assetNodes { assetKey { path } dependencyKeys { path } hasAssetChecks partitionDefinition { type } } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def webserver(tmp_path):
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    binary = Path(sys.executable).parent / "dagster-webserver"
    proc = subprocess.Popen(
        [str(binary), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"webserver exited: {proc.stdout.read().decode(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            pytest.fail("webserver did not answer /server_info within 180 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def asset_nodes(base: str) -> dict[str, dict]:
    deadline = time.monotonic() + 120
    while True:  # the code location may still be loading right after /server_info answers
        data = httpx.post(f"{base}/graphql", json={"query": QUERY}, timeout=30).json()
        nodes = (data.get("data") or {}).get("assetNodes") or []
        if nodes or time.monotonic() > deadline:
            return {"/".join(n["assetKey"]["path"]): n for n in nodes}
        time.sleep(2)


def test_ui_shows_lineage_from_sources_to_release(webserver):
    nodes = asset_nodes(webserver)
    assert set(LINEAGE) <= set(nodes), sorted(nodes)
    for upstream, downstream in itertools.pairwise(LINEAGE):
        deps = {"/".join(k["path"]) for k in nodes[downstream]["dependencyKeys"]}
        assert upstream in deps, (downstream, deps)
    assert nodes["observations"]["hasAssetChecks"]
    assert nodes["raw_snapshots"]["partitionDefinition"]["type"] == "DYNAMIC"


@pytest.mark.parametrize(
    "command",
    [["dagster", "definitions", "validate", "-w", "workspace.yaml"], ["dg", "check", "defs"]],
    ids=["dagster-definitions-validate", "dg-check-defs"],
)
def test_code_location_validates(tmp_path, command):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    binary = Path(sys.executable).parent / command[0]
    done = subprocess.run(
        [str(binary), *command[1:]], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
