"""Interviewers phone non-respondents at /staff/phone (role interviewer); the coordinator
supervises at /staff/phone/toezicht: calls and appointments per interviewer, the call outcomes
as CSV, and who calls which unit (assign, reassign). The coordinator sees the whole call list;
an interviewer sees, and may open, only the units on their own list
(`survey.phone.supervision`).

Thin views: the call list and outcomes come from `survey.phone.calls`; the interview is the
web questionnaire's own engine (`survey.respondent`: `Respondent`, `forms`, and the
`page_handler` that saves a page and completes the interview) with mode `phone`, shown in the
staff layout. The staff page is Dutch; its questions, answers, hints and the messages about
the answers are in the interview's language, chosen per unit by the interviewer
(`survey.phone.interview_language`). Appointment times are typed and shown in Rotterdam time
(Europe/Amsterdam) and stored in UTC, as every time in the database.
"""

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import force_locale
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from survey import editions, storage
from survey.fieldwork import dashboard as fieldwork
from survey.fieldwork import exports
from survey.fieldwork import targets as edition_targets
from survey.models import Area, CallAssignment, SampleUnit
from survey.phone import calls, interview_language, supervision
from survey.respondent import forms, page_handler, paradata, store
from survey.respondent.context import Respondent
from survey.routes.staff import LogoutForm, register_error_pages
from survey.staff import audit, local_time, roles
from survey.staff.roles import requires_role

bp = Blueprint("phone", __name__, url_prefix="/staff/phone")
register_error_pages(bp)

CALL = (roles.INTERVIEWER,)
SUPERVISE = roles.SUPERVISE_PHONE


@bp.context_processor
def staff_context():
    return {"logout_form": LogoutForm(), "role_labels": roles.ROLE_LABELS, "roles": roles,
            "outcome_labels": calls.OUTCOMES,
            "language_names": {code: dutch for code, dutch, _own, _direction
                               in interview_language.choices()}}


def _max_attempts() -> int:
    return int(current_app.config["PHONE_MAX_ATTEMPTS"])


@bp.get("/")
@requires_role(*CALL, *SUPERVISE)
def call_list():
    config = current_app.config
    wijk = request.args.get("wijk") or None
    # a wijk code has a few ASCII digits; a 400-digit one overflowed SQL
    wijk_code = int(wijk) if wijk and wijk.isascii() and wijk.isdigit() and len(wijk) <= 6 \
        else None
    with storage.transaction() as db:
        edition_now = editions.current_edition(db, config.get("EDITION_YEAR"))
        targets = edition_targets.targets_for(db, edition_now.id if edition_now else None,
                                              config, current_app.instance_path)
        # the dashboard's per-wijk rows (completes against targets) say which wijken lag
        table = fieldwork.fieldwork_table(
            db, year=config.get("EDITION_YEAR"), targets=targets,
            partial_min_answers=int(config["FIELDWORK_PARTIAL_MIN_ANSWERS"]))
        edition, rows = table.edition, table.wijken
        listing = None if edition is None else calls.call_list(
            db, edition.id, rows, max_attempts=_max_attempts(), now=paradata.now(),
            wijk_code=wijk_code, interviewer=_interviewer())
    lagging = sorted((r for r in rows if r.target > r.completed),
                     key=lambda r: (r.completed - r.target, r.name))
    return render_template("staff/phone_list.html", edition=edition, listing=listing,
                           lagging=lagging, wijk_code=wijk_code, max_attempts=_max_attempts())


def _interviewer() -> str | None:
    """The signed-in interviewer, whose own list is shown; None for the coordinator."""
    return current_user.username if current_user.role == roles.INTERVIEWER else None


def _on_own_list(unit_id):
    """403 (audited) when the open unit is not on this interviewer's list: assigned to
    someone else, or not offered by the call list and never called by them."""
    with storage.transaction() as db:
        edition = editions.current_edition(db, current_app.config.get("EDITION_YEAR"))
        allowed = supervision.may_call(db, unit_id, current_user.username,
                                       edition.id if edition else None, _max_attempts(),
                                       paradata.now())
    if not allowed:
        audit.record("forbidden", target=request.path, detail="not on the interviewer's list")
        abort(403)


def _callee(unit_id):
    with storage.transaction() as db:
        found = calls.callee(db, unit_id)
        if found is None:
            abort(404)
        reason = calls.closed_reason(db, found.unit)
    if reason is None:  # a closed unit's page shows no name, number or answers
        _on_own_list(unit_id)
    return found, reason


@bp.get("/<unit_id>")
@requires_role(*CALL)
def unit(unit_id):
    found, reason = _callee(unit_id)
    audit.record("phone_view_unit", target=unit_id)
    return _unit_page(found, reason)


def _unit_page(found, reason, error=None, status=200, language_error=None):
    with storage.transaction() as db:
        chosen = interview_language.language_of(db, found.unit.id)
    if language_error:  # the language typed stays chosen in the form that is shown again
        chosen = request.form.get("language") or chosen
    return render_template("staff/phone_unit.html", callee=found, closed=reason, error=error,
                           outcomes=calls.RECORDED_BY_HAND, form=request.form if error else {},
                           max_attempts=_max_attempts(), language_error=language_error,
                           languages=interview_language.choices(), chosen_language=chosen), status


@bp.post("/<unit_id>/uitkomst")
@requires_role(*CALL)
def record(unit_id):
    _callee(unit_id)  # 404 or 403 before anything is recorded
    outcome = request.form.get("outcome") or ""
    note = (request.form.get("note") or "").strip()[:500]
    appointment = local_time.from_typed(request.form.get("appointment") or "")
    try:
        with storage.transaction() as db:
            calls.record_call(db, unit_id, outcome, interviewer=current_user.username,
                              at=paradata.now(), appointment_at=appointment, note=note)
    except calls.CallError as exc:
        found, reason = _callee(unit_id)
        return _unit_page(found, reason, error=str(exc), status=400)
    detail = outcome + (f" at {appointment:%Y-%m-%d %H:%M} UTC" if outcome == calls.APPOINTMENT else "")
    audit.record("phone_call", target=unit_id, detail=detail)
    flash(f"Vastgelegd voor eenheid {unit_id}: {calls.OUTCOMES[outcome].lower()}"
          + (f" op {local_time.shown(appointment)}" if outcome == calls.APPOINTMENT else "") + ".")
    return redirect(url_for("phone.call_list"), code=303)


# --------------------------------------------------------------------------- the interview


def _respondent(unit_id, answering=False):
    """The unit as the questionnaire engine sees it, or a redirect when it may not be
    interviewed (completed in another mode, paper received, refused...). Interview answers
    posted (`answering`) for a unit that completed in another mode meanwhile are a conflict,
    audited for the coordinator, not only a refusal."""
    with storage.transaction() as db:
        sample_unit = db.get(SampleUnit, unit_id)
        if sample_unit is None:
            abort(404)
        reason = calls.closed_reason(db, sample_unit)
        overtaken = (answering and sample_unit.status == "completed"
                     and sample_unit.mode != calls.MODE)
    if overtaken:
        return None, _conflict(unit_id)
    if reason is None:
        _on_own_list(unit_id)
    if reason:
        flash(reason)
        return None, redirect(url_for("phone.unit", unit_id=unit_id), code=303)
    return Respondent.load(unit_id), None


@bp.post("/<unit_id>/interview")
@requires_role(*CALL)
def start_interview(unit_id):
    """Start (or resume) the interview in the language chosen on the call screen; without a
    choice, in the language it was held in before (Dutch for a first interview)."""
    respondent, refused = _respondent(unit_id)
    if refused:
        return refused
    try:
        with storage.transaction() as db:
            language = request.form.get("language") or interview_language.language_of(db, unit_id)
            interview_language.choose(db, unit_id, language, by=current_user.username,
                                      at=paradata.now())
    except interview_language.LanguageError as exc:
        found, reason = _callee(unit_id)
        return _unit_page(found, reason, status=400, language_error=str(exc))
    audit.record("phone_interview_start", target=unit_id, detail=f"language {language}")
    return redirect(url_for("phone.resume", unit_id=unit_id), code=303)


def _language_of(unit_id) -> str:
    with storage.transaction() as db:
        return interview_language.language_of(db, unit_id)


def _change_language(unit_id, language) -> str | None:
    """Hold the interview in `language` from now on (audited when it changed); returns the
    Dutch notice for the interviewer, or None when `language` is not offered."""
    try:
        with storage.transaction() as db:
            before = interview_language.choose(db, unit_id, language,
                                               by=current_user.username, at=paradata.now())
    except interview_language.LanguageError:
        return None
    if before != language:
        audit.record("phone_interview_language", target=unit_id,
                     detail=f"{before or '-'} -> {language}")
    return (f"Het interview gaat verder in het {interview_language.dutch_name(language)}. Wat "
            "op deze pagina was ingevuld, staat er nog (nog niet opgeslagen); de eerder "
            "opgeslagen antwoorden blijven bewaard.")


@bp.get("/<unit_id>/interview/")
@requires_role(*CALL)
def resume(unit_id):
    respondent, refused = _respondent(unit_id)
    if refused:
        return refused
    page = respondent.resume_page()
    if page is None:
        return redirect(url_for("phone.review", unit_id=unit_id), code=303)
    return redirect(url_for("phone.page", unit_id=unit_id, page_id=page.id), code=303)


@bp.route("/<unit_id>/interview/pagina/<page_id>", methods=["GET", "POST"])
@requires_role(*CALL)
def page(unit_id, page_id):
    respondent, refused = _respondent(unit_id, answering=request.method == "POST")
    if refused:
        return refused
    if not respondent.may_show(page_id):
        return redirect(url_for("phone.resume", unit_id=unit_id), code=303)
    current = respondent.questionnaire.page(page_id)
    questions = respondent.visible_questions(current)
    language = _language_of(unit_id)
    if request.method == "GET":
        # paradata: the page was shown in the interview's language, not the staff page's
        page_handler.shown(respondent, current, mode=calls.MODE, language=language, device=None)
        return _render_page(unit_id, respondent, current,
                            forms.from_answers(questions, respondent.answers), language)
    if request.form.get("action") == "language":
        # the resident switches: the page comes back in the new language with what was typed,
        # nothing stored and no errors yet (as the web questionnaire's language buttons)
        language = request.form.get("interview_language") or ""
        notice = _change_language(unit_id, language)
        if notice is None:  # not offered: nothing was stored
            abort(400)
        with force_locale(language):
            typed = page_handler.read(questions, request.form).as_typed()
        return _render_page(unit_id, respondent, current, typed, language, notice=notice)
    with force_locale(language):  # the messages about the answers in the interview's language
        result = page_handler.submit(respondent, current, questions, request.form,
                                     mode=calls.MODE, language=language, device=None)
    if result.closed:
        return _conflict(unit_id)
    if not result.saved:
        return _render_page(unit_id, respondent, current, result.forms, language), 400
    following = result.next_page()
    if following is None:
        return redirect(url_for("phone.review", unit_id=unit_id), code=303)
    return redirect(url_for("phone.page", unit_id=unit_id, page_id=following.id), code=303)


def _conflict(unit_id):
    with storage.transaction() as db:
        sample_unit = db.get(SampleUnit, unit_id)
        detail = f"completed {sample_unit.mode} at {sample_unit.completed_at:%Y-%m-%d %H:%M} UTC"
    audit.record("phone_conflict", target=unit_id, detail=detail)
    flash(f"Eenheid {unit_id} heeft de vragenlijst intussen in een andere vorm ingevuld "
          f"({detail}). Er is niets meer opgeslagen van dit interview.")
    return redirect(url_for("phone.unit", unit_id=unit_id), code=303)


def _interview_template(template, language, **context):
    """A staff template of the interview, rendered in the interview's `language`: its
    questionnaire texts (the `qt` filters) and the question partials' own words come in that
    language, while the staff text, written in Dutch, stays Dutch (staff/base.html says
    lang="nl"; the block in `language` carries its own lang and dir)."""
    with force_locale(language):
        return render_template(template, language=_language_shown(language),
                               languages=interview_language.choices(), **context)


def _language_shown(code):
    """The interview language as the templates show it: code, Dutch and own name, direction."""
    return next(dict(code=c, dutch=dutch, own=own, direction=direction)
                for c, dutch, own, direction in interview_language.choices() if c == code)


def _render_page(unit_id, respondent, current, page_forms, language, notice=None):
    number, total = respondent.progress(current.id)
    section = next((s for s in respondent.questionnaire.sections if s.id == current.section_id),
                   None)
    with storage.transaction() as db:
        found = calls.callee(db, unit_id)
    return _interview_template(
        "staff/phone_page.html", language, unit_id=unit_id, callee=found,
        questionnaire=respondent.questionnaire, page=current, section=section,
        heading=current.title or (section.title if section else respondent.questionnaire.title),
        forms=page_forms, errors=[e for qf in page_forms for e in qf.errors], notice=notice,
        previous=respondent.previous_page(current.id), progress=(number, total))


@bp.route("/<unit_id>/interview/controleren", methods=["GET", "POST"])
@requires_role(*CALL)
def review(unit_id):
    respondent, refused = _respondent(unit_id, answering=request.method == "POST")
    if refused:
        return refused
    incomplete = respondent.first_incomplete_page()
    if incomplete is not None:
        return redirect(url_for("phone.page", unit_id=unit_id, page_id=incomplete.id), code=303)
    if request.method == "POST":
        at = paradata.now()
        done = page_handler.complete(
            unit_id, respondent.router, mode=calls.MODE,
            also=lambda db: calls.record_completed(db, unit_id,
                                                   interviewer=current_user.username, at=at))
        if not done:
            return _conflict(unit_id)
        audit.record("phone_interview_complete", target=unit_id)
        flash(f"Interview met eenheid {unit_id} voltooid en opgeslagen." if done == store.COMPLETED
              else f"Interview met eenheid {unit_id} afgesloten na de screeningvraag: niet tot "
                   "de doelgroep (AAPOR 4.10), geen respondent.")
        return redirect(url_for("phone.call_list"), code=303)
    path = respondent.path()
    return _interview_template("staff/phone_review.html", _language_of(unit_id), unit_id=unit_id,
                               questionnaire=respondent.questionnaire,
                               review_pages=respondent.review_pages(),
                               previous=path[-1] if path else None)


# --------------------------------------------------------------------------- supervision


def _edition_or_none(db):
    return editions.current_edition(db, current_app.config.get("EDITION_YEAR"))


@bp.get("/toezicht")
@requires_role(*SUPERVISE)
def supervision_page():
    now = paradata.now()
    with storage.transaction() as db:
        edition = _edition_or_none(db)
        rows = supervision.per_interviewer(db, edition.id, now) if edition else []
        names = supervision.interviewers(db)
        wijken = db.execute(select(Area.wijk_code, Area.wijk).order_by(Area.wijk)).all()
        unassigned = len([e for e in calls.candidates(db, edition.id, _max_attempts(), now)
                          if supervision.assignment_of(db, e.unit_id) is None]) \
            if edition else 0
        by_language = interview_language.per_language(db, edition.id) if edition else []
    return render_template("staff/phone_supervision.html", edition=edition, rows=rows,
                           names=names, wijken=wijken, unassigned=unassigned,
                           by_language=by_language)


class SupervisionForm(FlaskForm):
    """Only the CSRF token: the fields are read from the request."""


@bp.post("/toezicht/toewijzen")
@requires_role(*SUPERVISE)
def assign():
    if not SupervisionForm().validate_on_submit():
        abort(400)
    interviewer = request.form.get("interviewer") or ""
    count_text = request.form.get("count") or ""
    wijk = request.form.get("wijk") or ""
    with storage.transaction() as db:
        if interviewer not in supervision.interviewers(db):
            flash("Kies een interviewer.")
            return redirect(url_for("phone.supervision_page"), code=303)
        if not count_text.isdigit() or not 1 <= int(count_text) <= 5000:
            flash("Vul het aantal eenheden in: een geheel getal van 1 tot 5000.")
            return redirect(url_for("phone.supervision_page"), code=303)
        edition = _edition_or_none(db)
        done = supervision.assign(db, edition.id, interviewer, int(count_text),
                                  by=current_user.username, now=paradata.now(),
                                  wijk_code=int(wijk) if wijk.isdigit() else None,
                                  max_attempts=_max_attempts()) if edition else 0
    audit.record("phone_assign", target=interviewer,
                 detail=f"{done} units" + (f" in wijk {wijk}" if wijk.isdigit() else ""))
    flash(f"{done} eenheden op de bellijst van {interviewer} gezet.")
    return redirect(url_for("phone.supervision_page"), code=303)


@bp.post("/toezicht/overdragen")
@requires_role(*SUPERVISE)
def reassign():
    if not SupervisionForm().validate_on_submit():
        abort(400)
    source = request.form.get("from") or ""
    target = request.form.get("to") or ""
    with storage.transaction() as db:
        names = supervision.interviewers(db)
        known = set(names) | {row.interviewer for row in db.scalars(select(CallAssignment))}
        if source not in known or (target and target not in names) or source == target:
            flash("Kies van wie en naar wie (een andere interviewer, of niemand).")
            return redirect(url_for("phone.supervision_page"), code=303)
        edition = _edition_or_none(db)
        moved = supervision.reassign(db, edition.id, source, target or None,
                                     by=current_user.username, now=paradata.now()) \
            if edition else 0
    audit.record("phone_reassign", target=source, detail=f"{moved} units to {target or 'nobody'}")
    flash(f"{moved} eenheden van {source} " + (f"overgedragen aan {target}." if target
                                              else "teruggezet op de gedeelde bellijst."))
    return redirect(url_for("phone.supervision_page"), code=303)


@bp.get("/uitkomsten.csv")
@requires_role(*SUPERVISE)
def outcomes_export():
    """Every call of the edition: unit, wijk, interviewer, when, outcome, appointment; no names
    or numbers. `?scheiding=puntkomma` for Dutch Excel."""
    dutch = request.args.get("scheiding") == "puntkomma"
    with storage.transaction() as db:
        edition = _edition_or_none(db)
        rows = list(supervision.outcome_rows(db, edition.id)) if edition else []
    audit.record("export_calls", target="uitkomsten.csv", detail=f"{len(rows)} calls")
    body = exports.csv_bytes(list(supervision.EXPORT_COLUMNS), rows, dutch=dutch)
    year = edition.year if edition else "geen-editie"
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="belpogingen-{year}.csv"'})
