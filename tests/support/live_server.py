"""Servers for the browser tests: the app in a process of its own, which a test can kill
(`LiveServer`), and the app in a thread of the test's process (`threaded_server`).

    python -m tests.support.live_server DATABASE_URL PORT [QUESTIONNAIRES_DIR]

serves the app on 127.0.0.1:PORT with the mini fixture questionnaire (or the questionnaires in
QUESTIONNAIRES_DIR); `LiveServer` runs it so. With PLAIN_HTTP_COOKIE=1 in the environment the
session cookie is not Secure, for the text browsers, which do not send a Secure cookie over
plain http.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from survey import storage
from tests.support.apps import make_app
from tests.support.respondent import FIXTURES
from tests.support.staff import add_accounts

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def main(argv):
    database_url, port = argv[1], int(argv[2])
    questionnaires_dir = argv[3] if len(argv) > 3 else FIXTURES
    # the session cookie keeps its production default, Secure: chromium counts loopback as
    # secure; text browsers (lynx, w3m) keep a Secure cookie off plain http, as they should
    secure = not os.environ.get("PLAIN_HTTP_COOKIE")
    app = make_app(database_url, SECRET_KEY="browser-tests", SESSION_COOKIE_SECURE=secure,
                   QUESTIONNAIRES_DIR=str(questionnaires_dir))
    server = make_server("127.0.0.1", port, app, threaded=True)
    print(f"serving on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`python -m tests.support.live_server` on a free port; `restart()` kills it hard (SIGKILL)
    and starts it again on the same database and port."""

    def __init__(self, database_url: str, log_path: Path, questionnaires_dir=None, env=None):
        self.database_url = database_url
        self.questionnaires_dir = questionnaires_dir
        self.env = env
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process = None

    def start(self):
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.live_server", self.database_url, str(self.port)]
            + ([str(self.questionnaires_dir)] if self.questionnaires_dir else []),
            cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **self.env} if self.env else None)
        # generous: on a loaded 2-core machine (two xdist workers, chromium) the app's imports
        # alone have taken over 30 s
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer in 90 s: {self.log_path.read_text()[-2000:]}")

    def kill(self):
        """SIGKILL: no clean shutdown, nothing flushed that was not committed."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def restart(self):
        self.kill()
        return self.start()


def staff_database(folder: Path, name: str = "staff.db") -> str:
    """A fresh, migrated SQLite database in `folder` with one staff account per role."""
    url = f"sqlite:///{folder / name}"
    storage.upgrade(url)
    add_accounts(url)
    return url


@contextmanager
def threaded_server(app):
    """`app` served on a free loopback port by a thread of this process, for browser tests of
    staff pages that need no process to kill; yields the base URL, shuts down after."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


if __name__ == "__main__":
    main(sys.argv)
