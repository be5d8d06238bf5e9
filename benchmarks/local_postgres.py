"""A throwaway PostgreSQL server on 127.0.0.1 for the production-layout bench and tests.

Belongs here: starting and stopping a private cluster (``initdb`` + ``pg_ctl`` from the machine's
PostgreSQL, e.g. Debian's ``postgresql`` package) in a temporary folder, and the Dagster instance
config that points at it. Nothing in ``pipelines`` imports this: production runs use a managed
server configured as in ``docs/deploy/dagster.yaml``.

PostgreSQL refuses to run as root; as root the cluster is owned by and started as the
``postgres`` system user (which the Debian package creates).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "cxbench"


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, newest version first; None when absent."""
    on_path = shutil.which("initdb")
    candidates = ([str(Path(on_path).parent)] if on_path else []) + sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str

    def url(self, db_name: str) -> str:
        return f"postgresql+psycopg2://{self.user}@{self.host}:{self.port}/{db_name}"

    def create_database(self, db_name: str) -> None:
        import psycopg2

        conn = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{db_name}"')
        finally:
            conn.close()

    def instance_yaml(self, db_name: str) -> str:
        """A dagster.yaml using this server for run, event-log and schedule storage.

        ``scheme`` pins psycopg2: SQLAlchemy 2.1 defaults ``postgresql://`` to psycopg 3.
        """
        return (
            "telemetry:\n  enabled: false\n"
            "storage:\n  postgres:\n    postgres_db:\n"
            f"      hostname: {self.host}\n      port: {self.port}\n      username: {self.user}\n"
            f'      password: ""\n      db_name: {db_name}\n      scheme: postgresql+psycopg2\n'
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def local_postgres(folder: str | Path) -> Iterator[PostgresServer]:
    """Run a private cluster in ``folder`` for the duration of the block (trust auth, loopback only)."""
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server binaries not found (install Debian's postgresql package)")
    folder = Path(folder)
    data, sockets = folder / "pgdata", folder / "pgsock"
    for path in (folder, sockets):
        path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    _run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", USER])
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "start"])
    try:
        yield PostgresServer("127.0.0.1", port, USER)
    finally:
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])


def _run(cmd: list[str]) -> None:
    """Run a server tool as the cluster's owner; its own message is the error (e.g. a folder the
    ``postgres`` user cannot reach)."""
    done = subprocess.run(_as_owner(cmd), capture_output=True, text=True, timeout=120, check=False)
    if done.returncode:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({done.returncode}): {(done.stderr or done.stdout).strip()}")
