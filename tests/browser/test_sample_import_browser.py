"""The coordinator's working day in a real browser (Debian's chromium), as issue 5 words it:
she imports a sample file with bad rows, sees every error with its row and column and nothing
is imported; she fixes the file, uploads it again, checks the preview and imports it; she
prints the invitation letters; and with the dashboard open she watches it move while a
respondent, in a second browser, logs in with the code from his letter and completes the
questionnaire on the web."""

import csv
import io
import re
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import func, select

from survey import storage
from survey.paths import QUESTIONNAIRES_DIR
from survey.cli import main
from survey.models import IdentityPerson, MailedLetter, SampleUnit
from survey.questionnaire.loader import load_questionnaire

from tests.support.browser import answer_page, axe_violations, new_page
from tests.support.apps import make_app
from tests.support.live_server import staff_database, threaded_server
from tests.support.staff import PASSWORD

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sampling"


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    url = staff_database(folder, "sample.db")
    app = make_app(url)
    app.instance_path = str(folder / "instance")
    with threaded_server(app) as base:
        yield base, url, app


def count(url, model):
    with storage.transaction(url) as db:
        return db.scalar(select(func.count()).select_from(model))


def test_given_a_sample_file_with_bad_rows_when_the_coordinator_imports_it_prints_letters_and_watches_the_dashboard_then_a_web_completion_shows(  # noqa: E501
        sample_server, chromium, screenshots, tmp_path, axe_source):
    base, url, app = sample_server
    context = chromium.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()

    # Given the coordinator is signed in and has a sample file with three bad rows
    page.goto(base + "/staff/login")
    page.fill("#username", "coordinator")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="Steekproef").first.click()
    assert page.locator("h1").inner_text() == "Steekproef"

    # When she uploads it as an already drawn sample
    page.get_by_label("Al getrokken steekproef").check()
    page.set_input_files("input[type=file]", str(FIXTURES / "sample_bad.csv"))
    page.get_by_role("button", name="Uploaden en controleren").click()

    # Then she sees every error with its row and column, and nothing is imported
    summary = page.get_by_role("alert")
    assert "3 fouten in 3 rijen: er is niets geïmporteerd" in summary.inner_text()
    rows = summary.locator("tbody tr").all_inner_texts()
    assert [r.split("\t")[:2] for r in rows] == [["3", "wijk"], ["4", "birth_date"],
                                                  ["6", "register_id"]]
    assert "wijk ontbreekt" in rows[0] and "'2004-02-30' is een onmogelijke datum" in rows[1]
    assert "dubbele persoon: registernummer '2001' staat ook op rij 2" in rows[2]
    assert page.get_by_role("button", name="regels importeren").count() == 0
    preview = page.locator("table.preview tbody tr")
    assert preview.count() == 6 and preview.nth(1).locator("th").inner_text() == "3 (fout)"
    assert page.locator("#map-wijk_code").input_value() == "wijk"
    page.screenshot(path=str(screenshots / "sample-import-errors.png"), full_page=True)
    assert axe_violations(page, axe_source) == []
    assert count(url, IdentityPerson) == 0 and count(url, SampleUnit) == 0

    # When she fixes the file and uploads it again
    fixed = tmp_path / "sample_bad.csv"
    text = (FIXTURES / "sample_bad.csv").read_text(encoding="utf-8")
    text = (text.replace("3081 AB,06-12345678,,", "3081 AB,06-12345678,Tarwewijk,")
            .replace("2004-02-30", "2004-02-29").replace("2001,Ewa", "2005,Ewa"))
    fixed.write_text(text, encoding="utf-8")
    page.get_by_role("link", name="Ander bestand uploaden").click()
    page.get_by_label("Al getrokken steekproef").check()
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="Uploaden en controleren").click()

    # Then the preview shows no errors, and the import stores every row as a sample unit
    assert page.get_by_role("status").inner_text() == \
        "Geen fouten: alle 6 regels kunnen worden geïmporteerd."
    headers = page.locator("table.preview thead th").all_inner_texts()[1:]  # after "Rij"
    wijk = next(i for i, h in enumerate(headers) if h.startswith("Wijk"))
    assert page.locator("table.preview tbody tr").nth(1).locator("td").nth(wijk).inner_text() \
        == "Tarwewijk"
    page.screenshot(path=str(screenshots / "sample-import-preview.png"), full_page=True)
    page.get_by_role("button", name="6 regels importeren").click()
    assert "6 steekproefeenheden geïmporteerd in editie 2024" in page.locator(".notice").inner_text()
    assert page.locator("table.data-table tbody tr").first.inner_text().split("\t")[2:5] == [
        "steekproef (import)", "sample_bad.csv", "6"]
    assert count(url, SampleUnit) == 6 and count(url, IdentityPerson) == 6

    # When she prints the invitation letters of wave 1 (a command: the PDFs go to the printer)
    letters = tmp_path / "letters"
    printed = app.test_cli_runner().invoke(main, ["letters", "print", "--kind", "invitation",
                                                  "--wave", "1", "--out", str(letters)])
    assert printed.exit_code == 0, printed.output
    assert count(url, MailedLetter) == 3  # register numbers 2001, 2002 and 2006 are in wave 1
    code = code_on_letter(letters, "Mehmet Yilmaz")

    # And she opens the dashboard (axe finds nothing), then lets it reload itself every 5 s;
    # axe's meta-refresh rule would flag that page, but the refresh is hers to turn on and off
    # (WCAG 2.2.1, "turn off")
    page.get_by_role("link", name="Dashboard").first.click()
    assert page.locator("h1").inner_text() == "Veldwerk Wijkprofiel 2024"
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="Elke minuut vanzelf verversen").click()
    page.goto(page.url.replace("verversen=60", "verversen=5"))
    assert "ververst zichzelf elke 5 seconden" in page.locator("p.refresh").inner_text()
    before = wijk_row(page, "Tarwewijk")
    assert (before["Bruto steekproef"], before["Gestart"], before["Voltooid"]) == ("2", "0", "0")
    assert before["Respons (voltooid/bruto)"] == "0,0%" and before["Voltooid web"] == "0"
    # wave 2's three units had no letter yet: 3.11 (no invitation sent), not 3.19
    assert dispositions(page) == {"3.11": 3, "3.19": 3}
    page.screenshot(path=str(screenshots / "coordinator-dashboard-before.png"), full_page=True)

    # When the respondent logs in with the code from his letter and answers the first page
    respondent = new_page(chromium, width=360)
    respondent.goto(f"{base}/start")
    respondent.fill("#code", code)
    respondent.click("form.start-form button[type=submit]")
    respondent.wait_for_url("**/vragenlijst/pagina/*")
    questionnaire = load_questionnaire(QUESTIONNAIRES_DIR / "wijkonderzoek.yaml")
    answer_page(respondent, questionnaire)

    # Then her dashboard, reloading by itself, shows him started (a break-off so far)
    page.wait_for_function(STARTED_SHOWS, arg="1", timeout=15_000)
    started = wijk_row(page, "Tarwewijk")
    assert (started["Gestart"], started["Voltooid"]) == ("1", "0")
    assert dispositions(page) == {"2.12": 1, "3.11": 3, "3.19": 2}

    # When he answers every page the routing asks and sends the questionnaire
    pages = 1
    while "/vragenlijst/pagina/" in respondent.url:
        answer_page(respondent, questionnaire)
        pages += 1
    assert pages > 20
    assert respondent.url.endswith("/vragenlijst/controleren")
    respondent.click("main form button[type=submit]")
    assert respondent.url.endswith("/vragenlijst/bedankt")
    respondent.context.close()

    # Then after a reload started and completed are one up for Tarwewijk, on the web
    page.reload()
    after = wijk_row(page, "Tarwewijk")
    assert (after["Bruto steekproef"], after["Gestart"], after["Voltooid"]) == ("2", "1", "1")
    assert after["Voltooid web"] == "1" and after["Voltooid papier"] == "0"
    assert after["Respons (voltooid/bruto)"] == "50,0%" and after["RR1"] == "50,0%"
    # and the unit's AAPOR disposition has moved to 1.1, complete
    assert dispositions(page) == {"1.1": 1, "3.11": 3, "3.19": 2}
    assert page.locator(".summary dd").nth(2).inner_text() == "1"
    page.screenshot(path=str(screenshots / "coordinator-dashboard-after.png"), full_page=True)

    # And the table she downloads as CSV says the same
    export = page.get_by_role("link", name="CSV", exact=True).get_attribute("href")
    response = context.request.get(base + export)
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(response.text())))
    [tarwewijk] = [row for row in rows if row["Naam"] == "Tarwewijk"]
    assert (tarwewijk["Gestart"], tarwewijk["Voltooid"], tarwewijk["Voltooid web"]) == ("1", "1", "1")
    assert float(tarwewijk["Respons (voltooid/bruto)"]) == 0.5
    context.close()


STARTED_SHOWS = """wanted => {
  const row = [...document.querySelectorAll("section[aria-labelledby=wijk-heading] tbody tr")]
    .find(tr => tr.querySelector("th").innerText.trim() === "Tarwewijk");
  const names = [...document.querySelectorAll("section[aria-labelledby=wijk-heading] thead th")]
    .map(th => th.innerText.replace(/[▲▼]/g, "").trim());
  return row && row.children[names.indexOf("Gestart")].innerText.trim() === wanted;
}"""


def code_on_letter(folder, name):
    """The personal code printed on the letter addressed to `name` (as XXXX-XXXX-XX)."""
    for pdf in sorted(folder.glob("*.pdf")):
        for sheet in pypdf.PdfReader(pdf).pages:
            text = sheet.extract_text()
            if name in text:
                return re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}\b", text).group(0)
    raise AssertionError(f"no letter for {name} in {folder}")


def wijk_row(page, name):
    """The dashboard's wijk row of `name`: column label -> cell text."""
    section = page.locator("section[aria-labelledby=wijk-heading]")
    labels = [re.sub(r"[▲▼]", "", text).strip()
              for text in section.locator("thead th").all_inner_texts()]
    row = section.locator("tbody tr", has=page.locator("th", has_text=name))
    cells = [row.locator("th").inner_text(), *row.locator("td").all_inner_texts()]
    return dict(zip(labels, (cell.strip() for cell in cells)))


def dispositions(page):
    """AAPOR code -> units, from the dashboard's disposition table."""
    table = page.locator("section[aria-labelledby=aapor-heading] table").first
    return {row.locator("th").inner_text(): int(row.locator("td").nth(2).inner_text())
            for row in table.locator("tbody tr").all()}
