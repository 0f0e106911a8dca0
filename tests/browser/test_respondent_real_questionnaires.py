"""Given/When/Then: the real questionnaires in chromium on a 360 px phone, in Arabic (right to
left). The respondent has answered every page (stored beforehand, as the integration walk in
tests/integration stores them), so each page on the path can be opened directly: every one must
fit the screen, be Arabic throughout (no questionnaire text left in Dutch), and axe-core checks
each page that shows a new mix of question kinds (checking all of them finds nothing more and
takes a minute longer)."""

from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from survey import QUESTIONNAIRES_DIR, storage
from survey.models import Answer, PageVisit
from survey.questionnaire.loader import load_questionnaire
from survey.questionnaire.router import Router
from survey.respondent import forms
from tests.browser.conftest import REAL_CODES
from tests.browser.test_respondent_web import axe_violations, new_page
from tests.integration.test_respondent_questionnaires import valid_form

pytestmark = pytest.mark.browser


# The texts a respondent reads on a page: headings, question legends, labels and hints, and on
# the review page the questions (its answers may be the respondent's own words).
QUESTIONNAIRE_TEXT = ("main :is(h1, h2, .caption, .intro p, legend, label, .hint,"
                      " .number-input__unit, dt)")

NOT_ARABIC_JS = """selector => {
    const html = document.documentElement;
    // a text with letters but no Arabic letter; a label of digits only ('1' to '10') is fine
    const notArabic = [...document.querySelectorAll(selector)].map(e => e.textContent.trim())
        .filter(t => /\\p{L}/u.test(t) && !/\\p{Script=Arabic}/u.test(t));
    // questionnaire_html marks a text shown in Dutch for want of a translation with lang="nl"
    const markedDutch = [...document.querySelectorAll('main [lang="nl"]')]
        .map(e => e.textContent.trim());
    return {lang: html.lang, dir: html.dir, notArabic, markedDutch};
}"""


def page_kind(page):
    """What a page is made of, as far as its markup goes: its kinds of question."""
    return frozenset((q.type, bool(q.missing_options)) for q in page.questions)


def answer_every_page(database_url, unit_id, questionnaire):
    """Store what a respondent posting `valid_form` on each page would store; returns the path."""
    router = Router(questionnaire)
    answers, submitted = {}, set()
    while (page := router.first_unanswered_page(answers, submitted)) is not None:
        _forms, values = forms.from_submission(router.visible_questions(page, answers),
                                               MultiDict(valid_form(page)))
        answers.update({k: v for k, v in values.items() if v is not None})
        submitted.add(page.id)
    at = datetime(2024, 3, 1)
    with storage.transaction(database_url) as db:
        for page in router.path(answers):
            db.add(PageVisit(sample_unit_id=unit_id, page_id=page.id, mode="web",
                             first_shown_at=at, submitted_at=at))
            for variable in page.variables():
                if variable in answers:
                    db.add(Answer(sample_unit_id=unit_id, variable=variable,
                                  value=answers[variable], page_id=page.id, mode="web",
                                  saved_at=at))
    return router.path(answers)


@pytest.fixture(scope="module")
def kinds_checked():
    """Page kinds axe has checked, shared by both questionnaires: a kind is checked once."""
    return set()


@pytest.mark.parametrize("questionnaire_id", ["veiligheidsmonitor", "wijkonderzoek"])
def test_given_the_real_questionnaire_in_arabic_on_a_phone_then_every_page_is_arabic_and_fits(
        chromium, real_questionnaire_server, axe_source, questionnaire_id, kinds_checked):
    server = real_questionnaire_server
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / f"{questionnaire_id}.yaml")
    path = answer_every_page(server.database_url, f"real-{questionnaire_id}", questionnaire)
    page = new_page(chromium, width=360)
    page.goto(f"{server.url}/start?lang=ar")
    page.fill("#code", REAL_CODES[questionnaire_id])
    page.click("form.start-form button[type=submit]")
    page.wait_for_url("**/vragenlijst/controleren")  # every page answered: straight to review
    found, dutch_left = {}, {}
    for shown in ["review"] + [p.id for p in path]:
        if shown != "review":
            page.goto(f"{server.url}/vragenlijst/pagina/{shown}")
            assert page.url.endswith(f"/pagina/{shown}")
        # WCAG 1.4.10 reflow, in one call: nothing scrolls sideways on 360 px
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), shown
        language = page.evaluate(NOT_ARABIC_JS, QUESTIONNAIRE_TEXT)
        assert (language["lang"], language["dir"]) == ("ar", "rtl"), shown
        if language["notArabic"] or language["markedDutch"]:
            dutch_left[shown] = language["notArabic"] + language["markedDutch"]
        kind = "review" if shown == "review" else page_kind(questionnaire.page(shown))
        if kind not in kinds_checked:
            kinds_checked.add(kind)
            violations = axe_violations(page, axe_source)
            if violations:
                found[shown] = violations
    assert dutch_left == {}
    assert found == {}
    assert len(path) > 20 and len(kinds_checked) > 5
    page.context.close()


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_given_a_resident_who_moved_when_she_answers_nee_then_a_goodbye_page_and_she_is_not_eligible(
        chromium, real_questionnaire_server, axe_source, screenshots, language):
    from survey.models import SampleUnit
    from tests.browser.server import add_unit

    server = real_questionnaire_server
    unit_id, code = f"weg-{language}", {"nl": "STUVWXY234", "ar": "TUVWXYZ345"}[language]
    add_unit(server.database_url, unit_id, code, questionnaire_id="wijkonderzoek")
    page = new_page(chromium, width=320)
    page.goto(f"{server.url}/start?lang={language}")
    page.fill("#code", code)
    page.click("form.start-form button[type=submit]")
    assert page.url.endswith("/vragenlijst/pagina/adres")
    page.check("input[name='woont_adres'][value='nee']")
    page.click("form.questions button[value=next]")

    assert page.url.endswith("/vragenlijst/bedankt")
    assert page.locator(".panel__title").inner_text().strip() in ("Bedankt", "شكرًا")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(screenshots / f"screened-out-320-{language}.png"), full_page=True)
    with storage.transaction(server.database_url) as db:
        unit = db.get(SampleUnit, unit_id)
        assert (unit.status, unit.disposition) == ("screened_out", "4.10")
    page.context.close()
