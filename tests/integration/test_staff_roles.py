"""What each role may see: data entry and interviewers see no dashboard and export nothing;
only the statistician exports answers; refusals are audited."""

import pytest
from sqlalchemy import select

from survey import storage
from survey.models import AuditEvent
from tests.support.fieldwork_data import add_edition

DASHBOARD = "/staff/dashboard"
DASHBOARD_CSV = "/staff/dashboard/export.csv"
ANSWERS_CSV = "/staff/export/answers.csv"
OUTCOMES = "/staff/outcomes/"
AUDIT = "/staff/audit"

ALLOWED = {
    "coordinator": {DASHBOARD, DASHBOARD_CSV, OUTCOMES},
    "data_entry": set(),
    "interviewer": set(),
    "statistician": {DASHBOARD, DASHBOARD_CSV, ANSWERS_CSV},
    "admin": {DASHBOARD, DASHBOARD_CSV, AUDIT},
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_reaches_only_its_pages(staff_app, staff, role):
    add_edition(staff_app.config["DATABASE_URL"])
    staff.login(role)
    for path in (DASHBOARD, DASHBOARD_CSV, ANSWERS_CSV, OUTCOMES, AUDIT):
        response = staff.client.get(path)
        expected = 200 if path in ALLOWED[role] else 403
        assert response.status_code == expected, (role, path)
        if expected == 403:
            assert "Geen toegang" in response.text
    refused = {path for path in (DASHBOARD, DASHBOARD_CSV, ANSWERS_CSV, OUTCOMES, AUDIT)
               if path not in ALLOWED[role]}
    with storage.transaction(staff_app.config["DATABASE_URL"]) as db:
        logged = set(db.scalars(select(AuditEvent.target).where(
            AuditEvent.action == "forbidden", AuditEvent.username == role)))
    assert logged == refused


def test_menu_shows_only_what_the_role_may_use(staff):
    staff.login("data_entry")
    home = staff.client.get("/staff/")
    assert home.status_code == 200
    assert "Dashboard" not in home.text and "Export" not in home.text
    assert "medewerker data-invoer (papieren vragenlijsten)" in home.text


def test_admin_reads_the_audit_log(staff):
    staff.login("coordinator", "fout-wachtwoord")
    staff.login("admin")
    page = staff.client.get("/staff/audit")
    assert page.status_code == 200
    assert "login_failed" in page.text and "coordinator" in page.text
