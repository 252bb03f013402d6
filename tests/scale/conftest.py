"""A throwaway PostgreSQL cluster per session: `initdb` in a tmp dir, `pg_ctl -w start` on a free loopback
port, stopped at the end even when a test fails. As root the server runs as the `postgres` user
(PostgreSQL refuses to run as root)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.servers import free_port


def postgres_bin() -> Path:
    """The newest Debian PostgreSQL's bin folder (apt-get install postgresql; .ci/run does it)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        pytest.fail("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
                    "run `apt-get install -y postgresql` (.ci/run does it when missing)")
    return Path(found[-1]).parent


class PostgresCluster:
    """A cluster with trust authentication on 127.0.0.1:`port`; `url(db, driver)` names one of its databases."""

    def __init__(self, root: Path) -> None:
        self.bin = postgres_bin()
        self.data = root / "data"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stdout}{done.stderr}")

    def start(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--no-sync", "--no-instructions")
        # A disposable cluster: durability off, sockets in the data dir (not /var/run/postgresql).
        options = (f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "-o", options,
                 "-l", str(self.data / "server.log"), "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "30", "-m", "immediate", "stop")

    def create_database(self, name: str) -> None:
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def url(self, database: str, driver: str = "psycopg") -> str:
        return f"postgresql+{driver}://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    root = Path(tempfile.mkdtemp(prefix="syndicate-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = PostgresCluster(root)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
