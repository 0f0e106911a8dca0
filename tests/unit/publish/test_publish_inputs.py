"""The public site's input model: what it takes from the report's tables, and what it refuses."""

import re

import numpy as np
import pandas as pd
import pytest

from survey.errors import InputError
from survey.publish.inputs import index_specs, read_report, site_data
from survey.publish.postcodes import DEMO_POSTCODES, read_postcodes
from survey.publish.texts import band, theme_key
from tests.support import publish as support


def test_the_veiligheidsindex_with_its_parts_and_themes_is_found_in_the_report_columns():
    [spec] = index_specs(support.score_table().columns)
    assert spec.column == "Veiligheidsindex"
    assert spec.parts == ["Veiligheidsindex -subjectief", "Veiligheidsindex -objectief"]
    assert spec.themes["Veiligheidsindex -subjectief"][0] == "Veiligheidsbeleving"
    assert "Overlast objectief" in spec.themes["Veiligheidsindex -objectief"]


def test_the_sociale_and_fysieke_index_appear_when_the_report_has_them():
    columns = list(support.score_table().columns) + [
        "Sociale index", "Sociale index -subjectief", "Sociale index -objectief",
        "Fysieke index -subjectief"]
    specs = index_specs(columns)
    assert [s.column for s in specs] == ["Veiligheidsindex", "Sociale index", "Fysieke index"]
    assert specs[2].parts == ["Fysieke index -subjectief"]


def test_earlier_editions_become_a_series_and_an_extra_series_file_adds_2014(tmp_path):
    scores = support.score_table()
    extra = scores[["level", "domain"]].assign(edition=2014, **{"Veiligheidsindex": 100.0})
    data = site_data(support.indicator_table(), scores, areas=support.areas(),
                     postcodes=support.postcodes(), series=extra)
    assert data.edition == 2024 and data.previous == 2022
    assert data.editions == [2014, 2022, 2024]
    city = data.series[(data.series["level"] == "stad") & (data.series["score"] == "Veiligheidsindex")]
    assert dict(zip(city["edition"], city["value"])) == {2024: 105.0, 2022: 99.0, 2014: 100.0}


def test_the_reports_small_cell_rule_is_applied_never_one_of_our_own():
    indicators = support.indicator_table()
    indicators["suppressed"] = ""
    wijk = indicators.index[(indicators["level"] == "wijk")][0]
    indicators.loc[wijk, ["estimate", "suppressed"]] = [np.nan, "minder dan 30 respondenten"]
    shaky = indicators.index[(indicators["level"] == "wijk")][1]
    indicators.loc[shaky, "suppressed"] = "indicatief (30-99 respondenten)"
    # a wijk of 7 respondents that the report does publish stays published
    indicators.loc[indicators.index[5], "n"] = 7
    data = site_data(indicators, support.score_table(), areas=support.areas(),
                     postcodes=support.postcodes())
    table = data.indicators
    assert not table.loc[wijk, "published"]
    assert table.loc[shaky, "published"] and table.loc[shaky, "indicative"]
    assert table.loc[5, "published"] and not table.loc[5, "indicative"]
    assert data.has_suppression


def test_a_report_without_a_required_column_or_with_an_unknown_area_is_refused(tmp_path):
    support.write_report_dir(tmp_path)
    table = pd.read_csv(tmp_path / "indicators.csv").drop(columns=["ci_low"])
    table.to_csv(tmp_path / "indicators.csv", index=False)
    with pytest.raises(InputError, match=r"indicators.csv: missing column\(s\) 'ci_low'"):
        read_report(tmp_path, areas=support.areas(), postcodes=support.postcodes())
    support.write_report_dir(tmp_path)
    scores = pd.read_csv(tmp_path / "index_scores.csv")
    scores.loc[3, "domain"] = "Atlantis"
    scores.to_csv(tmp_path / "index_scores.csv", index=False)
    with pytest.raises(InputError, match=r"index_scores.csv row 5, column 'domain': gebied "
                                         r"'Atlantis' is not an area of this edition"):
        read_report(tmp_path, areas=support.areas(), postcodes=support.postcodes())


def test_a_report_of_another_edition_is_refused(tmp_path):
    support.write_report_dir(tmp_path)
    with pytest.raises(InputError, match="is the report of edition 2024, not 2022"):
        read_report(tmp_path, areas=support.areas(), postcodes=support.postcodes(), edition=2022)
    with pytest.raises(InputError, match="indicators.csv: file not found"):
        read_report(tmp_path / "nowhere", areas=support.areas(), postcodes=support.postcodes())


def test_five_bands_and_theme_names():
    # the report's bands (indices/bands.yaml): a score on a bound is in the band above
    assert [band(v) for v in (69, 70, 89.9, 90, 109.9, 110, 129.9, 130)] == [
        "ver-onder", "onder", "onder", "rond", "rond", "boven", "boven", "ver-boven"]
    assert band(100, "boven het Rotterdamse gemiddelde") == "boven"  # the report's own band wins
    assert theme_key("Overlast subjectief") == ("overlast", "subjectief")
    assert theme_key("Diefstal-objectief") == ("diefstal", "objectief")


def test_the_demo_postcode_table_reaches_every_wijk():
    table = read_postcodes(DEMO_POSTCODES, support.areas())
    assert set(table["wijk"]) == set(support.areas()["wijk"])
    assert table["postcode"].str.fullmatch(r"[1-9]\d{3}").all()
    assert table[table["postcode"] == "3071"]["wijk"].tolist() == ["Feijenoord", "Noordereiland"]


@pytest.mark.parametrize("content, message", [
    ("postcode;wijk_code\n3071;87\n307;87\n", r"row 3, column 'postcode': '307' is not a PC4 postcode"),
    ("postcode;wijk_code\n3071;999\n", r"row 2, column 'wijk_code': '999' is not a wijk code"),
    ("postcode;wijk_code;wijk\n3071;87;Katendrecht\n",
     r"row 2, column 'wijk': 'Katendrecht' is not the name of wijk 87 \('Feijenoord'\)"),
    ("postcode;wijk_code\n3071;87\n3071;87\n", r"row 3: postcode 3071 with wijk 87 is also on row 2"),
    ("pc;wijk\n3071;87\n", r"row 1: no column 'postcode'"),
    ("", r"row 1: no header: the first row must name the columns"),
])
def test_a_bad_postcode_table_names_file_row_and_column(tmp_path, content, message):
    path = tmp_path / "pc4.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_postcodes(path, support.areas())


def test_the_public_site_setting_is_documented():
    import inspect

    import survey.publish
    from survey.routes import public_site

    documented = set(re.findall(r"^\| ([A-Z0-9_]+) ", survey.publish.__doc__, re.M))
    used = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', inspect.getsource(public_site)))
    assert used == documented == {"PUBLIC_SITE_DIR"}
