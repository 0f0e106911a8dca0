"""Staff dashboard in a real browser (Debian's chromium) with JavaScript switched off: the
coordinator logs in, reads the table and the chart, sorts by a column and filters by gebied."""


import pytest


from tests.support.fieldwork_data import add_edition
from tests.support.apps import make_app
from tests.support.live_server import staff_database, threaded_server
from tests.support.staff import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    url = staff_database(tmp_path_factory.mktemp("staff"))
    add_edition(url)
    with threaded_server(make_app(url)) as base:
        yield base


@pytest.fixture
def page(chromium):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1300, "height": 900})
    yield context.new_page()
    context.close()


def test_given_a_coordinator_when_she_logs_in_then_the_dashboard_works_without_javascript(
        staff_server, page, screenshots):
    page.goto(staff_server + "/staff/dashboard")
    assert page.url.startswith(staff_server + "/staff/login")
    page.fill("#username", "coordinator")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert page.url == staff_server + "/staff/dashboard"
    assert page.locator("h1").inner_text() == "Veldwerk Wijkprofiel 2024"
    assert page.locator("svg.chart polyline").count() == 4
    assert page.locator(".summary dd").first.inner_text() == "12"
    page.screenshot(path=str(screenshots / "staff-dashboard.png"), full_page=True)

    wijk_table = page.locator("section[aria-labelledby=wijk-heading] table")
    page.locator("section[aria-labelledby=wijk-heading] th a", has_text="Bruto steekproef").click()
    page.locator("section[aria-labelledby=wijk-heading] th a", has_text="Bruto steekproef").click()
    names = wijk_table.locator("tbody th").all_inner_texts()
    assert names == ["Stadsdriehoek", "Oude Westen", "Hillesluis"]

    page.select_option("select[name=gebied]", "Feijenoord")
    page.click("form.filters button[type=submit]")
    assert wijk_table.locator("tbody th").all_inner_texts() == ["Hillesluis"]


def test_given_an_interviewer_when_he_opens_the_dashboard_then_access_is_refused(
        staff_server, page):
    page.goto(staff_server + "/staff/login")
    page.fill("#username", "interviewer")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    response = page.goto(staff_server + "/staff/dashboard")
    assert response.status == 403
    assert "Geen toegang" in page.locator("h1").inner_text()
    assert page.locator("nav.staff-nav").inner_text().count("Dashboard") == 0
