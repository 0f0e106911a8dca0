"""A coordinator runs an edition in a real browser (Debian's chromium), as issue 16 asks: she
imports a register extract with voorvoegsels, huisletters, toevoegingen and a Hoek van Holland
address (a child and an unused column in it); uploads the edition's targets and draws with
them, and sees the same targets on the dashboard and the call list; adds phone numbers after
the draw, and the margins stay as they were; prints the letters of one wave for one wijk on
the web, and reads the printed letter back from the PDF (pdftotext); and keys a returned
envelope by the kenmerk in its window, with a Dutch date."""

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey import storage
from survey.models import IdentityLink, IdentityPerson, MailedLetter, PopulationMargin, SampleUnit

from tests.support.browser import axe_violations
from tests.support.apps import make_app
from tests.support.live_server import staff_database, threaded_server
from tests.support.staff import PASSWORD

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fieldwork"


@pytest.fixture(scope="module")
def edition_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edition")
    url = staff_database(folder, "edition.db")
    app = make_app(url)
    app.instance_path = str(folder / "instance")
    with threaded_server(app) as base:
        yield base, url


def margins(url):
    with storage.transaction(url) as db:
        return [tuple(row) for row in db.execute(
            select(PopulationMargin.wijk_code, PopulationMargin.variable,
                   PopulationMargin.category, PopulationMargin.total)
            .order_by(PopulationMargin.id))]


def sign_in(chromium, base, username):
    page = chromium.new_context(viewport={"width": 1300, "height": 900},
                                accept_downloads=True).new_page()
    page.goto(base + "/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    return page


def test_a_coordinators_edition_from_register_to_printed_letter_and_its_return(
        edition_server, chromium, screenshots, tmp_path, axe_source):
    base, url = edition_server
    page = sign_in(chromium, base, "coordinator")

    # Given a register extract with the name and address parts of the BRP
    page.get_by_role("link", name="Steekproef").first.click()
    page.get_by_label("Registeruittreksel (BRP)").check()
    page.set_input_files("#upload", str(FIXTURES / "register_dutch.csv"))
    page.get_by_role("button", name="Uploaden en controleren").click()

    # Then the check page maps every part to its own field and says what it leaves out
    assert page.locator("#map-name_prefix").input_value() == "voorvoegsel"
    assert page.locator("#map-house_letter").input_value() == "huisletter"
    assert page.locator("#map-house_number_addition").input_value() == "huisnummertoevoeging"
    assert page.locator("#map-city").input_value() == "woonplaats"
    assert "Kolommen die niet worden gebruikt: opmerking." in page.locator(
        "#unused-columns").inner_text()
    notes = page.locator("[aria-labelledby=notices-heading]").inner_text()
    assert "1 perso(o)n(en) jonger dan 15 op de peildatum 2023-01-01 zijn weggelaten" in notes
    assert "geen kolom voor migratieachtergrond en huishoudtype" in notes
    page.screenshot(path=str(screenshots / "coordinator-register-check.png"), full_page=True)
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="10 regels importeren").click()
    assert "9 personen geïmporteerd" in page.locator(".notice").first.inner_text()
    assert "1 personen jonger dan 15 zijn weggelaten" in page.locator(".notice").first.inner_text()

    # When she uploads the edition's targets, looks at the plan and then draws
    page.goto(base + "/staff/sample/draw")
    page.set_input_files("#targets", str(FIXTURES / "targets.csv"))
    page.get_by_role("button", name="Doelen opslaan bij de editie").click()
    stored = page.locator(".notice").first.inner_text()
    # the other 68 wijken of Rotterdam keep the default of 420: 6 + 68 x 420
    assert "de doelen van 3 wijken zijn opgeslagen bij editie 2024 (samen 28566)" in stored
    assert "68 wijken staan niet in het bestand en krijgen het standaarddoel van 420" in stored
    page.fill("#seed", "20240101")
    page.get_by_role("button", name="Verdeling bekijken").click()
    plan = page.locator("table.data-table tbody tr").all_inner_texts()
    assert any(row.startswith("Heijplaat\t3\t3\t50%\t3") for row in plan), plan
    page.screenshot(path=str(screenshots / "coordinator-draw-plan.png"), full_page=True)
    page.get_by_role("button", name="Steekproef trekken").click()
    assert "Steekproef getrokken voor editie 2024: 9 eenheden" in \
        page.locator(".notice").first.inner_text()

    # Then the dashboard measures against the same targets
    page.goto(base + "/staff/dashboard")
    page.screenshot(path=str(screenshots / "coordinator-dashboard-targets.png"), full_page=True)
    csv_text = page.request.get(base + "/staff/dashboard/export.csv").text()
    target_of = {line.split(",")[1]: line for line in csv_text.splitlines()}
    header = csv_text.splitlines()[0].split(",")
    column = header.index("Doel (netto)")
    assert {name: int(target_of[name].split(",")[column])
            for name in ("Heijplaat", "Tarwewijk", "Dorp/Rijnpoort", "Tussendijken")} == {
        "Heijplaat": 3, "Tarwewijk": 2, "Dorp/Rijnpoort": 1, "Tussendijken": 420}

    # When she adds the phone numbers the municipality found, after the draw
    before = margins(url)
    page.goto(base + "/staff/sample/")
    page.get_by_label("Contactgegevens van getrokken personen").check()
    page.set_input_files("#upload", str(FIXTURES / "phones.csv"))
    page.get_by_role("button", name="Uploaden en controleren").click()
    page.get_by_role("button", name="4 regels importeren").click()
    assert "contactgegevens van 4 getrokken personen bijgewerkt in editie 2024. De marges " \
           "zijn niet veranderd." in page.locator(".notice").first.inner_text()
    # Then the margins are what they were, and the phones are there
    assert margins(url) == before and sum(t for *_, t in before) > 0
    with storage.transaction(url) as db:
        assert db.scalar(select(func.count()).select_from(IdentityPerson)
                         .where(IdentityPerson.phone.is_not(None))) == 4

    # And an interviewer's call list names the lagging wijken with the same targets
    interviewer = sign_in(chromium, base, "interviewer")
    interviewer.goto(base + "/staff/phone/")
    listing = interviewer.locator("main").inner_text()
    assert "Heijplaat (3 tekort)" in listing and "Tarwewijk (2 tekort)" in listing
    interviewer.screenshot(path=str(screenshots / "interviewer-call-list-targets.png"),
                           full_page=True)
    interviewer.context.close()
    # and so does the coordinator's view of the call list, next to her supervision page
    page.goto(base + "/staff/phone/")
    assert "Heijplaat (3 tekort)" in page.locator("main").inner_text()
    page.get_by_role("link", name="Toezicht per interviewer").click()
    assert page.locator("h1").inner_text().startswith("Toezicht telefonisch veldwerk")
    page.screenshot(path=str(screenshots / "coordinator-phone-supervision.png"), full_page=True)
    assert axe_violations(page, axe_source) == []

    # When she prints the invitations of the Hoek van Holland resident's wave, for that wijk
    with storage.transaction(url) as db:
        wave = db.scalar(select(SampleUnit.wave)
                         .join(IdentityLink, IdentityLink.sample_unit_id == SampleUnit.id)
                         .join(IdentityPerson, IdentityPerson.id == IdentityLink.person_id)
                         .where(IdentityPerson.register_id == "BRP-0000101"))
    page.goto(base + "/staff/letters/")
    page.select_option("#kind", "invitation")
    page.fill("#wave", str(wave))
    page.select_option("#wijken", label="Dorp/Rijnpoort")
    page.fill("#letter_date", "04-03-2024")
    page.screenshot(path=str(screenshots / "coordinator-letters.png"), full_page=True)
    assert axe_violations(page, axe_source) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Brieven maken en downloaden").click()
    archive = tmp_path / "letters.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as zipped:
        names = sorted(zipped.namelist())
        pdf_name = next(n for n in names if n.endswith(".pdf"))
        (tmp_path / pdf_name).write_bytes(zipped.read(pdf_name))
        manifest = zipped.read(next(n for n in names if n.endswith(".csv"))).decode("utf-8")
    row = next(line for line in manifest.splitlines() if "Hoek van Holland" in line
               and "392a-rd" in line)
    batch, sequence = row.split(",")[:2]
    kenmerk = f"{batch}/{int(sequence):05d}"

    # Then the printed letter has the whole name and address, read back from the PDF
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / pdf_name), "-"],
                          capture_output=True, text=True, check=True).stdout
    letter = next(part for part in text.split("\f") if "Johannes Cornelis" in part)
    flat = re.sub(r"[ ]+", " ", letter)
    assert "Johannes Cornelis van 't Hoek" in flat
    assert "Burgemeester Hoffmanplein 392a-rd" in flat
    assert "3151 AB HOEK VAN HOLLAND" in flat
    assert "Beste Johannes Cornelis van 't Hoek," in flat
    assert f"Kenmerk {kenmerk}" in flat
    assert "ROTTERDAM" not in flat.split("Kenmerk")[1].split("Rotterdam,")[0]
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2",
                    str(tmp_path / pdf_name), str(screenshots / "coordinator-letter-page")],
                   check=True)

    # When the envelope comes back, she keys its kenmerk and the day it came back
    page.goto(base + "/staff/outcomes/")
    page.fill("#reference", kenmerk)
    page.select_option("#outcome", "undeliverable")
    page.fill("#returned_on", "25-03-2024")
    page.get_by_role("button", name="Vastleggen", exact=True).click()
    assert "dispositie 3.30" in page.locator(".notice").first.inner_text()
    page.fill("input[name=reference]", kenmerk)
    page.get_by_role("button", name="Opzoeken").click()
    letters = page.locator("table.data-table").nth(1).inner_text()
    assert kenmerk in letters and "25-03-2024 (brief onbestelbaar retour)" in letters
    page.screenshot(path=str(screenshots / "coordinator-unit-returned.png"), full_page=True)
    with storage.transaction(url) as db:
        returned = db.scalar(select(MailedLetter).where(MailedLetter.batch == batch,
                                                        MailedLetter.sequence == int(sequence)))
        assert returned.return_reason == "undeliverable"
    page.context.close()
