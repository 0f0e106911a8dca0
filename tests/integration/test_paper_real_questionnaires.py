"""Every page of both real questionnaires can be keyed from paper: each renders in the staff
layout with all its questions, a page left blank is accepted (nothing is required on paper),
and a form with a few answers completes with mode paper."""

import re

import pytest
from sqlalchemy import select

from survey import access_codes, storage
from survey.paths import QUESTIONNAIRES_DIR
from survey.models import Answer, Area, Edition, SampleUnit
from survey.questionnaire.loader import load_questionnaire

from tests.support.staff import StaffActions, add_accounts


@pytest.mark.parametrize("questionnaire_id", ["veiligheidsmonitor", "wijkonderzoek"])
def test_a_real_questionnaire_is_keyed_page_by_page(make_app, sqlite_url, questionnaire_id):
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / f"{questionnaire_id}.yaml")
    add_accounts(sqlite_url)
    with storage.transaction(sqlite_url) as db:
        db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        db.add(Area(wijk_code=1, wijk="Stadsdriehoek", gebied="Centrum"))
        db.flush()
        db.add(SampleUnit(
            id="r1", edition_id=1, wijk_code=1, questionnaire_id=questionnaire_id,
            inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
            age_group="35-44", sex="vrouw", migration_background="nederlands",
            household_type="alleenstaand", code_hash=access_codes.code_hash("REAL234567")))
    app = make_app(sqlite_url, QUESTIONNAIRES_DIR=str(QUESTIONNAIRES_DIR), PAPER_DOUBLE_ENTRY=False)
    actions = StaffActions(app.test_client())
    actions.login("data_entry")
    client = actions.client

    def token(text):
        return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)

    start = client.get("/staff/paper/")
    response = client.post("/staff/paper/", data={"csrf_token": token(start.text), "code": "REAL234567"})
    location = response.headers["Location"]
    first = questionnaire.pages[0].questions[0]
    answer = {first.variable: first.all_options()[0].value} if first.type == "single" else {}
    for page in questionnaire.pages:
        assert location == f"/staff/paper/r1/invoer/1/{page.id}"
        shown = client.get(location)
        assert shown.status_code == 200
        for question in page.questions:  # every question, whatever its `when`
            assert f'id="{question.id}"' in shown.text
        data = {"csrf_token": token(shown.text), "action": "next"}
        if page is questionnaire.pages[0]:
            data.update(answer)
        response = client.post(location, data=data)
        assert response.status_code == 303, response.text
        location = response.headers["Location"]
    assert location == "/staff/paper/r1/invoer/1/klaar"
    finish = client.get(location)
    client.post(location, data={"csrf_token": token(finish.text)})
    check = client.get("/staff/paper/r1/controle")
    assert check.status_code == 200
    done = client.post("/staff/paper/r1/controle", data={"csrf_token": token(check.text)})
    assert done.headers["Location"] == "/staff/paper/", done.text
    with storage.transaction(sqlite_url) as db:
        unit = db.get(SampleUnit, "r1")
        stored = db.execute(select(Answer.variable, Answer.value, Answer.mode)).all()
    assert (unit.status, unit.mode) == ("completed", "paper")
    assert stored == [(first.variable, answer[first.variable], "paper")]
