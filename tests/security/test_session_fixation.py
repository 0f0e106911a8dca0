"""Session fixation (OWASP A07): whatever cookie a visitor had before signing in, sign-in issues
a new one, and the old one never becomes a signed-in session; logout ends a staff session on
the server, so a copied cookie is worthless afterwards."""

from sqlalchemy import select

from survey import storage
from survey.models import StaffSession
from tests.support.security import respondent_login, staff_client
from tests.support.staff import PASSWORD, csrf_token, session_of


def test_staff_login_replaces_a_planted_session(sec_app):
    victim = sec_app.test_client()
    token = csrf_token(victim)  # the pre-login session, as an attacker could plant it
    planted = victim.get_cookie("session").value
    victim.post("/staff/login", data={"csrf_token": token, "username": "statistician",
                                      "password": PASSWORD})
    after = victim.get_cookie("session").value
    assert after != planted
    # the attacker, holding the planted cookie, is not signed in
    attacker = sec_app.test_client()
    attacker.set_cookie("session", planted)
    response = attacker.get("/staff/export/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    # nor can they plant a user id: the cookie carries a random token checked on the server
    forged = sec_app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = "1"
        session["_fresh"] = True
    assert forged.get("/staff/").status_code == 302


def test_each_staff_login_gets_a_new_server_session(sec_app):
    first = staff_client(sec_app, "admin")
    second = staff_client(sec_app, "admin")
    first_token = session_of(sec_app, first)["_user_id"]
    second_token = session_of(sec_app, second)["_user_id"]
    assert first_token != second_token
    with storage.transaction(sec_app.config["DATABASE_URL"]) as db:
        hashes = db.scalars(select(StaffSession.token_hash)).all()
    assert len(hashes) == 2 and first_token not in hashes  # only hashes are stored


def test_a_copied_staff_cookie_dies_at_logout(sec_app):
    client = staff_client(sec_app, "coordinator")
    copied = client.get_cookie("session").value
    token = csrf_token(client, "/staff/")
    client.post("/staff/logout", data={"csrf_token": token})
    thief = sec_app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/staff/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")


def test_respondent_login_replaces_a_planted_session(sec_app):
    victim = sec_app.test_client()
    victim.get("/start")
    with victim.session_transaction() as session:
        session["lang"] = "en"
        session["planted"] = "attacker"
    planted = victim.get_cookie("session").value
    assert respondent_login(victim).status_code == 303
    data = session_of(sec_app, victim)
    assert data["unit"] == "m1" and "planted" not in data and data.get("lang") == "en"
    attacker = sec_app.test_client()
    attacker.set_cookie("session", planted)
    response = attacker.get("/vragenlijst/pagina/woonduur")
    assert response.status_code == 303 and response.headers["Location"].endswith("/start")


def test_a_static_file_never_sends_the_session_cookie_back(sec_app):
    # a stylesheet answered after a form's post must not put back the cookie from before the
    # post (and lose its flashed message): static files leave the cookie alone, pages refresh it
    client = staff_client(sec_app, "admin")
    stylesheet = client.get("/static/staff.css")
    assert stylesheet.status_code == 200
    assert "Set-Cookie" not in stylesheet.headers
    page = client.get("/staff/")
    assert page.status_code == 200 and "session=" in page.headers.get("Set-Cookie", "")
