"""Error pages in the Wijkprofiel's own look and in the resident's language, each with a way
back: not found (404), not allowed (405), too many requests (429) and a server error (500).

A start address typed loosely (`/Start`, `/start/`, `/START?code=...`) is not an error: a GET
whose address matches a page once the trailing slash is dropped (or, for a page without
variable parts, once it is lower-cased) is redirected there with its query, so the code from
the letter's link survives.

Blueprints keep their own handlers where they have one (the staff sign-in's 429 and 403, the
start page's login limit, the questionnaire's unavailable database); these are the app's
fallbacks. The 500 page must itself never fail: if rendering it raises, a plain text answers.

>>> init_app(app)   # doctest: +SKIP (in create_app)
"""

from __future__ import annotations

import math
import time

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext, ngettext
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

__all__ = ["init_app", "retry_minutes"]

PAGES = {
    404: (lazy_gettext("Deze pagina bestaat niet"),
          lazy_gettext("Misschien is het adres niet helemaal goed overgenomen, of is de pagina "
                       "verplaatst. Uw opgeslagen antwoorden zijn er nog.")),
    405: (lazy_gettext("Deze pagina kan zo niet worden geopend"),
          lazy_gettext("De pagina werd op een andere manier geopend dan de bedoeling is, "
                       "bijvoorbeeld met een oude link of de knop Terug van uw browser. Er is "
                       "niets veranderd aan uw antwoorden.")),
    429: (lazy_gettext("Even wachten, alstublieft"),
          lazy_gettext("Er kwamen van uw internetverbinding te veel verzoeken tegelijk.")),
    500: (lazy_gettext("Er ging iets mis"),
          lazy_gettext("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw. "
                       "Wat u eerder opsloeg, blijft bewaard.")),
}


def init_app(app):
    for status in PAGES:
        app.register_error_handler(status, handler(status))


def handler(status):
    """The app's handler of `status`: its page in the resident's language (a blueprint may
    answer first and hand back to this one)."""
    def handle(error):
        if status == 404:
            tolerant = _tolerant_address()
            if tolerant is not None:
                return redirect(tolerant, code=301)
        if status == 500:
            current_app.logger.error("server error: %s", getattr(error, "original_exception",
                                                                 error))
        try:
            return _page(status), status
        except Exception:  # noqa: BLE001 (the error page itself must not fail)
            current_app.logger.exception("the error page for %s failed", status)
            return f"{status} {PAGES[status][0]}", status
    handle.__name__ = f"error_{status}"
    return handle


def _page(status):
    heading, explanation = PAGES[status]
    wait = None
    if status == 429:
        wait = wait_text(retry_minutes())
    back_url, back_text = _way_back()
    return render_template("error.html", status=status, heading=heading,
                           explanation=explanation, wait=wait, back_url=back_url,
                           back_text=back_text)


def retry_minutes() -> int:
    """Whole minutes until the limit hit in this request lets the address try again (at least
    1), from the limiter's own window, so the page says what Retry-After says."""
    from survey.security import limiter

    limit = limiter.current_limit
    if limit is None:
        return 1
    # the seconds as Flask-Limiter computes Retry-After, rounded up to whole minutes
    return max(1, math.ceil(int(limit.reset_at - time.time()) / 60))


def wait_text(minutes: int) -> str:
    return ngettext("Probeer het over %(num)s minuut opnieuw.",
                    "Probeer het over %(num)s minuten opnieuw.", minutes)


def _way_back() -> tuple[str, str]:
    """Back into the questionnaire for a logged-in resident, to the staff home on staff
    pages, else to the start page."""
    from survey.respondent import session as respondent_session

    if request.path.startswith("/staff"):
        return url_for("staff.home"), lazy_gettext("Naar de startpagina")
    try:
        logged_in = (session.get(respondent_session.UNIT_KEY) is not None
                     and respondent_session.current_unit_id() is not None)
    except Exception:  # noqa: BLE001 (no database: the start page is the way back)
        logged_in = False
    if logged_in:
        return url_for("questionnaire.resume"), lazy_gettext("Verder met de vragenlijst")
    return url_for("start.start"), lazy_gettext("Naar de startpagina")


def _tolerant_address() -> str | None:
    """Where a loosely typed address of an existing page should go, or None."""
    if request.method not in ("GET", "HEAD"):
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    stripped = request.path.rstrip("/") or "/"
    for candidate, any_variables in ((stripped, True), (stripped.lower(), False)):
        if candidate == request.path:
            continue
        try:
            _endpoint, arguments = adapter.match(candidate, method="GET")
        except RequestRedirect as moved:
            return moved.new_url
        except HTTPException:
            continue
        if arguments and not any_variables:
            continue  # an id in the address may be case-sensitive: never guess it
        query = request.query_string.decode("latin-1")
        return candidate + ("?" + query if query else "")
    return None
