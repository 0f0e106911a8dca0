"""The statistician's report in a browser: axe finds nothing on index.html or indices.html, and
every chart has a text alternative that names what it shows (the area charts their place per
key indicator, the city charts every area's value), on a small two-edition demo report."""

import pytest

from survey import storage
from survey.demo.seed import seed_edition
from survey.report.edition_report import build_edition_report
from tests.support.browser import axe_violations


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-browser")
    url = f"sqlite:///{root / 'w.db'}"
    seed_edition(url, seed=2024, scale=0.05, year=2024)
    seed_edition(url, seed=2022, scale=0.05, year=2022, replace=True)
    with storage.session_at(url) as db:
        build_edition_report(db, root / "out", pdf=False)
    return root / "out"


@pytest.mark.parametrize("name", ["index.html", "indices.html"])
def test_axe_finds_no_violations_in_the_report(chromium, report_dir, axe_source, screenshots, name):
    page = chromium.new_page(viewport={"width": 1024, "height": 900})
    page.goto((report_dir / name).as_uri())
    page.screenshot(path=str(screenshots / f"report-{name}.png"))
    assert axe_violations(page, axe_source) == []
    page.close()


def test_every_report_chart_has_a_text_alternative(chromium, report_dir):
    page = chromium.new_page()
    page.goto((report_dir / "index.html").as_uri())
    alts = page.eval_on_selector_all(".figure img", "images => images.map(i => i.alt)")
    inline = page.eval_on_selector_all(
        ".figure svg", "charts => charts.map(c => c.getAttribute('role') + '|' + "
        "c.querySelector('desc').textContent)")
    page.close()
    # the trend, two ranked charts and one area chart per gebied and wijk
    assert len(alts) > 80 and all(alt.strip() for alt in alts)
    assert sum("rang van laag naar hoog" in alt for alt in alts) == len(alts) - 3
    assert any("Van hoog naar laag:" in alt for alt in alts)
    assert inline and all(text.startswith("img|") and "respondenten" in text for text in inline)
