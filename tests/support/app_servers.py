"""App servers for the load and fault runs: `wijkprofiel serve` (gunicorn) in a process group of
its own, started on free loopback ports over one database, and the personal codes of units that
have not started (shared by benchmarks/load.py, faults.py, guessing.py and the tests)."""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.live_server import PROJECT_ROOT


class AppServer:
    """`wijkprofiel serve` in its own process group, so that all of it can be killed."""

    def __init__(self, database_url, port, workers, secret_key, log_dir, migrate=True,
                 threads=None):
        self.database_url, self.port, self.workers = database_url, port, workers
        self.secret_key, self.log_dir, self.migrate, self.threads = (
            secret_key, Path(log_dir), migrate, threads)
        self.process = None

    def start(self, timeout=60):
        self.launch()
        self.wait_healthy(timeout)
        return self

    def launch(self):
        """Start the server process without waiting for it to answer."""
        # `python -m survey` is the wijkprofiel command, whether or not its bin is on PATH
        command = [sys.executable, "-m", "survey", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(self.workers),
                   "--access-log", str(self.log_dir / f"access-{self.port}.log")]
        if self.threads:
            command += ["--threads", str(self.threads)]
        if not self.migrate:
            command.append("--no-migrate")
        # the servers run this source tree, whatever copy of the package is installed
        python_path = os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                    os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": self.secret_key,
               "PYTHONPATH": python_path}
        log = open(self.log_dir / f"server-{self.port}.log", "ab")
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True, cwd=PROJECT_ROOT)
        return self

    def wait_healthy(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app server on port {self.port} exited: "
                                   + (self.log_dir / f"server-{self.port}.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz",
                                            timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"app server on port {self.port} not healthy in {timeout} s")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the children of the master (this server's process)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except (OSError, ValueError):
            return []

    def kill_worker(self) -> int:
        """kill -9 one worker; the master starts a new one."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill(self):
        """kill -9 of the whole server: master and workers, no clean shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.kill()


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uninvited_codes(database_url, limit=None) -> list[str]:
    """Personal codes of sample units that have not started, in a fixed order."""
    from sqlalchemy import select

    from survey import storage
    from survey.models import IdentityLink, SampleUnit

    with storage.transaction(database_url) as db:
        query = (select(IdentityLink.access_code)
                 .join(SampleUnit, SampleUnit.id == IdentityLink.sample_unit_id)
                 .where(SampleUnit.status == "invited").order_by(SampleUnit.id))
        if limit:
            query = query.limit(limit)
        return list(db.scalars(query))


def start_servers(database_url, count, workers, log_dir, threads=None, secret_key=None):
    secret_key = secret_key or secrets.token_hex(32)
    servers = [AppServer(database_url, free_port(), workers, secret_key, log_dir,
                         migrate=number == 0, threads=threads) for number in range(count)]
    servers[0].start()  # the first migrates; the others start together after it
    for server in servers[1:]:
        server.launch()
    for server in servers[1:]:
        server.wait_healthy()
    return servers
