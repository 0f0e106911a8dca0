"""The public site written from report tables: the contract's files, the report's figures on
the pages in Dutch and English, charts with their numbers, and the open data."""

import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from survey.publish.inputs import site_data
from survey.publish.site import publish_site
from tests.support import publish as support


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    indicators = support.indicator_table()
    indicators["suppressed"] = ""
    hidden = indicators.index[(indicators["indicator"] == "onveilig_eigen_buurt")
                              & (indicators["level"] == "wijk")
                              & (indicators["domain"] == "Pernis")][0]
    indicators.loc[hidden, ["estimate", "ci_low", "ci_high", "se", "suppressed"]] = [
        np.nan, np.nan, np.nan, np.nan, "minder dan 30 respondenten"]
    # issue 14's rule: the headline of Rubroek rests on 30 to 99 respondents, so it is indicative
    few = indicators.index[(indicators["indicator"] == "onveilig_eigen_buurt")
                           & (indicators["domain"] == "Rubroek")][0]
    indicators.loc[few, ["n", "indicative"]] = [45, True]
    scores = support.score_table()
    # the report's replicate intervals of the index and its parts (the register part: none)
    for column in ("Veiligheidsindex", "Veiligheidsindex -subjectief"):
        scores[f"{column} ci_low"] = scores[column] - 7
        scores[f"{column} ci_high"] = scores[column] + 8
    scores["Veiligheidsindex -objectief ci_low"] = scores["Veiligheidsindex -objectief"]
    scores["Veiligheidsindex -objectief ci_high"] = scores["Veiligheidsindex -objectief"]
    # a tiny wijk's interval reaching below zero
    tiny = scores["domain"] == "Heijplaat"
    scores.loc[tiny, ["Veiligheidsindex -subjectief ci_low", "Veiligheidsindex -subjectief ci_high"]] = [
        -16.2, 49.6]
    # the report's long series (index_series.csv) with a published 2014, and its targets
    series = scores[["level", "domain"]].assign(edition=2014, column="Veiligheidsindex", value=100.0,
                                                source="gepubliceerd")
    targets = pd.DataFrame([{
        "target": "vi_stad", "title": "Veiligheidsindex van de stad minstens op het niveau van 2022",
        "score": "Veiligheidsindex", "area": "Rotterdam", "baseline_edition": 2022, "baseline": 110.0,
        "goal": 110.0, "by_edition": 2026, "latest_edition": 2024, "latest": 105.0, "se": 1.0,
        "ci_low": 103.0, "ci_high": 107.0, "change": -5.0, "to_go": 5.0, "on_track": False,
        "certain": True}])
    data = site_data(indicators, scores, areas=support.areas(), postcodes=support.postcodes(),
                     series=series, targets=targets)
    out = tmp_path_factory.mktemp("site")
    published = publish_site(data, out, factsheets=False)
    return out, data, published


def page(out, path):
    return (out / path).read_text(encoding="utf-8")


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_contract_files_are_written_for_both_languages(site):
    out, data, published = site
    for root in ("", "en/"):
        assert (out / root / "index.html").exists()
        assert len(list((out / root / "gebied").glob("*.html"))) == 14
        assert len(list((out / root / "wijk").glob("*.html"))) == 71
    names = {p.name for p in (out / "data").iterdir()}
    for level in ("stad", "gebieden", "wijken"):
        assert {f"wijkprofiel-2024-indicatoren-{level}.csv", f"wijkprofiel-2024-indicatoren-{level}.utf8.csv",
                f"wijkprofiel-2024-indexscores-{level}.csv", f"wijkprofiel-2024-{level}.json"} <= names
    assert {"datawoordenboek.csv", "LICENTIE.txt", "postcodes-pc4-wijk.csv"} <= names
    assert len(published.pages) == 2 * (1 + 14 + 71 + 4)


def test_a_wijk_page_shows_the_reports_figures_beside_gebied_and_rotterdam(site):
    out, data, _ = site
    html = page(out, "wijk/tarwewijk.html")
    ind = data.indicators
    row = ind[(ind["indicator"] == "onveilig_eigen_buurt") & (ind["domain"] == "Tarwewijk")].iloc[0]
    city = ind[(ind["indicator"] == "onveilig_eigen_buurt") & (ind["level"] == "stad")].iloc[0]
    shown = text(html)
    assert f"{100 * row.estimate:.0f}%" in shown and f"{100 * city.estimate:.0f}%" in shown
    assert f"({100 * row.ci_low:.0f}%–{100 * row.ci_high:.0f}%)" in shown
    assert "Voelt zich wel eens onveilig in de eigen buurt" in shown
    score = data.score("wijk", "Tarwewijk", "Veiligheidsindex")
    assert f"{score:.0f} – " in shown and "ten opzichte van 2022" in shown
    assert "gebied Charlois" in shown and 'lang="nl"' in html
    assert 'href="../factsheets/tarwewijk.pdf"' in html


def test_a_change_is_called_risen_only_where_the_report_flags_it(site):
    out, data, _ = site
    ind = data.indicators
    flagged = ind[(ind["level"] == "wijk") & (ind["significant"] == True)  # noqa: E712
                  & (ind["indicator"] == "onveilig_eigen_buurt")].iloc[0]
    html = text(page(out, f"wijk/{flagged.domain.lower().replace(' ', '-').replace('/', '-')}.html"))
    word = "gestegen" if flagged.change > 0 else "gedaald"
    assert re.search(rf"{word}, [+−]\d+ procentpunt \((beter|slechter)\)", html)
    quiet = ind[(ind["level"] == "wijk") & (ind["significant"] == False)]  # noqa: E712
    assert len(quiet) and "geen duidelijke verandering" in text(page(out, "wijk/tarwewijk.html"))


def test_what_the_report_suppresses_is_not_shown_nor_in_the_open_data(site):
    out, _, _ = site
    shown = text(page(out, "wijk/pernis.html"))
    assert "niet gepubliceerd (minder dan 30 respondenten)" in shown
    wijken = pd.read_csv(out / "data" / "wijkprofiel-2024-indicatoren-wijken.utf8.csv")
    row = wijken[(wijken["naam"] == "Pernis") & (wijken["indicator"] == "onveilig_eigen_buurt")].iloc[0]
    assert pd.isna(row["waarde"]) and pd.isna(row["ci_laag"]) and row["niet_gepubliceerd"]


def test_the_english_site_is_english_and_links_back(site):
    out, _, _ = site
    html = page(out, "en/wijk/tarwewijk.html")
    shown = text(html)
    assert '<html lang="en">' in html
    assert "District Tarwewijk" in shown and "Sometimes feels unsafe in their own neighbourhood" in shown
    assert "compared with 2022" in shown and "ten opzichte van" not in shown
    assert 'href="../../wijk/tarwewijk.html" hreflang="nl"' in html
    assert 'href="../../factsheets/tarwewijk.pdf" hreflang="nl"' in html
    assert "Find your district" in text(page(out, "en/find-your-district.html"))


def test_every_chart_is_an_image_with_its_numbers_as_text_and_in_a_table(site):
    out, data, _ = site
    html = page(out, "wijk/tarwewijk.html")
    images = re.findall(r'<img class="chart" src="([^"]+)" alt="([^"]+)"', html)
    assert len(images) == 3
    index = data.score("wijk", "Tarwewijk", "Veiligheidsindex")
    for src, alt in images:
        svg = ET.parse(out / "wijk" / src)  # well-formed SVG
        assert svg.getroot().find("{http://www.w3.org/2000/svg}title") is not None
    comparison = images[0][1]
    assert f"Tarwewijk {index:.0f}" in comparison and "Rotterdam 105" in comparison
    assert html.count("<caption") >= 3 and "Tabel: Veiligheidsindex: Tarwewijk vergeleken" in html


def test_the_city_page_lists_every_gebied_and_wijk_with_its_band(site):
    out, _, _ = site
    html = page(out, "index.html")
    assert len(re.findall(r'href="wijk/[a-z0-9-]+\.html"', html)) >= 71
    assert len(re.findall(r'class="gebied"', html)) == 14
    for band in ("ver onder", "rond het Rotterdamse gemiddelde", "ver boven"):
        assert band in html


def test_dutch_excel_csv_has_semicolons_and_decimal_commas_and_equals_the_plain_one(site):
    out, data, _ = site
    excel = (out / "data" / "wijkprofiel-2024-indicatoren-stad.csv").read_bytes()
    assert excel.startswith("\ufeff".encode())  # Excel reads UTF-8 only with a BOM
    first = excel.decode("utf-8-sig").splitlines()[1]
    assert ";" in first and re.search(r";\d+,\d+;", first)
    dutch = pd.read_csv(out / "data" / "wijkprofiel-2024-indicatoren-stad.csv", sep=";", decimal=",",
                        encoding="utf-8-sig")
    plain = pd.read_csv(out / "data" / "wijkprofiel-2024-indicatoren-stad.utf8.csv")
    pd.testing.assert_frame_equal(dutch, plain)
    city = data.indicators[(data.indicators["level"] == "stad")
                           & (data.indicators["indicator"] == "tevreden_met_buurt")].iloc[0]
    assert plain.set_index("indicator").loc["tevreden_met_buurt", "waarde"] == pytest.approx(100 * city.estimate)
    document = json.loads((out / "data" / "wijkprofiel-2024-wijken.json").read_text(encoding="utf-8"))
    assert document["licentie"] == "CC BY 4.0" and len(document["indexscores"]) == 71
    dictionary = pd.read_csv(out / "data" / "datawoordenboek.csv", sep=";", encoding="utf-8-sig")
    assert set(plain.columns) <= set(dictionary["kolom"])
    assert dictionary["meaning"].str.len().gt(0).all()
    assert "CC BY 4.0" in (out / "data" / "LICENTIE.txt").read_text(encoding="utf-8")


def test_the_find_page_holds_every_postcode_and_works_without_script(site):
    out, data, _ = site
    html = page(out, "zoek-je-wijk.html")
    assert 'action="#postcodes" method="get"' in html
    assert len(re.findall(r'<tr id="pc-\d{4}"', html)) == data.postcodes["postcode"].nunique()
    row = re.search(r'<tr id="pc-3081".*?</tr>', html).group(0)
    assert 'href="wijk/tarwewijk.html"' in row


def test_the_city_page_shows_the_college_targets_and_the_series_since_2014(site):
    out, _, _ = site
    shown = text(page(out, "index.html"))
    assert "Doelen van het college" in shown
    assert ("Veiligheidsindex van de stad minstens op het niveau van 2022 Rotterdam 110 (2022) 110 "
            "105 (2024) (95%-interval 103–107) 5 nee") in shown
    assert "Veiligheidsindex per editie" in shown and " 2014 2022 2024 " in shown
    english = text(page(out, "en/index.html"))
    assert "Targets of the city executive" in english and "On track" in english


def test_an_indicative_estimate_is_drawn_hollow_and_said_so_and_a_suppressed_one_not_drawn(site):
    out, _, _ = site
    html = page(out, "wijk/rubroek.html")
    src, alt = re.search(r'<img class="chart" src="([^"]+headline[^"]+)" alt="([^"]+)"', html).groups()
    svg = (out / "wijk" / src).read_text(encoding="utf-8")
    assert "Rubroek" in alt and "(indicatief)" in alt and "Open rondje of vierkantje: indicatief" in alt
    # the own area's mark is an open circle with a dashed interval; the legend says so
    assert re.search(r'<circle [^>]*fill="#ffffff"', svg) and 'stroke-dasharray="3 2"' in svg
    assert "open = indicatief (weinig respondenten)" in svg
    assert "(indicatief)" in text(html)  # and the table marks it too
    # a suppressed estimate: named as too few respondents, no mark, no interval
    html = page(out, "wijk/pernis.html")
    src, alt = re.search(r'<img class="chart" src="([^"]+headline[^"]+)" alt="([^"]+)"', html).groups()
    svg = (out / "wijk" / src).read_text(encoding="utf-8")
    assert "Pernis: te weinig respondenten" in alt
    assert len(re.findall(r"<circle ", svg)) == 0  # the own area (a circle) is not drawn
    assert "open = indicatief" not in svg


def test_the_open_data_marks_indicative_estimates(site):
    out, _, _ = site
    wijken = pd.read_csv(out / "data" / "wijkprofiel-2024-indicatoren-wijken.utf8.csv",
                         keep_default_na=False)
    headline = wijken[wijken["indicator"] == "onveilig_eigen_buurt"].set_index("naam")
    assert headline.loc["Rubroek", "indicatief"] == "ja"
    assert headline.loc["Tarwewijk", "indicatief"] == "nee"
    assert headline.loc["Pernis", "indicatief"] == ""  # not published at all
    assert "indicatief;" in page(out, "data/datawoordenboek.csv")


def test_the_score_box_gives_each_interval_and_says_when_a_move_is_flagged(site):
    out, data, _ = site
    shown = text(page(out, "wijk/tarwewijk.html"))
    index = data.score("wijk", "Tarwewijk", "Veiligheidsindex")
    assert f"(95%-interval {index - 7:.0f}–{index + 8:.0f})" in shown
    assert "alleen gemarkeerd als ook het 95%-interval van die verschuiving 0 uitsluit" in shown
    # register figures carry no sampling error: no zero-width interval
    objective = data.score("wijk", "Tarwewijk", "Veiligheidsindex -objectief")
    assert f"{objective:.0f}–{objective:.0f}" not in shown
    assert "(95% interval " in text(page(out, "en/wijk/tarwewijk.html"))


def test_an_interval_with_a_negative_bound_says_tot_and_has_a_true_minus(site):
    """"-16–50" reads as two dashes: the site writes the report's "−16 tot 50", translated."""
    out, _, _ = site
    nl, en = text(page(out, "wijk/heijplaat.html")), text(page(out, "en/wijk/heijplaat.html"))
    assert "(95%-interval −16 tot 50)" in nl and "(95% interval −16 to 50)" in en
    assert "(−16 tot 50)" in text(page(out, "indices-en-doelen.html"))
    assert "(−16 to 50)" in text(page(out, "en/indices-and-targets.html"))
    assert "-16" not in nl + en and "16–50" not in nl + en


def test_every_page_links_the_indices_and_targets_page_in_both_languages(site):
    out, data, _ = site
    for path, target in (("index.html", "indices-en-doelen.html"),
                         ("wijk/tarwewijk.html", "../indices-en-doelen.html"),
                         ("en/gebied/charlois.html", "../../en/indices-and-targets.html"),
                         ("methode.html", "indices-en-doelen.html")):
        assert f'href="{target}"' in page(out, path), path
    nl, en = text(page(out, "indices-en-doelen.html")), text(page(out, "en/indices-and-targets.html"))
    assert "Indices en doelen" in nl and "Indices and targets" in en
    # every area with the index and its 95% interval, the series and the targets with theirs
    index = data.score("wijk", "Tarwewijk", "Veiligheidsindex")
    assert f"Tarwewijk {index:.0f}" in nl and f"({index - 7:.0f}–{index + 8:.0f})" in nl
    assert "De reeks sinds 2014" in nl and "The series since 2014" in en
    assert "105 (2024) (95%-interval 103–107)" in nl
    assert "(95% interval 103–107)" in en


def test_a_factsheets_footer_names_its_wijk_even_with_quotes_in_the_name():
    # the footer is a CSS string in the factsheets' style sheet, where HTML escaping does not apply
    from survey.publish.factsheets import _css_string

    assert _css_string("'s-Gravenland · Wijkprofiel 2024") == "\"'s-Gravenland · Wijkprofiel 2024\""
    assert _css_string('De "Wijk" \\ </style>') == '"De \\"Wijk\\" \\\\ \\3c /style>"'
