"""`indices.survey_values`, built from codes for speed, gives the pivot table it replaced: each
area's first value per index column (by questionnaire id, else by label), percentages as 0-100,
areas by level then domain in order of appearance, empty rows and columns left out."""

import numpy as np
import pandas as pd
import pytest

from survey.report import indices
from weighting.scores import load_index_configs


def _pivot(indicators, config):
    """The old road: match, scale and pivot."""
    by_id = {i.survey: i.column for i in config.indicators if i.survey}
    by_label = {i.column: i.column for i in config.indicators if not i.survey and i.register is None}
    by_indicator = indicators["indicator"].map(by_id)
    column = by_indicator.where(by_indicator.notna(), indicators["label"].map(by_label))
    matched = indicators.assign(column=column).dropna(subset=["column"])
    values = matched["estimate"] * np.where(matched["kind"] == "proportion", 100.0, 1.0)
    return (matched.assign(value=values)
            .pivot_table(index=["level", "domain"], columns="column", values="value",
                         aggfunc="first", sort=False))


@pytest.mark.parametrize("name", ["Veiligheidsindex", "Sociale index", "Fysieke index"])
def test_survey_values_equal_the_pivot_of_the_first_values(name):
    config = load_index_configs()[name]
    by_id = [i for i in config.indicators if i.survey][:3]
    by_label = [i for i in config.indicators if not i.survey and i.register is None][:2]
    rng = np.random.default_rng(7)
    rows = []
    for level, domains in (("wijk", ["Zuid", "Noord", "Oost"]), ("stad", ["Rotterdam"]),
                           ("gebied", ["Noord", "West"])):
        for domain in domains:
            for spec in by_id:
                rows.append((spec.survey, "x", "proportion", level, domain, rng.random()))
            for spec in by_label:
                # a label twice: the first with a value counts
                rows.append((f"{spec.column}-a", spec.column, "mean", level, domain, np.nan))
                rows.append((f"{spec.column}-b", spec.column, "mean", level, domain, rng.random()))
            rows.append(("unrelated", "niet in de index", "mean", level, domain, 1.0))
    # an area whose values are all missing is left out, and so is a column nobody has
    first = by_id[0].survey if by_id else f"{by_label[0].column}-a"
    rows.append((first, by_label[0].column if not by_id else "x", "proportion", "wijk", "Leeg", np.nan))
    table = pd.DataFrame(rows, columns=["indicator", "label", "kind", "level", "domain", "estimate"])
    table = table.sample(frac=1.0, random_state=3).reset_index(drop=True)
    expected = _pivot(table, config)
    got = indices.survey_values(table, config)
    assert list(got.index) == list(expected.index)
    assert sorted(got.columns) == sorted(expected.columns)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_exact=True, check_names=False)
    # the same from categorical text columns (the index intervals' stacked table)
    categorical = table.astype({c: "category" for c in ("indicator", "label", "kind")})
    pd.testing.assert_frame_equal(indices.survey_values(categorical, config), got)
