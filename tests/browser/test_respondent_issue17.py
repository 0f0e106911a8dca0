"""Given/When/Then in chromium on 320 and 360 px phones, for what residents ran into (issue
17): an error link shows its question, the language switch keeps what was typed, the progress
never runs back, the review is grouped by section with links, an open answer in Latin letters
reads right in the Arabic review, the intro comes after the heading, "save and continue later"
leaves with an error on the page, and the new page kinds (error pages, the saved page with a
notice, the login limit, the review's contents) pass axe. Screenshots go to the screenshots
directory for a person to look at."""

import re

import pytest

from tests.support.browser import (CODES, NEXT, assert_page, axe_violations, log_in, new_page,
                                   no_horizontal_scroll, stored)


pytestmark = pytest.mark.browser


def test_given_an_error_when_its_link_is_followed_then_the_question_is_in_view(
        chromium, live_server, screenshots):
    page = new_page(chromium, width=320)
    log_in(page, live_server, CODES["u12"], "nl")
    assert_page(page, "woonduur")
    page.fill("#woonjaren", "4")
    page.click(NEXT)
    page.check("#cohesie_kennen-0")  # the required question above it left open
    page.click(NEXT)
    link = page.locator(".error-summary a")
    assert link.inner_text() == "Kies een antwoord bij ‘Woont u prettig in deze buurt?’."
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    link.click()
    legend = page.locator("#buurt-prettig legend")
    box = legend.bounding_box()
    viewport = page.viewport_size
    # the question (its legend), not only the radio, is on the screen after the jump
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], box
    page.screenshot(path=str(screenshots / "issue17-error-link-320.png"))
    page.context.close()


def test_given_typed_answers_when_the_language_is_switched_then_they_stay(
        chromium, live_server, screenshots):
    page = new_page(chromium, width=360)
    log_in(page, live_server, CODES["u13"], "nl")
    assert_page(page, "woonduur")
    page.fill("#woonjaren", "17")
    page.click(".language-menu button[value=ar]")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.input_value("#woonjaren") == "17"
    assert page.locator(".error-summary").count() == 0
    assert stored(live_server, "u13") == {}  # switching stores nothing
    page.screenshot(path=str(screenshots / "issue17-language-switch-360-ar.png"), full_page=True)
    page.click(".language-menu button[value=nl]")
    # Enter in the field still means "next", not the first language button
    page.focus("#woonjaren")
    page.keyboard.press("Enter")
    assert_page(page, "buurt-oordeel")
    assert stored(live_server, "u13") == {"woonjaren": "17"}
    page.context.close()


def test_given_routing_when_answering_then_the_progress_never_runs_back(chromium, live_server):
    page = new_page(chromium, width=360)
    log_in(page, live_server, CODES["u14"], "nl")
    seen = []

    def note():
        seen.append((page.inner_text(".progress__text"),
                     int(page.get_attribute(".progress__bar", "value")),
                     int(page.get_attribute(".progress__bar", "max"))))

    note()
    page.fill("#woonjaren", "2")
    page.click(NEXT)
    note()
    page.check("#buurt_prettig-0")
    page.click(NEXT)
    note()
    page.check("#onveilig_ooit-2")  # never unsafe: the next page is skipped
    page.click(NEXT)
    note()
    page.fill("#geboortedatum-day", "5")
    page.fill("#geboortedatum-month", "6")
    page.fill("#geboortedatum-year", "1975")
    page.fill("#aantal_kinderen", "2")  # children: one page more at the end
    page.click(NEXT)
    assert_page(page, "kinderen-school")
    note()
    values = [v for _text, v, _max in seen]
    assert values == sorted(values) and len(set(values)) == len(values), seen
    assert {m for _t, _v, m in seen} == {6}  # the total never changes
    assert [t for t, _v, _m in seen] == ["Onderdeel 1 van 2"] * 3 + ["Onderdeel 2 van 2"] * 2
    page.context.close()


def test_given_the_review_in_arabic_then_sections_link_and_a_latin_answer_reads_right(
        chromium, live_server, axe_source, screenshots):
    page = new_page(chromium, width=320)
    log_in(page, live_server, CODES["u15"], "ar")
    page.fill("#woonjaren", "3")
    page.click(NEXT)
    page.check("#buurt_prettig-0")
    page.click(NEXT)
    page.check("#onveilig_ooit-0")
    page.click(NEXT)
    page.check("#onveilig_plekken-0")
    page.fill("#onveilig_toelichting", "Near the station.")
    page.click(NEXT)
    page.fill("#geboortedatum-day", "1")
    page.fill("#geboortedatum-month", "2")
    page.fill("#geboortedatum-year", "1970")
    page.click(NEXT)
    assert page.url.endswith("/vragenlijst/controleren")
    links = page.locator(".review-contents a")
    assert links.count() == 3  # two sections and "send"
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for target in targets:
        assert page.locator(target).count() == 1
    links.nth(1).click()
    assert page.locator(targets[1]).bounding_box()["y"] < 100  # the section is at the top
    # the Latin answer is isolated: its full stop stays at its end, on the right
    answer = page.locator("bdi.summary-list__text")
    assert answer.inner_text() == "Near the station."
    assert page.evaluate("getComputedStyle(document.querySelector('bdi.summary-list__text'))"
                         ".direction") == "ltr"
    assert axe_violations(page, axe_source) == []
    no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "issue17-review-320-ar.png"), full_page=True)
    page.context.close()


def test_given_the_first_page_then_the_heading_comes_before_the_intro(chromium, live_server):
    page = new_page(chromium, width=360)
    log_in(page, live_server, CODES["u16"], "nl")
    order = page.evaluate("""() => [...document.querySelectorAll('main h1, main .intro')]
        .map(e => e.tagName === 'H1' ? 'h1' : 'intro')""")
    assert order == ["h1", "intro"]
    page.context.close()


@pytest.mark.parametrize("width", [320, 360])
def test_the_new_page_kinds_pass_axe_and_fit_the_phone(chromium, live_server, axe_source,
                                                        screenshots, width):
    page = new_page(chromium, width=width)
    checked = {}

    def check(name):
        no_horizontal_scroll(page)
        checked[name] = axe_violations(page, axe_source)
        page.screenshot(path=str(screenshots / f"issue17-{name}-{width}.png"), full_page=True)

    for language in ("nl", "ar"):
        page.goto(f"{live_server.url}/start?lang={language}")
        response = page.goto(f"{live_server.url}/bestaat-niet")
        assert response.status == 404
        check(f"404-{language}")
        response = page.goto(f"{live_server.url}/stoppen")
        assert response.status == 405
        check(f"405-{language}")
    page.goto(f"{live_server.url}/Start/?lang=nl")
    assert page.url.endswith("/start")
    # "save and continue later" with a wrong number: the saved page names what was not kept
    code = CODES["u3"] if width == 320 else CODES["u4"]
    log_in(page, live_server, code, "nl")
    page.fill("#woonjaren", "150")
    page.click("main button[value=stop]")
    assert page.url.endswith("/opgeslagen")
    assert "Hoeveel jaar woont u in deze buurt?" in page.inner_text(".notice")
    check("saved-notice")
    assert checked == {name: [] for name in checked}
    page.context.close()


def test_the_login_limit_page_passes_axe_and_keeps_the_code(chromium, live_server, axe_source,
                                                             screenshots):
    page = new_page(chromium, width=320)
    page.goto(f"{live_server.url}/start?lang=nl")
    status = 200
    for _ in range(30):
        page.fill("#code", "ABCDEFGHJK")
        with page.expect_response(re.compile(r".*/start$")) as answered:
            page.click("form.start-form button[type=submit]")
        status = answered.value.status
        if status == 429:
            break
    assert status == 429
    text = page.inner_text("main")
    assert "We hebben uw code nu niet gecontroleerd" in text
    assert re.search(r"Probeer het over \d+ minuten? opnieuw\.", text)
    assert "14 010" in text
    assert page.input_value("#code") == "ABCDEFGHJK"
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(screenshots / "issue17-login-limit-320.png"), full_page=True)
    page.context.close()
