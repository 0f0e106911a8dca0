"""Given/When/Then: the real questionnaires in chromium on a phone, in Arabic (right to left,
questionnaire texts still Dutch and marked so): every page on the path fits the screen, and
axe-core checks each page that shows a new mix of question kinds (checking all of them takes
a minute more and finds nothing new)."""

import pytest

from tests.browser.conftest import REAL_CODES
from tests.browser.test_respondent_web import axe_violations, new_page, no_horizontal_scroll
from tests.integration.test_respondent_questionnaires import valid_form
from survey import QUESTIONNAIRES_DIR
from survey.questionnaire.loader import load_questionnaire

pytestmark = pytest.mark.browser


FILL_IN = """answers => {
    for (const [name, value] of Object.entries(answers)) {
        for (const field of document.getElementsByName(name)) {
            if (field.type === "radio" || field.type === "checkbox") {
                if (field.value === value) field.checked = true;
            } else {
                field.value = value;
            }
        }
    }
}"""


def page_kind(page):
    """What a page is made of, as far as its markup goes: its kinds of question."""
    return frozenset((q.type, bool(q.missing_options)) for q in page.questions)


@pytest.fixture(scope="module")
def kinds_checked():
    """Page kinds axe has checked, shared by both questionnaires: a kind is checked once."""
    return set()


@pytest.mark.parametrize("questionnaire_id", ["veiligheidsmonitor", "wijkonderzoek"])
def test_given_the_real_questionnaire_on_a_phone_then_axe_finds_nothing_on_any_page(
        chromium, real_questionnaire_server, axe_source, questionnaire_id, kinds_checked):
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / f"{questionnaire_id}.yaml")
    server = real_questionnaire_server
    page = new_page(chromium, width=360)
    page.goto(f"{server.url}/start?lang=ar")
    page.fill("#code", REAL_CODES[questionnaire_id])
    page.click("form.start-form button[type=submit]")
    found, seen, kinds = {}, 0, kinds_checked
    while "/vragenlijst/pagina/" in page.url:
        page_id = page.url.rsplit("/", 1)[1]
        no_horizontal_scroll(page)
        kind = page_kind(questionnaire.page(page_id))
        if kind not in kinds:
            kinds.add(kind)
            violations = axe_violations(page, axe_source)
            if violations:
                found[page_id] = violations
        # answered in one go through the DOM: the mini-questionnaire specs type and click like
        # a person; here the point is what every page looks like, and it saves a minute
        page.evaluate(FILL_IN, valid_form(questionnaire.page(page_id)))
        page.click("form.questions button[value=next]")
        seen += 1
        assert seen < 100
    assert page.url.endswith("/vragenlijst/controleren")
    no_horizontal_scroll(page)
    if "review" not in kinds:
        kinds.add("review")
        violations = axe_violations(page, axe_source)
        if violations:
            found["review"] = violations
    assert found == {}
    assert seen > 20 and len(kinds) > 5
    page.context.close()
