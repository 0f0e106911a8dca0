"""The real questionnaires (questionnaires/*.yaml) through the web: every page on a
respondent's path renders, accepts a valid answer to each question and leads on to the review
and the thank-you page, in Dutch and in Arabic."""

import re

import pytest
from sqlalchemy import select

from survey import storage
from survey.models import Answer, SampleUnit
from survey.paths import QUESTIONNAIRES_DIR
from survey.questionnaire.loader import load_questionnaire
from survey.questionnaire.router import Router
from tests.support.respondent import Browser, add_unit, valid_form


@pytest.mark.parametrize("questionnaire_id", ["veiligheidsmonitor", "wijkonderzoek"])
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_respondent_answers_every_page_of_the_real_questionnaire(make_app, sqlite_url, questionnaire_id,
                                                                   language):
    app = make_app(sqlite_url)
    add_unit(sqlite_url, "real", "HJSY36UY9B", questionnaire_id=questionnaire_id)
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / f"{questionnaire_id}.yaml")
    browser = Browser(app)
    browser.get(f"/start?lang={language}")
    browser.log_in("HJSY36UY9B")
    visited = []
    while browser.path.startswith("/vragenlijst/pagina/"):
        page_id = browser.path.rsplit("/", 1)[1]
        part = browser.response.request.args.get("deel")  # a long grid's next part
        if part is None:
            assert page_id not in visited, f"{page_id} shown twice"
            visited.append(page_id)
        else:
            assert visited[-1] == page_id, (page_id, part)
        assert browser.response.status_code == 200
        browser.submit(valid_form(questionnaire.page(page_id)))
        assert "error-summary" not in browser.text, (page_id, re.findall(
            r'<li><a href="#[^"]+">([^<]+)</a>', browser.text))
    assert browser.path == "/vragenlijst/controleren"
    assert f'lang="{language}"' in browser.text
    answers = {}
    with storage.transaction(sqlite_url) as db:
        answers = {a.variable: a.value for a in db.scalars(
            select(Answer).where(Answer.sample_unit_id == "real"))}
    router = Router(questionnaire)
    assert visited == [p.id for p in router.path(answers)]
    assert set(answers) == set(router.variables_on_path(answers))
    assert len(visited) > 20
    browser.submit({})
    assert browser.path == "/vragenlijst/bedankt"
    with storage.transaction(sqlite_url) as db:
        assert db.get(SampleUnit, "real").status == "completed"
