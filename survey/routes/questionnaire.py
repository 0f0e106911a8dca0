"""The questionnaire pages: show a page, store a submitted page, review, thank you (or,
for whom the screening question ends it, confirm that answer first, then thank you and
goodbye).

Every view is POST-redirect-GET and needs no JavaScript. The work is done by
`survey.respondent` (context, forms, paradata, and `page_handler`, which takes in a submitted
page: read, clear hidden answers, save, route, complete) and the questionnaire's router. A page
with a long grid is shown in parts (`?deel=2`, see `forms.screens`); the language buttons of a
page submit it, so the page comes back in the new language with what was typed.
"""

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_babel import refresh

from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from survey.forms.error_messages import message
from survey.i18n import LANGUAGES, current_language
from survey.respondent import forms, page_handler, paradata, store
from survey.respondent.context import Respondent
from survey.respondent import session as respondent_session
from survey.routes.start import session_ended

bp = Blueprint("questionnaire", __name__, url_prefix="/vragenlijst")


@bp.before_request
def load_respondent():
    unit_id = respondent_session.current_unit_id()
    respondent = Respondent.load(unit_id) if unit_id else None
    if respondent is None:
        respondent_session.log_out()
        return session_ended()
    g.respondent = respondent
    if respondent.completed and request.endpoint != "questionnaire.thanks":
        return redirect(url_for("questionnaire.thanks"), code=303)
    if respondent.screening is not None and request.endpoint in (
            "questionnaire.resume", "questionnaire.review", "questionnaire.thanks"):
        # a screening answer waits for confirmation: nothing is closed yet
        return redirect(url_for("questionnaire.confirm_end", **_back_to_review()), code=303)
    return None


@bp.get("/")
def resume():
    page = g.respondent.resume_page()
    if page is None:
        return redirect(url_for("questionnaire.review"), code=303)
    return redirect(url_for("questionnaire.page", page_id=page.id), code=303)


@bp.route("/pagina/<page_id>", methods=["GET", "POST"])
def page(page_id):
    respondent = g.respondent
    if not respondent.may_show(page_id):
        return redirect(url_for("questionnaire.resume"), code=303)
    page = respondent.questionnaire.page(page_id)
    # a page with a long grid is shown in parts (?deel=2): each part is checked and stored on
    # its own, and the page counts as submitted with its last part
    screens = respondent.screens(page)
    part = _part(len(screens))
    questions = screens[part - 1]
    last_part = part == len(screens)
    if request.method == "GET":
        page_handler.shown(respondent, page, mode=store.MODE, language=current_language(),
                           device=_device())
        return _render_page(page, forms.from_answers(questions, respondent.answers), part=part,
                            parts=len(screens))

    if request.form.get("lang") is not None:
        # the language menu of a questionnaire page submits the page's form: the page comes
        # back in the new language with everything typed, nothing stored and no errors yet
        if request.form["lang"] in LANGUAGES:
            session["lang"] = request.form["lang"]
            refresh()
        return _render_page(page, page_handler.read(questions, request.form).as_typed(),
                            part=part, parts=len(screens))
    stopping = request.form.get("action") == "stop"
    # "save and continue later" stores what checks out even when something on the page does
    # not; the page is then asked again when the respondent comes back
    result = page_handler.submit(respondent, page, questions, request.form,
                                 mode=store.MODE, language=current_language(),
                                 device=_device(), last_part=last_part, partial=stopping)
    if result.closed:
        return redirect(url_for("questionnaire.thanks"), code=303)
    if not result.saved:
        return _render_page(page, result.forms, part=part, parts=len(screens))
    if stopping:
        respondent_session.log_out()
        unsaved = result.submission.not_storable
        if unsaved:
            flash(message("not_saved", questions="; ".join(
                f"‘{forms.question_name(qf.question)}’" for qf in unsaved)))
        return redirect(url_for("start.saved"), code=303)
    if result.screened_out:
        # the answer would end the questionnaire: the respondent confirms it first, and
        # until then nothing is closed and every stored answer stays
        return redirect(url_for("questionnaire.confirm_end", **_back_to_review()), code=303)
    if _back_to_review() and respondent.first_incomplete_page() is None:
        return redirect(url_for("questionnaire.review"), code=303)
    if not last_part:
        return redirect(url_for("questionnaire.page", page_id=page.id, deel=part + 1,
                                **_back_to_review()), code=303)
    following = result.next_page()
    if following is None:
        return redirect(url_for("questionnaire.review"), code=303)
    return redirect(url_for("questionnaire.page", page_id=following.id), code=303)


@bp.route("/beeindigen", methods=["GET", "POST"])
def confirm_end():
    """A screening answer (`goto: end`) ends the questionnaire only when the respondent
    confirms it here; "change my answer" goes back to its page. The unit is closed as
    screened out (AAPOR 4.10) on confirmation only, and no stored answer is deleted."""
    respondent = g.respondent
    screening = respondent.screening
    if screening is None:
        return redirect(url_for("questionnaire.resume"), code=303)
    screening_page, variables = screening
    if request.method == "POST":
        page_handler.complete(respondent.unit_id, respondent.router, mode=store.MODE)
        return redirect(url_for("questionnaire.thanks"), code=303)
    given = []
    for variable in variables:
        info = respondent.questionnaire.variable_info(variable)
        value = respondent.answers.get(variable)
        given.append((info.question, info.row, info.labels.get(value, value)))
    return render_template(
        "confirm_end.html", questionnaire=respondent.questionnaire, given=given,
        change=url_for("questionnaire.page", page_id=screening_page.id, **_back_to_review()))


@bp.route("/controleren", methods=["GET", "POST"])
def review():
    respondent = g.respondent
    incomplete = respondent.first_incomplete_page()
    if incomplete is not None:
        return redirect(url_for("questionnaire.page", page_id=incomplete.id), code=303)
    if request.method == "POST":
        page_handler.complete(respondent.unit_id, respondent.router, mode=store.MODE)
        return redirect(url_for("questionnaire.thanks"), code=303)
    path = respondent.path()
    return render_template("review.html", questionnaire=respondent.questionnaire,
                           review_sections=respondent.review_sections(),
                           part_of=respondent.part_of,
                           previous=path[-1] if path else None)


@bp.get("/bedankt")
def thanks():
    if not g.respondent.completed:
        return redirect(url_for("questionnaire.resume"), code=303)
    template = "screened_out.html" if g.respondent.screened_out else "thanks.html"
    return render_template(template, questionnaire=g.respondent.questionnaire)


@bp.errorhandler(CSRFError)
def form_expired(_error):
    """A form whose CSRF token does not check out (its session cookie expired or was lost).
    On a questionnaire page the page is shown again with what was typed, unsaved, and a fresh
    token, so nothing typed is lost; elsewhere the respondent starts again with the code."""
    if request.endpoint == "questionnaire.page" and load_respondent() is None:
        respondent = g.respondent
        page_id = request.view_args.get("page_id")
        if respondent.may_show(page_id):
            page = respondent.questionnaire.page(page_id)
            screens = respondent.screens(page)
            part = _part(len(screens))
            page_forms = page_handler.read(screens[part - 1], request.form).as_typed()
            return _render_page(page, page_forms, notice=message("form_expired"), part=part,
                                parts=len(screens)), 400
    return session_ended()


@bp.app_errorhandler(OperationalError)
def database_unavailable(_error):
    """The database cannot be reached or written (a full disk, a restart): the transaction
    was rolled back, so nothing of this request is stored. Answer 503 with a clear message:
    on a questionnaire page the page again with what was typed, elsewhere the start page."""
    try:
        if (request.endpoint == "questionnaire.page" and isinstance(g.get("respondent"), Respondent)
                and g.respondent.may_show(request.view_args.get("page_id"))):
            respondent = g.respondent
            page = respondent.questionnaire.page(request.view_args["page_id"])
            screens = respondent.screens(page)
            part = _part(len(screens))
            questions = screens[part - 1]
            if request.method == "POST":
                page_forms = page_handler.read(questions, request.form).as_typed()
            else:
                page_forms = forms.from_answers(questions, respondent.answers)
            response = current_app.make_response(
                (_render_page(page, page_forms, notice=message("database_unavailable"),
                              part=part, parts=len(screens)), 503))
        else:
            response = current_app.make_response((render_template(
                "start.html", code="", error=message("database_unavailable"), notices=[]), 503))
    except Exception:  # noqa: BLE001 (the error page itself must not fail)
        current_app.logger.exception("error page for an unavailable database failed")
        response = current_app.make_response((str(message("database_unavailable")), 503))
    response.headers["Retry-After"] = "60"
    current_app.logger.error("database unavailable: %s", _error)
    return response


def _back_to_review() -> dict:
    """The query that brings the respondent back to the review page after a change."""
    return {"terug": "controleren"} if request.args.get("terug") == "controleren" else {}


def _part(parts: int) -> int:
    """The part of the page asked for (?deel=), within 1..parts."""
    try:
        return min(max(int(request.args.get("deel", 1)), 1), parts)
    except ValueError:
        return 1


def _previous_address(page, part: int) -> str | None:
    """The back link: the page's previous part, or the last part of the previous page."""
    respondent = g.respondent
    if part > 1:
        return url_for("questionnaire.page", page_id=page.id, deel=part - 1)
    previous = respondent.previous_page(page.id)
    if previous is None:
        return None
    parts = len(respondent.screens(previous))
    return url_for("questionnaire.page", page_id=previous.id,
                   **({"deel": parts} if parts > 1 else {}))


def _render_page(page, page_forms, notice=None, part=1, parts=1):
    respondent = g.respondent
    section_number, sections, position, pages = respondent.standing(page.id)
    errors = [error for qf in page_forms for error in qf.errors]
    section = next((s for s in respondent.questionnaire.sections if s.id == page.section_id), None)
    return render_template(
        "page.html",
        questionnaire=respondent.questionnaire,
        page=page,
        section=section,
        heading=page.title or (section.title if section else respondent.questionnaire.title),
        forms=page_forms,
        errors=errors,
        previous=_previous_address(page, part),
        part=part,
        parts=parts,
        first=position == 1 and part == 1,
        progress={"section": section_number, "sections": sections, "position": position,
                  "pages": pages},
        from_review=bool(_back_to_review()),
        page_form=url_for("questionnaire.page", page_id=page.id,
                          **({"deel": part} if part > 1 else {}), **_back_to_review()),
        notice=notice,
    )


def _device() -> str:
    return paradata.device_class(request.headers.get("User-Agent"))
