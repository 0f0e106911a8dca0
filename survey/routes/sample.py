"""The sample at /staff/sample: import a register extract or an already drawn sample, or draw
the sample from the imported register. Coordinators and admins only.

Import: upload (CSV or Excel) -> the check page: the column mapping (guessed, editable), the
first rows as they will be read, and every error with its row and column -> import, only when
the whole file is valid. Draw: the gross sample size per wijk for the targets and response
rate -> draw with a seed. Every step is audit-logged (`sample_upload`, `sample_check`,
`sample_import`, `sample_discard`, `sample_draw`); names and addresses never go into the log.
Thin views over `survey.sampling`.
"""

import secrets

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired, NumberRange, ValidationError

from survey import settings, storage
from survey.errors import InputError
from survey.fieldwork import dates
from survey.fieldwork import targets as edition_targets
from survey.fieldwork.period import set_period
from survey.models import Edition, SampleBatch, SampleUnit
from survey.population.targets import DEFAULT_TARGET, targets_setting
from survey.routes.staff import LogoutForm, register_error_pages
from survey.sampling import draw as drawing
from survey.sampling import checks
from survey.sampling import fields as import_fields
from survey.sampling import import_file as importing
from survey.sampling import uploads
from survey.sampling.messages_nl import dutch, dutch_error
from survey.editions import edition_for
from survey.sampling.frame import latest_register
from survey.staff import audit, roles
from survey.staff.roles import requires_role
from weighting import tables

bp = Blueprint("sample", __name__, url_prefix="/staff/sample")
register_error_pages(bp)
# the import words its messages in English for the command line; these pages are Dutch
bp.add_app_template_filter(dutch, "dutch_import")

PREVIEW_ROWS = 8
KIND_LABELS = {"register": "Registeruittreksel (BRP): hieruit wordt getrokken",
               "sample": "Al getrokken steekproef",
               "contact": "Contactgegevens van getrokken personen (telefoonnummers, "
                          "gecorrigeerde adressen): de marges blijven zoals ze zijn"}


@bp.context_processor
def staff_context():
    return {"logout_form": LogoutForm(), "role_labels": roles.ROLE_LABELS, "roles": roles}


class UploadForm(FlaskForm):
    # rendered as radio buttons in the template; validated here against the kinds
    kind = StringField("Soort bestand", default="register",
                       validators=[AnyOf(list(KIND_LABELS), "Kies de soort bestand.")])
    edition = IntegerField("Editie (jaar)", validators=[
        DataRequired("Vul het jaar van de editie in."),
        NumberRange(2014, 2100, "Een editie tussen 2014 en 2100.")])
    upload = FileField("Bestand (CSV of Excel)", validators=[FileRequired("Kies een bestand.")])


class PeriodForm(FlaskForm):
    edition = IntegerField("Editie (jaar)", validators=[
        DataRequired("Vul het jaar van de editie in."),
        NumberRange(2014, 2100, "Een editie tussen 2014 en 2100.")])
    start = StringField("Eerste veldwerkdag (bijv. 01-03-2023)",
                        validators=[DataRequired("Vul de eerste dag in.")])
    end = StringField("Laatste veldwerkdag (bijv. 30-11-2023)",
                      validators=[DataRequired("Vul de laatste dag in.")])

    def validate_start(self, field):
        _dutch_date(field)

    def validate_end(self, field):
        _dutch_date(field)


def _dutch_date(field):
    try:
        dates.parse_date(field.data)
    except ValueError:
        raise ValidationError("Vul een datum in zoals 30-11-2023.") from None


class CheckForm(FlaskForm):
    """Only the CSRF token: the mapping's selects are read from the request by field name."""


class DrawForm(FlaskForm):
    edition = IntegerField("Editie (jaar)", validators=[
        DataRequired("Vul het jaar van de editie in."),
        NumberRange(2014, 2100, "Een editie tussen 2014 en 2100.")])
    seed = IntegerField("Startwaarde (seed)", validators=[
        DataRequired("Vul een startwaarde in."),
        NumberRange(0, 2**31 - 1, "Een geheel getal van 0 tot 2147483647.")])
    response_rate = StringField("Verwachte respons waar de doelen er geen geven (bijv. 0,4)",
                                validators=[DataRequired("Vul de verwachte respons in.")])


class TargetsForm(FlaskForm):
    edition = IntegerField("Editie (jaar)", validators=[
        DataRequired("Vul het jaar van de editie in."),
        NumberRange(2014, 2100, "Een editie tussen 2014 en 2100.")])
    targets = FileField("Doelen per wijk (CSV wijk_code;target[;response_rate])",
                        validators=[FileRequired("Kies een CSV-bestand met de doelen.")])


def _edition_year():
    return int(current_app.config.get("EDITION_YEAR") or settings.default("EDITION_YEAR"))


def _overview():
    with storage.transaction() as db:
        batches = db.execute(
            select(SampleBatch, Edition.year).join(Edition, Edition.id == SampleBatch.edition_id)
            .order_by(SampleBatch.id.desc()).limit(20)).all()
        units = dict(db.execute(
            select(Edition.year, func.count(SampleUnit.id))
            .join(SampleUnit, SampleUnit.edition_id == Edition.id).group_by(Edition.year)).all())
    return batches, units


def _index(form=None, draw_form=None, error=None, status=200, period_form=None):
    batches, units = _overview()
    form = form or UploadForm(edition=_edition_year())
    with storage.transaction() as db:
        edition = db.scalar(select(Edition).where(Edition.year == _edition_year()))
        period = (edition.fieldwork_start, edition.fieldwork_end) if edition else (None, None)
    period_form = period_form or PeriodForm(
        formdata=None, prefix="period", edition=_edition_year(),
        start=period[0].strftime("%d-%m-%Y") if period[0] else "",
        end=period[1].strftime("%d-%m-%Y") if period[1] else "")
    return render_template("staff/sample_index.html", form=form, batches=batches, units=units,
                           error=error, kind_labels=KIND_LABELS, period_form=period_form,
                           period=period), status


@bp.post("/period")
@requires_role(*roles.MANAGE_SAMPLE)
def period_submit():
    form = PeriodForm(prefix="period")
    if not form.validate_on_submit():
        return _index(period_form=form, status=400)
    start, end = dates.parse_date(form.start.data), dates.parse_date(form.end.data)
    try:
        with storage.transaction() as db:
            set_period(db, form.edition.data, start, end)
    except InputError:
        form.end.errors.append("De laatste dag ligt vóór de eerste.")
        return _index(period_form=form, status=400)
    audit.record("set_period", target=f"edition {form.edition.data}",
                 detail=f"{start.isoformat()} to {end.isoformat()}")
    flash(f"Veldwerkperiode van editie {form.edition.data}: {start:%d-%m-%Y} tot en met "
          f"{end:%d-%m-%Y}.")
    return redirect(url_for("sample.index"))


@bp.get("/")
@requires_role(*roles.MANAGE_SAMPLE)
def index():
    return _index()


@bp.post("/upload")
@requires_role(*roles.MANAGE_SAMPLE)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, status=400)
    file = form.upload.data
    name = file.filename or "upload"
    content = file.read(uploads.MAX_BYTES + 1)
    if len(content) > uploads.MAX_BYTES:
        return _index(form, error=f"{name}: groter dan {uploads.MAX_BYTES // 2**20} MB. Er is "
                                  "niets geïmporteerd.",
                      status=400)
    try:
        table = tables.read_table(content, name)
    except InputError as exc:
        audit.record("sample_upload", target=name, detail=f"unreadable: {exc.detail}"[:500])
        return _index(form, error=f"{dutch_error(exc)}. Er is niets geïmporteerd.", status=400)
    token = uploads.save(current_app.instance_path, content, name, form.kind.data,
                         form.edition.data, current_user.username)
    audit.record("sample_upload", target=name,
                 detail=f"{form.kind.data}, edition {form.edition.data}, {len(table.data)} rows, "
                        f"sha256 {table.sha256}")
    return redirect(url_for("sample.check_page", upload=token))


def _load():
    """The upload named by `?upload=<token>`, if this member of staff made it; else 404."""
    token = request.args.get("upload", "")
    upload = uploads.load(current_app.instance_path, token, current_user.username)
    if upload is None:
        abort(404)
    return upload


def _checked(upload, mapping=None):
    table = tables.read_table(upload.content(), upload.filename)
    guessed = import_fields.guess_mapping(table.headers, upload.kind)
    mapping = mapping if mapping is not None else (upload.mapping or guessed)
    with storage.transaction() as db:
        context = checks.load_context(db, upload.kind, upload.edition)
    result = checks.check(table, mapping, upload.kind, context)
    return table, result, context


def _render_check(upload, table, result, context, status=200):
    fields = import_fields.fields_for(upload.kind)
    position = {h: i for i, h in enumerate(table.headers)}
    preview = []
    for k in range(min(PREVIEW_ROWS, len(table.data))):
        row = table.data.iloc[k]
        preview.append((int(table.row_numbers[k]), int(table.row_numbers[k]) in result.error_rows,
                        [row[position[result.mapping[f.name]]]
                         if result.mapping.get(f.name) in position else "" for f in fields]))
    return render_template(
        "staff/sample_check.html", upload=upload, table=table, result=result, fields=fields,
        preview=preview, form=CheckForm(), kind_label=KIND_LABELS[upload.kind],
        reference_date=context.reference_date), status


def _unreadable(upload, exc):
    """A kept upload that can no longer be read (kept before a limit existed, or damaged on
    disk): it is discarded, with the reason, instead of an error page on every view."""
    uploads.discard(current_app.instance_path, upload.token)
    audit.record("sample_check", target=upload.filename, detail=f"unreadable: {exc.detail}"[:500])
    return _index(error=f"{dutch_error(exc)}. Er is niets geïmporteerd.", status=400)


@bp.get("/check")
@requires_role(*roles.MANAGE_SAMPLE)
def check_page():
    upload = _load()
    try:
        table, result, context = _checked(upload)
    except InputError as exc:
        return _unreadable(upload, exc)
    audit.record("sample_check", target=upload.filename,
                 detail=f"{upload.kind}, edition {upload.edition}, {result.rows} rows, "
                        f"{result.error_count} errors")
    return _render_check(upload, table, result, context)


@bp.post("/check")
@requires_role(*roles.MANAGE_SAMPLE)
def check_submit():
    upload = _load()
    form = CheckForm()
    if not form.validate_on_submit():
        abort(400)
    mapping = {f.name: (request.form.get(f"map-{f.name}") or None)
               for f in import_fields.fields_for(upload.kind)}
    uploads.save_mapping(current_app.instance_path, upload, mapping)
    try:
        table, result, context = _checked(upload, mapping)
    except InputError as exc:
        return _unreadable(upload, exc)
    if request.form.get("action") != "import":
        audit.record("sample_check", target=upload.filename,
                     detail=f"{upload.kind}, edition {upload.edition}, {result.rows} rows, "
                            f"{result.error_count} errors (mapping changed)")
        return _render_check(upload, table, result, context)
    if not result.ok:
        audit.record("sample_import", target=upload.filename,
                     detail=f"refused: {result.error_count} errors; nothing imported")
        return _render_check(upload, table, result, context, status=400)
    try:
        with storage.transaction() as db:
            summary = importing.store(db, result, upload.edition,
                                      reference_date=context.reference_date,
                                      created_by=current_user.username)
    except InputError as exc:
        return _index(error=f"{dutch_error(exc)}. Er is niets geïmporteerd.", status=400)
    uploads.discard(current_app.instance_path, upload.token)
    audit.record("sample_import", target=upload.filename,
                 detail=f"{upload.kind}, edition {upload.edition}, {summary.rows} rows, "
                        f"batch {summary.batch_id}, persons added {summary.persons_added}, "
                        f"updated {summary.persons_updated}, units {summary.units}")
    if upload.kind == "contact":
        flash(f"{upload.filename}: contactgegevens van {summary.contacts_updated} getrokken "
              f"personen bijgewerkt in editie {upload.edition}. De marges zijn niet veranderd.")
    elif upload.kind == "register":
        young = (f" {summary.left_out_young} personen jonger dan 15 zijn weggelaten."
                 if summary.left_out_young else "")
        flash(f"{upload.filename}: {summary.rows} personen geïmporteerd als registeruittreksel "
              f"van editie {upload.edition} ({summary.persons_added} nieuw, "
              f"{summary.persons_updated} bijgewerkt).{young} U kunt nu de steekproef trekken.")
    else:
        flash(f"{upload.filename}: {summary.units} steekproefeenheden geïmporteerd in editie "
              f"{upload.edition}, elk met een persoonlijke code.")
    return redirect(url_for("sample.index"))


@bp.post("/discard")
@requires_role(*roles.MANAGE_SAMPLE)
def discard():
    upload = _load()
    if not CheckForm().validate_on_submit():
        abort(400)
    uploads.discard(current_app.instance_path, upload.token)
    audit.record("sample_discard", target=upload.filename)
    flash(f"{upload.filename} is verwijderd; er is niets geïmporteerd.")
    return redirect(url_for("sample.index"))


# --------------------------------------------------------------------------- draw


def _draw_page(form, plan=None, error=None, status=200, targets_form=None,
               targets_error=None):
    year = form.edition.data or _edition_year()
    with storage.transaction() as db:
        edition = db.scalar(select(Edition).where(Edition.year == year))
        register = latest_register(db, edition.id) if edition else None
        units = db.scalar(select(func.count()).select_from(SampleUnit)
                          .where(SampleUnit.edition_id == edition.id)) if edition else 0
        stored = edition_targets.stored_targets(db, edition.id) if edition else []
        stored = {"source": stored[0].source_name, "stored_at": stored[0].stored_at,
                  "stored_by": stored[0].stored_by, "wijken": len(stored),
                  "total": sum(row.target for row in stored)} if stored else None
    targets_form = targets_form or TargetsForm(formdata=None, edition=year)
    return render_template("staff/sample_draw.html", form=form, plan=plan, error=error,
                           register=register, units=units, stored=stored,
                           targets_form=targets_form, targets_error=targets_error,
                           fallback=_fallback()), status


def _fallback():
    """The targets of an edition that has none stored: FIELDWORK_TARGETS, the database's own
    targets file, DEFAULT_TARGET per wijk (`targets_setting`)."""
    return targets_setting(current_app.config, storage.database_url(),
                           current_app.instance_path)


@bp.get("/draw")
@requires_role(*roles.MANAGE_SAMPLE)
def draw_page():
    form = DrawForm(formdata=None, edition=_edition_year(), seed=secrets.randbelow(2**31),
                    response_rate=str(drawing.DEFAULT_RESPONSE_RATE).replace(".", ","))
    plan, error = None, None
    try:
        with storage.transaction() as db:
            plan, _batch = drawing.plan(db, form.edition.data, None,
                                        drawing.DEFAULT_RESPONSE_RATE, fallback=_fallback())
    except InputError as exc:
        error = str(exc)
    return _draw_page(form, plan, error)


@bp.post("/targets")
@requires_role(*roles.MANAGE_SAMPLE)
def targets_submit():
    """Store an uploaded targets file with the edition: checked whole, stored whole."""
    targets_form = TargetsForm()
    form = DrawForm(formdata=None, edition=targets_form.edition.data or _edition_year(),
                    seed=secrets.randbelow(2**31),
                    response_rate=str(drawing.DEFAULT_RESPONSE_RATE).replace(".", ","))
    if not targets_form.validate_on_submit():
        return _draw_page(form, targets_form=targets_form, status=400)
    file = targets_form.targets.data
    name = file.filename or "doelen.csv"
    content = file.read(uploads.MAX_BYTES + 1)
    try:
        with storage.transaction() as db:
            read = edition_targets.read_targets(content, name, checks.wijk_names(db))
            importing.add_areas(db, set(read.targets))
            edition = edition_for(db, targets_form.edition.data)
            edition_targets.store_targets(db, edition.id, read.targets, read.rates,
                                          source_name=name, stored_by=current_user.username)
    except InputError as exc:
        audit.record("store_targets", target=name, detail=f"refused: {exc.detail}"[:500])
        return _draw_page(form, targets_form=targets_form, status=400,
                          targets_error=dutch_error(exc))
    audit.record("store_targets", target=f"edition {targets_form.edition.data}",
                 detail=f"{name}: {read.in_file} wijken in the file, total "
                        f"{sum(read.targets.values())}")
    flash(f"{name}: de doelen van {read.in_file} wijken zijn opgeslagen bij editie "
          f"{targets_form.edition.data} (samen {sum(read.targets.values())}). De trekking, "
          "het dashboard en de bellijst gebruiken deze doelen."
          + (f" {len(read.targets) - read.in_file} wijken staan niet in het bestand en krijgen "
             f"het standaarddoel van {DEFAULT_TARGET}." if len(read.targets) > read.in_file
             else ""))
    return redirect(url_for("sample.draw_page"))


@bp.post("/draw")
@requires_role(*roles.MANAGE_SAMPLE)
def draw_submit():
    form = DrawForm()
    if not form.validate_on_submit():
        return _draw_page(form, status=400)
    rate = form.response_rate.data.strip().replace(",", ".")
    try:
        if request.form.get("action") != "draw":
            with storage.transaction() as db:
                plan, _batch = drawing.plan(db, form.edition.data, None, rate,
                                            fallback=_fallback())
            return _draw_page(form, plan)
        with storage.transaction() as db:  # all units or none
            summary = drawing.draw(db, form.edition.data, form.seed.data, targets=None,
                                   response_rate=rate, created_by=current_user.username,
                                   fallback=_fallback())
    except InputError as exc:
        return _draw_page(form, error=dutch_error(exc), status=400)
    audit.record("sample_draw", target=f"edition {form.edition.data}",
                 detail=f"seed {form.seed.data}, response rate {rate}, {summary.units} units "
                        f"from {summary.frame} persons, batch {summary.batch_id}")
    flash(f"Steekproef getrokken voor editie {form.edition.data}: {summary.units} eenheden uit "
          f"{summary.frame} personen (startwaarde {form.seed.data}). De inclusiekansen, "
          "designgewichten en registermarges zijn opgeslagen.")
    return redirect(url_for("sample.index"))
