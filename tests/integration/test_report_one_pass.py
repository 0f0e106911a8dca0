"""The report's indicator table from the fast path (the wide snapshot's Categoricals, all
indicators in one pass) equals the table of the per-indicator path it replaced (plain text
answers, `estimation.proportion` / `estimation.mean` per indicator and level), on a small demo
edition, computed both ways in the same run."""

import numpy as np
import pandas as pd
import pytest

from survey import edition_data
from survey.demo.seed import seed_edition
from survey.fieldwork.answers import answers_frame
from survey.questionnaire.loader import load_all
from survey.report.edition_report import (DESIGN_COLUMNS, LEVELS, estimate_edition,
                                          indicator_table, weight_edition)
from survey.report.indicator_values import DENOMINATOR_SUFFIX
from weighting import estimation


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    root = tmp_path_factory.mktemp("one-pass")
    url = f"sqlite:///{root / 'w.db'}"
    seed_edition(url, seed=31, scale=0.02, year=2024)
    return url, root


def _per_indicator(design, definitions):
    """The report's estimation before the one pass (as it was on main): one call per
    indicator and level."""
    frame = design.frame
    names = [name for name in definitions if frame[name].notna().any()]  # someone in the base
    tables, unweighted = [], []
    for level, by in LEVELS:
        domain = frame[by] if by else pd.Series("Rotterdam", index=frame.index)
        # the unweighted means of all indicators at once: one groupby per level
        means = frame[names].groupby(domain.to_numpy()).mean()
        for name in names:  # a ratio's unweighted value: sum above over sum below the line
            indicator = definitions[name][0]
            if indicator.kind == "ratio":
                below = frame[name + DENOMINATOR_SUFFIX]
                both = frame[name].notna() & below.notna()
                sums = (pd.DataFrame({"above": frame[name].where(both), "below": below.where(both)})
                        .groupby(domain.to_numpy()).sum())
                means[name] = indicator.multiplier * sums["above"] / sums["below"]
        unweighted.append(means.rename_axis("domain").reset_index()
                          .melt(id_vars="domain", var_name="indicator", value_name="unweighted")
                          .assign(level=level))
        for name in names:
            indicator = definitions[name][0]
            if indicator.kind == "proportion":
                table = estimation.proportion(design, name, [1], by=by, ci="logit")
            elif indicator.kind == "ratio":
                table = estimation.ratio(design, name, name + DENOMINATOR_SUFFIX, by=by)
                for column in ("estimate", "se", "ci_low", "ci_high"):
                    table[column] = table[column] * indicator.multiplier
                table["ci_low"] = table["ci_low"].clip(lower=0.0)
            else:
                table = estimation.mean(design, name, by=by)
            table = table.rename(columns={by: "domain"}) if by else table.assign(domain="Rotterdam")
            table["indicator"] = name
            table["level"] = level
            tables.append(table)
    estimates = pd.concat(tables, ignore_index=True)
    meta = pd.DataFrame([{
        "indicator": name, "questionnaire": "+".join(definitions[name][1]),
        "label": definitions[name][0].label, "kind": definitions[name][0].kind,
        "index": definitions[name][0].index, "theme": definitions[name][0].theme,
        "direction": definitions[name][0].direction, "order": position,
    } for position, name in enumerate(names)])
    level_order = {level: i for i, (level, _) in enumerate(LEVELS)}
    result = (estimates.merge(meta, on="indicator")
              .merge(pd.concat(unweighted, ignore_index=True), on=["indicator", "level", "domain"],
                     how="left"))
    result = (result.assign(_level=result["level"].map(level_order))
              .sort_values(["order", "_level", "domain"], kind="stable"))
    columns = ["questionnaire", "indicator", "label", "kind", "index", "theme", "direction",
               "level", "domain", "estimate", "se", "ci_low", "ci_high", "n", "deff", "df",
               "unweighted"]
    return result[columns].reset_index(drop=True)


def test_one_pass_report_table_equals_the_per_indicator_table(edition):
    url, root = edition
    questionnaires = load_all()
    fast = estimate_edition(url, 2024, root / "fast", questionnaires)

    # the old road: plain text answers, indicator by indicator
    text = answers_frame(url, 2024)
    values, definitions = indicator_table(text, questionnaires)
    margins = edition_data.write_margin_files(url, root / "slow", 2024)
    design = weight_edition(pd.concat([text[DESIGN_COLUMNS], values], axis=1), margins)
    slow = _per_indicator(design, definitions)

    # the indicator values per respondent are the same from Categoricals as from text
    fast_values = fast.design.frame[list(values.columns)]
    pd.testing.assert_frame_equal(fast_values.reset_index(drop=True),
                                  values.reset_index(drop=True), check_exact=True)
    np.testing.assert_array_equal(fast.design.weights, design.weights)

    table = fast.indicators
    assert len(table) > 1000 and table["indicator"].nunique() > 50
    assert list(table.columns) == list(slow.columns)
    for column in slow.columns:
        got, expected = table[column].to_numpy(), slow[column].to_numpy()
        if column in ("se", "ci_low", "ci_high", "deff"):
            # from the variance: the residuals of all indicators summed as one matrix
            np.testing.assert_allclose(got.astype(float), expected.astype(float),
                                       rtol=1e-12, atol=0, err_msg=column)
        elif got.dtype.kind == "f":
            np.testing.assert_array_equal(got, expected, err_msg=column)
        else:
            assert got.tolist() == expected.tolist(), column
