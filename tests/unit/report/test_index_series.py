"""Published editions, the series with its breaks, the five bands and the college targets."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from survey.cli import main
from survey.report.bands import band_of, load_bands, thresholds_text
from survey.report.series import breaks, broken_columns, series_table
from survey.report.targets import evaluate, load_targets
from weighting.errors import InputError
from weighting.published import load_published, read_published, store_published
from weighting.scores import load_index_configs

EXPORT = Path(__file__).resolve().parents[2] / "reference" / "wijkprofiel" / "wijkprofiel-2014-veiligheidsindex.csv"


@pytest.fixture(scope="module")
def configs():
    return load_index_configs()


def test_import_published_stores_every_published_score_of_2014(tmp_path, configs):
    outcome = CliRunner().invoke(main, ["index", "import-published", str(EXPORT), "--edition", "2014",
                                        "--store", str(tmp_path)])
    assert outcome.exit_code == 0, outcome.output
    assert "86 areas, 1204 published scores of Veiligheidsindex" in outcome.output
    stored = load_published(tmp_path)
    assert len(stored) == 86 * 14
    city = stored[(stored["level"] == "stad")].set_index("column")["value"]
    assert city["Veiligheidsindex"] == 100
    tarwewijk = stored[(stored["domain"] == "Tarwewijk")].set_index("column")["value"]
    assert tarwewijk["Veiligheidsindex"] == 81 and tarwewijk["Inbraak-objectief"] == 98
    assert set(stored.loc[stored["wijknr"].between(4000, 4999), "level"]) == {"gebied"}
    again = CliRunner().invoke(main, ["index", "import-published", str(EXPORT), "--edition", "2014",
                                      "--store", str(tmp_path)])
    assert again.exit_code == 1 and "edition 2014 is stored already; use --replace" in again.output


def _bad_export(tmp_path, row, column, value):
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    header = [name.strip() for name in lines[0].split(";")]
    cells = lines[row - 1].split(";")
    cells[header.index(column)] = value
    lines[row - 1] = ";".join(cells)
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("row, column, value, message", [
    (3, "Veiligheidsindex", "90,0,1", "row 3, column 'Veiligheidsindex': '90,0,1' (wijknr 72) is not a number"),
    (4, "Geweld-objectief", "400", "row 4, column 'Geweld-objectief': 400 (wijknr 73) is not a score; expected 0-300"),
    (5, "wijknr", "71", "row 5, column 'wijknr': wijknr 71 appears twice (also in row 2)"),
    (6, "wijknr", "Charlois", "row 6, column 'wijknr': 'Charlois' is not a wijk number"),
])
def test_bad_published_export_names_row_and_column_and_stores_nothing(tmp_path, row, column, value, message):
    path = _bad_export(tmp_path, row, column, value)
    store = tmp_path / "store"
    outcome = CliRunner().invoke(main, ["index", "import-published", str(path), "--edition", "2014",
                                        "--store", str(store)])
    assert outcome.exit_code == 1
    assert message in outcome.output
    assert "Traceback" not in outcome.output
    assert not store.exists()


def test_an_export_without_an_index_or_with_half_an_index_is_refused(tmp_path, configs):
    no_index = tmp_path / "a.csv"
    no_index.write_text("wijknr;BUURT;x\n71;Tarwewijk;1\n", encoding="utf-8")
    with pytest.raises(InputError, match="has no published index column"):
        read_published(no_index, configs, 2014)
    half = tmp_path / "b.csv"
    half.write_text("wijknr;BUURT;Veiligheidsindex\n71;Tarwewijk;81\n", encoding="utf-8")
    with pytest.raises(InputError, match="has the column 'Veiligheidsindex' but not 'Veiligheidsindex -subjectief'"):
        read_published(half, configs, 2014)
    with pytest.raises(InputError, match="--edition 1999"):
        read_published(EXPORT, configs, 1999)


def test_series_joins_published_and_computed_editions_and_marks_the_police_break(tmp_path, configs):
    store_published(read_published(EXPORT, configs, 2014), tmp_path)
    vi = configs["Veiligheidsindex"]
    computed = {year: pd.DataFrame({"level": ["stad"], "domain": ["Rotterdam"],
                                    **{c: [value] for c in vi.score_columns}})
                for year, value in ((2022, 110.0), (2024, 105.0))}
    series = series_table(tmp_path, computed, {"Veiligheidsindex": vi})
    city = series[(series["level"] == "stad") & (series["column"] == "Veiligheidsindex")]
    assert city[["edition", "value", "source"]].values.tolist() == [
        [2014, 100.0, "gepubliceerd"], [2022, 110.0, "berekend"], [2024, 105.0, "berekend"]]
    # police figures recounted under the BVI rules from 2018: broken between 2014 and 2022
    found = breaks(vi, [2014, 2022, 2024])
    assert list(found) == [2022]
    broken = broken_columns(vi, found[2022])
    assert {"Veiligheidsindex", "Veiligheidsindex -objectief", "Diefstal-objectief",
            "Overlast objectief"} <= broken
    assert "Veiligheidsindex -subjectief" not in broken and "Veiligheidsbeleving" not in broken
    assert breaks(vi, [2022, 2024]) == {}  # both after the change: no break inside the series
    # the CBS cohesion scale replaces our own in 2024: the Sociale index breaks there, in binding
    social = breaks(configs["Sociale index"], [2014, 2022, 2024])
    assert list(social) == [2024]
    assert broken_columns(configs["Sociale index"], social[2024]) == {
        "Binding-subjectief", "Sociale index -subjectief", "Sociale index"}
    assert breaks(configs["Fysieke index"], [2014, 2022, 2024]) == {}


def test_five_bands_with_documented_thresholds():
    assert [b.id for b in load_bands()] == ["ver_onder", "onder", "rond", "boven", "ver_boven"]
    assert [band_of(s).id for s in (20, 69.9, 70, 89.9, 90, 100, 109.9, 110, 129.9, 130, 180)] == [
        "ver_onder", "ver_onder", "onder", "onder", "rond", "rond", "rond", "boven", "boven",
        "ver_boven", "ver_boven"]
    assert band_of(np.nan) is None
    assert thresholds_text() == ("ver onder: onder 70; onder: 70 tot 90; rond: 90 tot 110; "
                                 "boven: 110 tot 130; ver boven: 130 en hoger")
    documented = Path("indices/bands.yaml").read_text(encoding="utf-8")
    assert "ver boven" in documented and "symmetric" in documented


def test_targets_baseline_latest_distance_and_track(configs):
    columns = [c for config in configs.values() for c in config.score_columns]
    targets = load_targets(score_columns=columns)
    assert [t.id for t in targets] == ["vi_stad_2026", "vi_focuswijken_2026"]
    rows = [("Rotterdam", 110, 105), ("Carnisse", 80, 86), ("Hillesluis", 78, 84),
            ("Tussendijken", 79, 85), ("Tarwewijk", 77, 76), ("Lombardijen", 82, 88)]
    series = pd.DataFrame([(e, "wijk", area, "Veiligheidsindex", v, "berekend")
                           for area, before, after in rows for e, v in ((2022, before), (2024, after))],
                          columns=["edition", "level", "domain", "column", "value", "source"])
    se = pd.Series({("Veiligheidsindex", "Rotterdam"): 0.5, ("Veiligheidsindex", "Carnisse"): 3.0})
    table = evaluate(targets, series, 2024, se).set_index("area")
    assert table.loc["Rotterdam", ["baseline", "goal", "latest", "to_go", "on_track", "certain"]].tolist() == [
        110, 110, 105, 5, False, True]
    assert table.loc["Carnisse", ["goal", "change", "to_go", "on_track", "certain"]].tolist() == [
        85, 6, 0, True, False]  # 86 ± 5.9 covers the goal 85
    assert table.loc["Carnisse", "ci_low"] == pytest.approx(86 - 1.96 * 3)
    assert table["on_track"].tolist() == [False, True, True, True, False, True]


def test_bad_targets_file_names_the_target(tmp_path, configs):
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n  - {id: x, title: X, score: Veiligheid, areas: [Rotterdam], "
                    "baseline_edition: 2022, by_edition: 2026}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"targets.yaml line 2: targets\[1\] \(x\): score 'Veiligheid' is not an index"):
        load_targets(path, score_columns=configs["Veiligheidsindex"].score_columns)
    path.write_text("targets:\n  - id: x\n    title: X\n    score: Veiligheidsindex\n    areas: [Rotterdam]\n"
                    "    baseline_edition: 2022\n    by_edition: 2026\n    rise: veel\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"targets.yaml line 8: targets\[1\] \(x\): rise 'veel' is not a number"):
        load_targets(path, score_columns=configs["Veiligheidsindex"].score_columns)


def test_bad_bands_file_names_the_line(tmp_path):
    path = tmp_path / "bands.yaml"
    path.write_text("bands:\n  - {id: laag, label: Laag, colour: '#00f', below: 100}\n"
                    "  - {id: ook_laag, label: Ook laag, colour: '#0f0', below: 90}\n"
                    "  - {id: hoog, label: Hoog, colour: '#f00', below: null}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bands.yaml line 3: bands\[2\] \(ook_laag\): below 90 must "
                                         r"exceed the band before \(100\)"):
        load_bands(path)
    path.write_text("bands: []\nbands: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bands.yaml line 2: duplicate key 'bands' \(first on line 1\)"):
        load_bands(path)


def test_the_main_report_uses_the_same_five_bands():
    from survey.report.build import _band

    assert [_band(s) for s in (50, 75, 100, 115, 140, np.nan)] == [
        "band-ver_onder", "band-onder", "band-rond", "band-boven", "band-ver_boven", ""]


def test_index_page_shows_bands_breaks_chart_and_targets(tmp_path, configs):
    from survey.report.index_pages import write_index_pages

    store_published(read_published(EXPORT, configs, 2014), tmp_path / "store")
    columns = [c for config in configs.values() for c in config.score_columns]
    areas = pd.DataFrame({"wijk_code": [71], "wijk": ["Tarwewijk"], "gebied": ["Charlois"]})
    table = pd.DataFrame([("stad", "Rotterdam", 104.0), ("gebied", "Charlois", 84.0),
                          ("wijk", "Tarwewijk", 63.0)], columns=["level", "domain", "value"])
    table = pd.concat([table[["level", "domain"]],
                       pd.DataFrame({c: table["value"] for c in columns})], axis=1)
    series = series_table(tmp_path / "store", {2024: table}, configs)
    targets = evaluate(load_targets(score_columns=columns), series, 2024, None)
    ses = pd.DataFrame({f"{name} se": [0.5, 1.0, 3.0] for name in configs},
                       index=pd.MultiIndex.from_frame(table[["level", "domain"]]))
    page = write_index_pages(tmp_path, year=2024, previous=None, table=table, configs=configs,
                             series=series, targets=targets, ses=ses, areas=areas)
    html = page.read_text(encoding="utf-8")
    assert html.count("gereconstrueerd") >= 3  # the note and both reconstructed indices
    assert 'class="ver_onder" title="ver onder het Rotterdamse gemiddelde">63<' in html
    assert "breuk VI (2018)" in html and "breuk SI (2024)" in html  # in the chart
    assert "<strong>Breuk 2024</strong>: politiecijfers opnieuw geteld" in html
    assert 'title="breuk in de reeks"' in html
    assert "Tarwewijk</td>" in html and "geen gegevens" in html  # no 2022 baseline stored
