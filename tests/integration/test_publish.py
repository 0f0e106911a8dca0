"""`wijkprofiel publish` end to end on a small demo edition (2022 and 2024, 2% of Rotterdam):
the contract's files, the report's own figures on the pages and in the open data, two-page A4
factsheets in Dutch, a clear error for bad input, and the app serving the site under
/wijkprofiel/."""

import re

import pandas as pd
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from survey.cli import main
from survey.demo.register_indicators import write_register
from survey.demo.seed import seed_edition

A4 = (595.3, 841.9)  # points


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    url = f"sqlite:///{root / 'w.db'}"
    seed_edition(url, seed=41, scale=0.02, year=2024)
    seed_edition(url, seed=42, scale=0.02, year=2022)
    registers = {year: write_register(root / f"register-{year}.csv", year, seed=year)
                 for year in (2024, 2022)}
    runner = CliRunner(env={"DATABASE_URL": url})
    report = runner.invoke(main, ["report", "--no-pdf", "--out", str(root / "report"),
                                  "--register", str(registers[2024]),
                                  "--previous-register", str(registers[2022])])
    assert report.exit_code == 0, report.output
    result = runner.invoke(main, ["publish", "--report", str(root / "report"),
                                  "--out", str(root / "site")])
    assert result.exit_code == 0, result.output
    return {"root": root, "url": url, "runner": runner, "output": result.output,
            "site": root / "site", "report": root / "report"}


def test_publish_writes_the_contracts_files(published):
    site = published["site"]
    assert (site / "index.html").exists()
    assert len(list((site / "gebied").glob("*.html"))) == 14
    assert len(list((site / "wijk").glob("*.html"))) == 71
    assert len(list((site / "factsheets").glob("*.pdf"))) == 71
    data = {p.name for p in (site / "data").iterdir()}
    assert "datawoordenboek.csv" in data and "wijkprofiel-2024-wijken.json" in data
    assert sum(name.endswith(".csv") for name in data) >= 12
    assert re.search(r"site: .*index.html \(180 pages", published["output"])
    assert "71 PDFs" in published["output"]


def test_the_site_shows_the_reports_estimates_and_scores(published):
    indicators = pd.read_csv(published["report"] / "indicators.csv")
    scores = pd.read_csv(published["report"] / "index_scores.csv")
    city = indicators[(indicators["level"] == "stad") & (indicators["indicator"] == "onveilig_eigen_buurt")].iloc[0]
    html = (published["site"] / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{100 * city.estimate:.0f}%</strong>" in html
    vi = scores.loc[scores["level"] == "stad", "Veiligheidsindex"].iloc[0]
    assert f'{vi:.0f}<span class="band-name">' in html
    plain = pd.read_csv(published["site"] / "data" / "wijkprofiel-2024-indicatoren-wijken.utf8.csv")
    merged = plain.merge(indicators[indicators["level"] == "wijk"],
                         left_on=["indicator", "naam"], right_on=["indicator", "domain"])
    assert len(merged) == (indicators["level"] == "wijk").sum()
    factor = merged["kind"].map({"proportion": 100.0, "mean": 1.0, "ratio": 1.0})
    pd.testing.assert_series_equal(merged["waarde"], merged["estimate"] * factor, check_names=False)


def test_every_factsheet_is_two_a4_pages_in_plain_dutch(published):
    for path in sorted((published["site"] / "factsheets").glob("*.pdf")):
        pdf = PdfReader(path)
        assert len(pdf.pages) == 2, path
        box = pdf.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=1)
    text = "\n".join(p.extract_text() for p in PdfReader(published["site"] / "factsheets" / "tarwewijk.pdf").pages)
    assert "Tarwewijk" in text and "De drie indexen" in text
    assert "pagina 1 van 2" in text and "pagina 2 van 2" in text
    assert "De vijf cijfers die het meest veranderden" in text
    assert "Veiligheidsindex" in text and "Rotterdam" in text


def test_a_bad_postcode_file_stops_publish_with_file_row_and_column(published, tmp_path):
    bad = tmp_path / "pc4.csv"
    bad.write_text("postcode;wijk_code\n3071;87\n30x1;87\n", encoding="utf-8")
    result = published["runner"].invoke(main, ["publish", "--report", str(published["report"]),
                                               "--postcodes", str(bad), "--no-factsheets",
                                               "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "pc4.csv row 3, column 'postcode': '30x1' is not a PC4 postcode" in result.output
    assert "Traceback" not in result.output


def test_publish_without_a_report_runs_the_reports_computation(published, tmp_path):
    result = published["runner"].invoke(main, ["publish", "--no-factsheets", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    ours = pd.read_csv(tmp_path / "s" / "data" / "wijkprofiel-2024-indicatoren-stad.utf8.csv")
    theirs = pd.read_csv(published["site"] / "data" / "wijkprofiel-2024-indicatoren-stad.utf8.csv")
    # without a register the objective part is missing, but every estimate is the same
    pd.testing.assert_series_equal(ours["waarde"], theirs["waarde"])


def test_the_app_serves_the_site_under_wijkprofiel(make_app, published, tmp_path):
    app = make_app(published["url"], PUBLIC_SITE_DIR=str(published["site"]))
    client = app.test_client()
    assert client.get("/wijkprofiel").status_code == 308
    page = client.get("/wijkprofiel/")
    assert page.status_code == 200 and b"Wijkprofiel Rotterdam 2024" in page.data
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.get("/wijkprofiel/wijk/tarwewijk.html").status_code == 200
    assert client.get("/wijkprofiel/factsheets/tarwewijk.pdf").mimetype == "application/pdf"
    assert client.get("/wijkprofiel/../w.db").status_code == 404
    empty = make_app(published["url"]).test_client()
    # without a site both addresses end in the app's 404 page (no redirect loop)
    assert empty.get("/wijkprofiel/", follow_redirects=True).status_code == 404
    assert empty.get("/wijkprofiel").status_code == 404


def test_a_factsheet_that_runs_over_two_pages_is_handed_back_and_the_others_are_cut_apart(tmp_path):
    from survey import pdf_engine
    from survey.publish.factsheets import _print

    if pdf_engine.unavailable():
        pytest.skip(f"no PDF engine: {pdf_engine.unavailable()}")
    sheets = {"w-a": 1, "w-b": 5, "w-c": 1}  # paragraphs per sheet's second page; b runs over

    def sheet(anchor, paragraphs):
        text = "<p>" + "Een regel tekst die de pagina vult. " * 40 + "</p>"
        return (f'<section class="sheet" id="{anchor}"><h1>{anchor}</h1><p>pagina een</p></section>'
                f'<section class="sheet">{text * paragraphs}</section>')

    html = ("<!doctype html><html><head><style>@page { size: A4; margin: 20mm }"
            " .sheet { break-before: page } nav { display: none }</style></head><body><nav>"
            + "".join(f'<a href="#{a}">{a}</a>' for a in sheets) + "</nav>"
            + "".join(sheet(a, n) for a, n in sheets.items()) + "</body></html>")
    targets = [(anchor, str(tmp_path / f"{anchor}.pdf")) for anchor in sheets]
    written, over = _print(html, targets)
    assert over == [targets[1]]
    assert written == [targets[0][1], targets[2][1]]
    for path, anchor in ((written[0], "w-a"), (written[1], "w-c")):
        pages = PdfReader(path).pages
        assert len(pages) == 2 and pages[0].extract_text().startswith(anchor)
    assert not (tmp_path / "w-b.pdf").exists()
