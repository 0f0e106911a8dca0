"""Coordinators record postal reality per unit at /staff/outcomes: one at a time from a
returned letter (by the kenmerk in the envelope window, the personal code or the unit id, with
the day it came back), or a batch as a CSV file; and look a unit up (`/staff/outcomes/unit`)
when a resident phones about their letter: by kenmerk, code or id, or by postcode and house
number (`/staff/outcomes/address`). The unit page shows its fieldwork status, letters and
outcome history, never its answers; name and address only on request, to recognise a caller.
Each look-up is audited (`view_unit`, `view_identity`, `lookup_address`). Thin views over
`survey.fieldwork.outcomes`; the unit page names the language of the unit's phone interview
(`survey.phone.interview_language`; fieldwork itself imports no mode)."""

from datetime import datetime

from flask import (Blueprint, abort, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from survey import addresses, storage
from survey.errors import InputError
from survey.fieldwork import aapor, dates, outcomes
from survey.models import PaperRequest, PhoneInterview, SampleUnit
from survey.phone import interview_language
from survey.routes.staff import register_error_pages
from survey.sampling.messages_nl import dutch
from survey.security import control_character_line
from survey.staff import audit, roles
from survey.staff.roles import requires_role
from weighting import tables

bp = Blueprint("outcomes", __name__, url_prefix="/staff/outcomes")
register_error_pages(bp)


class OutcomeForm(FlaskForm):
    reference = StringField("Kenmerk (uit het venster, bijv. 2024-W1-INV-001/00354), "
                            "persoonlijke code of steekproefnummer",
                            validators=[DataRequired("Vul het kenmerk, de code of het "
                                                     "steekproefnummer in."),
                                        Length(max=40)])
    # rendered as a <select> in the template; validated here against the known outcomes
    outcome = StringField("Uitkomst", validators=[AnyOf(list(aapor.OUTCOMES),
                                                        "Kies een van de uitkomsten.")])
    returned_on = StringField("Datum terug (bijv. 25-03-2024; leeg: vandaag)",
                              validators=[Length(max=20)])
    note = TextAreaField("Toelichting (geen namen of adressen)", validators=[Length(max=500)])

    def validate_returned_on(self, field):
        if (field.data or "").strip():
            try:
                dates.parse_date(field.data)
            except ValueError:
                raise ValidationError("Vul een datum in zoals 25-03-2024.") from None


class BatchForm(FlaskForm):
    batch = FileField("CSV-bestand", validators=[FileRequired("Kies een CSV-bestand.")])


def _input_error(exc: InputError) -> str:
    """A bad batch file as the page says it: file, row and column, then what is wrong, and
    that nothing was stored."""
    where = exc.source
    if exc.row is not None:
        where = gettext("%(file)s rij %(row)s", file=where, row=exc.row)
    if exc.column is not None:
        where = gettext("%(where)s, kolom '%(column)s'", where=where, column=exc.column)
    return gettext("%(where)s: %(what)s Er is niets vastgelegd.", where=where,
                   what=dutch(str(exc.detail)))


def _page(form, batch_form, error=None, status=200):
    with storage.transaction() as db:
        recent = outcomes.latest(db)
    return render_template("staff/outcomes.html", form=form, batch_form=batch_form, recent=recent,
                           error=error, outcomes=aapor.OUTCOMES,
                           dutch_aliases=list(outcomes.DUTCH_ALIASES),
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
    at = (dates.day_start_utc(dates.parse_date(form.returned_on.data))
          if (form.returned_on.data or "").strip() else None)
    try:
        with storage.transaction() as db:
            row = outcomes.record(db, form.reference.data, form.outcome.data,
                                  recorded_by=current_user.username, note=form.note.data, at=at)
            unit_id, disposition = row.sample_unit_id, row.disposition
    except outcomes.OutcomeError as exc:
        text = str(exc)  # a clause, as a batch row's message continues it; here a sentence
        return _page(form, BatchForm(), error=text[:1].upper() + text[1:] + ".", status=400)
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
        table = tables.read_table(raw, name)
    except InputError as exc:
        return _page(OutcomeForm(), batch_form, status=400, error=_input_error(exc))
    # a NUL cannot be stored (PostgreSQL): refuse the file, naming the row
    rows_read = zip([1, *table.row_numbers.tolist()],
                    [table.headers, *table.data.itertuples(index=False, name=None)])
    control = next(((row, found[1]) for row, record in rows_read
                    if (found := control_character_line("\t".join(record))) is not None), None)
    if control is not None:
        return _page(OutcomeForm(), batch_form, status=400, error=_input_error(InputError(
            name, gettext("bevat het stuurteken %(character)s; sla het bestand op als CSV "
                          "UTF-8.", character=control[1]), row=control[0])))
    try:
        with storage.transaction() as db:
            rows = outcomes.record_csv(db, table, recorded_by=current_user.username)
            summary = [(row.sample_unit_id, row.outcome, row.disposition) for row in rows]
    except InputError as exc:
        return _page(OutcomeForm(), batch_form, status=400, error=_input_error(exc))
    for notice in table.notices:
        flash(dutch(notice))
    for unit_id, outcome, disposition in summary:
        audit.record("record_outcome", target=unit_id, detail=f"{outcome} -> {disposition} ({name})")
    flash(f"{len(summary)} uitkomsten uit {name} vastgelegd.")
    return redirect(url_for("outcomes.record"))


@bp.get("/unit")
@requires_role(*roles.RECORD_OUTCOME)
def unit():
    reference = request.args.get("reference", "").strip()
    with storage.transaction() as db:
        view = outcomes.unit_view(db, reference) if reference else None
        if view is not None:
            view["interview_language"] = _interview_language(db, view["unit"].id)
    if view is None:
        error = (f"Geen steekproefeenheid met code of nummer {reference!r}." if reference
                 else "Vul een persoonlijke code of steekproefnummer in.")
        return _page(OutcomeForm(), BatchForm(), error=error, status=404 if reference else 400)
    show_identity = request.args.get("identity") == "1"
    audit.record("view_identity" if show_identity else "view_unit", target=view["unit"].id)
    return render_template("staff/unit.html", view=view, dispositions=aapor.DISPOSITIONS,
                           outcome_labels={k: v[1] for k, v in aapor.OUTCOMES.items()},
                           form=OutcomeForm(reference=view["unit"].id),
                           show_identity=show_identity, reference=reference,
                           request_form=PaperRequestForm(), addressing=addresses)


def _interview_language(db, unit_id: str) -> str | None:
    """The Dutch name of the language of the unit's phone interview ('Turks'), None without
    one; a language the app no longer offers by its code, with the language the interview goes
    on in (as `interview_language.language_of` has it)."""
    interview = db.get(PhoneInterview, unit_id)
    if interview is None:
        return None
    held_in = interview_language.language_of(db, unit_id)
    if held_in == interview.language:
        return interview_language.dutch_name(held_in)
    return (f"{interview.language} (niet meer aangeboden; gaat verder in het "
            f"{interview_language.dutch_name(held_in)})")


@bp.get("/address")
@requires_role(*roles.RECORD_OUTCOME)
def by_address():
    """The helpdesk's search by address: the drawn persons at a postcode and house number."""
    postcode = request.args.get("postcode", "").strip()[:10]
    number = request.args.get("huisnummer", "").strip()[:12]
    if not postcode:
        return _page(OutcomeForm(), BatchForm(), error="Vul een postcode in, zoals 3151 AB.",
                     status=400)
    with storage.transaction() as db:
        found = outcomes.find_by_address(db, postcode, number)
        rows = [(hit["unit"].id, hit["unit"].wave, hit["unit"].status,
                 addresses.full_name(hit["person"].given_name, hit["person"].name_prefix,
                                      hit["person"].family_name),
                 addresses.street_line(hit["person"].street, hit["person"].house_number,
                                        hit["person"].house_letter,
                                        hit["person"].house_number_addition),
                 addresses.city_line(hit["person"].postcode, hit["person"].city))
                for hit in found]
    audit.record("lookup_address", target=f"{postcode} {number}".strip(),
                 detail=f"{len(rows)} units found")
    return render_template("staff/unit_address.html", rows=rows, postcode=postcode,
                           number=number)


class PaperRequestForm(FlaskForm):
    note = StringField("Toelichting (niet verplicht; geen namen of adressen)",
                       validators=[Length(max=500)])


@bp.post("/unit/<unit_id>/paper-request")
@requires_role(*roles.RECORD_OUTCOME)
def paper_request(unit_id):
    """The caller asked for a paper questionnaire (the letter offers one)."""
    form = PaperRequestForm()
    if not form.validate_on_submit():
        abort(400)
    with storage.transaction() as db:
        if db.get(SampleUnit, unit_id) is None:
            abort(404)
        db.add(PaperRequest(sample_unit_id=unit_id, requested_at=datetime.utcnow(),
                            requested_by=current_user.username, note=form.note.data or None))
    audit.record("paper_request", target=unit_id)
    flash("Aanvraag van een papieren vragenlijst vastgelegd. Leg vast wanneer hij is "
          "verstuurd.")
    return redirect(url_for("outcomes.unit", reference=unit_id))


@bp.post("/unit/<unit_id>/paper-request/<int:request_id>/sent")
@requires_role(*roles.RECORD_OUTCOME)
def paper_sent(unit_id, request_id):
    if not PaperRequestForm().validate_on_submit():
        abort(400)
    with storage.transaction() as db:
        row = db.get(PaperRequest, request_id)
        if row is None or row.sample_unit_id != unit_id:
            abort(404)
        if row.sent_at is None:
            row.sent_at = datetime.utcnow()
            row.sent_by = current_user.username
    audit.record("paper_sent", target=unit_id)
    flash("Vastgelegd: de papieren vragenlijst is verstuurd.")
    return redirect(url_for("outcomes.unit", reference=unit_id))
