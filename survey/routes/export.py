"""The statistician's export of answers at /staff/export (CSV or Excel).

Only the statistician's role may export answers; every other role gets 403 and the attempt is
audited. The file never holds identity columns (`survey.fieldwork.answers`). Each download is
written to the audit log with its filters.
"""

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, render_template, request

from survey import storage
from survey.fieldwork import answers, exports
from survey.fieldwork import dashboard as fieldwork
from survey.routes.dashboard import EXPORT_TYPES
from survey.routes.staff import register_error_pages
from survey.staff import audit, roles
from survey.staff.roles import requires_role

bp = Blueprint("export", __name__, url_prefix="/staff/export")
register_error_pages(bp)


@bp.get("/")
@requires_role(*roles.EXPORT_ANSWERS)
def answers_page():
    with storage.transaction(current_app.config["DATABASE_URL"]) as db:
        edition = fieldwork.current_edition(db, current_app.config.get("EDITION_YEAR"))
        options = fieldwork.filter_options(db, edition.id) if edition else {"questionnaires": []}
    return render_template("staff/export.html", edition=edition, options=options)


@bp.get("/answers.<kind>")
@requires_role(*roles.EXPORT_ANSWERS)
def answers_file(kind):
    if kind not in EXPORT_TYPES:
        abort(404)
    questionnaire_id = request.args.get("questionnaire") or None
    completed_only = request.args.get("include_started") != "1"
    with storage.transaction(current_app.config["DATABASE_URL"]) as db:
        edition = fieldwork.current_edition(db, current_app.config.get("EDITION_YEAR"))
        if edition is None:
            abort(404)
        header, rows = answers.answers_table(db, edition.id, questionnaire_id=questionnaire_id,
                                             completed_only=completed_only)
    rows = [[value.isoformat(sep=" ") if isinstance(value, datetime) else value for value in row]
            for row in rows]
    if kind == "csv":
        body = exports.csv_bytes(header, rows)
    else:
        body = exports.xlsx_bytes({"Antwoorden": (header, rows)})
    audit.record("export_answers", target=f"answers.{kind}",
                 detail=f"edition={edition.year} questionnaire={questionnaire_id or 'all'} "
                        f"completed_only={completed_only} units={len(rows)}")
    name = f"antwoorden-{edition.year}{'-' + questionnaire_id if questionnaire_id else ''}.{kind}"
    return Response(body, mimetype=EXPORT_TYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
