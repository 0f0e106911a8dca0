"""Given/When/Then, through the test client: the resident's error pages are in the site's
own look and the resident's language with a way back; start addresses typed loosely still
work; a wild number is a validation error with the typed answers kept; "save and continue
later" stores what checks out and leaves; the login limit says the real wait, never calls a
right code wrong and gives the phone number."""

import re

import pytest

from tests.support.respondent import Browser, FIXTURES, add_unit, stored, title


@pytest.fixture
def make_error_app(make_app, sqlite_url):
    """Builds the app on the mini questionnaire with unit u1 and the login limit counted in
    memory; keyword arguments override settings."""
    def build(**config):
        settings = {"QUESTIONNAIRES_DIR": str(FIXTURES), "LOGIN_RATE_LIMIT": "8 per 10 minutes",
                    "RATELIMIT_STORAGE_URI": "memory://", **config}
        app = make_app(sqlite_url, **settings)
        add_unit(sqlite_url, "u1", "HJSY36UY9B")
        return app
    return build


@pytest.fixture
def app(make_error_app):
    return make_error_app()


@pytest.mark.parametrize("language, heading, back", [
    ("nl", "Deze pagina bestaat niet", "Naar de startpagina"),
    ("ar", "هذه الصفحة غير موجودة", "إلى صفحة البداية"),
    ("pl", "Ta strona nie istnieje", "Do strony startowej")])
def test_a_404_is_branded_in_the_residents_language_with_a_way_back(app, language, heading, back):
    browser = Browser(app)
    browser.get(f"/start?lang={language}")
    response = browser.client.get("/bestaat-niet")
    text = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f'<html lang="{language}"' in text and "site-header" in text
    assert f"<h1>{heading}</h1>" in text
    assert f'<a href="/start">{back}</a>' in text
    assert "Werkzeug" not in text and "Not Found" not in text


def test_a_logged_in_resident_is_led_back_into_the_questionnaire(app):
    browser = Browser(app)
    browser.log_in("HJSY36UY9B")
    text = browser.client.get("/vragenlijst/pagina/bestaat-niet/meer").get_data(as_text=True)
    assert '<a href="/vragenlijst/">Verder met de vragenlijst</a>' in text


def test_a_405_is_branded_and_changes_nothing(app):
    response = app.test_client().get("/stoppen")
    text = response.get_data(as_text=True)
    assert response.status_code == 405
    assert "<h1>Deze pagina kan zo niet worden geopend</h1>" in text
    assert "Er is niets veranderd aan uw antwoorden." in text and 'href="/start"' in text


def test_a_500_is_branded_and_says_what_was_saved_is_kept(make_error_app, sqlite_url):
    app = make_error_app(TESTING=False, PROPAGATE_EXCEPTIONS=False, SECRET_KEY="f3a9c1d7e2b84a6f9c0d5e1b7a3f8c2d")

    @app.get("/kapot")
    def broken():
        raise RuntimeError("a bug")

    response = app.test_client().get("/kapot", headers={"Accept-Language": "tr"})
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="tr"' in text and "<h1>Bir şeyler ters gitti</h1>" in text
    assert "a bug" not in text and "Traceback" not in text


@pytest.mark.parametrize("typed, goes_to", [
    ("/Start", "/start"), ("/start/", "/start"), ("/START/?code=HJSY36UY9B", "/start?code=HJSY36UY9B"),
    ("/Opgeslagen", "/opgeslagen")])
def test_a_loosely_typed_start_address_is_redirected(app, typed, goes_to):
    response = app.test_client().get(typed)
    assert response.status_code == 301
    assert response.headers["Location"] == goes_to


def test_an_id_in_an_address_is_never_lower_cased_by_guessing(app):
    # page ids (and staff unit ids) may be case-sensitive: no redirect, a plain 404
    assert app.test_client().get("/vragenlijst/pagina/WOONDUUR").status_code in (303, 404)
    assert app.test_client().get("/staff/paper/U1").status_code != 301


def test_a_20_digit_number_is_a_validation_error_and_the_typed_answers_stay(app, sqlite_url):
    browser = Browser(app)
    browser.log_in("HJSY36UY9B")
    browser.submit({"woonjaren": "4"})
    browser.submit({"buurt_prettig": "ja"})
    browser.submit({"onveilig_ooit": "nooit"})
    assert browser.path == "/vragenlijst/pagina/achtergrond"
    browser.submit({"geboortedatum-day": "9" * 20, "geboortedatum-month": "3",
                    "geboortedatum-year": "1980", "aantal_kinderen": "9" * 20})
    assert browser.response.status_code == 200 and title(browser.text).startswith("Fout:")
    assert "Vul bij ‘Wat is uw geboortedatum?’ een bestaande datum in" in browser.text
    assert "Vul bij ‘Hoeveel kinderen" in browser.text
    assert f'value="{"9" * 20}"' in browser.text  # both typed answers are shown again
    assert "geboortedatum" not in stored(sqlite_url)


def test_save_and_continue_later_saves_what_is_valid_and_leaves(app, sqlite_url):
    browser = Browser(app)
    browser.log_in("HJSY36UY9B")
    browser.submit({"woonjaren": "4"})
    # a required question left open and a grid row: leaving still works and keeps the row
    browser.submit({"cohesie_kennen": "eens"}, action="stop")
    assert browser.path == "/opgeslagen"
    assert stored(sqlite_url) == {"woonjaren": "4", "cohesie_kennen": "eens"}
    # the page is asked again when she comes back, with the stored row checked
    again = Browser(app)
    again.log_in("HJSY36UY9B")
    assert again.path == "/vragenlijst/pagina/buurt-oordeel"
    assert re.search(r'id="cohesie_kennen-0" name="cohesie_kennen" value="eens" checked', again.text)
    # a number out of range is not stored, and the saved page says which answer was not
    again.get("/vragenlijst/pagina/woonduur")
    again.submit({"woonjaren": "12"})
    again.get("/vragenlijst/pagina/woonduur")
    again.submit({"woonjaren": "150"}, action="stop")
    assert again.path == "/opgeslagen"
    assert "Uw antwoorden zijn opgeslagen" in again.text
    assert "maar dit antwoord niet, omdat het niet klopte: ‘Hoeveel jaar woont u in deze buurt?’" in (
        again.text)
    assert stored(sqlite_url)["woonjaren"] == "12"


def test_the_login_limit_counts_down_then_states_the_real_wait_and_never_calls_a_code_wrong(app):
    browser = Browser(app)
    browser.get("/start")
    texts = []
    for _ in range(8):
        browser.submit({"code": "ABCDEFGHJK"}, url="/start")
        texts.append(browser.text)
    # the first wrong codes say only that; from five left the count is shown
    assert "nog" not in re.sub(r"<[^>]+>", "", texts[0]).split("Deze code kennen we niet")[1][:60]
    assert "U kunt het nog 5 keer proberen; daarna moet u even wachten." in texts[2]
    assert "U kunt het nog 1 keer proberen" in texts[6]
    assert "U kunt nu even geen code meer proberen. Probeer het over 10 minuten opnieuw." in texts[7]

    blocked = browser.submit({"code": "HJSY36UY9B"}, url="/start")  # the right code
    text = blocked.get_data(as_text=True)
    assert blocked.status_code == 429
    assert "We hebben uw code nu niet gecontroleerd" in text
    assert "Deze code kennen we niet" not in text and "verkeerde code ingevuld. Wacht" not in text
    minutes = int(re.search(r"Probeer het over (\d+) minuten? opnieuw", text).group(1))
    retry_after = int(blocked.headers["Retry-After"])
    assert minutes == -(-retry_after // 60)  # the page says what Retry-After says, rounded up
    assert "Bel de gemeente Rotterdam op 14 010." in text.split("<main")[1].split("</main>")[0]
    assert 'value="HJSY36UY9B"' in text  # the code stays typed for the next try


def test_a_long_grid_is_asked_in_parts_each_stored_and_the_review_links_to_its_part(make_error_app, sqlite_url):
    """The wijkonderzoek's buurtproblemen page (grids of 7 and 8 rows) comes in four screens
    of at most 6 rows; each part is stored when sent, the page counts as done after the last,
    Back walks the parts, and the review's change link opens the part with that row."""
    from survey import storage
    from survey.paths import QUESTIONNAIRES_DIR
    from survey.questionnaire.loader import load_questionnaire
    from survey.questionnaire.router import Router
    from survey.respondent import store

    app = make_error_app(QUESTIONNAIRES_DIR=str(QUESTIONNAIRES_DIR))
    add_unit(sqlite_url, "grid", "VFAUAFNK42", questionnaire_id="wijkonderzoek")
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / "wijkonderzoek.yaml")
    router = Router(questionnaire)
    with storage.transaction(sqlite_url) as db:  # the pages before it were answered
        for page in router.path({"woont_adres": "ja"}):
            if page.id == "buurtproblemen":
                break
            store.save_page(db, "grid", page, {"woont_adres": "ja"} if page.id == "adres" else {},
                            router, "nl", "phone")
    browser = Browser(app)
    browser.log_in("VFAUAFNK42")
    assert browser.path == "/vragenlijst/pagina/buurtproblemen"
    grids = questionnaire.page("buurtproblemen").questions
    rows = [row.variable for grid in grids for row in grid.rows]
    shown = []
    for part in range(1, 5):
        text = browser.text
        assert f"(deel {part} van 4)" in text
        names = sorted(set(re.findall(r'type="radio" id="[^"]+" name="([a-z_]+)" value="[a-z_]+"', text)))
        assert 1 <= len(names) <= 6
        shown += names
        browser.submit({name: "soms" for name in names})
        if part < 4:
            assert browser.response.request.full_path == f"/vragenlijst/pagina/buurtproblemen?deel={part + 1}"
            assert stored(sqlite_url, "grid").keys() >= set(names)
    assert sorted(shown) == sorted(rows)
    assert browser.path != "/vragenlijst/pagina/buurtproblemen"  # on to the next page
    # Back from the next page opens the last part
    assert '/vragenlijst/pagina/buurtproblemen?deel=4" class' in browser.text or \
        'href="/vragenlijst/pagina/buurtproblemen?deel=4"' in browser.text
    with storage.transaction(sqlite_url) as db:  # the rest answered too: the review opens
        answers = store.load_answers(db, "grid")
        for page in router.path(answers):
            if not any(v in answers for v in page.variables()) and page.id != "buurtproblemen":
                store.save_page(db, "grid", page, {}, router, "nl", "phone")
    review = Browser(app)
    review.log_in("VFAUAFNK42")
    review.get("/vragenlijst/controleren")
    last_row = grids[1].rows[-1].variable
    assert f'pagina/buurtproblemen?terug=controleren&amp;deel=4#{last_row}-0' in review.text
