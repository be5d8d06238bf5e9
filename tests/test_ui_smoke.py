"""The Dagster UI loads the code location, shows the lineage from sources to the release, and shows a
failed report as failed (never as materialized): GraphQL of a real ``dagster-webserver``."""

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

LINEAGE = ["source_registry", "raw_snapshots", "report_extracts", "observations", "catalogue_release"]
QUERY = """{ assetNodes { assetKey { path } dependencyKeys { path } hasAssetChecks partitionDefinition { type }
  assetMaterializations(limit: 1) { runId partition metadataEntries { label
    ... on JsonMetadataEntry { jsonString } ... on MarkdownMetadataEntry { mdStr }
    ... on IntMetadataEntry { intValue } } }
  assetChecksOrError { ... on AssetChecks { checks { name executionForLatestMaterialization {
    status evaluation { success severity } } } } } } }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def built_with_a_bad_report(tmp_path, monkeypatch):
    """The bundled sources plus an empty ``bad.txt``, built into the webserver's DAGSTER_HOME."""
    import shutil

    from support import SOURCES

    from pipelines.defs.runs import launch_build

    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    (sources / "bad.txt").write_bytes(b"")
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    outcome = launch_build(sources, str(tmp_path / "catalogue"))
    assert outcome.success and [f["report_id"] for f in outcome.failures] == ["bad"]
    return home, outcome


@pytest.fixture
def webserver(built_with_a_bad_report):
    tmp_path, _ = built_with_a_bad_report
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
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
    assert all(node["partitionDefinition"] is None for node in nodes.values())  # reports are rows


def metadata(node: dict) -> dict:
    (event,) = node["assetMaterializations"]
    return {e["label"]: e.get("intValue", e.get("jsonString", e.get("mdStr"))) for e in event["metadataEntries"]}


def test_ui_shows_a_failed_report_as_failed(webserver, built_with_a_bad_report):
    _, outcome = built_with_a_bad_report
    nodes = asset_nodes(webserver)
    status = nodes["report_status"]
    assert status["assetMaterializations"][0]["runId"] == outcome.run_id
    assert status["assetMaterializations"][0]["partition"] is None  # no per-report materialization exists
    shown = metadata(status)
    assert shown["failed"] == 1 and shown["ok"] == len(outcome.status) - 1
    assert shown["failed_reports"] == '["bad"]'
    assert "| bad | bad.txt | sniff |" in shown["failures"] and "empty" in shown["failures"]
    (check,) = status["assetChecksOrError"]["checks"]
    assert check["name"] == "reports_processed"
    assert check["executionForLatestMaterialization"]["status"] == "FAILED"
    assert check["executionForLatestMaterialization"]["evaluation"] == {"success": False, "severity": "WARN"}
    assert metadata(nodes["report_extracts"])["failed"] == 1


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
