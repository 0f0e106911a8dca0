"""The real questionnaires (questionnaires/*.yaml) through the web: every page on a
respondent's path renders, accepts a valid answer to each question and leads on to the review
and the thank-you page, in Dutch and in Arabic."""

import re

import pytest
from sqlalchemy import select

from survey import create_app, storage
from survey.models import Answer, SampleUnit
from survey.questionnaire.loader import load_questionnaire
from survey.questionnaire.router import Router
from survey.paths import QUESTIONNAIRES_DIR
from tests.browser.server import add_unit
from tests.integration.test_respondent import Browser


def valid_form(page):
    """A valid answer to every question of `page`, as a browser would post it."""
    form = {}
    for question in page.questions:
        values = [o.value for o in question.options]
        if question.type == "single":
            form[question.variable] = values[0]
        elif question.type == "multiple":
            form[question.variable] = next(v for v in values if v not in question.exclusive)
        elif question.type == "grid":
            form.update({row.variable: values[-1] for row in question.rows})
        elif question.type == "number":
            form[question.variable] = str(question.max if question.min is None else question.min)
        elif question.type == "text":
            form[question.variable] = "Een antwoord in eigen woorden."
        elif question.type == "date":
            low = question.min if question.min not in (None, "today") else "1980-01-01"
            year, month, day = str(low).split("-")
            form.update({f"{question.variable}-day": day, f"{question.variable}-month": month,
                         f"{question.variable}-year": year})
    return form


@pytest.mark.parametrize("questionnaire_id", ["veiligheidsmonitor", "wijkonderzoek"])
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_respondent_answers_every_page_of_the_real_questionnaire(sqlite_url, questionnaire_id,
                                                                   language):
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "test",
                      "SESSION_COOKIE_SECURE": False})
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
