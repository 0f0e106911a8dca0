"""The questionnaire pages: show a page, store a submitted page, review, thank you (or,
for whom the screening question ends it, thank you and goodbye).

Every view is POST-redirect-GET and needs no JavaScript. The work is done by
`survey.respondent` (context, forms, store, paradata) and the questionnaire's router.
"""

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from survey import storage
from survey.forms.error_messages import message
from survey.i18n import current_language
from survey.respondent import forms, paradata, store
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
    questions = respondent.visible_questions(page)
    if request.method == "GET":
        paradata.page_shown(storage.session_factory(current_app.config["DATABASE_URL"]),
                            respondent.unit_id, page.id, current_language(), _device())
        return _render_page(page, forms.from_answers(questions, respondent.answers))

    page_forms, values = forms.from_submission(questions, request.form)
    if forms.has_errors(page_forms):
        return _render_page(page, page_forms)
    # variables of questions hidden by their `when` are cleared with the page
    for question in page.questions:
        if question not in questions:
            values.update({variable: None for variable in question.variables()})
    try:
        with storage.transaction(current_app.config["DATABASE_URL"]) as db:
            answers = store.save_page(db, respondent.unit_id, page, values, respondent.router,
                                      current_language(), _device())
            # a screening answer ends it here, without a review: whoever closes the window
            # after it is still counted as not eligible, not as a break-off
            screened_out = respondent.router.screened_out(answers)
            if screened_out:
                store.complete(db, respondent.unit_id, respondent.router)
    except store.UnitCompletedError:
        return redirect(url_for("questionnaire.thanks"), code=303)
    if screened_out:
        return redirect(url_for("questionnaire.thanks"), code=303)
    respondent.answers = answers
    respondent.submitted.add(page.id)
    if request.form.get("action") == "stop":
        respondent_session.log_out()
        return redirect(url_for("start.saved"), code=303)
    if request.args.get("terug") == "controleren" and respondent.first_incomplete_page() is None:
        return redirect(url_for("questionnaire.review"), code=303)
    following = respondent.next_page(page.id)
    if following is None:
        return redirect(url_for("questionnaire.review"), code=303)
    return redirect(url_for("questionnaire.page", page_id=following.id), code=303)


@bp.route("/controleren", methods=["GET", "POST"])
def review():
    respondent = g.respondent
    incomplete = respondent.first_incomplete_page()
    if incomplete is not None:
        return redirect(url_for("questionnaire.page", page_id=incomplete.id), code=303)
    if request.method == "POST":
        with storage.transaction(current_app.config["DATABASE_URL"]) as db:
            store.complete(db, respondent.unit_id, respondent.router)
        return redirect(url_for("questionnaire.thanks"), code=303)
    path = respondent.path()
    return render_template("review.html", questionnaire=respondent.questionnaire,
                           review_pages=respondent.review_pages(),
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
            page_forms, _values = forms.from_submission(
                respondent.visible_questions(page), request.form)
            for qf in page_forms:
                qf.errors.clear()
            return _render_page(page, page_forms, notice=message("form_expired")), 400
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
            questions = respondent.visible_questions(page)
            if request.method == "POST":
                page_forms, _values = forms.from_submission(questions, request.form)
                for qf in page_forms:
                    qf.errors.clear()
            else:
                page_forms = forms.from_answers(questions, respondent.answers)
            response = current_app.make_response(
                (_render_page(page, page_forms, notice=message("database_unavailable")), 503))
        else:
            response = current_app.make_response((render_template(
                "start.html", code="", error=message("database_unavailable"), notices=[]), 503))
    except Exception:  # noqa: BLE001 (the error page itself must not fail)
        current_app.logger.exception("error page for an unavailable database failed")
        response = current_app.make_response((str(message("database_unavailable")), 503))
    response.headers["Retry-After"] = "60"
    current_app.logger.error("database unavailable: %s", _error)
    return response


def _render_page(page, page_forms, notice=None):
    respondent = g.respondent
    number, total = respondent.progress(page.id)
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
        previous=respondent.previous_page(page.id),
        first=number == 1,
        progress=(number, total),
        from_review=request.args.get("terug") == "controleren",
        notice=notice,
    )


def _device() -> str:
    return paradata.device_class(request.headers.get("User-Agent"))
