"""The statistician's export of answers at /staff/export (CSV or Excel).

Only the statistician's role may export answers; every other role gets 403 and the attempt is
audited. The file never holds identity columns (`survey.fieldwork.answers`). Each download is
written to the audit log with its filters. The CSV is streamed while it is read from the
database, so a full edition starts downloading at once and never sits whole in memory.
"""

import csv
import io
import re

from flask import (Blueprint, Response, abort, current_app, render_template, request,
                   stream_with_context)

from survey import editions, storage
from survey.fieldwork import answers, exports
from survey.fieldwork import dashboard as fieldwork
from survey.routes.dashboard import EXPORT_TYPES
from survey.routes.staff import register_error_pages
from survey.staff import audit, roles
from survey.staff.roles import requires_role

bp = Blueprint("export", __name__, url_prefix="/staff/export")
register_error_pages(bp)

CSV_BATCH = 500  # rows per chunk sent


def download_name(year: int, questionnaire_id: str | None, kind: str) -> str:
    r"""The export's file name. The questionnaire filter comes from the query string: anything
    but a plain id (letters, digits, _ and -) becomes _, so that no quote, CR/LF or non-Latin-1
    character reaches the Content-Disposition header (a 500 before, or a forged header).

    >>> download_name(2024, 'mini"\r\nX: ü', "csv")
    'antwoorden-2024-mini___X___.csv'
    """
    part = re.sub(r"[^A-Za-z0-9_-]", "_", questionnaire_id)[:64] if questionnaire_id else ""
    return f"antwoorden-{year}{'-' + part if part else ''}.{kind}"


@bp.get("/")
@requires_role(*roles.EXPORT_ANSWERS)
def answers_page():
    with storage.transaction() as db:
        edition = editions.current_edition(db, current_app.config.get("EDITION_YEAR"))
        options = fieldwork.filter_options(db, edition.id) if edition else {"questionnaires": []}
    return render_template("staff/export.html", edition=edition, options=options)


def _csv_chunks(query):
    """The CSV in chunks of CSV_BATCH rows, read in one transaction on the app context's
    session: `stream_with_context` pushes the request's app context again while the response
    is sent, and its teardown closes the session when the last chunk is out (or the client
    went away)."""
    with storage.transaction() as db:
        columns = answers.header(db, query)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow([exports.safe_cell(name) for name in columns])
        for number, row in enumerate(answers.rows(db, query, columns), start=1):
            writer.writerow(["" if value is None else exports.safe_cell(value) for value in row])
            if number % CSV_BATCH == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")


@bp.get("/answers.<kind>")
@requires_role(*roles.EXPORT_ANSWERS)
def answers_file(kind):
    if kind not in EXPORT_TYPES:
        abort(404)
    with storage.transaction() as db:
        edition = editions.current_edition(db, current_app.config.get("EDITION_YEAR"))
        if edition is None:
            abort(404)
        query = answers.AnswersQuery(edition.id, request.args.get("questionnaire") or None,
                                     request.args.get("include_started") != "1")
        units = answers.unit_count(db, query)
    audit.record("export_answers", target=f"answers.{kind}",
                 detail=f"edition={edition.year} questionnaire={query.questionnaire_id or 'all'} "
                        f"completed_only={query.completed_only} units={units}")
    name = download_name(edition.year, query.questionnaire_id, kind)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        # streamed after the view returns, in the app context stream_with_context keeps
        return Response(stream_with_context(_csv_chunks(query)),
                        mimetype=EXPORT_TYPES[kind], headers=headers)
    with storage.transaction() as db:
        columns = answers.header(db, query)
        body = exports.xlsx_bytes({"Antwoorden": (columns, answers.rows(db, query, columns))})
    return Response(body, mimetype=EXPORT_TYPES[kind], headers=headers)
