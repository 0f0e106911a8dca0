"""The page handler that web, phone and paper share: read, clear hidden answers, save,
route, complete (the views' own behaviour is in test_respondent, test_phone and test_paper)."""


import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from survey import storage
from survey.models import Answer, PageVisit, SampleUnit
from survey.respondent import page_handler
from survey.respondent.context import Respondent
from tests.support.respondent import FIXTURES, add_unit


@pytest.fixture
def app(make_app, sqlite_url):
    add_unit(sqlite_url, "u1", "HJSY36UY9B")
    return make_app(sqlite_url, QUESTIONNAIRES_DIR=str(FIXTURES))


def stored(url):
    with storage.transaction(url) as db:
        return dict(db.execute(select(Answer.variable, Answer.value)
                               .where(Answer.sample_unit_id == "u1")).all())


def submit(respondent, page_id, data, **options):
    page = respondent.questionnaire.page(page_id)
    return page_handler.submit(respondent, page, respondent.visible_questions(page),
                               MultiDict(data), mode="web", language="nl", device="mobile",
                               **options)


def test_hidden_questions_are_cleared_and_the_rest_kept(app):
    with app.test_request_context():
        page = Respondent.load("u1").questionnaire.page("onveilig-plekken")
    shown = [page.questions[0]]
    values = {"onveilig_plekken": "straat", "onveilig_toelichting": "donker"}
    assert page_handler.clear_hidden(page, shown, values) == {
        "onveilig_plekken": "straat", "onveilig_toelichting": None}
    assert values["onveilig_toelichting"] == "donker"  # the caller's values are left alone


def test_a_page_with_an_error_is_not_saved_unless_partial(app, sqlite_url):
    with app.test_request_context():
        respondent = Respondent.load("u1")
        result = submit(respondent, "woonduur", {"woonjaren": "zeven"})
        assert not result.saved and result.has_errors and stored(sqlite_url) == {}
        assert result.forms[0].data["woonjaren"] == "zeven"  # shown again as typed

        # "save and continue later": what checks out is stored, the page is asked again
        result = submit(respondent, "buurt-oordeel",
                        {"buurt_prettig": "ja", "cohesie_kennen": "9"}, partial=True)
        assert result.saved and not result.complete
        assert [qf.variable for qf in result.submission.not_storable] == ["stellingen"]
        assert stored(sqlite_url) == {"buurt_prettig": "ja"}
        assert "buurt-oordeel" not in respondent.submitted


def test_a_saved_page_is_committed_counted_and_routed(app, sqlite_url):
    with app.test_request_context():
        respondent = Respondent.load("u1")
        result = submit(respondent, "woonduur", {"woonjaren": "7"})
        # committed before submit returns: another connection reads it
        assert result.saved and result.complete and stored(sqlite_url) == {"woonjaren": "7"}
        assert respondent.answers == {"woonjaren": "7"} and "woonduur" in respondent.submitted
        assert result.next_page().id == "buurt-oordeel" and not result.screened_out


def test_a_closed_unit_gets_nothing_written(app, sqlite_url):
    with storage.transaction(sqlite_url) as db:
        db.execute(update(SampleUnit).where(SampleUnit.id == "u1")
                   .values(status="completed", mode="phone"))
    with app.test_request_context():
        respondent = Respondent.load("u1")
        result = submit(respondent, "woonduur", {"woonjaren": "7"})
    assert result.closed and not result.saved and stored(sqlite_url) == {}


def test_complete_closes_once_and_runs_its_companion_in_the_same_transaction(app, sqlite_url):
    calls = []
    with app.test_request_context():
        respondent = Respondent.load("u1")
        submit(respondent, "woonduur", {"woonjaren": "7"})

        def also(db):
            calls.append(db.get(SampleUnit, "u1").status)

        assert page_handler.complete("u1", respondent.router, mode="phone", also=also) == \
            "completed"
        # a second submit of the review page changes nothing and is no error
        assert page_handler.complete("u1", respondent.router, mode="web", also=also) is None
    assert calls == ["completed"]  # ran once, and saw the unit closed by its own transaction
    with storage.transaction(sqlite_url) as db:
        unit = db.get(SampleUnit, "u1")
        assert (unit.status, unit.mode, unit.disposition) == ("completed", "phone", "1.1")


def test_the_first_showing_of_a_page_is_recorded_once_with_its_mode(app, sqlite_url):
    with app.test_request_context():
        respondent = Respondent.load("u1")
        page = respondent.questionnaire.page("woonduur")
        page_handler.shown(respondent, page, mode="phone", language="nl", device=None)
        page_handler.shown(respondent, page, mode="web", language="en", device="mobile")
    with storage.transaction(sqlite_url) as db:
        visits = [(v.page_id, v.mode, v.language, v.device_class)
                  for v in db.scalars(select(PageVisit))]
    assert visits == [("woonduur", "phone", "nl", None)]
