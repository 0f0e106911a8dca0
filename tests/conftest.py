"""Fixtures shared by the whole suite: the app, its client and runner (as in flaskr), and the
database URLs for both backends: SQLite (the embedded default) and PostgreSQL (a server the
suite starts itself on loopback).

Tests get their apps from fixtures: `make_app(url=None, **overrides)` builds one over the test's
SQLite database (or `url`) with the settings every test app shares (`tests.support.apps`);
`app`, `staff_app` and `respondent_app` are the common ones, and `paper_app` and `phone_app`
(like `build_app` in tests/security/conftest.py) build the apps of a mode over a given database. Helpers the tests share live in
tests/support/, never in a test module (tests/test_layout.py keeps it so).

PostgreSQL tests skip when the server binaries are missing, unless WIJKPROFIEL_REQUIRE_POSTGRES
is set (CI sets it), where a missing server fails the run instead.
"""

import os

import pytest

from survey import storage
from tests.support import apps
from tests.support.clock import FIXED_TODAY
from tests.support.paper import build_paper_app
from tests.support.phone import build_phone_app
from tests.support.postgres_server import PostgresServer, PostgresUnavailable
from tests.support.respondent import build_respondent_app
from tests.support.staff import StaffActions, add_accounts


@pytest.fixture(autouse=True)
def _environment_restored():
    """Each test starts from the suite's environment: Flask's CLI writes FLASK_DEBUG (on
    --debug) and FLASK_RUN_FROM_CLI into os.environ itself, outside monkeypatch, and a leaked
    FLASK_DEBUG=1 makes every app server a later test starts refuse to run (in whatever order
    the xdist workers take the files)."""
    before = dict(os.environ)
    yield
    if os.environ != before:
        os.environ.clear()
        os.environ.update(before)


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = PostgresServer().start()
    except PostgresUnavailable as exc:
        if os.environ.get("WIJKPROFIEL_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL required but unavailable: {exc}")
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    storage.upgrade(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'test.db'}"
    storage.upgrade(url)
    return url


@pytest.fixture
def make_app(request):
    """Builds the app: `make_app()` over this test's SQLite database, `make_app(url)` over
    another; keyword arguments override settings (`make_app(url, QUESTIONNAIRES_DIR=...)`)."""
    def build(url=None, *, serving=None, **overrides):
        return apps.make_app(url or request.getfixturevalue("sqlite_url"), serving=serving,
                             **overrides)
    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def staff_app(make_app, sqlite_url):
    """The app with one staff account per role (`tests.support.staff.add_accounts`)."""
    add_accounts(sqlite_url)
    return make_app(sqlite_url)


@pytest.fixture
def staff(staff_app):
    return StaffActions(staff_app.test_client())


@pytest.fixture
def respondent_app(sqlite_url):
    """The app on the mini fixture questionnaire with units u1 and u2 (`tests.support.respondent`)."""
    return build_respondent_app(sqlite_url)


@pytest.fixture
def respondent_app_each_backend(database_url):
    """The app on SQLite and on PostgreSQL, for what depends on the database's locking."""
    return build_respondent_app(database_url)


@pytest.fixture
def paper_app():
    """Builds the data-entry app: `paper_app(url, **overrides)`, with staff accounts, a second
    keyer and paper units p1-p3 (`tests.support.paper.build_paper_app`)."""
    return build_paper_app


@pytest.fixture
def phone_app():
    """Builds the interviewers' app: `phone_app(url, tmp_path, **overrides)`, with a call list
    and targets (`tests.support.phone.build_phone_app`)."""
    return build_phone_app


@pytest.fixture
def fixed_clock(monkeypatch):
    """Today is FIXED_TODAY for the toolkit (survey.clock), whatever day the suite runs."""
    from survey import clock
    monkeypatch.setattr(clock, "today", lambda: FIXED_TODAY)
    return FIXED_TODAY
