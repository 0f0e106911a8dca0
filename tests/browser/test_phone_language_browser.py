"""A phone interview in Turkish and in Arabic, in Debian's chromium, on the real
Veiligheidsmonitor: the interviewer chooses the language on the call screen; the staff
page stays Dutch (lang="nl") around a question block in the chosen language with its lang and
dir; the pages pass axe at 390 px and at desktop width, reflow at 390 px, and read in order in
a text browser (w3m); a switch mid-interview keeps what was typed; the review page reads the
answers back in Arabic and reflows at 390 px."""

import shutil
import subprocess

import pytest
from sqlalchemy import select

from survey import storage
from survey.models import Answer
from survey.paths import QUESTIONNAIRES_DIR
from tests.support.apps import make_app
from tests.support.browser import axe_violations, no_horizontal_scroll
from tests.support.live_server import staff_database, threaded_server
from tests.support.phone import build_phone_app, login, post
from tests.support.respondent import add_unit
from tests.support.staff import PASSWORD, put_on_call_list

pytestmark = pytest.mark.browser

UNITS = {"tel-tr": "TRKA234567", "tel-ar": "ARBA234567", "tel-sw": "SWCA234567"}
WIDTHS = {"smal": 390, "breed": 1200}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = staff_database(tmp_path_factory.mktemp("phonelanguage"), "phone.db")
    for number, (unit_id, code) in enumerate(UNITS.items(), 1):
        add_unit(url, unit_id, code, questionnaire_id="veiligheidsmonitor")
        put_on_call_list(url, unit_id, person_id=number, code=code)
    with threaded_server(make_app(url, QUESTIONNAIRES_DIR=str(QUESTIONNAIRES_DIR))) as base:
        yield base, url


def interviewer_page(chromium, base, width):
    # JavaScript on only for axe (the pages carry no script; the CSP refuses any): w3m reads
    # them without it below
    context = chromium.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base + "/staff/login")
    page.fill("#username", "interviewer")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    return page


def start_in(page, base, unit_id, language):
    page.goto(f"{base}/staff/phone/{unit_id}")
    page.select_option("#interview-language", language)
    page.click("button:has-text('Interview starten')")
    page.wait_for_url(f"**/staff/phone/{unit_id}/interview/pagina/adres")


def block_language(page):
    block = page.locator(".interview-questions")
    return block.get_attribute("lang"), block.get_attribute("dir")


def text_browser(html):
    """The page as w3m reads it without JavaScript or styles."""
    return subprocess.run(["w3m", "-dump", "-T", "text/html", "-O", "UTF-8", "-cols", "80"],
                          input=html, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("unit_id, language, direction, question, answer", [
    ("tel-tr", "tr", "ltr",
     "Bu araştırmanın davetiyesini gönderdiğimiz adreste mi oturuyorsunuz?", "Evet"),
    ("tel-ar", "ar", "rtl", "هل تسكن في العنوان الذي أرسلنا إليه الدعوة للمشاركة في هذا البحث؟",
     "نعم"),
])
def test_given_an_interview_in_the_residents_language_then_the_question_block_is_in_it_and_passes_axe(
        server, chromium, axe_source, screenshots, unit_id, language, direction, question, answer):
    base, _url = server
    for name, width in WIDTHS.items():
        page = interviewer_page(chromium, base, width)
        start_in(page, base, unit_id, language)
        assert page.locator("html").get_attribute("lang") == "nl"
        assert block_language(page) == (language, direction)
        assert page.locator(".interview-questions legend").first.inner_text().startswith(question)
        assert answer in page.locator(".interview-questions label.choice__label").all_inner_texts()
        # the staff page around it is Dutch
        caption = page.locator("main .caption").first.inner_text()
        assert "Telefonisch interview met Bel Baar" in caption
        assert page.locator(".button-group button").inner_text() == "Volgende"
        assert page.locator("select[name=interview_language] option:checked").inner_text() in (
            "Turks (Türkçe)", "Arabisch (العربية)")
        assert axe_violations(page, axe_source) == []
        if name == "smal":
            no_horizontal_scroll(page)
        page.screenshot(path=str(screenshots / f"staff-phone-{language}-{name}.png"),
                        full_page=True)

        # an answer left open: the message about it is in the interview's language too
        page.click(".button-group button[value=next]")
        summary = page.locator(".error-summary__list")
        assert summary.get_attribute("lang") == language
        assert page.locator(".error-summary__title").inner_text() == "Er is een probleem"
        assert axe_violations(page, axe_source) == []
        if name == "smal":
            no_horizontal_scroll(page)
        page.screenshot(path=str(screenshots / f"staff-phone-{language}-{name}-fout.png"),
                        full_page=True)

        # read without JavaScript or styles: the staff chrome in Dutch, then the language
        # control, the question and its answers in the chosen language, then Volgende
        text, at = text_browser(page.content()), 0
        for expected in ("Telefonisch interview met", "Er is een probleem", question[:20],
                         "Taal van het interview", question, answer, "Volgende",
                         "Interview onderbreken"):
            assert expected in text[at:], (expected, text)
            at = text.index(expected, at) + len(expected)
        page.context.close()


def test_given_a_resident_who_switches_language_then_the_page_comes_back_in_it_with_the_answer_kept(
        server, chromium, axe_source, screenshots):
    base, url = server
    page = interviewer_page(chromium, base, 390)
    start_in(page, base, "tel-sw", "tr")
    page.check("input[name=woont_adres][value=ja]")
    page.select_option("select[name=interview_language]", "ar")
    page.click("button:has-text('Taal wijzigen')")
    assert block_language(page) == ("ar", "rtl")
    assert page.is_checked("input[name=woont_adres][value=ja]")
    assert "Het interview gaat verder in het Arabisch." in page.locator(".notice").inner_text()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(screenshots / "staff-phone-switch-ar.png"), full_page=True)
    page.click(".button-group button[value=next]")
    page.wait_for_url("**/interview/pagina/buurt-oordeel")
    assert block_language(page) == ("ar", "rtl")
    with storage.transaction(url) as db:
        assert db.scalar(select(Answer.value).where(Answer.sample_unit_id == "tel-sw",
                                                    Answer.variable == "woont_adres")) == "ja"
    page.context.close()


def test_given_an_arabic_interview_at_its_end_then_the_review_page_reads_it_back_and_passes_axe(
        chromium, axe_source, screenshots, tmp_path):
    url = f"sqlite:///{tmp_path / 'review.db'}"
    storage.upgrade(url)
    app = build_phone_app(url, tmp_path)  # the mini questionnaire, its units on a call list
    client = login(app, "interviewer")
    response = post(client, "/staff/phone/b1/interview", "/staff/phone/b1", {"language": "ar"})
    location = client.get(response.headers["Location"]).headers["Location"]
    for values in ({"woonjaren": "7"}, {"buurt_prettig": "ja", "cohesie_kennen": "oneens"},
                   {"onveilig_ooit": "nooit"},
                   {"geboortedatum-day": "1", "geboortedatum-month": "2",
                    "geboortedatum-year": "1970", "aantal_kinderen": "0"}):
        location = post(client, location, location, values).headers["Location"]
    assert location == "/staff/phone/b1/interview/controleren"
    with threaded_server(app) as base:
        for name, width in WIDTHS.items():
            page = interviewer_page(chromium, base, width)
            page.goto(base + location)
            assert page.locator(".summary dd").inner_text() == "Arabisch (العربية)"
            answers = page.locator("td[lang=ar][dir=rtl]").all_inner_texts()
            assert answers[:2] == ["7", "نعم"]  # woonjaren, buurt_prettig
            assert axe_violations(page, axe_source) == []
            if name == "smal":
                no_horizontal_scroll(page)
            page.screenshot(path=str(screenshots / f"staff-phone-review-ar-{name}.png"),
                            full_page=True)
            page.context.close()


@pytest.fixture(scope="module", autouse=True)
def _w3m():
    if shutil.which("w3m") is None:
        pytest.skip("w3m is missing: apt-get install -y w3m")
