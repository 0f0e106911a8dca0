"""The one way the tests build the app: `make_app(url, **overrides)`.

Tests get their apps from the fixtures in tests/conftest.py (`make_app`, `app`, `staff_app`,
`respondent_app`, ...), which call this; helper modules here that serve an app (threaded staff
servers, the respondent and security apps) call it too. The base settings are those every test
app shares; a test passes only what it changes.
"""

from survey import create_app

# argon2-cffi's cheapest parameters keep the suite fast; the hashes are still argon2id
FAST_PROFILE = "CHEAPEST"

BASE_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test",
    # the test client talks plain http; tests of the Secure flag set it back to True
    "SESSION_COOKIE_SECURE": False,
    "STAFF_ARGON2_PROFILE": FAST_PROFILE,
    "WTF_CSRF_ENABLED": True,
}


def make_app(url: str, *, serving=None, **overrides):
    """The app over the database at `url` with the base settings and `overrides` (`serving`
    as in `create_app`)."""
    return create_app({**BASE_SETTINGS, "DATABASE_URL": url, **overrides}, serving=serving)
