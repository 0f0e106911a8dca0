"""Browser test fixtures: a real server process, Debian's chromium through Playwright, and
axe-core for accessibility checks.

- `live_server` starts `tests.browser.server` in a subprocess on a free loopback port against a
  fresh SQLite database with sample units `u1`..`u6` (codes in `CODES`); `restart()` kills it
  hard (SIGKILL) and starts it again on the same database and port.
- `chromium` is /usr/bin/chromium (apt-get install chromium); Playwright's own browser
  downloads are never used.
- `axe_source` is axe-core's `axe.min.js` from the axe-playwright-python wheel (a test extra).

Screenshots go to $WIJKPROFIEL_SCREENSHOTS (default /tmp/wijkprofiel-screenshots).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from survey import storage
from tests.browser.server import add_unit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
# one unit per test that logs in: the server (and its database) is shared by the module
CODES = {f"u{i}": code for i, code in enumerate(
    ["HJSY36UY9B", "VFAUAFNK42", "2345678ABC", "BCDEFGH234", "CDEFGHJ345", "DEFGHJK456",
     "EFGHJKL567", "FGHJKLM678", "GHJKLMN789", "HJKLMNP892", "JKLMNPQ923", "KLMNPQR234",
     "LMNPQRS345", "MNPQRST456", "NPQRSTU567", "PQRSTUV678"], start=1)}
SCREENSHOTS = Path(os.environ.get("WIJKPROFIEL_SCREENSHOTS", "/tmp/wijkprofiel-screenshots"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
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
            [sys.executable, "-m", "tests.browser.server", self.database_url, str(self.port)]
            + ([str(self.questionnaires_dir)] if self.questionnaires_dir else []),
            cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **self.env} if self.env else None)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer in 30 s: {self.log_path.read_text()[-2000:]}")

    def kill(self):
        """SIGKILL: no clean shutdown, nothing flushed that was not committed."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def restart(self):
        self.kill()
        return self.start()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    storage.upgrade(url)
    for unit_id, code in CODES.items():
        add_unit(url, unit_id, code)
    server = LiveServer(url, tmp_path / "server.log").start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def real_questionnaire_server(tmp_path_factory):
    """A server with the real questionnaires in questionnaires/ on an empty edition; each test
    adds the units it logs in with (`tests.browser.server.add_unit`)."""
    from survey.paths import QUESTIONNAIRES_DIR

    tmp_path = tmp_path_factory.mktemp("real")
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    storage.upgrade(url)
    server = LiveServer(url, tmp_path / "server.log", QUESTIONNAIRES_DIR).start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def chromium():
    # module scope, not session: Playwright's sync API keeps an event loop running while it is
    # open, which would break asyncio.run() in every test after the browser tests
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is missing: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    # axe-core's own build, as shipped inside the axe-playwright-python wheel from PyPI (a test
    # extra): no npm or network at test time, the version pinned by the installed wheel
    bundle = pytest.importorskip("axe_playwright_python")
    return (Path(bundle.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
