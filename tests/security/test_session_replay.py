"""Logging out for real (OWASP A07): the respondent's session is a signed cookie, so a copy of
it (a shared computer, a proxy's log) would work until it expires. "Stoppen" raises the unit's
session generation in the database, and a cookie carrying an older one is refused: the copy is
sent to the start page, the answers stay, and the code logs in again on any device.

A new login does not end the unit's other sessions (`survey.respondent.session` says why), so
a respondent who moves from phone to laptop is not thrown out on either.
"""

from sqlalchemy import select

from survey import storage
from survey.models import SampleUnit
from tests.support.respondent import Browser, stored
from tests.support.security import RESPONDENT_CODE, form_token


def generation(url, unit_id="m1"):
    with storage.transaction(url) as db:
        return db.scalar(select(SampleUnit.session_generation).where(SampleUnit.id == unit_id))


def replay(app, cookie, path="/vragenlijst/pagina/woonduur"):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(path)


def sent_to_start(response):
    return response.status_code == 303 and response.headers["Location"].endswith("/start")


def test_a_copied_cookie_is_refused_after_stoppen_and_the_answers_stay(build_app, sqlite_url):
    app = build_app(sqlite_url)
    browser = Browser(app)
    browser.log_in(RESPONDENT_CODE)
    browser.submit({"woonjaren": "3"})
    copied = browser.client.get_cookie("session").value
    assert replay(app, copied).status_code == 200  # before stoppen the copy works, as expected
    browser.get("/vragenlijst/controleren")  # any page with the save-and-stop form
    browser.client.post("/stoppen", data={"csrf_token": form_token(browser.text)})
    assert generation(sqlite_url) == 1

    response = replay(app, copied)
    assert sent_to_start(response)
    assert sent_to_start(replay(app, copied, "/vragenlijst/"))
    assert stored(sqlite_url, "m1") == {"woonjaren": "3"}
    # the stale copy cannot end the respondent's next session either
    again = Browser(app)
    again.log_in(RESPONDENT_CODE)
    assert again.path == "/vragenlijst/pagina/buurt-oordeel"
    replay(app, copied)
    assert generation(sqlite_url) == 1
    assert again.get("/vragenlijst/pagina/woonduur").status_code == 200
    assert again.path == "/vragenlijst/pagina/woonduur"


def test_save_and_stop_on_a_page_also_ends_the_copied_cookie(build_app, sqlite_url):
    app = build_app(sqlite_url)
    browser = Browser(app)
    browser.log_in(RESPONDENT_CODE)
    copied = browser.client.get_cookie("session").value
    browser.submit({"woonjaren": "7"}, action="stop")
    assert browser.path == "/opgeslagen"
    assert sent_to_start(replay(app, copied))
    assert stored(sqlite_url, "m1") == {"woonjaren": "7"}


def test_a_login_on_a_second_device_keeps_the_first_one_going(build_app, sqlite_url):
    app = build_app(sqlite_url)
    phone, laptop = Browser(app), Browser(app)
    phone.log_in(RESPONDENT_CODE)
    laptop.log_in(RESPONDENT_CODE)
    phone.submit({"woonjaren": "4"})
    assert phone.path == "/vragenlijst/pagina/buurt-oordeel"
    assert generation(sqlite_url) == 0
    # stoppen on one device ends the unit's sessions on every device; the code resumes
    laptop.get("/vragenlijst/controleren")
    laptop.client.post("/stoppen", data={"csrf_token": form_token(laptop.text)})
    phone.get("/vragenlijst/pagina/buurt-oordeel")
    assert phone.path == "/start"
    phone.log_in(RESPONDENT_CODE)
    assert phone.path == "/vragenlijst/pagina/buurt-oordeel"


def test_stoppen_ends_only_its_own_unit(build_app, sqlite_url):
    app = build_app(sqlite_url)
    mine, other = Browser(app), Browser(app)
    mine.log_in(RESPONDENT_CODE)
    other.log_in("VFAUAFNK42")
    mine.submit({"woonjaren": "1"}, action="stop")
    assert generation(sqlite_url, "m1") == 1 and generation(sqlite_url, "m2") == 0
    other.get("/vragenlijst/")
    assert other.path.startswith("/vragenlijst/pagina/")
