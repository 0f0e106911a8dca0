"""Who is answering: the sample unit logged in with its personal code.

The session is Flask's signed cookie and holds only the sample unit's opaque id, its session
generation and the chosen language; nothing lives in process memory, so any worker, or a
restarted server, serves the next page. Logging in clears the old session first (no session
fixation) but keeps the language.

A signed cookie stays valid wherever it is copied to, so logging out by forgetting the cookie
alone would leave a copy working (on a shared computer, in a proxy's log). Each sample unit
therefore has a session generation in the database, put in the cookie at login and checked on
every request: "stoppen" raises it, which ends every session of that unit, on every device;
the code from the letter logs in again anywhere. A new login does not raise it: a respondent
may start on a phone and go on on a laptop, or keep two tabs open, and answers are stored per
page, so two devices never corrupt each other's answers. Ending the other device's session at
each login would let anyone who has the code throw the respondent out mid-questionnaire, and
would bounce a household sharing the code between two devices.
"""

from flask import session
from sqlalchemy import select, update

from survey import access_codes, storage
from survey.models import SampleUnit

UNIT_KEY = "unit"
GENERATION_KEY = "generation"


def find_unit(code: str) -> SampleUnit | None:
    """The sample unit whose letter carries `code` (typed in any case, with spaces or dashes),
    or None."""
    normalised = access_codes.normalise(code)
    if not normalised:
        return None
    with storage.transaction() as db:
        return db.scalar(
            select(SampleUnit).where(SampleUnit.code_hash == access_codes.code_hash(normalised)))


def log_in(unit: SampleUnit) -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session[UNIT_KEY] = unit.id
    session[GENERATION_KEY] = unit.session_generation
    # a browser-session cookie: on a shared computer, closing the browser ends it (the answers
    # are stored, and the code resumes them anywhere)
    session.permanent = False


def log_out() -> None:
    """End the session here and, when it is still valid, every other session of its unit.
    The cookie is cleared first, so that the browser is logged out even when the database
    cannot be written right now. A stale cookie ends nothing: a copy replayed after "stoppen"
    must not be able to throw out the respondent's next login."""
    unit_id, generation = session.get(UNIT_KEY), session.get(GENERATION_KEY, 0)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    if unit_id is not None:
        with storage.transaction() as db:
            db.execute(update(SampleUnit)
                       .where(SampleUnit.id == unit_id,
                              SampleUnit.session_generation == generation)
                       .values(session_generation=SampleUnit.session_generation + 1))


def current_unit_id() -> str | None:
    """The logged-in sample unit's id, or None when there is none or the session has been
    ended by "stoppen" since this cookie was issued. A cookie from before sessions had a
    generation counts as generation 0."""
    unit_id = session.get(UNIT_KEY)
    if unit_id is None:
        return None
    with storage.transaction() as db:
        generation = db.scalar(select(SampleUnit.session_generation)
                               .where(SampleUnit.id == unit_id))
    if generation is None or generation != session.get(GENERATION_KEY, 0):
        return None
    return unit_id
