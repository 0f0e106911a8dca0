"""`wijkprofiel demo run` writes the previous edition in the background while the app serves
from the same SQLite file: a respondent's page save during that write is stored, because the
writer commits in short transactions and pauses after each (`seed_edition(...,
short_transactions=True)`); written as one transaction, the save waits for the whole load.

To make the point at small scale the app's connections wait at most 1 s for SQLite's lock
(instead of 30 s) and the writer is slowed down so that the load holds the lock for seconds,
as a full edition does on a busy machine."""

import shutil
import sqlite3
import threading
import time

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from survey import storage
from survey.demo import bulk_writer
from survey.demo.seed import seed_edition
from survey.models import Answer, Edition, IdentityLink, IdentityPerson, PageVisit, SampleUnit
from survey.questionnaire.loader import load_questionnaire
from survey.paths import QUESTIONNAIRES_DIR
from tests.support.apps import make_app
from tests.support.respondent import Browser, stored, valid_form

LOCK_WAIT_MS = 1000


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A file holding the demo edition 2024 at 1%, copied by each test."""
    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'demo.db'}"
    summary = seed_edition(url, seed=3, scale=0.01)
    storage.get_engine(url).dispose()  # the last connection closed: the WAL is checkpointed
    return make_url(url).database, summary


@pytest.fixture
def serving(seeded, tmp_path):
    """The demo edition 2024 at 1% and the app on it, its lock wait cut to 1 s; a respondent
    logged in on the first page. Yields (url, browser, page, the respondent's code)."""
    template, summary = seeded
    shutil.copyfile(template, tmp_path / "demo.db")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = storage.get_engine(url)

    def short_lock_wait(connection, _record):  # runs after storage's own settings
        connection.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")

    event.listen(engine, "connect", short_lock_wait)
    engine.dispose()
    code = summary.demo_codes["veiligheidsmonitor"]["invited"][0]
    browser = Browser(make_app(url))
    browser.log_in(code)
    assert "/vragenlijst/pagina/" in browser.path, browser.text
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml")
    page = questionnaire.page(browser.path.rsplit("/", 1)[1])
    yield url, browser, page, code
    event.remove(engine, "connect", short_lock_wait)


def _save_during_background_seed(url, browser, page, monkeypatch, short_transactions):
    """Seed edition 2022 in a thread, slowed to hold SQLite's lock for seconds; once it is
    inside a write transaction, save the respondent's page. Returns the save's response."""
    monkeypatch.setattr(bulk_writer, "CHUNK", 1000)
    monkeypatch.setattr(bulk_writer, "SHORT_CHUNK", 1000)
    writing = threading.Event()
    real_yield = bulk_writer.BulkWriter._yield

    def slow_yield(writer):
        time.sleep(0.05)  # a slow machine: each chunk of rows takes a while longer
        if writer.raw.in_transaction:
            writing.set()  # rows written and not committed: the writer holds the lock
        real_yield(writer)

    monkeypatch.setattr(bulk_writer.BulkWriter, "_yield", slow_yield)
    failure = []

    def seed():
        try:
            seed_edition(url, seed=1, scale=0.01, year=2022,
                         short_transactions=short_transactions)
        except BaseException as error:  # reported by the test
            failure.append(error)
            writing.set()

    thread = threading.Thread(target=seed)
    thread.start()
    try:
        assert writing.wait(300), "the seed never started writing"
        assert not failure, failure
        form = valid_form(page)
        response = browser.submit(form)
    finally:
        thread.join()
    assert not failure, failure
    with storage.transaction(url) as db:
        assert db.scalar(select(func.count()).select_from(Edition).where(Edition.year == 2022))
    return response, form


def test_a_page_saved_while_the_previous_edition_is_written_is_stored(serving, monkeypatch):
    url, browser, page, code = serving
    response, form = _save_during_background_seed(url, browser, page, monkeypatch,
                                                  short_transactions=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert browser.path != f"/vragenlijst/pagina/{page.id}"  # on to the next page
    with storage.transaction(url) as db:
        unit_id = db.scalar(select(IdentityLink.sample_unit_id)
                            .where(IdentityLink.access_code == code))
    saved = stored(url, unit_id)
    matched = [variable for variable in form if variable in saved]
    assert matched and all(saved[variable] == form[variable] for variable in matched)

def test_written_as_one_transaction_the_save_fails_after_the_lock_wait(serving, monkeypatch):
    # what the short transactions fix: the save waits for the whole load, gives up after the
    # lock wait and the respondent gets "niet opgeslagen" with what was typed
    url, browser, page, code = serving
    response, _ = _save_during_background_seed(url, browser, page, monkeypatch,
                                               short_transactions=False)
    assert response.status_code == 503
    assert "niet opgeslagen" in response.get_data(as_text=True)


def _counts(url):
    with storage.transaction(url) as db:
        return {model.__tablename__: db.scalar(select(func.count()).select_from(model))
                for model in (Edition, SampleUnit, IdentityPerson, Answer, PageVisit)}


def test_a_failed_seed_in_short_transactions_takes_back_what_it_committed(seeded, tmp_path,
                                                                         monkeypatch):
    template, _ = seeded
    shutil.copyfile(template, tmp_path / "demo.db")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    before = _counts(url)
    monkeypatch.setattr(bulk_writer, "SHORT_CHUNK", 500)
    monkeypatch.setattr(bulk_writer, "TRANSACTION_SECONDS", 0.0)  # a commit after every chunk
    monkeypatch.setattr(bulk_writer, "PAUSE_SECONDS", 0.0)
    real_insert = bulk_writer.BulkWriter.insert

    def failing_insert(writer, table, columns, progress=None):
        if table == "page_visit":  # the answers are in, committed
            raise OSError("disk full")
        return real_insert(writer, table, columns, progress)

    monkeypatch.setattr(bulk_writer.BulkWriter, "insert", failing_insert)
    with pytest.raises(OSError, match="disk full"):
        seed_edition(url, seed=1, scale=0.01, year=2022, short_transactions=True)
    assert _counts(url) == before


def test_a_seed_alone_puts_the_database_back_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    summary = seed_edition(url, seed=4, scale=0.01, durable=False, alone=True)
    storage.get_engine(url).dispose()
    with sqlite3.connect(tmp_path / "demo.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert _counts(url)["answer"] == summary.counts["answers"] > 1000
