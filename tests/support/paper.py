"""Paper entry in tests: units with known codes on the mini questionnaire, the data-entry app,
and keying a whole pass through the real forms."""

import re

from survey import access_codes, storage
from survey.models import Area, Edition, SampleUnit
from survey.staff import auth
from tests.support.apps import FAST_PROFILE, make_app
from tests.support.respondent import FIXTURES
from tests.support.staff import PASSWORD, StaffActions, add_accounts


CODES = {"p1": "PAPR234567", "p2": "PAPR345678", "p3": "PAPR456789"}


def add_units(url):
    with storage.transaction(url) as db:
        db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        db.add(Area(wijk_code=1, wijk="Stadsdriehoek", gebied="Centrum"))
        db.flush()
        for unit_id, code in CODES.items():
            db.add(SampleUnit(
                id=unit_id, edition_id=1, wijk_code=1, questionnaire_id="mini",
                inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
                age_group="35-44", sex="vrouw", migration_background="nederlands",
                household_type="alleenstaand", code_hash=access_codes.code_hash(code)))


def build_paper_app(url, **config):
    add_accounts(url)
    with storage.transaction(url) as db:
        auth.add_user(db, "invoer2", PASSWORD, "data_entry", profile=FAST_PROFILE)
    add_units(url)
    return make_app(url, QUESTIONNAIRES_DIR=str(FIXTURES), **config)


def token(page_text):
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text).group(1)


def post(client, path, data):
    page = client.get(path)
    return client.post(path, data={"csrf_token": token(page.text), **data})


def key_pass(client, code, pages):
    """Register the form by its code and key every page; returns the last response."""
    response = post(client, "/staff/paper/", {"code": code})
    assert response.status_code == 303, response.text
    location = response.headers["Location"]
    for page_id, values in pages.items():
        assert location.endswith(f"/{page_id}"), location
        response = post(client, location, {"action": "next", **values})
        assert response.status_code == 303, response.text
        location = response.headers["Location"]
    assert location.endswith("/klaar")
    return post(client, location, {})


# what each pass keys, page by page (input names as the web form has them)
PASS_1 = {
    "woonduur": {"woonjaren": "12"},
    "buurt-oordeel": {"buurt_prettig": "ja", "cohesie_kennen": "eens", "cohesie_omgang": "neutraal"},
    "onveilig": {"onveilig_ooit": "nooit"},
    # written on paper although the routing skips this page after "nooit"
    "onveilig-plekken": {"onveilig_plekken": "straat"},
    "achtergrond": {"geboortedatum-day": "27", "geboortedatum-month": "3",
                    "geboortedatum-year": "1980", "aantal_kinderen": "0"},
    "kinderen-school": {},
}


PASS_2 = {**PASS_1, "woonduur": {"woonjaren": "13"},
          "buurt-oordeel": {**PASS_1["buurt-oordeel"], "cohesie_omgang": "eens"}}


def login(app, username):
    actions = StaffActions(app.test_client())
    actions.login(username)
    return actions.client
