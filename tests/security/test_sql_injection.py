"""SQL injection (OWASP A03): quotes, comments and `'; DROP TABLE` through every field that
reaches a query: dashboard filters and sort order, the answers export filter, the staff and
respondent login fields, outcome references (one, batch, look-up) and the returned-letters
import. On SQLite and PostgreSQL: every value is a bound parameter, so the payload filters on
its own literal text, matches nothing, and every table keeps its rows."""

import csv
import io

import pytest
from sqlalchemy import func, inspect, select, text

from survey import storage
from survey.cli import main
from survey.models import AuditEvent
from tests.support.security import form_token, staff_client
from tests.support.staff import csrf_token

PAYLOADS = [
    "'; DROP TABLE sample_unit; --",
    "Centrum' OR '1'='1",
    "1; DELETE FROM answer",
    "1 UNION SELECT given_name, family_name FROM identity_person --",
    "x'); DROP TABLE identity_person; --",
]


def table_counts(url):
    engine = storage.get_engine(url)
    with engine.connect() as connection:
        return {table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar()
                for table in inspect(engine).get_table_names()
                # these grow by design: the audit trail, staff logins, wrong codes counted
                if table not in ("audit_event", "staff_session", "rate_limit_counter")}


def total_row(client, query):
    body = client.get("/staff/dashboard/export.csv", query_string=query).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    return rows[-1]


@pytest.fixture
def app(build_app, database_url):
    return build_app(database_url)


def test_injection_through_every_field_changes_nothing(app, tmp_path):
    url = app.config["DATABASE_URL"]
    before = table_counts(url)
    coordinator = staff_client(app, "coordinator")
    statistician = staff_client(app, "statistician")
    everyone = total_row(coordinator, {})
    assert everyone[:4] == ["total", "Rotterdam", "", "14"]
    for payload in PAYLOADS:
        for key in ("gebied", "questionnaire", "sort", "dir", "wave"):
            page = coordinator.get("/staff/dashboard", query_string={key: payload})
            assert page.status_code == 200, (key, payload)
            row = total_row(coordinator, {key: payload})
            if key in ("gebied", "questionnaire"):
                assert row[3] == "0", (key, payload)  # the literal matches no unit
            else:
                assert row[3] == "14", (key, payload)  # ignored, with a note for `wave`
        export = statistician.get("/staff/export/answers.csv",
                                  query_string={"questionnaire": payload, "include_started": "1"})
        assert export.status_code == 200
        assert len(export.data.decode("utf-8-sig").strip().splitlines()) == 1  # header only

        anonymous = app.test_client()
        response = anonymous.post("/staff/login", data={
            "csrf_token": csrf_token(anonymous), "username": payload[:64], "password": payload * 2})
        assert response.status_code == 401
        page = anonymous.get("/start")
        response = anonymous.post("/start", data={"csrf_token": form_token(page.text),
                                                  "code": payload})
        assert response.status_code in (200, 429)  # unknown or badly formed code

        response = coordinator.post("/staff/outcomes/", data={
            "csrf_token": csrf_token(coordinator, "/staff/outcomes/"), "reference": payload[:40],
            "outcome": "refused"})
        assert response.status_code == 400
        assert "Geen steekproefeenheid heeft de code, het kenmerk of het" in response.text
        response = coordinator.get("/staff/outcomes/unit", query_string={"reference": payload})
        assert response.status_code == 404
        batch = io.BytesIO(f'code,outcome\n"{payload}",refused\n'.encode())
        response = coordinator.post("/staff/outcomes/batch", data={
            "csrf_token": csrf_token(coordinator, "/staff/outcomes/"),
            "batch": (batch, "uitkomsten.csv")}, content_type="multipart/form-data")
        assert response.status_code == 400 and "Er is niets vastgelegd" in response.text

        returns = tmp_path / "retour.csv"
        returns.write_text(f'kenmerk,outcome\n"{payload}/00001",onbestelbaar\n'
                           f'"2024-W1-INV-001/1",onbestelbaar\n', encoding="utf-8")
        result = app.test_cli_runner().invoke(main, ["letters", "returned", str(returns)])
        assert result.exit_code == 1 and "nothing registered" in result.output
        assert "Traceback" not in result.output

    assert table_counts(url) == before
    with storage.transaction(url) as db:
        # the injected usernames were stored as text in the audit trail, nothing more
        assert db.scalar(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.username == PAYLOADS[0][:64])) >= 1
