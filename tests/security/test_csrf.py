"""CSRF (OWASP A01): every POST route of the app refuses a request without a valid token and
changes nothing. The routes come from `app.url_map`, so a new POST route is checked without
editing this test (a placeholder in a route gets its PLACEHOLDERS value, else "1")."""

import re

from sqlalchemy import func, select

from survey import storage
from survey.models import Answer, AuditEvent, SampleUnit, StaffSession, UnitOutcome
from tests.support.security import form_token, respondent_login, staff_client
from tests.support.staff import csrf_token

PLACEHOLDERS = {"page_id": "woonduur", "unit_id": "s6", "number": "1"}
# a form body that would be accepted with a token: the attack must fail on the token alone
BODIES = {
    "/start": {"code": "HJSY36UY9B"},
    "/staff/login": {"username": "coordinator", "password": "lange-zin-als-wachtwoord"},
    "/staff/outcomes/": {"reference": "s6", "outcome": "refused"},
    "/vragenlijst/pagina/woonduur": {"woonjaren": "12", "action": "next"},
    "/vragenlijst/controleren": {"action": "submit"},
}


def post_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: PLACEHOLDERS.get(m.group(1), "1"),
                          rule.rule)
            routes.append(path)
    return sorted(routes)


def refused(path, response):
    """A refusal is 400; outside the staff pages and the code form the respondent is sent to
    the start page instead (`questionnaire.form_expired`), with the view not run."""
    if response.status_code == 400:
        return True
    return (not path.startswith("/staff") and response.status_code == 303
            and response.headers["Location"].endswith("/start"))


def counts(url):
    with storage.transaction(url) as db:
        return {model.__tablename__: db.scalar(select(func.count()).select_from(model))
                for model in (Answer, UnitOutcome, StaffSession)} | {
            "units": tuple(db.execute(select(SampleUnit.id, SampleUnit.status, SampleUnit.disposition)
                                      .order_by(SampleUnit.id))),
            "logins": db.scalar(select(func.count()).select_from(AuditEvent)
                                .where(AuditEvent.action == "login"))}


def test_every_post_route_refuses_a_missing_or_foreign_token(sec_app):
    url = sec_app.config["DATABASE_URL"]
    routes = post_routes(sec_app)
    assert {"/start", "/stoppen", "/staff/login", "/staff/logout", "/staff/outcomes/",
            "/staff/outcomes/batch", "/vragenlijst/pagina/woonduur"} <= set(routes)

    respondent = sec_app.test_client()
    assert respondent_login(respondent).status_code == 303
    coordinator = staff_client(sec_app, "coordinator")
    # a token that is valid, but for another visitor's session (the attacker's own)
    attacker = sec_app.test_client()
    foreign = csrf_token(attacker)

    before = counts(url)
    accepted = []
    for path in routes:
        client = coordinator if path.startswith("/staff") else respondent
        for token in (None, "", foreign, "0" * 40):
            data = dict(BODIES.get(path, {}))
            if token is not None:
                data["csrf_token"] = token
            response = client.post(path, data=data, headers={"Referer": "https://evil.example/"})
            if not refused(path, response):
                accepted.append((path, token, response.status_code))
    assert accepted == [], f"POST accepted without a valid CSRF token: {accepted}"
    assert counts(url) == before
    # and both visitors are still signed in: the refused logout and stop did nothing
    assert coordinator.get("/staff/").status_code == 200
    assert respondent.get("/vragenlijst/pagina/woonduur").status_code == 200


def test_the_same_post_with_its_token_is_accepted(sec_app):
    """The control: the refusals above are the token's doing, not the body's."""
    url = sec_app.config["DATABASE_URL"]
    coordinator = staff_client(sec_app, "coordinator")
    token = csrf_token(coordinator, "/staff/outcomes/")
    response = coordinator.post("/staff/outcomes/", data={**BODIES["/staff/outcomes/"],
                                                          "csrf_token": token})
    assert response.status_code == 302
    with storage.transaction(url) as db:
        assert db.scalar(select(func.count()).select_from(UnitOutcome)) == 1
    respondent = sec_app.test_client()
    page = respondent.get("/start")
    assert respondent.post("/start", data={"csrf_token": form_token(page.text),
                                           "code": "HJSY36UY9B"}).status_code == 303
