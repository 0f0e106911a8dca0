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

from flask import (Blueprint, flash, get_flashed_messages, redirect, render_template, request,
                   url_for)

from flask_wtf.csrf import CSRFError

from survey import access_codes
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


def too_many_attempts(_error):
    """Rendered for HTTP 429 from the limiter: the start page with an explanation."""
    return render_template("start.html", code="", error=message("too_many_attempts"),
                           notices=[]), 429


@bp.errorhandler(CSRFError)
def form_expired(_error):
    """The start form (or the stop button) with a CSRF token that does not check out: show the
    start page again with the code as typed and a fresh token."""
    code = request.form.get("code", "") if request.endpoint == "start.start" else ""
    return render_template("start.html", code=code, error=message("form_expired"),
                           notices=[]), 400


def session_ended():
    flash(message("session_ended"))
    return redirect(url_for("start.start"), code=303)
