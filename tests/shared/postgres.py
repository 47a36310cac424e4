"""A real PostgreSQL server for tests and benchmarks: initdb'd in a temporary folder, on a free loopback port.

``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run as the
``postgres`` user (Debian's package creates it) on a folder it owns. The
superuser ``postgres`` has password ``PASSWORD`` over TCP (scram), so refused
credentials can be tested.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from tests.brokers import free_port

PASSWORD = "duty-room"
_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
BIN = Path(_BINARIES[-1]) if _BINARIES else None


def postgres_available() -> bool:
    return BIN is not None and (BIN / "initdb").exists()


class Postgres:
    """One PostgreSQL server on 127.0.0.1; ``url(db)`` gives a connection address, ``new_database`` a fresh one."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="console-pg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._as_postgres:
            os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
        self._run([str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", f"--pwfile={pwfile}",
                   "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.data}'\n"
                       "fsync = off\nfull_page_writes = off\nmax_connections = 60\nshared_buffers = 32MB\n")

    def _run(self, command: list[str], check: bool = True) -> subprocess.CompletedProcess:
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> Postgres:
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"])
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], check=False)

    def url(self, database: str = "postgres", user: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def admin(self):
        import psycopg

        return psycopg.connect(self.url(), autocommit=True)

    def new_database(self) -> str:
        """A fresh empty database; returns its URL."""
        name = f"c_{uuid.uuid4().hex[:12]}"
        with self.admin() as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def terminate(self, application_like: str) -> int:
        """``pg_terminate_backend`` every session whose application_name matches; returns how many."""
        with self.admin() as connection:
            return connection.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE %s",
                (application_like,)).fetchone()[0]

    def sessions(self, application_like: str) -> int:
        with self.admin() as connection:
            return connection.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s",
                                      (application_like,)).fetchone()[0]

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Postgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
