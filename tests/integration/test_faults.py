"""The fault audit, small: a few respondents answer the real questionnaire through two app
servers (`wijkprofiel serve`) on one PostgreSQL database while a gunicorn worker is killed
with SIGKILL, a whole server is killed, and PostgreSQL restarts; and through one server on
SQLite while its disk is full. After each fault, every page the server acknowledged (answered
the POST with 303) must be in the database exactly as posted, no page may be half written,
and every respondent who met an error must have carried on afterwards.

benchmarks/faults.py runs the same faults with more respondents and prints the figures.
"""

import asyncio
import os
import secrets
import shutil
import subprocess

import pytest

from survey.demo.seed import seed_edition
from tests.support import loadclient
from tests.support.app_servers import AppServer, free_port, start_servers, uninvited_codes
from tests.support.faults import (fault_disk_full, fault_postgres, fault_server, fault_worker,
                                  small_tmpfs, sqlite_integrity, truncate_wal)
from tests.support.postgres_server import PostgresServer, PostgresUnavailable
from tests.support.respondent import Browser, stored

pytestmark = pytest.mark.slow

USERS = 6
THINK = (0.1, 0.5)  # quick respondents, so that pages are being saved when the fault strikes


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Its own PostgreSQL (this module restarts it), a small demo edition, two app servers."""
    try:
        pg = PostgresServer().start()
    except PostgresUnavailable as exc:
        if os.environ.get("WIJKPROFIEL_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL required but unavailable: {exc}")
        pytest.skip(str(exc))
    work = tmp_path_factory.mktemp("faults")
    servers = []
    try:
        url = pg.create_database()
        seed_edition(url, seed=7, scale=0.01)
        servers = start_servers(url, 2, 2, work)
        yield {"pg": pg, "url": url, "servers": servers, "codes": iter(uninvited_codes(url)),
               "log": work / "acknowledged.jsonl"}
    finally:
        for server in servers:
            server.kill()
        pg.stop()


def load_with_fault(env, fault, *, duration=6.0, fault_at=2.0, servers=None):
    codes = [next(env["codes"]) for _ in range(USERS * 3)]
    servers = servers or env["servers"]

    async def during():
        await asyncio.sleep(fault_at)
        await fault()

    return asyncio.run(loadclient.run_load(
        codes, [("127.0.0.1", s.port) for s in servers], env["log"], users=USERS,
        duration=duration, ramp=0.5, think=THINK, during=during))


def assert_nothing_lost(figures, result):
    assert result["pages"] > 0
    assert loadclient.audit_passed(result), result
    # respondents who saw an error went on answering (or finished)
    assert figures["stuck_count"] == 0, figures["stuck"]
    assert figures["acknowledged_total"] > USERS


def test_given_load_when_a_worker_is_killed_then_no_acknowledged_answer_is_lost(production):
    server = production["servers"][0]
    before = set(server.worker_pids())
    figures = load_with_fault(production, fault_worker(production["servers"]))
    assert_nothing_lost(figures, loadclient.audit(production["url"], production["log"]))
    # the master replaced the killed worker
    assert len(server.worker_pids()) == 2 and set(server.worker_pids()) != before


def test_given_load_when_a_whole_server_is_killed_then_the_other_carries_on(production):
    figures = load_with_fault(production, fault_server(production["servers"], down_seconds=1.0),
                              duration=8.0)
    assert figures["connect_retries"] > 0  # the balancer sent requests to the other server
    assert_nothing_lost(figures, loadclient.audit(production["url"], production["log"]))
    assert production["servers"][1].process.poll() is None  # started again


def test_given_load_when_postgresql_restarts_then_respondents_continue(production):
    figures = load_with_fault(production, fault_postgres(production["pg"]), duration=7.0)
    assert_nothing_lost(figures, loadclient.audit(production["url"], production["log"]))


def _can_mount_tmpfs():
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    try:
        with small_tmpfs(1):
            return True
    except (subprocess.CalledProcessError, OSError):
        return False


def test_given_sqlite_when_the_disk_is_full_then_a_clear_page_and_nothing_half_written(
        tmp_path):
    if not _can_mount_tmpfs():
        if os.environ.get("CI"):
            pytest.fail("the disk-full test needs root to mount a tmpfs")
        pytest.skip("mounting a small tmpfs needs root")
    # seeded beside the small disk and copied onto it with its log emptied: seeding's own log
    # (6 MB at this scale) would fill the 12 MB before the test begins
    seeded = f"sqlite:///{tmp_path / 'seeded.db'}"
    seed_edition(seeded, seed=7, scale=0.005)
    truncate_wal(seeded)
    with small_tmpfs(12) as directory:
        url = f"sqlite:///{directory / 'wijkprofiel.db'}"
        shutil.copyfile(tmp_path / "seeded.db", directory / "wijkprofiel.db")
        server = AppServer(url, free_port(), 2, "disk-full-test-" + secrets.token_hex(16), tmp_path).start()
        env = {"codes": iter(uninvited_codes(url)), "log": tmp_path / "acknowledged.jsonl"}
        try:
            figures = load_with_fault(env, fault_disk_full(directory, full_seconds=2.0),
                                      servers=[server], duration=7.0)
        finally:
            server.kill()
        result = loadclient.audit(url, env["log"])
        assert sqlite_integrity(url) == "ok"
    assert_nothing_lost(figures, result)
    # the respondents who tried to save while the disk was full were told so, clearly
    pages = figures["error_pages"]
    assert pages, "nobody saved a page while the disk was full"
    for kind, page in pages.items():
        assert kind == "http_503", kind
        assert "niet opgeslagen" in page and "Internal Server Error" not in page


def test_when_the_database_fails_on_save_the_page_comes_back_with_what_was_typed(
        respondent_app, sqlite_url, monkeypatch):
    """The error page itself, through the test client: a save that the database refuses
    (here: raised by the store) answers 503 with the page as typed and a clear message, and
    stores nothing; the same page then saves once the database is back."""
    from sqlalchemy.exc import OperationalError

    from survey.respondent import store

    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    assert browser.path == "/vragenlijst/pagina/woonduur"
    save_page = store.save_page

    def disk_full(*args, **kwargs):
        raise OperationalError("INSERT ...", {}, Exception("database or disk is full"))

    monkeypatch.setattr(store, "save_page", disk_full)
    browser.submit({"woonjaren": "7"})
    assert browser.response.status_code == 503
    assert browser.response.headers["Retry-After"] == "60"
    assert "niet opgeslagen" in browser.text and 'value="7"' in browser.text
    assert stored(sqlite_url) == {}
    monkeypatch.setattr(store, "save_page", save_page)
    browser.submit({"woonjaren": "7"})
    assert browser.response.status_code == 200 and browser.path != "/vragenlijst/pagina/woonduur"
    assert stored(sqlite_url)["woonjaren"] == "7"
