"""Paper and phone fieldwork in a real browser (Debian's chromium, JavaScript off): two
data-entry staff key in a paper questionnaire and resolve a discrepancy; an interviewer records
call outcomes and completes a phone interview; data entry is refused the export; a paper form
that arrives after a web completion is flagged and the coordinator files it with a note."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from survey import access_codes, storage
from survey.models import Answer, Area, Edition, IdentityLink, IdentityPerson, SampleUnit
from survey.staff import auth
from tests.support.apps import FAST_PROFILE
from tests.support.apps import make_app
from tests.support.browser import axe_violations
from tests.support.live_server import staff_database, threaded_server
from tests.support.respondent import FIXTURES
from tests.support.staff import PASSWORD

pytestmark = pytest.mark.browser

# unit, wijk, code, phone
UNITS = [("pap1", 1, "PAPA234567", None), ("tel1", 2, "TELA234567", "0612345678"),
         ("tel2", 2, "TELB234567", "0687654321"), ("tel3", 1, "TELC234567", "0611223344"),
         ("pap2", 1, "PAPB234567", None), ("pap3", 2, "PAPC234567", None)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = staff_database(tmp_path_factory.mktemp("paperphone"), "fieldwork.db")
    with storage.transaction(url) as db:
        auth.add_user(db, "invoer2", PASSWORD, "data_entry", profile=FAST_PROFILE)
        db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        db.add(Area(wijk_code=1, wijk="Stadsdriehoek", gebied="Centrum"))
        db.add(Area(wijk_code=2, wijk="Tarwewijk", gebied="Charlois"))
        db.flush()
        for number, (unit_id, wijk, code, phone) in enumerate(UNITS, 1):
            db.add(SampleUnit(
                id=unit_id, edition_id=1, wijk_code=wijk, questionnaire_id="mini",
                inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
                age_group="35-44", sex="vrouw", migration_background="nederlands",
                household_type="alleenstaand", code_hash=access_codes.code_hash(code)))
            db.add(IdentityPerson(
                id=number, register_id=f"R{number:07d}", given_name=["Anouk", "Bram", "Cem", "Dana", "Eva", "Fatma"][number - 1],
                family_name="de Vries", street="Coolsingel", house_number=str(number),
                postcode="3011AD", phone=phone, wijk_code=wijk, birth_date=date(1980, 1, 1),
                sex="vrouw", migration_background="nederlands", household_type="alleenstaand"))
            db.flush()
            db.add(IdentityLink(sample_unit_id=unit_id, person_id=number, access_code=code))
    with threaded_server(make_app(url, QUESTIONNAIRES_DIR=str(FIXTURES))) as base:
        yield base, url


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(java_script_enabled=False, locale="nl-NL",
                                   viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def log_in(page, base, username):
    page.goto(base + "/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert page.url == base + "/staff/"


def log_out(page):
    page.click("form.staff-nav__logout button")


def fill(page, values):
    for name, value in values.items():
        field = page.locator(f"[name='{name}']").first
        if field.get_attribute("type") in ("radio", "checkbox"):
            page.check(f"input[name='{name}'][value='{value}']")
        else:
            field.fill(value)


PAPER = [  # what is written on the paper form, page by page
    {"woonjaren": "12"},
    {"buurt_prettig": "ja", "cohesie_kennen": "eens", "cohesie_omgang": "neutraal"},
    {"onveilig_ooit": "soms"},
    {"onveilig_plekken": "park"},
    {"geboortedatum-day": "27", "geboortedatum-month": "3", "geboortedatum-year": "1980",
     "aantal_kinderen": "0"},
    {},
]


def key_pass(page, base, pages, screenshot=None, code="papa-234567", check=None):
    page.goto(base + "/staff/paper/")
    page.fill("#code", code)
    page.click("button:has-text('Invoeren')")
    for number, values in enumerate(pages, 1):
        assert f"pagina {number} van 6" in page.locator(".keying-caption").inner_text()
        fill(page, values)
        if screenshot and number == 2:
            page.screenshot(path=str(screenshot), full_page=True)
        if check and number in (1, 2, 5):
            check(f"keying page {number}")
        page.click("button[value=next]")
    assert "afronden" in page.locator("h1").inner_text()
    page.click("button:has-text('afronden')")


def test_given_a_returned_paper_form_when_two_keyers_enter_it_and_resolve_a_difference_then_it_counts_as_paper(
        server, browser_page, screenshots):
    base, url = server
    page = browser_page
    log_in(page, base, "data_entry")
    key_pass(page, base, PAPER, screenshot=screenshots / "staff-paper-keying.png")
    assert "Invoer 1 van eenheid pap1 is afgerond" in page.locator(".notice").inner_text()
    log_out(page)

    log_in(page, base, "invoer2")
    second = [dict(p) for p in PAPER]
    second[0]["woonjaren"] = "21"  # a keying slip
    key_pass(page, base, second)
    assert page.url == base + "/staff/paper/pap1/verschillen"
    rows = page.locator("table.discrepancies tbody tr")
    assert rows.count() == 1
    assert "Hoeveel jaar woont u in deze buurt?" in rows.first.inner_text()
    assert "12" in rows.first.inner_text() and "21" in rows.first.inner_text()
    page.screenshot(path=str(screenshots / "staff-paper-discrepancies.png"), full_page=True)

    page.check("input[name='keuze-woonjaren'][value=typed]")
    page.fill("#waarde-woonjaren", "12")
    page.click("button:has-text('Keuzes opslaan')")
    assert page.url == base + "/staff/paper/pap1/controle"
    assert "In een park" in page.locator("main").inner_text()
    page.click("button:has-text('Formulier verwerken')")
    assert "is verwerkt" in page.locator(".notice").inner_text()
    assert "Verwerkt" in page.locator("table").inner_text()
    with storage.transaction(url) as db:
        unit = db.get(SampleUnit, "pap1")
        answers = dict(db.execute(select(Answer.variable, Answer.mode)
                                  .where(Answer.sample_unit_id == "pap1")).all())
        woonjaren = db.scalar(select(Answer.value).where(Answer.sample_unit_id == "pap1",
                                                         Answer.variable == "woonjaren"))
    assert (unit.status, unit.mode) == ("completed", "paper")
    assert set(answers.values()) == {"paper"} and woonjaren == "12"


def test_given_an_interviewer_when_she_works_the_call_list_then_outcomes_and_a_phone_interview_are_stored(
        server, browser_page, screenshots):
    base, url = server
    page = browser_page
    log_in(page, base, "interviewer")
    page.click("nav.staff-nav a:has-text('Bellijst')")
    assert page.locator("h1").inner_text() == "Bellijst Wijkprofiel 2024"
    # both wijken lag 420 behind; Stadsdriehoek has the paper complete, so Tarwewijk first
    units = page.locator("section[aria-labelledby=wijk-heading] tbody th").all_inner_texts()
    assert units == ["tel1", "tel2", "tel3"]
    assert "Anouk" not in page.content() and "Bram" not in page.content()
    page.screenshot(path=str(screenshots / "staff-call-list.png"), full_page=True)

    page.click("a[aria-label='Bellen tel1']")
    assert "Bram de Vries" in page.locator(".callee").inner_text()
    page.check("input[name=outcome][value=no_answer]")
    page.click("button:has-text('Uitkomst vastleggen')")
    assert "geen gehoor" in page.locator(".notice").inner_text()

    page.click("a[aria-label='Bellen tel2']")
    page.check("input[name=outcome][value=appointment]")
    page.fill("#appointment", "2099-06-01T18:30")
    page.click("button:has-text('Uitkomst vastleggen')")
    assert "afspraak gemaakt op 2099-06-01 18:30" in page.locator(".notice").inner_text()
    assert "tel2" in page.locator("section[aria-labelledby=later-heading]").inner_text()

    page.click("a[aria-label='Bellen tel1']")
    page.click("button:has-text('Interview starten')")
    for values in ({"woonjaren": "30"},
                   {"buurt_prettig": "nee", "cohesie_kennen": "oneens", "cohesie_omgang": "oneens"},
                   {"onveilig_ooit": "nooit"},
                   {"geboortedatum-day": "5", "geboortedatum-month": "11",
                    "geboortedatum-year": "1962", "aantal_kinderen": "0"}):
        assert "Telefonisch interview met Bram de Vries (0612345678)" in page.locator("main").inner_text()
        fill(page, values)
        if "buurt_prettig" in values:
            page.screenshot(path=str(screenshots / "staff-phone-interview.png"), full_page=True)
        page.click(".button-group button[value=next]")
    assert page.locator("h1").inner_text() == "Interview afronden – eenheid tel1"
    page.click("button:has-text('Interview opslaan als voltooid')")
    assert "Interview met eenheid tel1 voltooid" in page.locator(".notice").inner_text()
    assert page.locator("section[aria-labelledby=wijk-heading] tbody th").all_inner_texts() == ["tel3"]
    with storage.transaction(url) as db:
        unit = db.get(SampleUnit, "tel1")
        modes = set(db.scalars(select(Answer.mode).where(Answer.sample_unit_id == "tel1")))
    assert (unit.status, unit.mode) == ("completed", "phone") and modes == {"phone"}


def test_given_a_data_entry_account_when_it_asks_for_the_export_then_it_is_refused(
        server, browser_page):
    base, _url = server
    page = browser_page
    log_in(page, base, "data_entry")
    assert page.locator("nav.staff-nav").inner_text().count("Export") == 0
    response = page.goto(base + "/staff/export/")
    assert response.status == 403
    assert "Geen toegang" in page.locator("h1").inner_text()
    response = page.goto(base + "/staff/export/answers.csv")
    assert response.status == 403


def test_the_keying_discrepancy_check_and_phone_pages_pass_axe(server, chromium, axe_source):
    base, _url = server
    context = chromium.new_context(locale="nl-NL", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    found = {}

    def check(name):
        found[name] = axe_violations(page, axe_source)

    log_in(page, base, "data_entry")
    check("paper start")
    key_pass(page, base, PAPER, code="PAPB234567", check=check)
    log_out(page)
    log_in(page, base, "invoer2")
    second = [dict(p) for p in PAPER]
    second[3] = {"onveilig_plekken": "straat"}
    key_pass(page, base, second, code="PAPB234567")
    check("discrepancies")
    page.check("input[name='keuze-onveilig_plekken'][value=typed]")
    page.check("input[name='waarde-onveilig_plekken'][value=geen]")
    page.check("input[name='waarde-onveilig_plekken'][value=park]")
    page.click("button:has-text('Keuzes opslaan')")
    # the message names the question and the exclusive choice
    assert ("niet ‘Geen van deze plekken’ en ook een ander antwoord" in
            page.locator(".error-summary").inner_text())
    check("discrepancy error")
    page.check("input[name='keuze-onveilig_plekken'][value=pass1]")
    page.click("button:has-text('Keuzes opslaan')")
    check("paper check")
    log_out(page)
    log_in(page, base, "interviewer")
    page.goto(base + "/staff/phone/")
    check("call list")
    page.goto(base + "/staff/phone/tel3")
    check("call screen")
    page.click("button:has-text('Interview starten')")
    check("interview page")
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_given_a_paper_form_after_a_web_completion_when_keyed_then_it_is_flagged_and_the_coordinator_files_it_with_a_note(  # noqa: E501
        server, chromium, screenshots, axe_source):
    base, url = server
    with storage.transaction(url) as db:  # the respondent completed on the web in March
        unit = db.get(SampleUnit, "pap3")
        unit.status, unit.mode, unit.disposition = "completed", "web", "1.1"
        unit.completed_at = datetime(2024, 3, 4, 9, 15)
        db.add(Answer(sample_unit_id="pap3", variable="woonjaren", value="7", page_id="woonduur",
                      mode="web", saved_at=unit.completed_at))
    context = chromium.new_context(locale="nl-NL", viewport={"width": 1200, "height": 900})
    page = context.new_page()

    # When data entry types the code of the paper form that came in the post after that
    log_in(page, base, "data_entry")
    page.goto(base + "/staff/paper/")
    page.fill("#code", "PAPC234567")
    page.click("button:has-text('Invoeren')")
    # Then no keying page opens: the form is a conflict, to be handed to the coordinator
    assert page.url == base + "/staff/paper/pap3/conflict"
    assert "was al voltooid (via internet, 2024-03-04 10:15)" in page.locator("main").inner_text()
    log_out(page)

    # When the coordinator follows the dashboard's notice to the conflicts
    log_in(page, base, "coordinator")
    page.click("nav.staff-nav a:has-text('Dashboard')")
    page.click("a:has-text('1 open conflict tussen vormen')")
    conflict = page.locator("section.conflict")
    assert conflict.count() == 1
    text = conflict.inner_text()
    assert "Eenheid pap3 (Tarwewijk): papieren formulier na voltooiing" in text
    assert "Voltooid via internet op 04-03-2024 10:15." in text and "door data_entry" in text
    assert "Opgeslagen antwoorden: 1 web." in text

    # and tries to close it without a note, she is asked for one
    conflict.get_by_role("button").click()
    assert page.title().startswith("Fout:")
    assert "Schrijf in de toelichting" in page.locator(".error-summary").inner_text()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(screenshots / "staff-conflicts-note-missing.png"), full_page=True)

    # When she writes why and files the paper form
    page.get_by_label("Toelichting (verplicht)").fill("Web was eerder; papieren formulier van de partner.")
    page.get_by_role("button", name="Afhandelen: eerdere voltooiing gehouden, papieren formulier "
                                    "gearchiveerd").click()
    # Then it is closed, with her note, and no longer open on the dashboard
    assert "Conflict van eenheid pap3 afgehandeld" in page.locator(".notice").inner_text()
    assert page.locator("h2", has_text="Open (0)").count() == 1
    closed = page.locator("table.data-table tbody tr", has_text="pap3").inner_text()
    assert "coordinator" in closed and "papieren formulier van de partner" in closed
    page.screenshot(path=str(screenshots / "staff-conflicts-closed.png"), full_page=True)
    page.click("nav.staff-nav a:has-text('Dashboard')")
    assert page.locator("a", has_text="open conflict tussen vormen").count() == 0
    with storage.transaction(url) as db:
        answers = db.execute(select(Answer.variable, Answer.value, Answer.mode)
                             .where(Answer.sample_unit_id == "pap3")).all()
    assert answers == [("woonjaren", "7", "web")]
    context.close()
