"""Letters on the web for the coordinator, at /staff/letters: print a batch of invitations or
reminders for a wave, for every wijk or only some (an extra reminder to wijken lagging behind
their targets), as a zip of the print-ready PDFs and the print house's manifest; see what was
printed and returned; and reprint one lost letter (same kenmerk, same code) from the unit page.

The PDFs hold names, addresses and codes: they are written to a private folder of the
instance, sent, and deleted; every print and reprint is audit-logged (`print_letters`,
`reprint_letter`). Thin views over `survey.letters.printing`.
"""

import io
import secrets
import shutil
import zipfile
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from survey import clock, storage
from survey.errors import WijkprofielError
from survey.fieldwork import dates
from survey.fieldwork import targets as edition_targets
from survey.letters import batches, printing
from survey.letters.compose import KIND_LABELS, KINDS
from survey.models import Area, MailedLetter
from survey.routes.staff import LogoutForm, register_error_pages
from survey.sampling.messages_nl import dutch
from survey.staff import audit, roles
from survey.staff.roles import requires_role

bp = Blueprint("letters_web", __name__, url_prefix="/staff/letters")
register_error_pages(bp)

LAGGING_SHARE = 0.5
"""A wijk with fewer completes than this share of its target is offered an extra reminder."""


@bp.context_processor
def staff_context():
    return {"logout_form": LogoutForm(), "role_labels": roles.ROLE_LABELS, "roles": roles}


def _check_date(form, field):
    if (field.data or "").strip():
        try:
            dates.parse_date(field.data)
        except ValueError:
            raise ValidationError("Vul een datum in zoals 25-03-2024.") from None


class PrintForm(FlaskForm):
    kind = SelectField("Soort brief", choices=[(k, KIND_LABELS[k]) for k in KINDS])
    wave = IntegerField("Golf", default=1, validators=[
        DataRequired("Vul de golf in."), NumberRange(1, 9, "Een golf van 1 tot 9.")])
    wijken = SelectMultipleField("Wijken (geen keuze: alle wijken)", coerce=int,
                                 validators=[Optional()])
    letter_date = StringField("Datum op de brief (bijv. 25-03-2024; leeg: vandaag)",
                              validators=[Length(max=20), _check_date])
    batch_size = IntegerField("Brieven per pdf", default=5000, validators=[
        DataRequired("Vul het aantal brieven per pdf in."),
        NumberRange(1, 20000, "Van 1 tot 20.000 brieven per pdf.")])


class ReprintForm(FlaskForm):
    reason = StringField("Reden (bijv. brief kwijt)", validators=[Length(max=200)])


def _page(form, error=None, status=200):
    with storage.transaction() as db:
        areas = db.execute(select(Area.wijk_code, Area.wijk).order_by(Area.wijk)).all()
        try:
            sent = batches.letters_sent(db, current_app.config.get("EDITION_YEAR"))
            table = edition_targets.fieldwork_table_with_targets(db, current_app.config,
                                                                 current_app.instance_path)
            # only wijken with a sample: a wijk nobody was drawn in gets no reminder
            lagging = sorted((row for row in table.wijken if row.gross and row.target
                              and row.completed < LAGGING_SHARE * row.target),
                             key=lambda row: (row.completed / row.target, row.name))
        except WijkprofielError:
            sent, lagging = [], []
    form.wijken.choices = [(code, name) for code, name in areas]
    return render_template("staff/letters.html", form=form, sent=sent, lagging=lagging,
                           error=error, kind_labels=KIND_LABELS,
                           lagging_share=LAGGING_SHARE), status


@bp.get("/")
@requires_role(*roles.RECORD_OUTCOME)
def index():
    form = PrintForm(formdata=None, kind=request.args.get("kind", "invitation"),
                     wave=int(request.args.get("wave", "1")) if
                     request.args.get("wave", "1").isdigit() else 1)
    form.wijken.data = [int(w) for w in request.args.getlist("wijk") if w.isdigit()]
    return _page(form)


@bp.post("/print")
@requires_role(*roles.RECORD_OUTCOME)
def print_batch():
    form = PrintForm()
    with storage.transaction() as db:
        form.wijken.choices = [(c, n) for c, n in db.execute(select(Area.wijk_code, Area.wijk))]
    if not form.validate_on_submit():
        return _page(form, status=400)
    letter_date = (dates.parse_date(form.letter_date.data)
                   if (form.letter_date.data or "").strip() else clock.today())
    folder = Path(current_app.instance_path) / "letters_out" / secrets.token_hex(8)
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    wijken = form.wijken.data or None
    try:
        run = printing.print_run(storage.session(), current_app.config, form.kind.data,
                                 form.wave.data, folder,
                                 year=current_app.config.get("EDITION_YEAR"),
                                 letter_date=letter_date, batch_size=form.batch_size.data,
                                 processes=1, wijk_codes=wijken)
    except WijkprofielError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _page(form, error=f"{dutch(str(exc))}. Er is niets gedrukt.", status=400)
    if not run.letters:
        shutil.rmtree(folder, ignore_errors=True)
        skipped = run.skipped_text(batches.SKIP_REASONS_DUTCH)
        return _page(form, error="Geen brieven te drukken voor deze keuze"
                     + (f" (overgeslagen: {skipped})." if skipped else "."), status=400)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in [*run.paths, run.manifest]:
            archive.write(path, path.name)
    shutil.rmtree(folder, ignore_errors=True)
    where = f"wijken {', '.join(str(w) for w in wijken)}" if wijken else "alle wijken"
    audit.record("print_letters", target=f"{run.labels[0]} to {run.labels[-1]}",
                 detail=f"{run.letters} {form.kind.data} letters, wave {form.wave.data}, "
                        f"edition {run.edition_year}, {where} (web download)")
    buffer.seek(0)
    name = run.labels[0] + (f"_to_{run.labels[-1][-3:]}" if len(run.labels) > 1 else "")
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"{name}.zip")


@bp.get("/reprint/<int:letter_id>")
@requires_role(*roles.RECORD_OUTCOME)
def reprint_page(letter_id):
    with storage.transaction() as db:
        letter = db.get(MailedLetter, letter_id)
        if letter is None:
            abort(404)
        db.expunge(letter)
    return render_template("staff/letter_reprint.html", letter=letter, form=ReprintForm(),
                           kind_labels=KIND_LABELS)


@bp.post("/reprint/<int:letter_id>")
@requires_role(*roles.RECORD_OUTCOME)
def reprint(letter_id):
    form = ReprintForm()
    if not form.validate_on_submit():
        abort(400)
    folder = Path(current_app.instance_path) / "letters_out"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"reprint-{secrets.token_hex(8)}.pdf"
    try:
        with storage.transaction() as db:
            letter = printing.reprint(db, current_app.config, letter_id, path,
                                      printed_by=current_user.username, reason=form.reason.data)
    except WijkprofielError as exc:
        path.unlink(missing_ok=True)
        flash(f"{dutch(str(exc))}.")
        return redirect(url_for("outcomes.record"))
    content = path.read_bytes()
    path.unlink(missing_ok=True)
    kenmerk = f"{letter.batch}/{letter.sequence:05d}"
    audit.record("reprint_letter", target=letter.sample_unit_id,
                 detail=f"{kenmerk}: {form.reason.data or 'no reason given'}")
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"herdruk-{letter.batch}-{letter.sequence:05d}.pdf")
