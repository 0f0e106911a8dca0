"""The respondent's web questionnaire, driven through the test client on the mini fixture:
log in with the letter's code, answer page by page, leave and resume, review and submit.
Asserts on status, page text and the stored rows."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from survey import storage
from survey.models import Answer, PageVisit, SampleUnit
from tests.support.respondent import Browser, add_unit, stored, title

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaires"


def test_given_the_letters_code_when_typed_loosely_then_the_first_page_is_shown(respondent_app):
    browser = Browser(respondent_app)
    browser.log_in(" hjsy-36uy 9b ")
    assert browser.path == "/vragenlijst/pagina/woonduur"
    assert "Hoeveel jaar woont u in deze buurt?" in browser.text
    assert "Onderdeel 1 van 2" in browser.text
    assert 'max="6" value="1"' in browser.text  # the bar: page 1 of the questionnaire's 6
    assert '<p class="caption">Uw buurt</p>' in browser.text
    assert 'Hoeveel jaar woont u in deze buurt? <span class="required">(verplicht)</span>' in (
        browser.text)  # the section, above the page title
    assert title(browser.text) == "Wonen in de buurt – Wijkprofiel Rotterdam"


def test_the_qr_link_fills_in_the_code(respondent_app):
    browser = Browser(respondent_app)
    browser.get("/start?code=HJSY36UY9B")
    assert 'value="HJSY36UY9B"' in browser.text
    browser.submit({"code": "HJSY36UY9B"}, url="/start")
    assert browser.path == "/vragenlijst/pagina/woonduur"


def test_a_wrong_code_gets_a_clear_message_and_error_title(respondent_app):
    browser = Browser(respondent_app)
    browser.log_in("ABCDEFGHJK")
    assert browser.response.status_code == 200
    assert "Deze code kennen we niet" in browser.text
    assert title(browser.text).startswith("Fout:")
    assert 'href="#code"' in browser.text
    browser.submit({"code": "ABC"}, url="/start")
    assert "Een code bestaat uit 10 letters en cijfers" in browser.text


def test_repeated_wrong_codes_are_rate_limited_but_a_right_code_before_that_is_not(respondent_app):
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")  # successes do not count against the limit
    browser.log_in("HJSY36UY9B")
    for _ in range(5):
        browser.log_in("ABCDEFGHJK")
        assert browser.response.status_code == 200
    browser.log_in("HJSY36UY9B")
    assert browser.response.status_code == 429
    assert "te vaak een verkeerde code" in browser.text
    assert browser.path == "/start"


def test_the_questionnaire_needs_a_code(respondent_app):
    browser = Browser(respondent_app)
    browser.get("/vragenlijst/pagina/onveilig")
    assert browser.path == "/start"
    assert "Uw sessie is afgelopen" in browser.text


def test_a_whole_questionnaire_with_routing_review_and_thanks(respondent_app_each_backend,
                                                              database_url):
    respondent_app, url = respondent_app_each_backend, database_url
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    browser.submit({"woonjaren": "12"})
    assert browser.path == "/vragenlijst/pagina/buurt-oordeel"
    browser.submit({"buurt_prettig": "ja", "cohesie_kennen": "oneens", "cohesie_omgang": "weet_niet"})
    browser.submit({"onveilig_ooit": "nooit"})
    # routing: who never feels unsafe skips the page about unsafe places
    assert browser.path == "/vragenlijst/pagina/achtergrond"
    # the progress never runs back: the skipped page counts as passed (page 5 of 6)
    assert "Onderdeel 2 van 2" in browser.text and 'max="6" value="5"' in browser.text
    browser.submit({"geboortedatum-day": "7", "geboortedatum-month": "3",
                    "geboortedatum-year": "1980", "aantal_kinderen": "2"})
    # a page `when`: with children the children page comes up
    assert browser.path == "/vragenlijst/pagina/kinderen-school"
    browser.submit({"kinderen_speelplek": "nee"})
    assert browser.path == "/vragenlijst/controleren"
    assert "7 maart 1980" in browser.text
    assert "Weet ik niet" in browser.text
    assert "Onveilige plekken" not in browser.text
    assert stored(url) == {
        "woonjaren": "12", "buurt_prettig": "ja", "cohesie_kennen": "oneens",
        "cohesie_omgang": "weet_niet", "onveilig_ooit": "nooit", "geboortedatum": "1980-03-07",
        "aantal_kinderen": "2", "kinderen_speelplek": "nee"}
    browser.submit({})
    assert browser.path == "/vragenlijst/bedankt"
    assert "Bedankt voor het invullen" in browser.text
    with storage.transaction(url) as db:
        unit = db.get(SampleUnit, "u1")
        assert (unit.status, unit.mode) == ("completed", "web")
        assert (unit.questionnaire_id, unit.questionnaire_version) == ("mini", "2024.test")
        assert unit.started_at <= unit.completed_at
        visits = db.scalars(select(PageVisit).where(PageVisit.sample_unit_id == "u1")).all()
    assert {v.page_id for v in visits} == {"woonduur", "buurt-oordeel", "onveilig", "achtergrond",
                                           "kinderen-school"}
    assert all(v.submitted_at >= v.first_shown_at for v in visits)
    assert {(v.language, v.mode, v.device_class) for v in visits} == {("nl", "web", "phone")}


def test_validation_errors_are_summarised_and_keep_the_other_answers(respondent_app, sqlite_url):
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    browser.submit({"woonjaren": "150"})
    assert title(browser.text).startswith("Fout:")
    assert "Vul bij ‘Hoeveel jaar woont u in deze buurt?’ een getal in van 0 tot en met 100." in (
        browser.text)
    assert 'href="#woonjaren"' in browser.text
    assert stored(sqlite_url) == {}
    browser.submit({"woonjaren": "12", "woonjaren-missing": "weet_niet"})
    assert "niet allebei" in browser.text
    browser.submit({"woonjaren": "3"})
    browser.submit({"cohesie_kennen": "eens"})  # the required single choice left open
    assert "Kies een antwoord bij ‘Woont u prettig in deze buurt?’." in browser.text
    assert 'href="#buurt_prettig-0"' in browser.text
    assert re.search(r'value="eens" checked', browser.text)  # the grid answer is kept
    assert stored(sqlite_url) == {"woonjaren": "3"}
    browser.submit({"buurt_prettig": "nee", "cohesie_kennen": "eens"})
    browser.submit({"onveilig_ooit": "soms"})
    assert browser.path == "/vragenlijst/pagina/onveilig-plekken"
    browser.submit({"onveilig_plekken": ["straat", "geen"], "onveilig_toelichting": "Donker"})
    assert "en ook een ander antwoord kiezen" in browser.text
    assert ">Donker</textarea>" in browser.text
    browser.submit({"onveilig_plekken": ["park", "straat"], "onveilig_toelichting": "x" * 201})
    assert "hoogstens 200 tekens" in browser.text
    browser.submit({"onveilig_plekken": ["park", "straat"]})
    assert stored(sqlite_url)["onveilig_plekken"] == "straat park"  # questionnaire order
    browser.submit({"geboortedatum-day": "31", "geboortedatum-month": "2",
                    "geboortedatum-year": "1980"})
    assert "Vul bij ‘Wat is uw geboortedatum?’ een bestaande datum in" in browser.text
    browser.submit({"geboortedatum-day": "1", "geboortedatum-month": "2",
                    "geboortedatum-year": "2999"})
    assert "een datum in op of voor" in browser.text
    browser.submit({"geboortedatum-day": "1", "geboortedatum-month": "",
                    "geboortedatum-year": "1980"})
    assert 'href="#geboortedatum-month"' in browser.text


def test_a_changed_answer_removes_the_answers_it_routes_off_the_path(respondent_app, sqlite_url):
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    browser.submit({"woonjaren": "3"})
    browser.submit({"buurt_prettig": "ja"})
    browser.submit({"onveilig_ooit": "vaak"})
    browser.submit({"onveilig_plekken": "ov", "onveilig_toelichting": "In de tram"})
    assert stored(sqlite_url)["onveilig_plekken"] == "ov"
    browser.get("/vragenlijst/pagina/onveilig")
    browser.submit({"onveilig_ooit": "nooit"})
    assert browser.path == "/vragenlijst/pagina/achtergrond"
    answers = stored(sqlite_url)
    assert "onveilig_plekken" not in answers and "onveilig_toelichting" not in answers
    assert answers["onveilig_ooit"] == "nooit"


def test_leave_and_resume_on_another_device_at_the_first_unanswered_page(respondent_app):
    phone = Browser(respondent_app)
    phone.log_in("HJSY36UY9B")
    phone.submit({"woonjaren": "3"})
    phone.submit({"buurt_prettig": "ja"}, action="stop")
    assert phone.path == "/opgeslagen"
    assert "Uw antwoorden zijn opgeslagen" in phone.text
    phone.get("/vragenlijst/")
    assert phone.path == "/start"  # logged out
    laptop = Browser(respondent_app, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")
    laptop.log_in("HJSY36UY9B")
    assert laptop.path == "/vragenlijst/pagina/onveilig"
    laptop.get("/vragenlijst/pagina/buurt-oordeel")  # back, with the answer shown
    assert re.search(r'value="ja" checked', laptop.text)


def test_the_address_bar_cannot_skip_pages(respondent_app):
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    browser.get("/vragenlijst/pagina/achtergrond")
    assert browser.path == "/vragenlijst/pagina/woonduur"
    browser.get("/vragenlijst/controleren")
    assert browser.path == "/vragenlijst/pagina/woonduur"
    browser.get("/vragenlijst/pagina/bestaat-niet")
    assert browser.path == "/vragenlijst/pagina/woonduur"


def test_double_submits_and_two_tabs_neither_duplicate_nor_lose_answers(respondent_app, sqlite_url):
    tab1, tab2 = Browser(respondent_app), Browser(respondent_app)
    tab1.log_in("HJSY36UY9B")
    tab2.client = tab1.client  # the same browser, so the same session cookie
    tab2.response = tab1.response
    tab1.submit({"woonjaren": "3"})
    page_with_token = tab1.response
    tab1.submit({"buurt_prettig": "ja"})
    tab2.response = page_with_token  # the second tab still shows buurt-oordeel
    tab2.submit({"buurt_prettig": "nee", "cohesie_kennen": "eens"})
    tab2.response = page_with_token
    tab2.submit({"buurt_prettig": "nee", "cohesie_kennen": "eens"})  # and again (double click)
    with storage.transaction(sqlite_url) as db:
        rows = db.scalars(select(Answer).where(Answer.sample_unit_id == "u1")).all()
    assert sorted((a.variable, a.value) for a in rows) == [
        ("buurt_prettig", "nee"), ("cohesie_kennen", "eens"), ("woonjaren", "3")]
    assert {a.page_id for a in rows if a.variable != "woonjaren"} == {"buurt-oordeel"}


def test_a_completed_unit_cannot_change_answers(respondent_app, sqlite_url):
    add_unit(sqlite_url, "u3", "2345678ABC", status="completed")
    browser = Browser(respondent_app)
    browser.log_in("2345678ABC")
    assert browser.path == "/vragenlijst/bedankt"
    browser.get("/vragenlijst/pagina/woonduur")
    assert browser.path == "/vragenlijst/bedankt"
    token = re.search(r'name="csrf_token" value="([^"]+)"', Browser(respondent_app).get(
        "/start").get_data(as_text=True))
    response = browser.client.post("/vragenlijst/pagina/woonduur",
                                   data={"woonjaren": "5", "csrf_token": token.group(1)})
    assert response.status_code in (303, 400)
    assert stored(sqlite_url, "u3") == {}


def test_a_post_without_csrf_token_stores_nothing_and_keeps_what_was_typed(respondent_app, sqlite_url):
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    response = browser.client.post("/vragenlijst/pagina/woonduur", data={"woonjaren": "42"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Deze pagina was verlopen" in text
    assert 'value="42"' in text
    assert stored(sqlite_url) == {}


def test_security_headers_and_cookie_flags(make_app, respondent_app):
    client = respondent_app.test_client()
    response = client.get("/start")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp and "script-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    secure_app = make_app(respondent_app.config["DATABASE_URL"], SESSION_COOKIE_SECURE=True,
                          QUESTIONNAIRES_DIR=str(FIXTURES))
    cookie = secure_app.test_client().get("/start").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_choice_is_remembered_and_sets_lang_and_dir(respondent_app):
    browser = Browser(respondent_app)
    browser.get("/start?lang=ar")
    assert browser.path == "/start"
    assert '<html lang="ar" dir="rtl">' in browser.text
    assert "رمزك الشخصي" in browser.text  # "Uw persoonlijke code"
    browser.log_in("HJSY36UY9B")
    assert '<html lang="ar" dir="rtl">' in browser.text
    assert ">التالي</button>" in browser.text  # "Volgende"
    # a text the real questionnaires share is translated; one only this test questionnaire has
    # is not, so it is shown in Dutch and marked so for screen readers
    assert "منذ كم سنة تسكن في هذا الحي؟" in browser.text  # "Hoeveel jaar woont u in deze buurt?"
    assert ('<span lang="nl" dir="ltr">Rond af op hele jaren. Korter dan een jaar? Vul 0 in.</span>'
            in browser.text)
    browser.submit({"woonjaren": "3"})
    with storage.transaction(respondent_app.config["DATABASE_URL"]) as db:
        visit = db.scalar(select(PageVisit).where(PageVisit.page_id == "woonduur"))
    assert visit.language == "ar"
    browser.get("/vragenlijst/?lang=pl")
    assert '<html lang="pl" dir="ltr">' in browser.text
    browser.submit({"buurt_prettig": "misschien"})
    assert "Proszę wybrać jedną z podanych odpowiedzi na pytanie" in browser.text  # error table
    assert title(browser.text).startswith("Błąd:")


def test_simultaneous_submits_of_one_page_leave_one_row_per_variable(respondent_app_each_backend,
                                                                     database_url):
    """Two tabs (or a nervous double click) posting the same page at the same moment: the
    unit's row lock makes them take turns, so there is no duplicate and no error."""
    import threading

    respondent_app, url = respondent_app_each_backend, database_url
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.text).group(1)
    cookie = browser.client.get_cookie("session").value
    statuses, barrier = [], threading.Barrier(6)

    def post(years):
        client = respondent_app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait()
        for _ in range(3):
            response = client.post("/vragenlijst/pagina/woonduur",
                                   data={"csrf_token": token, "woonjaren": str(years)})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(years,)) for years in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 18
    with storage.transaction(url) as db:
        rows = db.scalars(select(Answer).where(Answer.sample_unit_id == "u1")).all()
        visits = db.scalars(select(PageVisit).where(PageVisit.sample_unit_id == "u1")).all()
    assert len(rows) == 1 and rows[0].value in {str(y) for y in range(6)}
    assert len(visits) == 1


def test_change_from_the_review_page_returns_there_and_save_for_later_works_there_too(
        respondent_app, sqlite_url):
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    for form in ({"woonjaren": "3"}, {"buurt_prettig": "ja"}, {"onveilig_ooit": "nooit"},
                 {"geboortedatum-day": "1", "geboortedatum-month": "1",
                  "geboortedatum-year": "1970"}):
        browser.submit(form)
    assert browser.path == "/vragenlijst/controleren"
    change = re.search(r'href="(/vragenlijst/pagina/woonduur\?terug=controleren)#woonduur-jaren"',
                       browser.text)
    assert change, "no change link for the first question"
    browser.get(change.group(1))
    assert "Terug naar het overzicht" in browser.text
    browser.submit({"woonjaren-missing": "weet_niet"})
    assert browser.path == "/vragenlijst/controleren"
    assert stored(sqlite_url)["woonjaren"] == "weet_niet"
    browser.submit({}, url="/stoppen")
    assert browser.path == "/opgeslagen"
    with storage.transaction(sqlite_url) as db:
        assert db.get(SampleUnit, "u1").status == "started"


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(make_app, sqlite_url):
    app = make_app(sqlite_url, QUESTIONNAIRES_DIR=str(FIXTURES), LOGIN_RATE_LIMIT="2 per 15 minutes",
                   TRUSTED_PROXIES=1)
    add_unit(sqlite_url, "u1", "HJSY36UY9B")

    def attempt(client_address, code="ABCDEFGHJK"):
        browser = Browser(app)
        browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
        browser.log_in(code)
        return browser.response.status_code, browser.path

    assert [attempt("198.51.100.7") for _ in range(3)] == [(200, "/start")] * 2 + [(429, "/start")]
    # another resident behind the same proxy is let in
    assert attempt("203.0.113.9", code="HJSY36UY9B") == (200, "/vragenlijst/pagina/woonduur")


def test_answers_stored_by_another_mode_count_as_done_when_resuming_on_the_web(
        respondent_app, sqlite_url):
    with storage.transaction(sqlite_url) as db:
        for variable, value in {"woonjaren": "8", "buurt_prettig": "nee"}.items():
            db.add(Answer(sample_unit_id="u1", variable=variable, value=value, page_id="-",
                          mode="phone", saved_at=datetime(2024, 3, 1)))
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    assert browser.path == "/vragenlijst/pagina/onveilig"
    assert "Onderdeel 1 van 2" in browser.text and 'max="6" value="3"' in browser.text


def test_the_review_cannot_be_submitted_with_a_required_answer_missing(respondent_app, sqlite_url):
    """Pages marked submitted but a required answer absent (say, an imported partial
    response): the review sends the respondent to that page instead of completing."""
    with storage.transaction(sqlite_url) as db:
        for page_id in ("woonduur", "buurt-oordeel", "onveilig", "achtergrond"):
            db.add(PageVisit(sample_unit_id="u1", page_id=page_id, mode="web",
                             submitted_at=datetime(2024, 3, 1)))
        db.add(Answer(sample_unit_id="u1", variable="onveilig_ooit", value="nooit",
                      page_id="onveilig", mode="web", saved_at=datetime(2024, 3, 1)))
    browser = Browser(respondent_app)
    browser.log_in("HJSY36UY9B")
    assert browser.path == "/vragenlijst/pagina/woonduur"
    browser.get("/vragenlijst/controleren")
    assert browser.path == "/vragenlijst/pagina/woonduur"
    with storage.transaction(sqlite_url) as db:
        assert db.get(SampleUnit, "u1").status == "invited"


@pytest.mark.parametrize("language, start_button, heading", [
    ("en", "Start", "Your personal code"), ("tr", "Başla", "Kişisel kodunuz"),
    ("ar", "ابدأ", "رمزك الشخصي"), ("pl", "Rozpocznij", "Pana/Pani kod osobisty"),
    ("nl", "Start", "Uw persoonlijke code")])
def test_every_language_has_the_start_page_in_it(respondent_app, language, start_button, heading):
    browser = Browser(respondent_app)
    browser.get(f"/start?lang={language}")
    assert f'<html lang="{language}"' in browser.text
    assert f">{start_button}</button>" in browser.text
    assert f">{heading}</label>" in browser.text


def test_without_a_choice_the_browser_language_decides(respondent_app):
    client = respondent_app.test_client()
    text = client.get("/start", headers={"Accept-Language": "tr-TR,tr;q=0.9,en;q=0.5"}).get_data(
        as_text=True)
    assert '<html lang="tr" dir="ltr">' in text
    text = client.get("/start", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="nl" dir="ltr">' in text


def test_catalogues_compile_into_the_instance_folder_only_when_stale(tmp_path):
    from survey.i18n import compile_catalogues
    from survey.paths import TRANSLATIONS_DIR

    written = compile_catalogues(TRANSLATIONS_DIR, tmp_path)
    assert sorted(p.parent.parent.name for p in written) == ["ar", "en", "pl", "tr"]
    assert all(p.is_relative_to(tmp_path) and p.stat().st_size > 1000 for p in written)
    assert compile_catalogues(TRANSLATIONS_DIR, tmp_path) == []  # up to date: nothing written


def test_a_start_form_without_csrf_token_keeps_the_code_and_asks_again(respondent_app):
    client = respondent_app.test_client()
    client.get("/start")  # the session cookie is set and comes back: the form just expired
    response = client.post("/start", data={"code": "HJSY36UY9B"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Deze pagina was verlopen" in text and 'value="HJSY36UY9B"' in text
    assert title(text).startswith("Fout:")


def test_a_start_form_without_any_cookie_says_cookies_are_needed(respondent_app):
    """A browser that does not send the cookie back (cookies off, or a secure cookie kept off
    plain http) would get "expired" at every try: it is told what is wrong instead."""
    client = respondent_app.test_client(use_cookies=False)
    page = client.get("/start").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/start", data={"code": "HJSY36UY9B", "csrf_token": token})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Uw browser stuurde ons cookie niet terug." in text
    assert "Deze pagina was verlopen" not in text and 'value="HJSY36UY9B"' in text
