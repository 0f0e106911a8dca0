"""Given/When/Then: a resident completes each real questionnaire in chromium on a 360 px phone,
in Dutch and in Arabic (right to left), answering page after page as a person would (a valid
answer to every question shown), through the review page to the thank-you page. On the way
every page must fit the screen, in Arabic be Arabic throughout (no questionnaire text left in
Dutch), and axe-core checks each page that shows a new mix of question kinds (checking all of
them finds nothing more and takes a minute longer). At the end the unit is complete with the
answers of exactly the pages the routing showed."""

import pytest
from sqlalchemy import select

from survey import storage
from survey.paths import QUESTIONNAIRES_DIR
from survey.models import Answer, PageVisit, SampleUnit
from survey.questionnaire.loader import load_questionnaire
from survey.questionnaire.router import Router
from tests.support.browser import answer_page, axe_violations, new_page
from tests.support.respondent import add_unit

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
    // (a Dutch term the translation keeps in brackets is marked too, as .dutch-term: fine)
    const markedDutch = [...document.querySelectorAll('main [lang="nl"]:not(.dutch-term)')]
        .map(e => e.textContent.trim());
    const terms = [...document.querySelectorAll('main .dutch-term')].map(e => e.textContent);
    return {lang: html.lang, dir: html.dir, notArabic, markedDutch, terms};
}"""


def page_kind(page):
    """What a page is made of, as far as its markup goes: its kinds of question."""
    return frozenset((q.type, bool(q.missing_options)) for q in page.questions)


@pytest.fixture(scope="module")
def kinds_checked():
    """Page kinds axe has checked, shared by both questionnaires: a kind is checked once."""
    return set()


# one unit per (questionnaire, language): the server and its database are shared by the module
RESIDENT_CODES = {("veiligheidsmonitor", "nl"): "UVWXYZ2346",
                  ("veiligheidsmonitor", "ar"): "VWXYZ23457",
                  ("wijkonderzoek", "nl"): "WXYZ234568",
                  ("wijkonderzoek", "ar"): "XYZ2345679"}


@pytest.mark.parametrize("language", ["nl", "ar"])
@pytest.mark.parametrize("questionnaire_id", ["veiligheidsmonitor", "wijkonderzoek"])
def test_given_a_resident_on_a_phone_when_she_answers_the_real_questionnaire_page_by_page_then_it_completes(
        chromium, real_questionnaire_server, axe_source, questionnaire_id, language, kinds_checked):
    server = real_questionnaire_server
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / f"{questionnaire_id}.yaml")
    unit_id = f"{questionnaire_id}-{language}"
    add_unit(server.database_url, unit_id, RESIDENT_CODES[questionnaire_id, language],
             questionnaire_id=questionnaire_id)
    page = new_page(chromium, width=360)
    page.goto(f"{server.url}/start?lang={language}")
    page.fill("#code", RESIDENT_CODES[questionnaire_id, language])
    page.click("form.start-form button[type=submit]")
    walked, found, dutch_left, dutch_terms = [], {}, {}, set()

    def check(shown, kind):
        # WCAG 1.4.10 reflow, in one call: nothing scrolls sideways on 360 px
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), shown
        found_language = page.evaluate(NOT_ARABIC_JS, QUESTIONNAIRE_TEXT)
        assert (found_language["lang"], found_language["dir"]) == (
            language, "rtl" if language == "ar" else "ltr"), shown
        if language == "ar" and (found_language["notArabic"] or found_language["markedDutch"]):
            dutch_left[shown] = found_language["notArabic"] + found_language["markedDutch"]
        dutch_terms.update(found_language["terms"])
        if (language, kind) not in kinds_checked:
            kinds_checked.add((language, kind))
            violations = axe_violations(page, axe_source)
            if violations:
                found[shown] = violations

    tallest = {}
    while "/vragenlijst/pagina/" in page.url:
        shown = page.url.rsplit("/", 1)[1]
        page_id = shown.split("?")[0]
        check(shown, page_kind(questionnaire.page(page_id)))
        tallest[shown] = page.evaluate("document.documentElement.scrollHeight")
        if not walked or walked[-1] != page_id:  # the parts of a long grid are one page
            walked.append(page_id)
        answer_page(page, questionnaire)
    assert page.url.endswith("/vragenlijst/controleren")
    check("review", "review")
    page.click("main form button[type=submit]")
    assert page.url.endswith("/vragenlijst/bedankt")
    assert page.get_attribute("html", "lang") == language
    page.context.close()

    assert dutch_left == {}
    assert found == {}
    if language == "ar":  # Dutch terms kept in brackets are marked lang="nl" (WCAG 3.1.2)
        assert dutch_terms & {"wijkagent", "aangifte", "woningcorporatie", "buurtapp"}, dutch_terms
    # long grids come in parts: no screen is anywhere near the 5,760 px buurtproblemen was
    highest = max(tallest, key=tallest.get)
    assert tallest[highest] < 3600, (highest, tallest[highest])
    print(f"{questionnaire_id} {language}: tallest screen {highest} {tallest[highest]} px")
    with storage.transaction(server.database_url) as db:
        unit = db.get(SampleUnit, unit_id)
        stored = {a.variable: a.value for a in db.scalars(
            select(Answer).where(Answer.sample_unit_id == unit_id))}
        visits = {v.page_id: v.language for v in db.scalars(
            select(PageVisit).where(PageVisit.sample_unit_id == unit_id))}
    assert (unit.status, unit.mode, unit.disposition) == ("completed", "web", "1.1")
    # the pages she was shown are exactly the routing's path through her own answers
    assert [p.id for p in Router(questionnaire).path(stored)] == walked
    assert len(walked) > 20 and set(visits) == set(walked)
    assert set(visits.values()) == {language}


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_given_a_resident_who_moved_when_she_answers_nee_then_a_goodbye_page_and_she_is_not_eligible(
        chromium, real_questionnaire_server, axe_source, screenshots, language):
    server = real_questionnaire_server
    unit_id, code = f"weg-{language}", {"nl": "STUVWXY234", "ar": "TUVWXYZ345"}[language]
    add_unit(server.database_url, unit_id, code, questionnaire_id="wijkonderzoek")
    page = new_page(chromium, width=320)
    page.goto(f"{server.url}/start?lang={language}")
    page.fill("#code", code)
    page.click("form.start-form button[type=submit]")
    assert page.url.endswith("/vragenlijst/pagina/adres")
    page.check("input[name='woont_adres'][value='nee']")
    page.click("main button[value=next]")

    # one tap does not end it: she is asked to confirm, and can go back
    assert page.url.endswith("/vragenlijst/beeindigen")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(screenshots / f"confirm-end-320-{language}.png"), full_page=True)
    with storage.transaction(server.database_url) as db:
        assert db.get(SampleUnit, unit_id).status == "started"
    page.click(".back-link")
    assert page.url.endswith("/vragenlijst/pagina/adres")
    assert page.is_checked("input[name='woont_adres'][value='nee']")
    page.click("main button[value=next]")
    page.click("main button[value=end]")

    assert page.url.endswith("/vragenlijst/bedankt")
    assert page.locator(".panel__title").inner_text().strip() in ("Bedankt", "شكرًا")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(screenshots / f"screened-out-320-{language}.png"), full_page=True)
    with storage.transaction(server.database_url) as db:
        unit = db.get(SampleUnit, unit_id)
        assert (unit.status, unit.disposition) == ("screened_out", "4.10")
    page.context.close()
