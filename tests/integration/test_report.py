"""`wijkprofiel report` end to end on two small demo editions (2022 and 2024, 2% of Rotterdam)
in one SQLite database: the estimates checked by hand from the weighted answers, the change
between editions, the SPSS files read back with their labels, the codebook, and the PDF page by
page."""

import json
import re
import subprocess

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from survey import edition_data
from survey.paths import QUESTIONNAIRES_DIR
from survey.cli import main
from survey.fieldwork.answers import answers_frame
from survey.demo.register_indicators import write_register
from survey.demo.seed import seed_edition
from survey.questionnaire.loader import load_questionnaire
from weighting.register_indicators import area_values, read_register
from weighting.scores import load_score_config
from tests.support.fieldwork_data import read_at

SCALE = 0.02
IDENTITY = {"sample_unit_id", "register_id", "given_name", "family_name", "street", "postcode",
            "house_number", "phone", "birth_date", "access_code", "code_hash"}


@pytest.fixture(scope="session")
def report(tmp_path_factory):
    """The report with the demo's register files of both editions (the full index)."""
    root = tmp_path_factory.mktemp("report")
    url = f"sqlite:///{root / 'w.db'}"
    seed_edition(url, seed=31, scale=SCALE, year=2024)
    seed_edition(url, seed=32, scale=SCALE, year=2022)
    registers = {year: write_register(root / f"register-{year}.csv", year, seed=year)
                 for year in (2024, 2022)}
    runner = CliRunner(env={"DATABASE_URL": url})
    result = runner.invoke(main, ["report", "--out", str(root / "out"),
                                  "--register", str(registers[2024]),
                                  "--previous-register", str(registers[2022])])
    assert result.exit_code == 0, result.output
    return {"url": url, "out": root / "out", "runner": runner, "output": result.output,
            "registers": registers}


@pytest.fixture(scope="session")
def report_without_register(report):
    out = report["out"].parent / "without"
    result = report["runner"].invoke(main, ["report", "--no-pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def indicators(report):
    return pd.read_csv(report["out"] / "indicators.csv")


def test_an_area_estimate_is_the_weighted_share_of_its_respondents(report, indicators):
    # % (zeer) tevreden met de buurt in one gebied, by hand: the weighted share of "zeer
    # tevreden" and "tevreden" among its respondents with a substantive answer ("weet niet" is
    # out). At 2% of Rotterdam a wijk has fewer than 30 such respondents: not published
    answers = read_at(answers_frame, report["url"], 2024)
    weights = pd.read_csv(report["out"] / "weights.csv")
    data = answers.merge(weights[["sample_unit_id", "weight"]], on="sample_unit_id")
    gebied = data["gebied"].value_counts().index[0]  # the gebied with most respondents
    rows = data[(data["gebied"] == gebied) & data["tevreden_buurt"].notna()
                & (data["tevreden_buurt"] != "weet_niet")]
    satisfied = rows["tevreden_buurt"].isin(["zeer_tevreden", "tevreden"])
    by_hand = (rows["weight"] * satisfied).sum() / rows["weight"].sum()

    row = indicators[(indicators["indicator"] == "tevreden_met_buurt")
                     & (indicators["level"] == "gebied") & (indicators["domain"] == gebied)].iloc[0]
    assert row["n"] == len(rows) >= 30
    assert row["estimate"] == pytest.approx(by_hand, rel=1e-9)
    assert row["unweighted"] == pytest.approx(satisfied.mean())
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
    assert bool(row["indicative"]) == (len(rows) < 100)

    wijk = indicators[(indicators["indicator"] == "tevreden_met_buurt") & (indicators["level"] == "wijk")]
    small = wijk[wijk["n"] < 30]
    assert len(small) and small[["estimate", "se", "ci_low", "ci_high"]].isna().all(axis=None)
    assert small["suppressed"].str.startswith("minder dan 30 respondenten").all()
    assert wijk.loc[wijk["n"] >= 30, "suppressed"].isna().all()  # empty in the CSV


def test_gebied_and_city_come_from_their_own_respondents(report, indicators):
    answers = read_at(answers_frame, report["url"], 2024)
    weights = pd.read_csv(report["out"] / "weights.csv")
    data = answers.merge(weights[["sample_unit_id", "weight"]], on="sample_unit_id")
    rows = data[data["tevreden_buurt"].notna() & (data["tevreden_buurt"] != "weet_niet")]
    satisfied = rows["tevreden_buurt"].isin(["zeer_tevreden", "tevreden"])
    city = indicators[(indicators["indicator"] == "tevreden_met_buurt")
                      & (indicators["level"] == "stad")].iloc[0]
    assert city["estimate"] == pytest.approx((rows["weight"] * satisfied).sum() / rows["weight"].sum())
    assert city["n"] == len(rows)
    assert set(indicators.loc[indicators["level"] == "gebied", "domain"]) >= {"Charlois", "Noord"}


def test_change_uses_both_editions_standard_errors(report, indicators):
    # the 2022 city estimate by hand from the 2022 SPSS file (coded answers and the weight),
    # then the difference, its se sqrt(se1^2 + se2^2) and the z test at 5%
    data, meta = pyreadstat.read_sav(str(report["out"] / "editions" / "2022" / "answers.sav"))
    labels = meta.variable_value_labels["tevreden_buurt"]
    satisfied_codes = [c for c, label in labels.items() if label in ("Zeer tevreden", "Tevreden")]
    assert len(satisfied_codes) == 2
    rows = data[data["tevreden_buurt"] > 0]  # user-missing "weet niet" codes are negative
    previous = (rows["weight"] * rows["tevreden_buurt"].isin(satisfied_codes)).sum() / rows["weight"].sum()

    city = indicators[(indicators["indicator"] == "tevreden_met_buurt")
                      & (indicators["level"] == "stad")].iloc[0]
    assert city["previous"] == pytest.approx(previous, rel=1e-9)
    assert city["change"] == pytest.approx(city["estimate"] - previous)
    assert city["change_se"] == pytest.approx(np.hypot(city["se"], city["previous_se"]))
    assert city["change_test"] == "Newcombe-Wilson (effectieve n)"
    # flags by Benjamini-Hochberg per level, p raw; no test where an estimate is not published
    tested = indicators.dropna(subset=["p"])
    assert (tested["q"] >= tested["p"] - 1e-12).all()
    assert (tested["significant"] == (tested["q"] < 0.05)).all()
    untested = indicators[indicators["p"].isna() & indicators["previous_n"].notna()]
    assert untested["significant"].isna().all()
    assert untested["change_test"].str.startswith("geen toets").all()
    assert (indicators.loc[indicators["suppressed"].notna(), "p"].isna()).all()


def test_index_scores_have_both_parts_and_flag_five_point_moves_of_the_index(report):
    scores = pd.read_csv(report["out"] / "index_scores.csv")
    assert len(scores) == 1 + 14 + 71
    # every area has the register's 20 objective indicators, so its objective part; every area
    # with answers to the index indicators also its subjective part and the index (at 2% a
    # tiny wijk may have no respondents: its subjective part and index stay empty)
    assert (scores["register_used"] == 20).all()
    assert scores["Veiligheidsindex -objectief"].notna().all()
    answered = scores["indicators_used"] > 0
    assert answered.sum() >= 1 + 14 + 65
    assert scores.loc[answered, ["Veiligheidsindex", "Veiligheidsindex -subjectief"]].notna().all(axis=None)
    city = scores[scores["level"] == "stad"].iloc[0]
    assert 90 <= city["Veiligheidsindex -objectief"] <= 110  # the demo keeps Rotterdam near 2014
    # the change and the flag are on the full index, as both editions have a register
    assert (scores["flag_score"] == "Veiligheidsindex").all()
    both = scores.dropna(subset=["Veiligheidsindex", "Veiligheidsindex 2022"])
    assert len(both) >= 1 + 14 + 60
    assert (both["change Veiligheidsindex"] == both["Veiligheidsindex"] - both["Veiligheidsindex 2022"]).all()
    assert (both["moved_5_points"] == (both["change Veiligheidsindex"].abs() >= 5)).all()
    assert both["moved_5_points"].any() and not both["moved_5_points"].all()
    # every score has a standard error and interval from the bootstrap replicates, and a move
    # is flagged only where its interval excludes 0
    for column in ("Veiligheidsindex", "Veiligheidsindex -subjectief", "Veiligheidsbeleving"):
        assert both[f"{column} se"].gt(0).all()
        assert (both[f"{column} ci_low"] <= both[column] + 0.5).all() and (both[column] - 0.5 <= both[f"{column} ci_high"]).all()
    # (the interval is written to one decimal; the flag was decided before rounding)
    low, high = both["change Veiligheidsindex ci_low"], both["change Veiligheidsindex ci_high"]
    flagged, moved = both["flag_5_points"].astype(bool), both["moved_5_points"].astype(bool)
    assert not (flagged & ~moved).any()
    assert ((low >= 0) | (high <= 0))[flagged].all()
    assert ((low <= 0) & (high >= 0))[moved & ~flagged].all()


def test_objective_values_of_a_gebied_are_summed_from_its_wijken(report):
    config = load_score_config()
    areas = read_at(edition_data.areas, report["url"])
    register = read_register(report["registers"][2024], config)
    values = pd.read_csv(report["out"] / "register_values.csv").set_index(["level", "domain"])
    burglary = "Aantal misdrijven van Inbraak woning"
    wijken = register.loc[areas.loc[areas["gebied"] == "Charlois", "wijk_code"]]
    by_hand = 1000 * wijken[burglary].sum() / wijken["adressen"].sum()
    assert values.loc[("gebied", "Charlois"), f"{burglary} per duizend adressen"] == pytest.approx(by_hand)
    expected = area_values(register, config, areas)
    # the file holds the register values of all three indices; the Veiligheidsindex's are these
    pd.testing.assert_frame_equal(values[expected.columns], expected, check_names=False)


def test_the_report_shows_the_full_index(report):
    html = (report["out"] / "index.html").read_text(encoding="utf-8")
    assert "Veiligheidsindex per gebied en wijk" in html
    assert "objectieve thema" in html and "ontbreekt" not in html
    assert "som van de tellers van zijn wijken gedeeld door de som van de noemers" in html
    scores = pd.read_csv(report["out"] / "index_scores.csv")
    city = scores[scores["level"] == "stad"].iloc[0]
    page = _pages(report["out"] / "report.pdf")[1]  # Rotterdam in het kort
    assert "Veiligheidsindex" in page and "objectief deel" in page
    assert f"{city['Veiligheidsindex']:.0f}" in page.split()


def test_without_a_register_the_report_says_the_objective_part_is_missing(report_without_register):
    html = (report_without_register / "index.html").read_text(encoding="utf-8")
    assert "Veiligheidsindex (subjectief deel) per gebied en wijk" in html
    assert "ontbreekt</strong>objectief deel (geen registerdata)" in html
    assert "er is geen registerbestand opgegeven" in html
    scores = pd.read_csv(report_without_register / "index_scores.csv")
    assert scores["Veiligheidsindex -objectief"].isna().all() and scores["Veiligheidsindex"].isna().all()
    assert (scores["register_used"] == 0).all()
    assert (scores["flag_score"] == "Veiligheidsindex -subjectief").all()
    assert not (report_without_register / "register_values.csv").exists()


def test_the_weighting_files_do_not_depend_on_the_output_folder(report, report_without_register):
    """Two reports of the same database into different --out folders write the same
    collapsed_cells.csv (margins named as plan.yaml names them, no local path) and so record
    the same made-of digest for the weighting files."""
    first, second = report["out"], report_without_register
    collapsed = pd.read_csv(first / "collapsed_cells.csv")
    assert len(collapsed) > 0  # sparse cells were merged: there is something to compare
    assert list(collapsed.columns) == ["margin", "variable", "within", "merged", "respondents",
                                       "reason"]
    assert set(collapsed["margin"]) <= {f"margins/{path.name}"
                                        for path in (first / "margins").glob("margin_*.csv")}
    assert all(f"margins/{name.split('/')[-1]}" in (first / "plan.yaml").read_text()
               for name in collapsed["margin"])
    assert (first / "collapsed_cells.csv").read_bytes() == (second / "collapsed_cells.csv").read_bytes()
    assert str(first.parent) not in (first / "collapsed_cells.csv").read_text(encoding="utf-8")
    # and so do the other made-of digests, but the index scores' (the first had a register)
    for stamp in (".weights.made-of", ".indicators.made-of"):
        digests = [json.loads((out / stamp).read_text())["digest"] for out in (first, second)]
        assert digests[0] == digests[1], stamp
    for year in (2024, 2022):  # an edition's fingerprint (survey/report/codebook.py): the digest
        fingerprints = [(out / "editions" / str(year) / ".made-of").read_text() for out in (first, second)]
        assert fingerprints[0] == fingerprints[1], year


def test_score_tables_read_back_from_excel_and_spss_with_labels(report):
    scores = pd.read_csv(report["out"] / "index_scores.csv")
    excel = pd.read_excel(report["out"] / "index_scores.xlsx", sheet_name=None)
    assert set(excel) == {"indexscores 2024", "toelichting"}
    pd.testing.assert_series_equal(excel["indexscores 2024"]["Veiligheidsindex"],
                                   scores["Veiligheidsindex"], check_dtype=False)
    data, meta = pyreadstat.read_sav(str(report["out"] / "index_scores.sav"))
    assert len(data) == len(scores)
    assert meta.column_names_to_labels["veiligheidsindex_objectief"] == "Veiligheidsindex -objectief"
    assert meta.column_names_to_labels["change_veiligheidsindex"] == "change Veiligheidsindex"
    assert meta.variable_value_labels["level"] == {1: "stad", 2: "gebied", 3: "wijk"}
    pd.testing.assert_series_equal(data["veiligheidsindex"], scores["Veiligheidsindex"],
                                   check_dtype=False, check_names=False)


def test_tables_read_back_from_excel_and_spss_with_labels(report, indicators):
    out = report["out"]
    excel = pd.read_excel(out / "indicators.xlsx", sheet_name=None)
    assert set(excel) == {"indicatoren 2024", "toelichting"}
    assert len(excel["indicatoren 2024"]) == len(indicators)
    data, meta = pyreadstat.read_sav(str(out / "indicators.sav"))
    assert len(data) == len(indicators)
    assert meta.column_names_to_labels["ci_low"] == "Ondergrens 95%-betrouwbaarheidsinterval"
    assert meta.variable_value_labels["level"] == {1: "stad", 2: "gebied", 3: "wijk"}
    assert meta.variable_value_labels["significant"] == {0: "nee", 1: "ja"}
    assert (data["level"] == indicators["level"].map({"stad": 1, "gebied": 2, "wijk": 3})).all()


@pytest.mark.parametrize("year", [2022, 2024])
def test_each_edition_has_labelled_answers_and_a_codebook(report, year):
    folder = report["out"] / "editions" / str(year)
    data, meta = pyreadstat.read_sav(str(folder / "answers.sav"), user_missing=True)
    assert not IDENTITY & set(data.columns)
    assert data["respondent"].tolist() == list(range(1, len(data) + 1))
    label = meta.column_names_to_labels["tevreden_buurt"]
    assert "tevreden" in label.lower()
    assert -1 in meta.variable_value_labels["tevreden_buurt"]  # weet niet, user-missing
    assert meta.missing_ranges["tevreden_buurt"] == [{"lo": -99.0, "hi": -1.0}]
    # a multiple-choice question is one 0/1 variable per option
    dummies = [c for c in data.columns if c.startswith("verhuisreden_")]
    assert len(dummies) >= 2 and set(data[dummies].stack().dropna().unique()) == {0.0, 1.0}
    codebook = pd.read_csv(folder / "codebook.csv")
    assert codebook["variable"].tolist() == list(data.columns)
    assert (codebook["edition"] == year).all()
    html = (folder / "codebook.html").read_text(encoding="utf-8")
    version = load_questionnaire(QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml").version
    assert f"Codeboek Wijkprofiel {year}" in html and f"versie {version}" in html
    for name in data.columns:
        assert f'id="{name}"' in html


def test_html_report_is_self_contained(report):
    html = (report["out"] / "index.html").read_text(encoding="utf-8")
    assert "Rotterdam in het kort" in html and "Methode" in html
    assert "src=\"http" not in html and "<link" not in html  # charts inline, no external files
    assert html.count('<section class="area"') == 14 + 71
    assert "Kalibratie" in html and "Variantie" in html and "Marges" in html


def _pages(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def test_pdf_has_one_page_per_gebied_and_wijk_with_page_numbers(report):
    areas = read_at(edition_data.areas, report["url"])
    pages = _pages(report["out"] / "report.pdf")
    first_lines = [next((line.strip() for line in page.splitlines() if line.strip()), "")
                   for page in pages]
    # some gebieden share their name with a wijk (Delfshaven, Feijenoord, ...): two pages
    names = list(areas["wijk"]) + list(areas["gebied"].unique())
    area_pages = [line for line in first_lines if line in set(names)]
    assert sorted(area_pages) == sorted(names)  # every gebied and wijk exactly one page
    # ... and nothing of an area spills over: the pages from the first area to the Weging
    # chapter are the area pages themselves, no page of a lone table row in between
    first_area = next(i for i, line in enumerate(first_lines) if line in set(names))
    weging = first_lines.index("Weging")
    assert weging - first_area == len(names)
    # the report, then the index pages (indices.html) as an appendix; one numbering throughout
    appendix = [page for page in pages if "indices, reeks en collegedoelen" in page]
    report_pages = pages[:len(pages) - len(appendix)]
    assert appendix and "Collegedoelen" in "".join(appendix)
    total = len(pages)
    assert all(f"pagina {i} van {total}" in page for i, page in enumerate(report_pages, start=1))
    assert all(f"bijlage, pagina {i} van {total}" in page
               for i, page in enumerate(appendix, start=len(report_pages) + 1))
    assert "Inhoud" in pages[0] and "Bijlage: Veiligheidsindex, Sociale index en Fysieke index" in pages[0]
    # the contents list gives each chapter, gebied and wijk the page it starts on
    contents = {}
    for line in pages[0].splitlines():
        for name, number in re.findall(r"(\S(?:.*?\S)?)\s{2,}(\d+)\b", line):
            contents.setdefault(re.sub(r"^\d+\.\s*", "", name), []).append(int(number))
    for name in set(names):
        starts = [i for i, line in enumerate(first_lines, start=1) if line == name]
        assert sorted(contents[name]) == starts, name
    assert contents["Weging"] == [weging + 1]
    assert any(key.startswith("Bijlage") for key in contents)
    assert [n for key, n in contents.items() if key.startswith("Bijlage")] == [[len(report_pages) + 1]]


def test_without_chromium_the_pdf_is_a_clear_error_and_the_html_is_still_written(report, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setenv("WIJKPROFIEL_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "out"
    result = report["runner"].invoke(main, ["report", "--out", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "cannot write" in result.output and "report.pdf" in result.output
    assert "WIJKPROFIEL_CHROMIUM" in result.output and "--no-pdf" in result.output
    assert (out / "index.html").exists() and not (out / "report.pdf").exists()


def test_bad_edition_is_a_clean_error(report):
    result = report["runner"].invoke(main, ["report", "--edition", "2024", "--previous", "1999",
                                            "--no-pdf", "--out", str(report["out"] / "x")])
    assert result.exit_code == 1
    assert "--previous 1999: no such edition" in result.output
    assert "Traceback" not in result.output


def test_a_database_without_the_fieldwork_tables_is_a_clean_error(tmp_path):
    runner = CliRunner(env={"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    result = runner.invoke(main, ["report", "--no-pdf", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "not a Wijkprofiel fieldwork database" in result.output and "Traceback" not in result.output


def test_every_area_page_leads_with_the_headline_row_and_the_report_counts_chance(report, indicators):
    html = (report["out"] / "index.html").read_text(encoding="utf-8")
    label = indicators.loc[indicators["indicator"] == "onveilig_eigen_buurt", "label"].iloc[0]
    pages = html.split('<section class="area"')[1:]
    assert len(pages) == 14 + 71
    for page in pages:
        first_row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
        assert 'class="headline-row"' in first_row and label in first_row
    assert "Door toeval alleen" in html and "false discovery rate" in html


@pytest.fixture(scope="session")
def report_with_series(report):
    """The report again, with the published 2014 edition stored (the shared export)."""
    store = report["out"].parent / "published"
    export = "tests/reference/wijkprofiel/wijkprofiel-2014-veiligheidsindex.csv"
    imported = report["runner"].invoke(main, ["index", "import-published", export, "--edition", "2014",
                                              "--store", str(store)])
    assert imported.exit_code == 0, imported.output
    out = report["out"].parent / "series"
    result = report["runner"].invoke(main, ["report", "--no-pdf", "--out", str(out),
                                            "--register", str(report["registers"][2024]),
                                            "--previous-register", str(report["registers"][2022]),
                                            "--published", str(store)])
    assert result.exit_code == 0, result.output
    return out


def test_index_scores_hold_all_three_indices_for_every_area(report):
    scores = pd.read_csv(report["out"] / "index_scores.csv")
    for index in ("Veiligheidsindex", "Sociale index", "Fysieke index"):
        for column in (index, f"{index} -subjectief", f"{index} -objectief"):
            assert column in scores.columns
        assert scores[f"{index} -objectief"].notna().all(), index
        answered = scores[f"{index} -subjectief"].notna()
        assert answered.sum() >= 1 + 14 + 65, index
    for theme in ("Kwaliteit van leven", "Binding-objectief", "Woonbeleving", "Milieu-objectief",
                  "Inbraak-subjectief"):
        assert theme in scores.columns
    # every index, part and theme has its replicate standard error and interval (issue 14)
    for column in ("Sociale index", "Sociale index -subjectief", "Fysieke index -subjectief"):
        answered = scores[column].notna()
        se = scores.loc[answered, f"{column} se"]
        # (a wijk with one or two respondents at 2% of Rotterdam can have no spread: a stratum
        # with one respondent adds none, as in the linearised variance)
        assert se.ge(0).all() and se.gt(0).mean() > 0.9, column
        assert (scores.loc[answered, f"{column} ci_low"] <= scores.loc[answered, f"{column} ci_high"]).all()
    city = scores[scores["level"] == "stad"].iloc[0]
    for index in ("Sociale index", "Fysieke index"):
        assert 60 <= city[index] <= 140, (index, city[index])
        assert city[f"change {index}"] == city[index] - city[f"{index} 2022"]


def test_the_series_starts_in_2014_with_the_police_break_and_the_targets(report_with_series):
    series = pd.read_csv(report_with_series / "index_series.csv")
    city = series[(series["level"] == "stad") & (series["column"] == "Veiligheidsindex")]
    assert city["edition"].tolist() == [2014, 2022, 2024]
    assert city["source"].tolist() == ["gepubliceerd", "berekend", "berekend"]
    assert city["value"].iloc[0] == 100
    html = (report_with_series / "indices.html").read_text(encoding="utf-8")
    assert "gereconstrueerd" in html and "Breuk 2022" in html and "BVI" in html
    assert "Breuk 2024" in html and "CBS-schaal sociale cohesie" in html
    assert 'title="breuk in de reeks"' in html
    for band in ("ver onder het Rotterdamse gemiddelde", "ver boven het Rotterdamse gemiddelde"):
        assert band in html
    targets = pd.read_csv(report_with_series / "index_targets.csv")
    assert targets["area"].tolist() == ["Rotterdam", "Carnisse", "Hillesluis", "Tussendijken",
                                        "Tarwewijk", "Lombardijen"]
    assert targets["baseline_edition"].eq(2022).all() and targets["latest_edition"].eq(2024).all()
    assert targets["latest"].notna().all() and targets["se"].gt(0).all()
    assert "Collegedoelen" in html and "nog te gaan" in html


def test_a_published_folder_that_does_not_exist_stops_the_report(tmp_path):
    """A mistyped --published would otherwise leave the published editions out of the series
    without a word."""
    result = CliRunner().invoke(main, ["report", "--no-pdf", "--out", str(tmp_path / "out"),
                                       "--published", str(tmp_path / "gepubliceerd")])
    assert result.exit_code == 2
    assert "'--published'" in result.output and "does not exist" in result.output
    assert not (tmp_path / "out").exists()
