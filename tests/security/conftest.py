"""Fixtures of the security tests: the app over the fieldwork edition with staff accounts and
two respondents (`sec_app`), and a fake clock for the login limits (`clock`)."""

import time as real_time
import types

import pytest

from tests.support.security import FakeClock, build_security_app


@pytest.fixture
def clock(monkeypatch):
    import flask_limiter._extension
    import limits.storage.base
    import limits.storage.memory
    import limits.strategies

    import survey.rate_limit_storage

    fake = FakeClock()
    module = types.SimpleNamespace(**{name: getattr(real_time, name) for name in dir(real_time)
                                      if not name.startswith("__")})
    module.time = fake.time
    for patched in (limits.storage.memory, limits.strategies, limits.storage.base,
                    flask_limiter._extension, survey.rate_limit_storage):
        if hasattr(patched, "time"):
            monkeypatch.setattr(patched, "time", module)
    return fake


@pytest.fixture
def build_app():
    """Builds the security tests' app over a database: `build_app(url, **overrides)`
    (`tests.support.security.build_security_app`)."""
    return build_security_app


@pytest.fixture
def sec_app(build_app, sqlite_url):
    return build_app(sqlite_url)
