"""Staff in tests: one account per role, AuthActions-style login and logout through the real
forms (with their CSRF tokens), the session a client holds, and a unit put on the call list."""

import re
from datetime import date

from flask.sessions import SecureCookieSessionInterface

from survey import storage
from survey.models import IdentityLink, IdentityPerson
from survey.staff import auth
from survey.staff.roles import ROLES
from tests.support.apps import FAST_PROFILE

PASSWORD = "lange-zin-als-wachtwoord"


def csrf_token(client, path="/staff/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def session_of(app, client) -> dict:
    """The decoded session cookie of `client` (empty when it has none)."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return {}
    return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie.value)


class StaffActions:
    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD, next_path=None):
        token = csrf_token(self.client)
        path = "/staff/login" + (f"?next={next_path}" if next_path else "")
        return self.client.post(path, data={"csrf_token": token, "username": username,
                                            "password": password})

    def logout(self):
        token = csrf_token(self.client, "/staff/")
        return self.client.post("/staff/logout", data={"csrf_token": token})


def add_accounts(url):
    """One account per role, named after the role."""
    for role in ROLES:
        with storage.transaction(url) as db:
            auth.add_user(db, role, PASSWORD, role, profile=FAST_PROFILE)


def put_on_call_list(url, unit_id, *, person_id, code):
    """A register person with a phone number behind the unit, so that it is on the
    interviewers' call list (an interviewer may open only units on their list)."""
    with storage.transaction(url) as db:
        db.add(IdentityPerson(id=person_id, register_id=f"R{person_id:07d}", given_name="Bel",
                              family_name="Baar", street="Coolsingel", house_number="1",
                              postcode="3011AD", phone="0101234567", wijk_code=1, birth_date=date(1970, 1, 1),
                              sex="man", migration_background="", household_type=""))
        db.flush()
        db.add(IdentityLink(sample_unit_id=unit_id, person_id=person_id, access_code=code))




