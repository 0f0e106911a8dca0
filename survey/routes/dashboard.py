"""The fieldwork dashboard at /staff/dashboard, and its table as CSV and Excel.

Thin views: the numbers come from `survey.fieldwork.dashboard`, the chart from
`survey.fieldwork.chart`, the files from `survey.fieldwork.exports`. Filters and sort order
travel in the query string, so every view is a plain link and needs no JavaScript.

The page can reload itself while a coordinator watches answers come in: `?verversen=60` adds a
meta refresh of 60 seconds (5 to 3600). The coordinator turns it on and off with a link, so
nothing moves unasked (WCAG 2.2.1, "turn off"); axe's meta-refresh rule, which cannot see
that, flags the page while it is on. The CSP allows no script, so a meta refresh it is.

Settings: FIELDWORK_TARGETS (a number for every wijk, or a CSV file `wijk_code,target`;
unset: the database's own targets file that `demo seed` writes, else 420 per wijk), FIELDWORK_PARTIAL_MIN_ANSWERS (answers a started unit needs to count as
partial, default 20), EDITION_YEAR (which edition to show; else the newest).
"""

from datetime import datetime

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_login import current_user

from survey import conflicts, editions, storage
from survey.errors import InputError
from survey.fieldwork import aapor, chart, exports
from survey.fieldwork import dashboard as fieldwork
from survey.fieldwork import targets as edition_targets
from survey.routes.staff import register_error_pages
from survey.staff import audit, local_time, roles
from survey.staff.roles import requires_role

bp = Blueprint("dashboard", __name__, url_prefix="/staff")
register_error_pages(bp)

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filters() -> tuple[fieldwork.Filters, list[str]]:
    """The filters from the query string; a value that makes no sense is dropped with a note."""
    problems = []
    wave = request.args.get("wave") or None
    if wave is not None:
        # ASCII digits only ("²".isdigit() is true), and few: a 30-digit wave overflowed SQL
        if wave.isascii() and wave.isdigit() and len(wave) <= 4:
            wave = int(wave)
        else:
            problems.append(f"golf {wave!r} is geen getal; het filter op golf is genegeerd")
            wave = None
    return fieldwork.Filters(
        gebied=request.args.get("gebied") or None,
        questionnaire_id=request.args.get("questionnaire") or None,
        wave=wave,
    ), problems


def _table(db, filters):
    # the edition's own targets (stored with it at upload or draw), else the old setting
    return edition_targets.fieldwork_table_with_targets(db, current_app.config,
                                                        current_app.instance_path, filters)


REFRESH_SECONDS = 60
"""What the "reload every minute" link asks for."""


def _refresh() -> int | None:
    """Seconds between automatic reloads (`?verversen=`), or None: off, or not a number in
    5..3600 (an address typed by hand does not make the page reload every second)."""
    value = request.args.get("verversen") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 4 \
        and 5 <= int(value) <= 3600 else None


def _sort(columns):
    keys = {column.key for column in columns}
    key = request.args.get("sort", "name")
    if key not in keys:
        key = "name"
    return key, request.args.get("dir") == "desc"


@bp.get("/dashboard")
@requires_role(*roles.VIEW_DASHBOARD)
def dashboard():
    filters, problems = _filters()
    try:
        with storage.transaction() as db:
            table = _table(db, filters)
            options = {"gebieden": [], "questionnaires": [], "waves": []}
            svg, open_conflicts = None, 0
            if table.edition is not None:
                options = fieldwork.filter_options(db, table.edition.id)
                series = fieldwork.cumulative_series(
                    fieldwork.daily_completes(db, table.edition.id, filters))
                svg = chart.cumulative_svg(series, target=table.total.target or None,
                                           start=table.edition.fieldwork_start,
                                           end=table.edition.fieldwork_end)
                open_conflicts = conflicts.open_count(db, table.edition.id)
    except InputError as exc:
        return render_template("staff/dashboard_error.html", message=str(exc)), 500
    sort_key, descending = _sort(table.columns)

    refresh = _refresh()

    def refresh_url(seconds):
        args = {k: v for k, v in request.args.items() if k != "verversen"}
        return url_for("dashboard.dashboard", **args, **({"verversen": seconds} if seconds else {}))

    def sort_url(key):
        args = request.args.to_dict()
        # a second click on the sorted column turns the order round
        args["dir"] = "desc" if key == sort_key and not descending else "asc"
        args["sort"] = key
        return url_for("dashboard.dashboard", **args)

    dispositions = sorted(table.total.dispositions.items(), key=lambda item: [int(p) for p in item[0].split(".")])
    return render_template(
        "staff/dashboard.html",
        table=table,
        wijken=fieldwork.sort_rows(table.wijken, sort_key, descending),
        gebieden=fieldwork.sort_rows(table.gebieden, sort_key if sort_key != "gebied" else "name",
                                     descending),
        sort_key=sort_key,
        descending=descending,
        sort_url=sort_url,
        refresh=refresh,
        refresh_url=refresh_url,
        refresh_default=REFRESH_SECONDS,
        export_url=lambda kind: url_for("dashboard.export_table", kind=kind, **{
            k: v for k, v in request.args.items() if k in ("gebied", "questionnaire", "wave", "sort", "dir")}),
        options=options,
        problems=problems,
        chart_svg=svg,
        open_conflicts=open_conflicts,
        dispositions=dispositions,
        disposition_labels=aapor.DISPOSITIONS,
        group_labels=aapor.GROUP_LABELS,
        groups=aapor.GROUPS,
        aapor_group=aapor.group,
        generated_at=local_time.now(),
    )


def _export_rows(table, sort_key, descending):
    columns = table.columns
    header = ["Niveau", *[column.label for column in columns]]

    def line(row):
        values = []
        for column in columns:
            value = row.value(column.key)
            if column.kind == "share" and value is not None:
                value = round(value, 4)
            values.append(value)
        return [row.level, *values]

    wijken = [line(row) for row in fieldwork.sort_rows(table.wijken, sort_key, descending)]
    gebieden = [line(row) for row in fieldwork.sort_rows(table.gebieden, "name")]
    return header, wijken, gebieden, [line(table.total)]


def _dutch_csv() -> bool:
    """`?scheiding=puntkomma`: the CSV variant Dutch Excel opens in columns."""
    return request.args.get("scheiding") == "puntkomma"


def _over_time(filters):
    """The dashboard table and its response per day, for the page and its downloads alike."""
    with storage.transaction() as db:
        table = _table(db, filters)
        rows = [] if table.edition is None else fieldwork.response_over_time(
            fieldwork.daily_completes(db, table.edition.id, filters), table.total.gross,
            table.total.target)
    return table, rows


@bp.get("/dashboard/respons-per-dag")
@requires_role(*roles.VIEW_DASHBOARD)
def over_time():
    """Response over time: completes per day by mode, the running total and response."""
    filters, problems = _filters()
    table, rows = _over_time(filters)
    return render_template("staff/over_time.html", table=table, rows=rows, problems=problems,
                           columns=fieldwork.OVER_TIME_COLUMNS,
                           export_url=lambda kind, **extra: url_for(
                               "dashboard.over_time_export", kind=kind, **extra, **{
                                   k: v for k, v in request.args.items()
                                   if k in ("gebied", "questionnaire", "wave")}))


@bp.get("/dashboard/respons-per-dag.<kind>")
@requires_role(*roles.EXPORT_DASHBOARD)
def over_time_export(kind):
    if kind not in EXPORT_TYPES:
        abort(404)
    filters, _ = _filters()
    table, rows = _over_time(filters)
    header = list(fieldwork.OVER_TIME_COLUMNS)
    if kind == "csv":
        body = exports.csv_bytes(header, [[r[0].isoformat(), *r[1:]] for r in rows],
                                 dutch=_dutch_csv())
    else:
        body = exports.xlsx_bytes({"Respons per dag": (
            header, rows, {0: "dd-mm-yyyy", 6: "0.0%", 7: "0.0%"})})
    audit.record("export_dashboard", target=f"respons-per-dag.{kind}",
                 detail=f"gebied={filters.gebied} questionnaire={filters.questionnaire_id} "
                        f"wave={filters.wave}")
    year = table.edition.year if table.edition else "geen-editie"
    return Response(body, mimetype=EXPORT_TYPES[kind], headers={
        "Content-Disposition": f'attachment; filename="respons-per-dag-{year}.{kind}"'})


@bp.get("/dashboard/export.<kind>")
@requires_role(*roles.EXPORT_DASHBOARD)
def export_table(kind):
    if kind not in EXPORT_TYPES:
        abort(404)
    filters, _ = _filters()
    try:
        with storage.transaction() as db:
            table = _table(db, filters)
    except InputError as exc:
        return render_template("staff/dashboard_error.html", message=str(exc)), 500
    sort_key, descending = _sort(table.columns)
    header, wijken, gebieden, total = _export_rows(table, sort_key, descending)
    year = table.edition.year if table.edition else "geen-editie"
    if kind == "csv":
        body = exports.csv_bytes(header, [*wijken, *gebieden, *total], dutch=_dutch_csv())
    else:
        counts = sorted(table.total.dispositions.items())
        # shares stay exact fractions in the cells; Excel shows them as percentages
        percent = {i: "0.0%" for i, column in enumerate(table.columns, start=1)
                   if column.kind == "share"}
        body = exports.xlsx_bytes({
            "Per wijk": (header, wijken, percent),
            "Per gebied": (header, [*gebieden, *total], percent),
            "Disposities": (["AAPOR-code", "Omschrijving", "Groep", "Eenheden"],
                            [[code, aapor.DISPOSITIONS.get(code, ""), aapor.group(code), n]
                             for code, n in counts]),
        })
    audit.record("export_dashboard", target=f"dashboard.{kind}",
                 detail=f"gebied={filters.gebied} questionnaire={filters.questionnaire_id} "
                        f"wave={filters.wave}")
    return Response(body, mimetype=EXPORT_TYPES[kind], headers={
        "Content-Disposition": f'attachment; filename="veldwerk-{year}.{kind}"'})


# --------------------------------------------------------------------------- mode conflicts


def _conflicts_page(errors=None, notes=None, status=200):
    with storage.transaction() as db:
        edition = editions.current_edition(db, current_app.config.get("EDITION_YEAR"))
        found = [] if edition is None else conflicts.conflicts(db, edition.id)
    return render_template("staff/conflicts.html", edition=edition, conflicts=found,
                           errors=errors or {}, notes=notes or {}, kinds=conflicts.KINDS,
                           resolution=conflicts.RESOLUTION,
                           mode_labels=fieldwork.MODE_LABELS,
                           completion_labels=conflicts.COMPLETION_LABELS), status


@bp.get("/conflicten")
@requires_role(*roles.VIEW_DASHBOARD)
def conflict_list():
    """Paper forms and phone interviews that came after the unit's completion."""
    return _conflicts_page()


@bp.post("/conflicten/<kind>/<unit_id>")
@requires_role(*roles.RECORD_OUTCOME)
def close_conflict(kind, unit_id):
    """Close one conflict: the earlier completion stays; the note is required."""
    note = request.form.get("note") or ""
    try:
        with storage.transaction() as db:
            closed = conflicts.close(db, kind, unit_id, note, by=current_user.username,
                                     role=current_user.role, remote_addr=request.remote_addr,
                                     at=datetime.utcnow())
    except conflicts.ConflictError as exc:
        return _conflicts_page(errors={(kind, unit_id): str(exc)}, notes={(kind, unit_id): note},
                               status=400)
    flash(f"Conflict van eenheid {unit_id} afgehandeld: {conflicts.RESOLUTION[closed.kind]}.")
    return redirect(url_for("dashboard.conflict_list"), code=303)
