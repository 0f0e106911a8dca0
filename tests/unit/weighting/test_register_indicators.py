"""The register file of the objective indicators: reading it, summing wijken to gebied and city
(sum of counts / sum of denominators, checked by hand) and the full Veiligheidsindex from
register plus survey equal to `weighting.scores` on the same values."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey.population.wijken import load_wijken
from survey.report.change import veiligheid_scores
from weighting.errors import InputError
from weighting.register_indicators import area_values, read_register, register_columns
from weighting.scores import compute_scores, load_score_config

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "register_indicators"
BURGLARY = "Aantal misdrijven van Inbraak woning"
BURGLARY_RATE = "Aantal misdrijven van Inbraak woning per duizend adressen"
FIRES_RATE = "Kleine buitenbranden per honderd hectare"
GRAFFITI = "Gemiddelde score van graffiti en graffiti-particulier in Productnormering"


@pytest.fixture(scope="module")
def config():
    return load_score_config()


def test_the_demo_register_file_reads_with_every_wijk_and_column(config):
    register = read_register(CORPUS / "register.csv", config)
    assert len(register) == 71 and list(register.columns) == register_columns(config)
    assert register.loc[71, "inwoners"] == 12310  # Tarwewijk, CBS 1-1-2018
    assert register.loc[71, BURGLARY] == 50
    assert (register >= 0).all(axis=None)


def test_a_bom_and_decimal_commas_read_as_the_plain_file(config):
    plain = read_register(CORPUS / "register.csv", config)
    pd.testing.assert_frame_equal(read_register(CORPUS / "bom.csv", config), plain)
    comma = read_register(CORPUS / "decimal_comma.csv", config)
    assert comma.loc[71, "hectare"] == 95.0
    pd.testing.assert_frame_equal(comma, plain)


def test_a_wijk_of_the_edition_without_a_row_is_named(config):
    wijken = dict(zip(load_wijken()["wijk_code"], load_wijken()["wijk"]))
    assert read_register(CORPUS / "register.csv", config, wijken).index.tolist() == list(wijken)
    with pytest.raises(InputError, match=r"has no row for wijk 75 \(Wielewaal\)"):
        read_register(CORPUS / "missing_wijk.csv", config, wijken)


def test_a_wijk_outside_the_edition_is_named_with_its_row(config):
    with pytest.raises(InputError) as error:
        read_register(CORPUS / "register.csv", config, {71: "Tarwewijk"})
    assert "row 3, column 'wijknr'" in str(error.value)
    assert "wijknr 72 is not a wijk of this edition" in str(error.value)


def _tiny_register(config):
    """Three wijken in two gebieden; every count 0 and every denominator 1000, except those set."""
    register = pd.DataFrame(0.0, index=pd.Index([71, 72, 10], name="wijknr"),
                            columns=register_columns(config))
    register[list(config.denominators)] = 1000.0
    register["adressen"] = [6230.0, 6210.0, 9000.0]
    register[BURGLARY] = [50.0, 26.0, 90.0]
    register["hectare"] = [95.0, 91.0, 200.0]
    register["Kleine buitenbranden"] = [37.0, 45.0, 70.0]
    return register


AREAS = pd.DataFrame({"wijk_code": [71, 72, 10], "wijk": ["Tarwewijk", "Carnisse", "Stadsdriehoek"],
                      "gebied": ["Charlois", "Charlois", "Rotterdam Centrum"]})


def test_a_gebied_rate_is_its_summed_counts_over_its_summed_denominators(config):
    values = area_values(_tiny_register(config), config, AREAS)
    # by hand: Tarwewijk 50 / 6230 * 1000 = 8.026, Carnisse 26 / 6210 * 1000 = 4.187;
    # Charlois (50 + 26) / (6230 + 6210) * 1000 = 6.109, not their mean 6.106;
    # Rotterdam (50 + 26 + 90) / (6230 + 6210 + 9000) * 1000 = 7.743
    assert values.loc[("wijk", "Tarwewijk"), BURGLARY_RATE] == pytest.approx(8.02568, abs=1e-5)
    assert values.loc[("gebied", "Charlois"), BURGLARY_RATE] == pytest.approx(76 / 12440 * 1000)
    assert values.loc[("stad", "Rotterdam"), BURGLARY_RATE] == pytest.approx(166 / 21440 * 1000)
    # fires per 100 hectare: Charlois (37 + 45) / (95 + 91) * 100 = 44.09, the mean of the wijk
    # rates would be 44.20
    assert values.loc[("gebied", "Charlois"), FIRES_RATE] == pytest.approx(82 / 186 * 100)
    assert values.loc[("gebied", "Rotterdam Centrum"), FIRES_RATE] == pytest.approx(35.0)


def test_an_unknown_count_leaves_the_wijk_its_gebied_and_the_city_unknown(config):
    register = _tiny_register(config)
    register.loc[72, BURGLARY] = np.nan
    values = area_values(register, config, AREAS)[BURGLARY_RATE]
    assert values.isna().tolist() == [True, True, False, False, True, False]
    assert values[("gebied", "Rotterdam Centrum")] == pytest.approx(10.0)


def test_the_graffiti_score_of_a_gebied_is_the_mean_over_its_inspected_locations(config):
    register = _tiny_register(config)
    register["schouwpunten graffiti"] = [20.0, 60.0, 50.0]
    register["Som van de scores van graffiti en graffiti-particulier in Productnormering"] = [
        90.0, 282.0, 225.0]  # means 4.5, 4.7, 4.5
    values = area_values(register, config, AREAS)
    assert values.loc[("gebied", "Charlois"), GRAFFITI] == pytest.approx(372 / 80)  # 4.65


def _survey_estimates(config, areas):
    """An indicator table as the report estimates it: every subjective 2014 column measured,
    at a value that differs per area (shares 0-1 for percentages)."""
    rng = np.random.default_rng(7)
    objective = {i.column for i in config.register_indicators}
    rows = []
    for level, domain in areas:
        for indicator in config.indicators:
            if indicator.column in objective:
                continue
            value = indicator.baseline * rng.uniform(0.6, 1.4)
            percent = not indicator.column.startswith("Gemiddelde")
            rows.append({"indicator": indicator.column, "label": indicator.column,
                         "kind": "proportion" if percent else "mean", "level": level,
                         "domain": domain, "estimate": value / 100 if percent else value})
    return pd.DataFrame(rows)


def test_the_full_index_from_register_and_survey_equals_the_score_computation(config):
    register = area_values(read_register(CORPUS / "register.csv", config), config,
                           AREAS.assign(wijk_code=[71, 72, 10]))
    estimates = _survey_estimates(config, register.index)
    scores = veiligheid_scores(estimates, config, register)

    # the same raw values put side by side by hand, in the export's units, then weighting.scores
    values = (estimates.assign(value=np.where(estimates["kind"] == "proportion", 100, 1)
                               * estimates["estimate"])
              .set_index(["level", "domain", "label"])["value"].unstack("label"))
    values = values.join(register).reindex(columns=config.indicator_columns)
    expected = compute_scores(values, config, rounded=False)

    assert scores[config.score_columns].notna().all(axis=None)
    pd.testing.assert_frame_equal(scores[config.score_columns], expected.loc[scores.index],
                                  check_names=False)
    assert (scores["register_used"] == 20).all() and (scores["indicators_used"] > 0).all()


def test_without_a_register_the_objective_part_and_the_index_are_missing(config):
    estimates = _survey_estimates(config, [("stad", "Rotterdam")])
    scores = veiligheid_scores(estimates, config)
    row = scores.iloc[0]
    assert np.isnan(row["Veiligheidsindex"]) and np.isnan(row["Veiligheidsindex -objectief"])
    assert not np.isnan(row["Veiligheidsindex -subjectief"]) and row["register_used"] == 0


def test_a_register_source_must_name_a_denominator():
    from weighting.scores import score_config_from_dict

    data = {"index": "I", "parts": [{"column": "P", "themes": ["T"]}],
            "register": {"denominators": {"inwoners": "inhabitants"}},
            "themes": [{"column": "T", "indicators": [{
                "column": "x per duizend adressen", "direction": "higher_is_worse",
                "baseline": 4.0, "sd": 0.5,
                "register": {"count": "x", "per": "adressen", "multiplier": 1000}}]}]}
    with pytest.raises(InputError, match=r"register.per 'adressen' is not one of the denominators \(inwoners\)"):
        score_config_from_dict(data)
