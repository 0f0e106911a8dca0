"""Fixtures shared by the whole suite: the app, its client and runner (as in flaskr), and the
database URLs for both backends: SQLite (the embedded default) and PostgreSQL (a server the
suite starts itself on loopback).

PostgreSQL tests skip when the server binaries are missing, unless WIJKPROFIEL_REQUIRE_POSTGRES
is set (CI sets it), where a missing server fails the run instead.
"""

import os
from datetime import date

import pytest

from survey import create_app, storage
from tests.postgres_server import PostgresServer, PostgresUnavailable


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
def app(sqlite_url, tmp_path):
    return create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "test",
                       "WTF_CSRF_ENABLED": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


FIXED_TODAY = date(2026, 10, 1)


@pytest.fixture
def fixed_clock(monkeypatch):
    """Today is FIXED_TODAY for the toolkit (survey.clock), whatever day the suite runs."""
    from survey import clock
    monkeypatch.setattr(clock, "today", lambda: FIXED_TODAY)
    return FIXED_TODAY
