"""Coordinators record postal reality per unit at /staff/outcomes: one at a time from a
returned letter, or a batch as a CSV file; and look a unit up (`/staff/outcomes/unit`) when a
resident phones about their letter: its fieldwork status and outcome history, never its
answers, name or address. Each look-up is audited as `view_unit`. Thin views over
`survey.fieldwork.outcomes`."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from survey import storage
from survey.errors import InputError
from survey.fieldwork import aapor, outcomes
from survey.routes.staff import register_error_pages
from survey.security import control_character_line
from survey.staff import audit, roles
from survey.staff.roles import requires_role

bp = Blueprint("outcomes", __name__, url_prefix="/staff/outcomes")
register_error_pages(bp)


class OutcomeForm(FlaskForm):
    reference = StringField("Persoonlijke code (van de brief) of steekproefnummer",
                            validators=[DataRequired("Vul de code of het steekproefnummer in."),
                                        Length(max=40)])
    # rendered as a <select> in the template; validated here against the known outcomes
    outcome = StringField("Uitkomst", validators=[AnyOf(list(aapor.OUTCOMES),
                                                        "Kies een van de uitkomsten.")])
    note = TextAreaField("Toelichting (geen namen of adressen)", validators=[Length(max=500)])


class BatchForm(FlaskForm):
    batch = FileField("CSV-bestand", validators=[FileRequired("Kies een CSV-bestand.")])


def _page(form, batch_form, error=None, status=200):
    with storage.transaction(current_app.config["DATABASE_URL"]) as db:
        recent = outcomes.latest(db)
    return render_template("staff/outcomes.html", form=form, batch_form=batch_form, recent=recent,
                           error=error, outcomes=aapor.OUTCOMES,
                           outcome_labels={k: v[1] for k, v in aapor.OUTCOMES.items()}), status


@bp.get("/")
@requires_role(*roles.RECORD_OUTCOME)
def record():
    return _page(OutcomeForm(), BatchForm())


@bp.post("/")
@requires_role(*roles.RECORD_OUTCOME)
def record_one():
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _page(form, BatchForm(), status=400)
    try:
        with storage.transaction(current_app.config["DATABASE_URL"]) as db:
            row = outcomes.record(db, form.reference.data, form.outcome.data,
                                  recorded_by=current_user.username, note=form.note.data)
            unit_id, disposition = row.sample_unit_id, row.disposition
    except outcomes.OutcomeError as exc:
        return _page(form, BatchForm(), error=str(exc), status=400)
    audit.record("record_outcome", target=unit_id, detail=f"{form.outcome.data} -> {disposition}")
    flash(f"Vastgelegd: eenheid {unit_id} heeft nu dispositie {disposition}.")
    return redirect(url_for("outcomes.record"))


@bp.post("/batch")
@requires_role(*roles.RECORD_OUTCOME)
def record_batch():
    batch_form = BatchForm()
    if not batch_form.validate_on_submit():
        return _page(OutcomeForm(), batch_form, status=400)
    upload = batch_form.batch.data
    name = upload.filename or "upload.csv"
    raw = upload.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = raw.count(b"\n", 0, exc.start) + 1
        return _page(OutcomeForm(), batch_form, status=400,
                     error=f"{name} row {row}: not UTF-8 text; save the file as CSV UTF-8. "
                           "Er is niets vastgelegd.")
    control = control_character_line(text)
    if control is not None:  # a NUL cannot be stored (PostgreSQL): refuse, naming the row
        return _page(OutcomeForm(), batch_form, status=400,
                     error=f"{name} row {control[0]}: holds the control character {control[1]}; "
                           "save the file as CSV UTF-8. Er is niets vastgelegd.")
    try:
        with storage.transaction(current_app.config["DATABASE_URL"]) as db:
            rows = outcomes.record_csv(db, name, text, recorded_by=current_user.username)
            summary = [(row.sample_unit_id, row.outcome, row.disposition) for row in rows]
    except InputError as exc:
        return _page(OutcomeForm(), batch_form, status=400,
                     error=f"{exc} Er is niets vastgelegd.")
    for unit_id, outcome, disposition in summary:
        audit.record("record_outcome", target=unit_id, detail=f"{outcome} -> {disposition} ({name})")
    flash(f"{len(summary)} uitkomsten uit {name} vastgelegd.")
    return redirect(url_for("outcomes.record"))


@bp.get("/unit")
@requires_role(*roles.RECORD_OUTCOME)
def unit():
    reference = request.args.get("reference", "").strip()
    with storage.transaction(current_app.config["DATABASE_URL"]) as db:
        view = outcomes.unit_view(db, reference) if reference else None
    if view is None:
        error = (f"Geen steekproefeenheid met code of nummer {reference!r}." if reference
                 else "Vul een persoonlijke code of steekproefnummer in.")
        return _page(OutcomeForm(), BatchForm(), error=error, status=404 if reference else 400)
    audit.record("view_unit", target=view["unit"].id)
    return render_template("staff/unit.html", view=view, dispositions=aapor.DISPOSITIONS,
                           outcome_labels={k: v[1] for k, v in aapor.OUTCOMES.items()},
                           form=OutcomeForm(reference=view["unit"].id))
