"""The coordinator imports a sample file in a real browser (Debian's chromium): the file has
bad rows, she sees every error with its row and column and nothing is imported; she fixes
the file, uploads it again, checks the preview and imports it."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from survey import storage
from survey.models import IdentityPerson, SampleUnit
from tests.browser.test_respondent_web import axe_violations
from tests.staff_support import PASSWORD, add_accounts, make_app

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sampling"


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    url = f"sqlite:///{folder / 'sample.db'}"
    storage.upgrade(url)
    add_accounts(url)
    app = make_app(url)
    app.instance_path = str(folder / "instance")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", url
    server.shutdown()


def count(url, model):
    with storage.transaction(url) as db:
        return db.scalar(select(func.count()).select_from(model))


def test_given_a_sample_file_with_bad_rows_when_the_coordinator_uploads_it_then_she_sees_the_errors_and_imports_the_fixed_file(  # noqa: E501
        sample_server, chromium, screenshots, tmp_path, axe_source):
    base, url = sample_server
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
    assert "missing wijk" in rows[0] and "'2004-02-30' is an impossible date" in rows[1]
    assert "duplicate person: register number '2001' is also on row 2" in rows[2]
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
    assert page.locator("table.preview tbody tr").nth(1).locator("td").nth(7).inner_text() == \
        "Tarwewijk"
    page.screenshot(path=str(screenshots / "sample-import-preview.png"), full_page=True)
    page.get_by_role("button", name="6 regels importeren").click()
    assert "6 steekproefeenheden geïmporteerd in editie 2024" in page.locator(".notice").inner_text()
    assert page.locator("table.data-table tbody tr").first.inner_text().split("\t")[2:5] == [
        "steekproef (import)", "sample_bad.csv", "6"]
    assert count(url, SampleUnit) == 6 and count(url, IdentityPerson) == 6
    context.close()
