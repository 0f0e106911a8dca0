"""A throwaway PostgreSQL server on loopback for the test suite.

The tests start it themselves from Debian's postgresql binaries, so no service or manual setup
is needed; each test database is created fresh on it. As root, PostgreSQL must run as an
unprivileged user, so the server runs as `postgres` through runuser.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid


class PostgresUnavailable(RuntimeError):
    pass


def _bin_dir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for directory in candidates:
        if os.path.exists(os.path.join(directory, "initdb")):
            return directory
    raise PostgresUnavailable(
        "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    )


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.bin_dir = _bin_dir()
        self.port = _free_port()
        self.root = tempfile.mkdtemp(prefix="wijkprofiel-pg-")
        self.data_dir = os.path.join(self.root, "data")
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.root, user=self.user)

    def _run(self, *args, **kwargs):
        command = [os.path.join(self.bin_dir, args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)

    def start(self):
        self._run("initdb", "-D", self.data_dir, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale")
        self._run(
            "pg_ctl", "-D", self.data_dir, "-l", os.path.join(self.root, "log"), "-w", "start",
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=200",
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise PostgresUnavailable(f"PostgreSQL did not start on port {self.port}")

    def url(self, database="postgres"):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self):
        """A new empty database on this server; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def restart(self):
        # -l: without a log file the new postmaster keeps pg_ctl's captured stdout open, and
        # waiting for pg_ctl's output would never end
        self._run("pg_ctl", "-D", self.data_dir, "-l", os.path.join(self.root, "log"), "-w",
                  "restart", "-m", "fast", "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=200")

    def stop(self):
        try:
            self._run("pg_ctl", "-D", self.data_dir, "-w", "stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)
