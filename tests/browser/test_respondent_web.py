"""Given/When/Then specs of the respondent's web questionnaire in Debian's chromium, against a
real server process (see conftest.py). The questionnaire is the mini fixture: five pages, of
which `onveilig-plekken` is skipped by whoever never feels unsafe and `kinderen-school` is
asked only of parents."""

import re

import pytest
from sqlalchemy import select

from survey import storage
from survey.models import PageVisit, SampleUnit
from tests.support.browser import (CODES, NEXT, assert_page, axe_violations, log_in, new_page,
                                   no_horizontal_scroll, stored)

pytestmark = pytest.mark.browser


def walk_to_review(page, server, code, language, shots=None):
    """Answer the mini questionnaire as someone who never feels unsafe and has no children."""
    log_in(page, server, code, language)
    if shots:
        shots("page")
    assert_page(page, "woonduur")
    page.fill("#woonjaren", "12")
    page.click(NEXT)
    assert_page(page, "buurt-oordeel")
    page.check("#buurt_prettig-0")
    page.check("#cohesie_kennen-2")
    page.check("#cohesie_omgang-3")  # "weet ik niet", from the missing scale
    page.click(NEXT)
    assert_page(page, "onveilig")
    page.check("#onveilig_ooit-2")  # (bijna) nooit
    page.click(NEXT)
    assert_page(page, "achtergrond")  # onveilig-plekken skipped
    page.fill("#geboortedatum-day", "27")
    page.fill("#geboortedatum-month", "3")
    page.fill("#geboortedatum-year", "1980")
    page.fill("#aantal_kinderen", "0")
    page.click(NEXT)
    assert page.url.endswith("/vragenlijst/controleren"), page.url  # kinderen-school not asked


EXPECTED = {"woonjaren": "12", "buurt_prettig": "ja", "cohesie_kennen": "oneens",
            "cohesie_omgang": "weet_niet", "onveilig_ooit": "nooit",
            "geboortedatum": "1980-03-27", "aantal_kinderen": "0"}


@pytest.mark.parametrize("language", ["nl", "ar"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_given_a_360px_phone_when_the_respondent_completes_the_questionnaire_then_all_is_stored(
        chromium, live_server, screenshots, language, javascript):
    page = new_page(chromium, width=360, javascript=javascript)
    unit_id = {("nl", True): "u1", ("ar", True): "u2", ("nl", False): "u7",
               ("ar", False): "u8"}[language, javascript]
    tag = f"{language}-{'js' if javascript else 'nojs'}"

    def shot(name):
        page.screenshot(path=str(screenshots / f"phone-{tag}-{name}.png"), full_page=True)

    page.goto(f"{live_server.url}/start?lang={language}")
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    shot("start")
    walk_to_review(page, live_server, CODES[unit_id], language, shots=shot)
    no_horizontal_scroll(page)
    shot("review")
    page.click("main form button[type=submit]")
    assert page.url.endswith("/vragenlijst/bedankt")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    shot("thanks")
    assert stored(live_server, unit_id) == EXPECTED
    with storage.transaction(live_server.database_url) as db:
        unit = db.get(SampleUnit, unit_id)
        visits = db.scalars(select(PageVisit).where(PageVisit.sample_unit_id == unit_id)).all()
    assert unit.status == "completed" and unit.mode == "web"
    assert {(v.language, v.device_class) for v in visits} == {(language, "phone")}
    assert {v.page_id for v in visits} == {"woonduur", "buurt-oordeel", "onveilig", "achtergrond"}
    page.context.close()


def test_given_a_validation_error_when_shown_then_the_summary_links_to_the_field_and_other_answers_stay(
        chromium, live_server, screenshots):
    for language in ("nl", "ar"):
        page = new_page(chromium, width=360)
        unit_id = "u3" if language == "nl" else "u4"
        log_in(page, live_server, CODES[unit_id], language)
        page.fill("#woonjaren", "4")
        page.click(NEXT)
        page.check("#cohesie_kennen-0")  # the required question above it left open
        page.click(NEXT)
        assert_page(page, "buurt-oordeel")
        title = page.title()
        assert re.match(r"^(Fout|خطأ):", title), title
        summary = page.locator(".error-summary")
        assert summary.is_visible()
        # focus lands on the summary (autofocus, no script), so a screen reader reads it first
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        assert summary.locator("a").get_attribute("href") == "#buurt_prettig-0"
        assert page.is_checked("#cohesie_kennen-0")
        page.screenshot(path=str(screenshots / f"error-{language}.png"), full_page=True)
        no_horizontal_scroll(page)
        summary.locator("a").click()
        assert page.url.endswith("#buurt_prettig-0")
        assert stored(live_server, unit_id) == {"woonjaren": "4"}
        page.context.close()


def test_given_two_pages_answered_when_the_respondent_returns_in_another_browser_then_it_resumes(
        chromium, live_server):
    first = new_page(chromium)
    log_in(first, live_server, CODES["u9"])
    first.fill("#woonjaren", "7")
    first.click(NEXT)
    first.check("#buurt_prettig-1")
    first.click(NEXT)
    assert_page(first, "onveilig")
    first.context.close()

    second = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(second, live_server, "ghjk lmn7-89")
    assert_page(second, "onveilig")
    assert second.get_attribute(".progress__bar", "value") == "3"  # page 3 of the questionnaire
    second.click(".back-link")
    assert_page(second, "buurt-oordeel")
    assert second.is_checked("#buurt_prettig-1")
    # the browser's own back and forward buttons: pages come fresh from the server, and a
    # page submitted again after going back overwrites, never duplicates
    second.check("#buurt_prettig-0")
    second.click(NEXT)
    assert_page(second, "onveilig")
    second.go_back()
    assert_page(second, "buurt-oordeel")
    assert second.is_checked("#buurt_prettig-0")
    second.click(NEXT)
    assert_page(second, "onveilig")
    assert stored(live_server, "u9") == {"woonjaren": "7", "buurt_prettig": "ja"}
    second.context.close()


def test_given_a_server_killed_between_pages_then_every_acknowledged_page_is_stored(
        chromium, live_server):
    page = new_page(chromium)
    log_in(page, live_server, CODES["u5"])
    answers = [("woonduur", lambda: page.fill("#woonjaren", "30"), {"woonjaren": "30"}),
               ("buurt-oordeel", lambda: page.check("#buurt_prettig-0"), {"buurt_prettig": "ja"}),
               ("onveilig", lambda: page.check("#onveilig_ooit-0"), {"onveilig_ooit": "vaak"})]
    expected = {}
    for page_id, answer, values in answers:
        assert_page(page, page_id)
        answer()
        page.click(NEXT)
        # the next page is shown: the page is acknowledged. Kill the server at once.
        assert not page.url.endswith(f"/{page_id}")
        live_server.restart()
        expected.update(values)
        assert stored(live_server, "u5") == expected
        page.reload()  # the signed session cookie still works with the new process
    assert_page(page, "onveilig-plekken")
    page.context.close()
    other = new_page(chromium)
    log_in(other, live_server, CODES["u5"])
    assert_page(other, "onveilig-plekken")
    other.context.close()


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_axe_finds_no_violations_on_start_question_error_review_and_thanks_pages_at_320px(
        chromium, live_server, axe_source, language, screenshots):
    page = new_page(chromium, width=320)
    unit_id = "u10" if language == "nl" else "u11"
    checked = {}

    def check(name):
        no_horizontal_scroll(page)
        checked[name] = axe_violations(page, axe_source)

    page.goto(f"{live_server.url}/start?lang={language}")
    check("start")
    page.fill("#code", "ABCDEFGHJK")
    page.click("form.start-form button[type=submit]")
    check("start-error")
    page.fill("#code", CODES[unit_id])
    page.click("form.start-form button[type=submit]")
    check("question-number")
    page.fill("#woonjaren", "veel")
    page.click(NEXT)
    check("error")
    page.fill("#woonjaren", "2")
    page.click(NEXT)
    check("question-grid")
    page.check("#buurt_prettig-0")
    page.click(NEXT)
    page.check("#onveilig_ooit-1")
    page.click(NEXT)
    check("question-multiple-text")
    page.check("#onveilig_plekken-0")
    page.click(NEXT)
    check("question-date")
    page.fill("#geboortedatum-day", "1")
    page.fill("#geboortedatum-month", "1")
    page.fill("#geboortedatum-year", "1950")
    page.click(NEXT)
    check("review")
    page.screenshot(path=str(screenshots / f"review-320-{language}.png"), full_page=True)
    page.click("main form button[type=submit]")
    check("thanks")
    assert checked == {name: [] for name in checked}
    page.context.close()


def test_given_only_a_keyboard_when_walking_through_pages_then_every_control_is_reachable_and_focus_visible(
        chromium, live_server):
    context = chromium.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/start")

    def tab_to(selector, limit=30):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} not reachable with Tab")

    def focus_is_visible():
        style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor]; }""")
        assert (style[0] != "none" and style[1] != "0px") or style[2] != "none" or \
            style[3] == "rgb(255, 221, 0)", style

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0  # shown when focused
    tab_to("#code")
    focus_is_visible()
    page.keyboard.type(CODES["u6"])
    page.keyboard.press("Enter")
    assert_page(page, "woonduur")
    tab_to("#woonjaren")
    focus_is_visible()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    assert_page(page, "buurt-oordeel")
    tab_to("#buurt_prettig-0")
    focus_is_visible()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # arrows move within a radio group and choose
    tab_to("#cohesie_kennen-0")
    page.keyboard.press("Space")
    tab_to("button[value=next]")
    focus_is_visible()
    page.keyboard.press("Enter")
    assert_page(page, "onveilig")
    assert stored(live_server, "u6") == {"woonjaren": "5", "buurt_prettig": "nee",
                                         "cohesie_kennen": "eens"}
    tab_to(".back-link")
    focus_is_visible()
    page.keyboard.press("Enter")
    assert_page(page, "buurt-oordeel")
    context.close()
