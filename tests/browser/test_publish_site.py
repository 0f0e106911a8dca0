"""The public Wijkprofiel site in a real browser (Debian's chromium), served by the app under
/wijkprofiel/ as `wijkprofiel demo run` serves it: axe finds nothing on any page type in
either language, find-your-wijk by postcode works with and without the script, no page scrolls
sideways at 320 px, the print stylesheet drops the navigation, and w3m reads a wijk page in
order with the charts' text alternatives."""

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from survey.publish.inputs import site_data
from survey.publish.site import publish_site
from tests.support import publish as support
from tests.support.browser import axe_violations
from tests.support.apps import make_app
from tests.support.live_server import threaded_server

pytestmark = pytest.mark.browser

PAGE_TYPES = {  # name -> path under /wijkprofiel/
    "city": "index.html", "gebied": "gebied/charlois.html", "wijk": "wijk/tarwewijk.html",
    "find": "zoek-je-wijk.html", "data": "open-data.html", "method": "methode.html",
    "city-en": "en/index.html", "wijk-en": "en/wijk/tarwewijk.html",
    "find-en": "en/find-your-district.html", "data-en": "en/open-data.html",
    "method-en": "en/method.html",
    "indices": "indices-en-doelen.html", "indices-en": "en/indices-and-targets.html",
}


@pytest.fixture(scope="module")
def site_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("public")
    indicators = support.indicator_table()
    indicators["suppressed"] = ""
    # one estimate the report suppressed and one it marks indicative, as issue 14's rule does
    wijk = indicators[(indicators["level"] == "wijk") & (indicators["domain"] == "Tarwewijk")].index
    indicators.loc[wijk[1], ["estimate", "ci_low", "ci_high", "suppressed"]] = [
        np.nan, np.nan, np.nan, "minder dan 30 respondenten"]
    indicators.loc[wijk[2], "suppressed"] = "indicatief: 30 tot 100 respondenten"
    targets = pd.DataFrame([{
        "title": "Veiligheidsindex van de stad minstens op het niveau van 2022", "area": "Rotterdam",
        "baseline_edition": 2022, "baseline": 110.0, "goal": 110.0, "latest_edition": 2024,
        "latest": 105.0, "ci_low": 103.0, "ci_high": 107.0, "to_go": 5.0, "on_track": False}])
    data = site_data(indicators, support.score_table(), areas=support.areas(),
                     postcodes=support.postcodes(), targets=targets)
    publish_site(data, root / "site", factsheets=False)
    app = make_app(f"sqlite:///{root / 'w.db'}", PUBLIC_SITE_DIR=str(root / "site"))
    with threaded_server(app) as base:
        yield f"{base}/wijkprofiel/", root / "site"


def open_page(chromium, width=1280, javascript=True):
    context = chromium.new_context(viewport={"width": width, "height": 900},
                                   java_script_enabled=javascript)
    return context.new_page()


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_axe_finds_no_violations_and_nothing_scrolls_sideways_at_320px(
        chromium, site_server, axe_source, screenshots, name):
    base, _ = site_server
    page = open_page(chromium)
    page.goto(base + PAGE_TYPES[name])
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(screenshots / f"publish-{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 700})
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(screenshots / f"publish-{name}-320.png"), full_page=True)
    page.context.close()


def test_given_a_postcode_of_one_wijk_when_searched_then_the_wijk_page_opens(chromium, site_server):
    base, _ = site_server
    page = open_page(chromium, width=360)
    page.goto(base + "zoek-je-wijk.html")
    page.get_by_label("De vier cijfers van uw postcode").fill("3081 AB")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/wijk/tarwewijk.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Wijk Tarwewijk"
    page.context.close()


def test_given_a_postcode_of_two_wijken_or_none_when_searched_then_the_page_says_so(
        chromium, site_server, screenshots):
    base, _ = site_server
    page = open_page(chromium, width=360)
    page.goto(base + "en/find-your-district.html")
    field = page.get_by_label("The four digits of your postcode")
    field.fill("3071")
    page.get_by_role("button", name="Search").click()
    status = page.get_by_role("status")
    assert "more than one district" in status.inner_text()
    assert [a.inner_text() for a in status.get_by_role("link").all()] == ["Feijenoord", "Noordereiland"]
    page.screenshot(path=str(screenshots / "publish-find-two-wijken.png"), full_page=False)
    field.fill("9999")
    page.get_by_role("button", name="Search").click()
    assert "does not belong to a Rotterdam district" in status.inner_text()
    field.fill("30")
    page.get_by_role("button", name="Search").click()
    assert "Enter the four digits" in status.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    page.context.close()


def test_without_javascript_the_postcode_form_leads_to_the_postcode_table(chromium, site_server):
    base, _ = site_server
    page = open_page(chromium, width=360, javascript=False)
    page.goto(base + "zoek-je-wijk.html")
    page.get_by_label("De vier cijfers van uw postcode").fill("3081")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/zoek-je-wijk.html?postcode=3081#postcodes")
    row = page.locator("#pc-3081")
    assert row.is_visible() and row.get_by_role("link").inner_text() == "Tarwewijk"
    row.get_by_role("link").click()
    page.wait_for_url("**/wijk/tarwewijk.html")
    page.context.close()


def test_printing_a_wijk_page_drops_navigation_and_keeps_charts_and_tables(chromium, site_server):
    base, _ = site_server
    page = open_page(chromium)
    page.goto(base + "wijk/tarwewijk.html")
    page.emulate_media(media="print")
    assert page.locator(".site-header nav").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".contents").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("img.chart").first.is_visible()
    assert page.locator("table.indicators").first.is_visible()
    page.context.close()


@pytest.mark.skipif(shutil.which("w3m") is None, reason="w3m is not installed")
def test_w3m_reads_a_wijk_page_in_order_with_the_charts_text(site_server):
    _, root = site_server
    dump = subprocess.run(["w3m", "-dump", "-cols", "80", "-T", "text/html",
                           str(root / "wijk" / "tarwewijk.html")],
                          capture_output=True, text=True, check=True).stdout
    order = ["Naar de inhoud", "Wijk Tarwewijk", "Veiligheidsindex", "Tarwewijk vergeleken",
             "Tabel: Veiligheidsindex", "Belangrijke cijfers",
             "Voelt zich wel eens onveilig in de eigen buurt", "Wat de kleuren betekenen"]
    position = 0
    for text in order:  # each after the one before
        found = dump.find(text, position)
        assert found >= 0, (text, dump[position:position + 300])
        position = found + len(text)
    assert "<svg" not in dump
    cells = " ".join(dump.split())  # table cells wrap
    assert "gepubliceerd" in cells and "(indicatief)" in cells
    # a chart's text alternative names its numbers
    assert "Veiligheidsindex: Tarwewijk" in dump and "gebied Charlois" in dump
