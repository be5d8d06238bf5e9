"""The first line of `cxbench run` says what happened, failed reports included (issue 14)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import SOURCES

pytestmark = pytest.mark.slow


def test_the_first_line_names_the_release_and_the_failed_report(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SOURCES / "formosa-cx-trends-2023.txt", sources)
    (sources / "bad.txt").write_bytes(b"")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home")}
    cli = [sys.executable, "-m", "pipelines.cli", "run", "--sources", str(sources), "--catalogue", str(tmp_path / "c")]
    done = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines()[0] == "published catalogue 1.0.0; 1 of 2 report(s) failed: bad", done.stdout

    again = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 3, again.stderr
    assert again.stdout.splitlines()[0].startswith("nothing changed since run"), again.stdout


# --- the cause of a failed publish, in one line (issue 14) ------------------------------------

FORMOSA, HARBOR = "formosa-cx-trends-2023.txt", "harbor-contact-centre-benchmark-2024.md"


def _cli(*args: str, home: Path, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONWARNINGS": "ignore"}
    cmd = [*prefix, sys.executable, "-m", "pipelines.cli", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A catalogue with 1.0.0 from one report, and a sources folder with one report more to publish."""
    base = tmp_path_factory.mktemp("cause")
    first, more = base / "first", base / "more"
    first.mkdir()
    more.mkdir()
    shutil.copy(SOURCES / FORMOSA, first)
    for name in (FORMOSA, HARBOR):
        shutil.copy(SOURCES / name, more)
    done = _cli("run", "--sources", str(first), "--catalogue", str(base / "catalogue"), home=base / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    return {"base": base, "catalogue": base / "catalogue", "sources": more, "home": base / "home"}


def _publish_more(released: dict[str, Path], catalogue: Path, prefix: tuple[str, ...] = ()) -> list[str]:
    """`cxbench run` that has something to publish into ``catalogue``: it must fail with one line."""
    run = ("run", "--sources", str(released["sources"]), "--catalogue", str(catalogue))
    done = _cli(*run, home=released["home"], prefix=prefix)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Stack Trace" not in done.stderr, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("dagster run ") and lines[1].endswith(": FAILED"), done.stdout
    return lines


def _copy(released: dict[str, Path], name: str) -> Path:
    target = released["base"] / name
    shutil.copytree(released["catalogue"], target)
    return target


def _verify_ok(catalogue: Path, home: Path) -> None:
    done = _cli("catalogue", "verify", "--catalogue", str(catalogue), home=home)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_a_read_only_catalogue_is_named_and_left_as_it_was(released: dict[str, Path]) -> None:
    catalogue = _copy(released, "read-only")
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:  # root writes anywhere: drop the capability that lets it ignore permissions
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: a read-only folder cannot be simulated")
        prefix = ("setpriv", "--bounding-set=-dac_override")
    for path in [catalogue, *catalogue.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    before = _files(catalogue)
    try:
        lines = _publish_more(released, catalogue, prefix)
    finally:
        for path in [catalogue, *catalogue.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    assert lines[0] == (
        f"nothing published: cannot write to the catalogue {catalogue}: permission denied (the folder is read-only"
        f" for this user) ({catalogue}/.publish.lock); the previous release is untouched"
    ), lines
    assert _files(catalogue) == before
    _verify_ok(catalogue, released["home"])


@pytest.mark.slow
@pytest.mark.parametrize("pointer", ["index.json", "latest.json"])
def test_a_broken_pointer_file_is_named_with_the_repair_command(released: dict[str, Path], pointer: str) -> None:
    catalogue = _copy(released, f"broken-{pointer}")
    data = (catalogue / pointer).read_bytes()
    (catalogue / pointer).write_bytes(data[: len(data) // 2])
    before = _files(catalogue)
    lines = _publish_more(released, catalogue)
    assert lines[0].startswith(f"nothing published: {catalogue}/{pointer} is damaged (not valid JSON: "), lines
    assert lines[0].endswith(f"run `cxbench catalogue repair --catalogue {catalogue}`"), lines
    assert _files(catalogue) == before  # nothing written, not even a lock file
    repaired = _cli("catalogue", "repair", "--catalogue", str(catalogue), home=released["home"])
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    _verify_ok(catalogue, released["home"])


def _user_namespaces() -> bool:
    if not sys.platform.startswith("linux") or not shutil.which("unshare"):
        return False
    done = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=30)
    return done.returncode == 0


@pytest.mark.slow
def test_a_full_disk_is_named_and_the_previous_release_still_verifies(released: dict[str, Path]) -> None:
    """A real full disk: the catalogue is copied onto a tmpfs with room for it and not for a new version
    (mounted in a private user and mount namespace, so no root is needed and nothing outside sees it)."""
    if not _user_namespaces():
        pytest.skip("no unprivileged user namespaces here to mount a small tmpfs")
    catalogue, home = released["catalogue"], released["home"]
    mount = released["base"] / "full-disk"
    mount.mkdir()
    used_kib = sum(p.stat().st_size // 1024 + 4 for p in catalogue.rglob("*")) + 16
    script = f"""
set -u
mount -t tmpfs -o size={used_kib + 48}k tmpfs "$MNT" && cp -a "$CAT/." "$MNT/" || exit 90
"$PY" -m pipelines.cli run --sources "$SRC" --catalogue "$MNT" > "$OUT/run.out" 2> "$OUT/run.err"
echo $? > "$OUT/run.rc"
"$PY" -m pipelines.cli catalogue verify --catalogue "$MNT" > "$OUT/verify.out" 2>&1
echo $? > "$OUT/verify.rc"
cp -a "$MNT/." "$OUT/after/"
"""
    out = released["base"] / "full-disk-out"
    (out / "after").mkdir(parents=True)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PYTHONWARNINGS": "ignore",
        "MNT": str(mount),
        "CAT": str(catalogue),
        "PY": sys.executable,
        "SRC": str(released["sources"]),
        "OUT": str(out),
    }
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    stdout, stderr = (out / "run.out").read_text(), (out / "run.err").read_text()
    assert (out / "run.rc").read_text().strip() == "1", stdout + stderr
    assert "Traceback" not in stderr and "Stack Trace" not in stderr, stderr
    assert stdout.splitlines()[0] == (
        f"nothing published: cannot write to the catalogue {mount}: no space left on device (writing version 1.1.0);"
        " the previous release is untouched"
    ), stdout
    assert (out / "verify.rc").read_text().strip() == "0", (out / "verify.out").read_text()
    after = {k: v for k, v in _files(out / "after").items() if not k.startswith(".")}
    assert after == {k: v for k, v in _files(catalogue).items() if not k.startswith(".")}
    assert not [p for p in (out / "after" / ".staging").rglob("*") if p.is_file()]  # the half copy is gone


def test_a_real_disk_full_error_reads_as_one_plain_line() -> None:
    """The mapping on the exception the kernel raises (writing to /dev/full), wherever it comes from."""
    from dagster._utils.error import serializable_error_info_from_exc_info

    from pipelines.cli import failure_cause
    from pipelines.errors import describe_os_error

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    try:
        with open("/dev/full", "wb", buffering=0) as handle:
            handle.write(b"x")
    except OSError as exc:
        assert describe_os_error(exc) == "no space left on device"
        assert failure_cause(serializable_error_info_from_exc_info(sys.exc_info())) == "no space left on device"
    else:
        pytest.fail("writing to /dev/full succeeded")
