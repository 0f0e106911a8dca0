"""Who is answering: the sample unit logged in with its personal code.

The session is Flask's signed cookie and holds only the sample unit's opaque id and the
chosen language; nothing lives in process memory, so any worker, or a restarted server, serves
the next page. Logging in clears the old session first (no session fixation) but keeps the
language.
"""

from flask import current_app, session
from sqlalchemy import select

from survey import access_codes, storage
from survey.models import SampleUnit

UNIT_KEY = "unit"


def find_unit(code: str) -> SampleUnit | None:
    """The sample unit whose letter carries `code` (typed in any case, with spaces or dashes),
    or None."""
    normalised = access_codes.normalise(code)
    if not normalised:
        return None
    with storage.transaction(current_app.config["DATABASE_URL"]) as db:
        return db.scalar(
            select(SampleUnit).where(SampleUnit.code_hash == access_codes.code_hash(normalised)))


def log_in(unit: SampleUnit) -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session[UNIT_KEY] = unit.id
    # a browser-session cookie: on a shared computer, closing the browser ends it (the answers
    # are stored, and the code resumes them anywhere)
    session.permanent = False


def log_out() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def current_unit_id() -> str | None:
    return session.get(UNIT_KEY)
