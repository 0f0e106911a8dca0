"""The start page: the personal code from the letter, and the language.

The letter's QR code links to `/start?code=...`, which fills in the code; the respondent then
picks a language and presses Start, so the code is sent by a protected form and is dropped
from the address bar. Failed attempts are rate limited per client address: every attempt is
counted when it arrives (one atomic increment in the shared store, so guesses sent at once on
several servers cannot all slip past a count read before any of them was added) and a right
code gives its attempt back. A right code holds its attempt only while its request runs (a
few milliseconds), so honest logins behind one address can fill the count only if more than
the limit of them run at the same moment: at most one per worker thread of all servers.
"""

from flask import (Blueprint, current_app, flash, get_flashed_messages, redirect,
                   render_template, request, url_for)
from flask_babel import ngettext

from flask_wtf.csrf import CSRFError

from survey import access_codes
from survey import error_pages
from survey.error_pages import retry_minutes, wait_text
from survey.forms.error_messages import message
from survey.respondent import session as respondent_session
from survey.security import give_back_attempt, limiter, login_limit

bp = Blueprint("start", __name__)


@bp.get("/")
def index():
    return redirect(url_for("start.start"), code=303)


@bp.route("/start", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def start():
    if request.method == "GET":
        notices = get_flashed_messages()
        return render_template("start.html", code=request.args.get("code", ""), error=None,
                               notices=notices)
    code = request.form.get("code", "")
    error = _code_error(code)
    unit = None if error else respondent_session.find_unit(code)
    if unit is None:
        error = error or message("code_unknown")
        left = attempts_left()
        if left is not None and left <= WARN_FROM:
            # say how many tries are left before the pause, so that it never comes unexpected
            # (earlier wrong codes from this connection count too)
            error = f"{error} {_attempts_left_text(left)}"
        return render_template("start.html", code=code, error=error, notices=[]), 200
    give_back_attempt()
    respondent_session.log_in(unit)
    return redirect(url_for("questionnaire.resume"), code=303)


@bp.post("/stoppen")
def stop():
    """Leave now and continue later: every submitted page is already stored. A copy of the
    session cookie no longer works afterwards (`respondent_session.log_out`)."""
    respondent_session.log_out()
    return redirect(url_for("start.saved"), code=303)


@bp.get("/opgeslagen")
def saved():
    return render_template("saved.html")


def _code_error(code: str) -> str | None:
    normalised = access_codes.normalise(code)
    if not normalised:
        return message("code_empty")
    if len(normalised) != access_codes.CODE_LENGTH:
        return message("code_format", length=access_codes.CODE_LENGTH)
    return None


@bp.errorhandler(429)
def too_many_attempts(_error):
    """Rendered for HTTP 429 from the limiter on the start form (the blueprint's handler comes
    before the app's error page): the code was not checked at all (so a right code is not
    called wrong), the real wait from the limiter's window, and the phone number. The code as
    typed stays in the box for the next try. The blueprint's other pages get the app's."""
    if request.endpoint != "start.start":
        return error_pages.handler(429)(_error)
    text = f"{message('too_many_attempts')} {wait_text(retry_minutes())} {message('call_us')}"
    return render_template("start.html", code=request.form.get("code", ""), error=text,
                           notices=[]), 429


@bp.errorhandler(CSRFError)
def form_expired(_error):
    """The start form (or the stop button) with a CSRF token that does not check out: show the
    start page again with the code as typed and a fresh token. Without any cookie in the
    request the browser is not sending ours back (cookies blocked, or a browser that keeps a
    secure cookie off plain http): saying "expired" would only repeat, so say that instead."""
    code = request.form.get("code", "") if request.endpoint == "start.start" else ""
    key = "form_expired" if request.cookies.get(
        current_app.config["SESSION_COOKIE_NAME"]) else "cookies_needed"
    return render_template("start.html", code=code, error=message(key), notices=[]), 400


WARN_FROM = 5
"""Wrong codes left before the pause from which the start page counts them down."""


def attempts_left() -> int | None:
    """How many more wrong codes this connection may send in the limiter's window (None when
    the limiter is off)."""
    limit = limiter.current_limit
    return None if limit is None else max(0, limit.remaining)


def _attempts_left_text(left: int) -> str:
    if left == 0:
        return f"{message('attempts_none_left')} {wait_text(retry_minutes())}"
    return ngettext("U kunt het nog %(num)s keer proberen; daarna moet u even wachten.",
                    "U kunt het nog %(num)s keer proberen; daarna moet u even wachten.", left)


def session_ended():
    flash(message("session_ended"))
    return redirect(url_for("start.start"), code=303)
