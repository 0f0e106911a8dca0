"""Broken access control (OWASP A01): every staff page and export for every role, against the
role table in `survey.staff.roles`; and the respondent side: one respondent cannot reach
another's answers, staff pages need a staff login, a respondent cookie is no staff login."""

import re

import pytest
from sqlalchemy import select

from survey import storage
from survey.models import AuditEvent
from survey.staff import roles
from tests.support.security import (OTHER_CODE, build_security_app, form_token, respondent_login,
                                    staff_client)
from tests.support.staff import csrf_token

# every staff GET route, with who may use it (from the role table; kept here on purpose, so
# that a change to roles.py that widens access makes this test fail until it is reviewed)
STAFF_PAGES = {
    "/staff/": set(roles.ROLES),
    "/staff/audit": {"admin"},
    "/staff/dashboard": {"coordinator", "statistician", "admin"},
    "/staff/dashboard/export.csv": {"coordinator", "statistician", "admin"},
    "/staff/dashboard/export.xlsx": {"coordinator", "statistician", "admin"},
    "/staff/export/": {"statistician"},
    "/staff/export/answers.csv": {"statistician"},
    "/staff/export/answers.xlsx": {"statistician"},
    "/staff/outcomes/": {"coordinator"},
    "/staff/outcomes/unit?reference=s1": {"coordinator"},
    "/staff/outcomes/address?postcode=3011AD": {"coordinator"},
    "/staff/letters/": {"coordinator"},
    "/staff/phone/": {"interviewer", "coordinator"},
    "/staff/phone/toezicht": {"coordinator"},
    "/staff/phone/uitkomsten.csv": {"coordinator"},
}


PLACEHOLDERS = {"kind": "csv", "unit_id": "s6", "number": "1", "page_id": "woonduur"}
PUBLIC = {"staff.login", "staff.logout"}


def declared_roles(view):
    """The roles a view's `requires_role` names (read from the decorator's closure), or None
    for a view without it."""
    while view is not None:
        names = view.__code__.co_freevars
        if "roles" in names and "view" in names:
            return set(view.__closure__[names.index("roles")].cell_contents)
        view = getattr(view, "__wrapped__", None)
    return None


def staff_routes(app):
    """(method, path, endpoint, roles) of every staff route but the login and logout."""
    routes = []
    for rule in app.url_map.iter_rules():
        static = rule.endpoint == "static" or rule.endpoint.endswith(".static")
        if not rule.rule.startswith("/staff") or rule.endpoint in PUBLIC or static:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: PLACEHOLDERS.get(m.group(1), "1"), rule.rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            routes.append((method, path, rule.endpoint, declared_roles(app.view_functions[rule.endpoint])))
    return routes


def test_every_staff_route_names_its_roles_and_the_table_holds(sec_app):
    routes = staff_routes(sec_app)
    undecorated = [(method, path) for method, path, _e, allowed in routes if allowed is None]
    assert undecorated == [], f"staff routes without requires_role: {undecorated}"
    declared = {path: allowed for method, path, _e, allowed in routes if method == "GET"}
    for path, allowed in STAFF_PAGES.items():
        assert declared[path.split("?")[0].replace(".xlsx", ".csv")] == allowed, path


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    from survey import storage as _storage

    url = f"sqlite:///{tmp_path_factory.mktemp('access') / 'access.db'}"
    _storage.upgrade(url)
    app = build_security_app(url)
    return app, {role: staff_client(app, role) for role in roles.ROLES}


@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_reaches_only_its_pages(clients, role):
    """The listed pages answer 200 to their roles; every staff route (also those added later)
    refuses a role it does not name with 403, audited, and never fails with 500."""

    app, by_role = clients
    client = by_role[role]
    wrong = []
    for path, allowed in STAFF_PAGES.items():
        status = client.get(path).status_code
        if status != (200 if role in allowed else 403):
            wrong.append(("GET", path, status))
    refused_paths = set()
    for method, path, _endpoint, allowed in staff_routes(app):
        if method == "GET":
            status = client.get(path).status_code
        else:
            status = client.post(path, data={"csrf_token": csrf_token(client, "/staff/"),
                                             "reference": "s6", "outcome": "refused"}).status_code
        if role in allowed:
            if status in (403, 500):
                wrong.append((method, path, status))
        else:
            refused_paths.add(path)
            if status != 403:
                wrong.append((method, path, status))
    assert wrong == [], f"{role}: {wrong}"
    with storage.transaction(app.config["DATABASE_URL"]) as db:
        refusals = db.scalars(select(AuditEvent.target).where(AuditEvent.action == "forbidden",
                                                              AuditEvent.username == role)).all()
    assert refused_paths <= set(refusals)  # every refusal is audited


def test_anonymous_and_respondents_are_sent_to_the_staff_login(sec_app):

    anonymous = sec_app.test_client()
    respondent = sec_app.test_client()
    respondent_login(respondent)
    wrong = []
    for client in (anonymous, respondent):
        for method, path, _endpoint, _roles in staff_routes(sec_app):
            if method == "GET":
                response = client.get(path)
            else:  # with the client's own valid token, so only the login can stop it
                token = form_token(client.get("/staff/login").text)
                response = client.post(path, data={"csrf_token": token, "reference": "s6",
                                                   "outcome": "refused"})
            if not (response.status_code == 302
                    and response.headers["Location"].startswith("/staff/login")):
                wrong.append((method, path, response.status_code))
    assert wrong == []


def test_a_respondent_cannot_reach_another_units_pages_or_answers(sec_app):
    """The session holds the unit id, signed: changing it breaks the signature, and no URL takes
    a unit id, so the only way in to a unit is its code."""
    mine = sec_app.test_client()
    respondent_login(mine)
    cookie = mine.get_cookie("session")
    from itsdangerous import base64_decode, base64_encode

    payload, timestamp, signature = cookie.value.split(".")
    data = base64_decode(payload)
    assert b'"m1"' in data
    forged_payload = base64_encode(data.replace(b'"m1"', b'"m2"')).decode()
    forged = sec_app.test_client()
    forged.set_cookie("session", ".".join([forged_payload, timestamp, signature]))
    response = forged.get("/vragenlijst/pagina/woonduur")
    assert response.status_code == 303 and response.headers["Location"].endswith("/start")
    # a tampered cookie of any kind is no session
    tampered = sec_app.test_client()
    tampered.set_cookie("session", cookie.value[:-2] + "xx")
    assert tampered.get("/vragenlijst/").status_code == 303
    # the other respondent gets in with their own code only
    other = sec_app.test_client()
    assert respondent_login(other, OTHER_CODE).status_code == 303


def test_a_disabled_account_loses_access_at_once(sec_app):
    from survey.models import StaffUser

    client = staff_client(sec_app, "statistician")
    assert client.get("/staff/export/").status_code == 200
    with storage.transaction(sec_app.config["DATABASE_URL"]) as db:
        db.scalar(select(StaffUser).where(StaffUser.username == "statistician")).active = False
    response = client.get("/staff/export/answers.csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
