"""Browser test fixtures: a real server process, Debian's chromium through Playwright, and
axe-core for accessibility checks.

- `live_server` starts `tests.support.live_server` in a subprocess on a free loopback port against a
  fresh SQLite database with sample units `u1`..`u6` (codes in `CODES`); `restart()` kills it
  hard (SIGKILL) and starts it again on the same database and port.
- `chromium` is /usr/bin/chromium (apt-get install chromium); Playwright's own browser
  downloads are never used.
- `axe_source` is axe-core's `axe.min.js` from the axe-playwright-python wheel (a test extra).

Screenshots go to $WIJKPROFIEL_SCREENSHOTS (default /tmp/wijkprofiel-screenshots).
"""

from pathlib import Path

import pytest

from survey import storage
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, CODES, SCREENSHOTS
from tests.support.live_server import LiveServer
from tests.support.respondent import add_unit


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
    adds the units it logs in with (`tests.support.respondent.add_unit`)."""
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
