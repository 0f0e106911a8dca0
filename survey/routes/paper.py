"""Data entry keys in returned paper questionnaires at /staff/paper (role data_entry).

Thin views over `survey.paper.entry`: register a form by the code printed on it, key it page
by page (the question blocks of the web questionnaire and its form reader,
`survey.respondent.page_handler.read`), finish the pass, settle the differences between two
passes, check the routing and complete.
Every step is POST-redirect-GET and works without JavaScript; every state change is audited.
"""


from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from survey import storage
from survey.models import PaperForm, SampleUnit
from survey.paper import entry
from survey.respondent import forms, page_handler
from survey.respondent.context import questionnaire_for, router_for
from survey.respondent.paradata import now
from survey.routes.staff import LogoutForm, register_error_pages
from survey.staff import audit, roles
from survey.staff.roles import requires_role

bp = Blueprint("paper", __name__, url_prefix="/staff/paper")
register_error_pages(bp)

KEY_PAPER = (roles.DATA_ENTRY,)
VIEW_PAPER = (roles.DATA_ENTRY, roles.COORDINATOR)  # coordinators follow the forms and conflicts


@bp.context_processor
def staff_context():
    return {"logout_form": LogoutForm(), "role_labels": roles.ROLE_LABELS, "roles": roles}


def _double_entry() -> bool:
    return bool(current_app.config["PAPER_DOUBLE_ENTRY"])


def _load(db, unit_id):
    """The form and its unit's questionnaire, or 404."""
    form = db.get(PaperForm, unit_id)
    if form is None:
        abort(404)
    unit = db.get(SampleUnit, unit_id)
    return form, questionnaire_for(unit.questionnaire_id)


def _own_pass(unit_id, number, keyer):
    """The questionnaire, the pages keyed so far and the values of pass `number`, which must
    be `keyer`'s own (else PaperError)."""
    with storage.transaction() as db:
        _form, questionnaire = _load(db, unit_id)
        entry.own_pass(db, unit_id, number, keyer)
        return (questionnaire, entry.keyed_page_ids(db, unit_id, number),
                entry.pass_values(db, unit_id, number))


def _start_page(error=None, code="", status=200):
    with storage.transaction() as db:
        rows = entry.overview(db)
        keyers = {form.sample_unit_id: entry.passes(db, form.sample_unit_id) for form in rows}
    return render_template("staff/paper_start.html", forms=rows, keyers=keyers, error=error,
                           code=code, status_labels=entry.STATUS_LABELS,
                           double_entry=_double_entry()), status


@bp.get("/")
@requires_role(*VIEW_PAPER)
def start():
    return _start_page()


@bp.post("/")
@requires_role(*KEY_PAPER)
def register():
    """Register a form by its code (or continue it) and go to where this keyer goes on."""
    code = (request.form.get("code") or "").strip()
    if not code:
        return _start_page("Vul de code van het formulier in.", status=400)
    keyer, at = current_user.username, now()
    try:
        with storage.transaction() as db:
            form = entry.register(db, code, keyer, double_entry=_double_entry(), at=at)
            unit_id, status, conflict = form.sample_unit_id, form.status, form.conflict
            number = None if status == entry.CONFLICT else entry.pass_for(db, form, keyer, at=at)
    except entry.PaperError as exc:
        return _start_page(str(exc), code=code, status=400)
    except IntegrityError:  # a colleague registered the same form at the same moment
        return _start_page("Een collega begon tegelijk aan dit formulier. Probeer het opnieuw.",
                           code=code, status=409)
    if status == entry.CONFLICT:
        audit.record("paper_conflict", target=unit_id, detail=conflict)
        return redirect(url_for("paper.conflict", unit_id=unit_id), code=303)
    audit.record("paper_register", target=unit_id,
                 detail=f"pass {number}" if number else "passes finished")
    return redirect(_where_next(unit_id, number), code=303)


def _where_next(unit_id, number):
    if number is None:
        return url_for("paper.differences", unit_id=unit_id)
    with storage.transaction() as db:
        form, questionnaire = _load(db, unit_id)
        page = entry.first_unkeyed_page(questionnaire, entry.keyed_page_ids(db, unit_id, number))
    if page is None:
        return url_for("paper.finish", unit_id=unit_id, number=number)
    return url_for("paper.page", unit_id=unit_id, number=number, page_id=page.id)


@bp.get("/<unit_id>/conflict")
@requires_role(*VIEW_PAPER)
def conflict(unit_id):
    with storage.transaction() as db:
        form = db.get(PaperForm, unit_id)
        if form is None or form.status != entry.CONFLICT:
            abort(404)
    return render_template("staff/paper_conflict.html", form=form)


@bp.route("/<unit_id>/invoer/<int:number>/<page_id>", methods=["GET", "POST"])
@requires_role(*KEY_PAPER)
def page(unit_id, number, page_id):
    keyer = current_user.username
    try:
        questionnaire, keyed, values = _own_pass(unit_id, number, keyer)
    except entry.PaperError as exc:
        flash(str(exc))
        return redirect(url_for("paper.start"), code=303)
    try:
        current = questionnaire.page(page_id)
    except KeyError:
        abort(404)
    # pages are keyed in order: the address bar cannot skip one
    first_open = entry.first_unkeyed_page(questionnaire, keyed)
    if current.id not in keyed and first_open is not None and current.id != first_open.id:
        return redirect(url_for("paper.page", unit_id=unit_id, number=number,
                                page_id=first_open.id), code=303)
    questions = entry.keying_questions(current)
    if request.method == "GET":
        return _render_page(unit_id, number, questionnaire, current,
                            forms.from_answers(questions, values))
    submission = page_handler.read(questions, request.form)
    if submission.has_errors:
        return _render_page(unit_id, number, questionnaire, current, submission.forms), 400
    try:
        with storage.transaction() as db:
            entry.save_pass_page(db, unit_id, number, keyer, current, submission.values,
                                 at=now())
    except entry.PaperError as exc:
        flash(str(exc))
        return redirect(url_for("paper.start"), code=303)
    following = entry.next_page(questionnaire, current.id)
    if following is None or request.form.get("action") == "summary":
        return redirect(url_for("paper.finish", unit_id=unit_id, number=number), code=303)
    return redirect(url_for("paper.page", unit_id=unit_id, number=number, page_id=following.id),
                    code=303)


def _render_page(unit_id, number, questionnaire, current, page_forms):
    position = questionnaire.page_position(current.id)
    section = next((s for s in questionnaire.sections if s.id == current.section_id), None)
    return render_template(
        "staff/paper_page.html", unit_id=unit_id, number=number, questionnaire=questionnaire,
        page=current, section=section, heading=current.title or (section.title if section else ""),
        forms=page_forms, errors=[e for qf in page_forms for e in qf.errors],
        previous=entry.previous_page(questionnaire, current.id),
        progress=(position + 1, len(questionnaire.pages)))


@bp.route("/<unit_id>/invoer/<int:number>/klaar", methods=["GET", "POST"])
@requires_role(*KEY_PAPER)
def finish(unit_id, number):
    keyer = current_user.username
    error = None
    if request.method == "POST":
        try:
            with storage.transaction() as db:
                form, questionnaire = _load(db, unit_id)
                entry.finish_pass(db, form, number, keyer, questionnaire, at=now())
                status = form.status
        except entry.PaperError as exc:
            error = str(exc)
        else:
            audit.record("paper_pass_finished", target=unit_id, detail=f"pass {number}")
            if status == entry.KEYED:
                return redirect(url_for("paper.differences", unit_id=unit_id), code=303)
            flash(f"Invoer {number} van eenheid {unit_id} is afgerond. De tweede invoer doet "
                  "een collega: geef het formulier door.")
            return redirect(url_for("paper.start"), code=303)
    try:
        questionnaire, keyed, values = _own_pass(unit_id, number, keyer)
    except entry.PaperError as exc:
        flash(str(exc))
        return redirect(url_for("paper.start"), code=303)
    answered = {page.id: sum(values.get(v) is not None for v in page.variables())
                for page in questionnaire.pages}
    return render_template("staff/paper_finish.html", unit_id=unit_id, number=number,
                           questionnaire=questionnaire, keyed=keyed, answered=answered,
                           error=error), 400 if error else 200


@bp.route("/<unit_id>/verschillen", methods=["GET", "POST"])
@requires_role(*KEY_PAPER)
def differences(unit_id):
    """The discrepancy screen: each variable on which the passes differ, with both values;
    take one or type what the paper says."""
    errors = {}
    with storage.transaction() as db:
        form, questionnaire = _load(db, unit_id)
        if form.status == entry.CONFLICT:
            return redirect(url_for("paper.conflict", unit_id=unit_id), code=303)
        if form.status != entry.KEYED:
            flash("Dit formulier heeft nog geen afgeronde invoer(en) om te vergelijken."
                  if form.status == entry.ENTRY else "Dit formulier is al verwerkt.")
            return redirect(url_for("paper.start"), code=303)
        diffs = entry.differences(db, form, questionnaire)
        if request.method == "POST":
            chosen, resolved = {}, []
            for difference in diffs:
                source = request.form.get(f"keuze-{difference.variable}")
                if source not in ("pass1", "pass2", "typed"):
                    continue
                value = None
                if source == "typed":
                    value, error = entry.check_typed(difference.info, request.form,
                                                     f"waarde-{difference.variable}")
                    if error:
                        errors[difference.variable] = error
                        continue
                chosen[difference.variable] = (difference, source, value)
            if not errors:
                for difference, source, value in chosen.values():
                    entry.resolve(db, form, difference, source, value, current_user.username,
                                  at=now())
                    resolved.append(f"{difference.variable}={source}")
    if request.method == "POST" and not errors:
        if resolved:
            audit.record("paper_resolve", target=unit_id, detail=", ".join(resolved))
        if all(d.resolution is not None for d in diffs):
            return redirect(url_for("paper.check", unit_id=unit_id), code=303)
        return redirect(url_for("paper.differences", unit_id=unit_id), code=303)
    if not diffs and request.method == "GET":
        return redirect(url_for("paper.check", unit_id=unit_id), code=303)
    return render_template("staff/paper_differences.html", unit_id=unit_id, diffs=diffs,
                           errors=errors, submitted=request.form if errors else None,
                           questionnaire=questionnaire), 400 if errors else 200


@bp.route("/<unit_id>/controle", methods=["GET", "POST"])
@requires_role(*KEY_PAPER)
def check(unit_id):
    """The last screen: the answers as they will be stored, what the routing leaves out, and
    the button that completes the unit with mode paper."""
    error = None
    with storage.transaction() as db:
        form, questionnaire = _load(db, unit_id)
        if form.status == entry.CONFLICT:
            return redirect(url_for("paper.conflict", unit_id=unit_id), code=303)
        if form.status != entry.KEYED:
            flash("Dit formulier is nog niet klaar om te verwerken." if form.status == entry.ENTRY
                  else f"Het formulier van eenheid {unit_id} is al verwerkt.")
            return redirect(url_for("paper.start"), code=303)
        router = router_for(questionnaire)
        try:
            values = entry.final_values(db, form, questionnaire)
        except entry.PaperError as exc:
            flash(str(exc))
            return redirect(url_for("paper.differences", unit_id=unit_id), code=303)
        result = entry.routing_check(router, values)
        if request.method == "POST":
            try:
                result = entry.complete(db, form, questionnaire, router, current_user.username,
                                        at=now())
            except entry.PaperError as exc:
                error = str(exc)
            else:
                conflict_detail = form.conflict if result is None else None
    if request.method == "POST" and error is None:
        if conflict_detail:
            audit.record("paper_conflict", target=unit_id, detail=conflict_detail)
            return redirect(url_for("paper.conflict", unit_id=unit_id), code=303)
        audit.record("paper_complete", target=unit_id,
                     detail=f"{len(result.answers)} answers; off route: "
                            f"{', '.join(result.off_path) or 'none'}; "
                            f"replaced answers of another mode: {result.replaced}")
        flash(f"Het formulier van eenheid {unit_id} is verwerkt: {len(result.answers)} antwoorden "
              "opgeslagen als papieren vragenlijst."
              + (" De screeningvraag sluit deze eenheid uit: niet tot de doelgroep (AAPOR 4.10)."
                 if router.screened_out(result.answers) else ""))
        return redirect(url_for("paper.start"), code=303)
    pages = []
    for page in router.path(result.answers):
        rows = []
        for question in router.visible_questions(page, result.answers):
            for variable in question.variables():
                info = questionnaire.variable_info(variable)
                value = result.answers.get(variable)
                rows.append((info.label, None if value is None else entry.shown_value(info, value)))
        pages.append((page, rows))
    off_path = [(questionnaire.variable_info(v).label,
                 entry.shown_value(questionnaire.variable_info(v), values.get(v)))
                for v in result.off_path]
    missing = [questionnaire.variable_info(v).label for v in result.missing_required]
    return render_template("staff/paper_check.html", unit_id=unit_id, pages=pages,
                           off_path=off_path, missing=missing, error=error,
                           questionnaire=questionnaire), 400 if error else 200
