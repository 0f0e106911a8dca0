"""Staff sign-in: argon2 hashes, failed logins, session rotation at login, logout that ends
the session on the server, lifetime and idle timeout, lockout, role checks, audit trail."""

import hashlib
from datetime import timedelta

from sqlalchemy import select, update

from survey import storage
from survey.models import AuditEvent, StaffSession, StaffUser

from tests.support.staff import PASSWORD, StaffActions, session_of


def audit_actions(url):
    with storage.transaction(url) as db:
        return [(e.username, e.action) for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def age_sessions(url, field, delta):
    """Move every session's `field` back by `delta`, as if that much time had passed."""
    with storage.transaction(url) as db:
        for row in db.scalars(select(StaffSession)):
            setattr(row, field, getattr(row, field) - delta)


def sessions(url):
    with storage.transaction(url) as db:
        return db.scalars(select(StaffSession)).all()


def test_password_is_stored_as_argon2id_hash(staff_app):
    with storage.transaction(staff_app.config["DATABASE_URL"]) as db:
        user = db.scalar(select(StaffUser).where(StaffUser.username == "coordinator"))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_pages_ask_for_login_first(staff):
    response = staff.client.get("/staff/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=/staff/dashboard"


def test_wrong_password_and_unknown_user_fail_the_same_way_and_are_audited(staff_app, staff):
    wrong = staff.login("coordinator", "niet-het-wachtwoord")
    unknown = staff.login("niemand", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Gebruikersnaam of wachtwoord klopt niet." in response.text
    url = staff_app.config["DATABASE_URL"]
    assert audit_actions(url) == [("coordinator", "login_failed"), ("niemand", "login_failed")]
    assert sessions(url) == []


def test_login_starts_a_new_server_session_and_goes_to_next(staff_app, staff):
    response = staff.login("coordinator", next_path="/staff/dashboard")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/dashboard"
    token = session_of(staff_app, staff.client)["_user_id"]
    url = staff_app.config["DATABASE_URL"]
    [row] = sessions(url)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert ("coordinator", "login") in audit_actions(url)
    home = staff.client.get("/staff/")
    assert "Welkom, coordinator" in home.text and "Coördinator veldwerk" in home.text


def test_an_id_planted_before_login_never_becomes_the_session(staff_app, staff):
    with staff.client.session_transaction() as session:
        session["_user_id"] = "planted-by-attacker"
        session["_fresh"] = True
    staff.login("statistician")
    after = session_of(staff_app, staff.client)
    assert after["_user_id"] != "planted-by-attacker"
    # a second login of the same account gets a session id of its own
    other = StaffActions(staff_app.test_client())
    other.login("statistician")
    assert session_of(staff_app, other.client)["_user_id"] != after["_user_id"]
    assert len(sessions(staff_app.config["DATABASE_URL"])) == 2


def test_next_never_leads_off_the_site(staff):
    response = staff.login("coordinator", next_path="https://evil.example/staff")
    assert response.headers["Location"] == "/staff/"


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_is_useless(staff_app, staff):
    staff.login("coordinator")
    copied = staff.client.get_cookie("session").value
    response = staff.logout()
    assert response.status_code == 302
    [row] = sessions(staff_app.config["DATABASE_URL"])
    assert row.ended_at is not None
    thief = staff_app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/staff/dashboard").status_code == 302
    assert ("coordinator", "logout") in audit_actions(staff_app.config["DATABASE_URL"])


def test_logout_needs_the_csrf_token(staff_app, staff):
    staff.login("coordinator")
    assert staff.client.post("/staff/logout").status_code == 400
    assert sessions(staff_app.config["DATABASE_URL"])[0].ended_at is None


def test_idle_session_expires(staff_app, staff):
    staff.login("coordinator")
    url = staff_app.config["DATABASE_URL"]
    age_sessions(url, "last_seen_at", timedelta(minutes=31))
    response = staff.client.get("/staff/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    with storage.transaction(url) as db:
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "session_expired"))
    assert (event.username, event.detail) == ("coordinator", "idle")
    assert sessions(url)[0].ended_at is not None


def test_session_ends_after_its_lifetime_even_when_busy(staff_app, staff):
    staff.login("coordinator")
    url = staff_app.config["DATABASE_URL"]
    age_sessions(url, "created_at", timedelta(hours=8, minutes=1))
    assert staff.client.get("/staff/").status_code == 302
    with storage.transaction(url) as db:
        assert db.scalar(select(AuditEvent.detail).where(AuditEvent.action == "session_expired")) == "lifetime"


def test_too_many_failures_lock_the_username_for_a_while(staff_app, staff):
    for _ in range(5):
        assert staff.login("admin", "fout-fout-fout").status_code == 401
    response = staff.login("admin")
    assert response.status_code == 401
    assert "Te veel mislukte pogingen" in response.text
    assert sessions(staff_app.config["DATABASE_URL"]) == []
    # another account is not affected
    assert staff.login("coordinator").status_code == 302


def test_disabled_account_cannot_log_in(staff_app, staff):
    with storage.transaction(staff_app.config["DATABASE_URL"]) as db:
        db.execute(update(StaffUser).where(StaffUser.username == "interviewer").values(active=False))
    assert staff.login("interviewer").status_code == 401


def test_staff_pages_send_the_security_headers(staff):
    response = staff.client.get("/staff/login")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_session_timeouts_are_settings(make_app, sqlite_url):
    from survey.staff import auth

    with storage.transaction(sqlite_url) as db:
        auth.add_user(db, "kort", PASSWORD, "coordinator", profile="CHEAPEST")
    app = make_app(sqlite_url, STAFF_IDLE_TIMEOUT=60)
    actions = StaffActions(app.test_client())
    actions.login("kort")
    age_sessions(sqlite_url, "last_seen_at", timedelta(seconds=61))
    assert actions.client.get("/staff/").status_code == 302


def test_login_dashboard_and_logout_on_both_backends(make_app, database_url):
    from survey.staff import auth
    from tests.support.fieldwork_data import add_edition

    with storage.transaction(database_url) as db:
        auth.add_user(db, "stat", PASSWORD, "statistician", profile="CHEAPEST")
    add_edition(database_url)
    actions = StaffActions(make_app(database_url).test_client())
    assert actions.login("stat").status_code == 302
    page = actions.client.get("/staff/dashboard")
    assert page.status_code == 200 and "Stadsdriehoek" in page.text
    assert actions.client.get("/staff/export/answers.csv").status_code == 200
    assert actions.logout().status_code == 302
    assert actions.client.get("/staff/dashboard").status_code == 302
    assert [action for _, action in audit_actions(database_url)] == [
        "login", "export_answers", "logout"]
