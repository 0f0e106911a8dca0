"""The report's indicator table from the fast path (the wide snapshot's Categoricals, all
indicators in one pass) equals the table of the per-indicator path it replaced (plain text
answers, `estimation.proportion` / `estimation.mean` per indicator and level), on a small demo
edition, computed both ways in the same run."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from survey import edition_data
from survey.demo.seed import seed_edition
from survey.fieldwork.answers import answers_frame
from survey.questionnaire.loader import load_all
from survey.report.edition_report import (DESIGN_COLUMNS, LEVELS,
                                          indicator_rows, indicator_table,
                                          unweighted_means, weight_edition)
from survey.report.indicator_values import DENOMINATOR_SUFFIX
from weighting import estimation
from tests.support.fieldwork_data import estimate_at, read_at


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    root = tmp_path_factory.mktemp("one-pass")
    url = f"sqlite:///{root / 'w.db'}"
    seed_edition(url, seed=31, scale=0.02, year=2024)
    return url, root


def ratio_estimates(design, name, indicator, by):
    """A ratio indicator per domain of `by`, times its multiplier, its lower bound at least 0:
    the report's per-indicator ratio before the one pass."""
    table = estimation.ratio(design, name, name + DENOMINATOR_SUFFIX, by=by)
    for column in ("estimate", "se", "ci_low", "ci_high"):
        table[column] = table[column] * indicator.multiplier
    table["ci_low"] = table["ci_low"].clip(lower=0.0)
    return table


def _per_indicator(design, definitions):
    """The report's estimation before the one pass (as it was on main): one call per
    indicator and level."""
    frame = design.frame
    names = [name for name in definitions if frame[name].notna().any()]  # someone in the base
    tables, unweighted = [], []
    for level, by in LEVELS:
        unweighted.append(unweighted_means(frame, names, definitions, by).assign(level=level))
        for name in names:
            indicator = definitions[name][0]
            if indicator.kind == "proportion":
                table = estimation.proportion(design, name, [1], by=by, ci="logit")
            elif indicator.kind == "ratio":
                table = ratio_estimates(design, name, indicator, by)
            else:
                table = estimation.mean(design, name, by=by)
            table = table.rename(columns={by: "domain"}) if by else table.assign(domain="Rotterdam")
            table["indicator"] = name
            table["level"] = level
            tables.append(table)
    return indicator_rows(pd.concat(tables, ignore_index=True),
                          pd.concat(unweighted, ignore_index=True), names, definitions)


def test_one_pass_report_table_equals_the_per_indicator_table(edition):
    url, root = edition
    questionnaires = load_all()
    fast = estimate_at(url, 2024, root / "fast", questionnaires)

    # the old road: plain text answers, indicator by indicator
    text = read_at(answers_frame, url, 2024)
    values, definitions = indicator_table(text, questionnaires)
    margins = read_at(edition_data.write_margin_files, url, root / "slow", 2024)
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


def test_index_uncertainty_scored_in_one_stacked_call_equals_one_call_per_replicate(edition):
    # the index scores of all bootstrap replicates computed at once (one table, the replicate
    # in the domain's name, the register stacked alike) are the scores computed replicate by
    # replicate with the black box, as before
    from survey.demo.register_indicators import write_register
    from survey.report import indices
    from survey.report.edition_report import index_uncertainty
    from weighting import score_uncertainty as su
    from weighting.replicates import with_replicates
    from weighting.scores import load_index_configs

    url, root = edition
    questionnaires = load_all()
    estimates = estimate_at(url, 2024, root / "stacked", questionnaires)
    configs = load_index_configs()
    areas = read_at(edition_data.areas, url)
    path = write_register(root / "register-2024.csv", 2024, seed=31)
    register = indices.read_registers({2024: path}, configs, areas)[2024]
    definitions = {i.id: i for q in questionnaires.values() for i in q.indicators}
    stacked = index_uncertainty(estimates, definitions, configs, register, 12)

    calls = []

    def one_by_one(estimates_table, keys, thetas, replicates, score_fn, **_):
        def counted(table):
            calls.append(1)
            return score_fn(table)
        return original(estimates_table, keys, thetas, replicates, counted)

    original = su.score_uncertainty
    import survey.report.edition_report as edition_report
    edition_report.score_uncertainty = one_by_one
    try:
        looped = index_uncertainty(estimates, definitions, configs, register, 12)
    finally:
        edition_report.score_uncertainty = original
    assert len(calls) == 13  # the full table and each of the 12 replicates
    assert list(stacked.columns) == list(looped.columns)
    assert stacked.index.equals(looped.index)
    assert stacked.notna().sum().sum() > 1000
    np.testing.assert_allclose(stacked.to_numpy(float), looped.to_numpy(float), rtol=1e-12, atol=1e-9)

    # and the replicate estimates are each replicate's weighted means, as one matrix product
    design = with_replicates(estimates.design, "bootstrap", 12, seed=2024)
    name = "onveilig_eigen_buurt"  # a proportion with respondents outside its base
    keys, thetas = su.replicate_indicator_estimates(design, [su.IndicatorSpec(name, name)], LEVELS)
    y = design.frame[name].to_numpy(float)
    W = design.replicates.weights
    for r in (0, 11):
        for level, by in LEVELS:
            rows = (keys["level"] == level).to_numpy()
            groups = np.zeros(len(y), dtype=int) if by is None else pd.factorize(design.frame[by], sort=True)[0]
            ok = ~np.isnan(y)
            expected = (np.bincount(groups[ok], weights=W[ok, r] * y[ok], minlength=rows.sum())
                        / np.bincount(groups[ok], weights=W[ok, r], minlength=rows.sum()))
            np.testing.assert_allclose(thetas[rows, r], expected, rtol=1e-12)


def test_the_plan_next_to_the_report_states_and_gives_the_reports_weighting(edition, tmp_path):
    # one statement of the edition's design (edition_data.EDITION_DESIGN): the plan written
    # beside the margins names it, and running that plan gives the report's weights
    import yaml

    from survey.fieldwork.answers import answers_frame
    from weighting.plan import DATA_SOURCES, load_plan, run_plan

    url, root = edition
    # a small demo leaves wijken with one respondent: the report's --lonely-psu adjust
    design = dataclasses.replace(edition_data.EDITION_DESIGN, lonely_psu="adjust")
    estimates = estimate_at(url, 2024, tmp_path / "margins", load_all(), design)
    plan_path = edition_data.write_plan(tmp_path, sorted((tmp_path / "margins").glob("margin_*.csv")), design)
    stated = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    keys = ("strata", "design_weight", "fpc", "method", "collapse_min", "lonely_psu")
    assert {key: stated[key] for key in keys} == {key: getattr(design, key) for key in keys}
    saved = dict(DATA_SOURCES)
    DATA_SOURCES["db"] = lambda plan: read_at(answers_frame, url)
    try:
        planned = run_plan(load_plan(plan_path)).weights
    finally:
        DATA_SOURCES.clear()
        DATA_SOURCES.update(saved)
    report = estimates.weights.set_index("sample_unit_id")["weight"]
    by_plan = planned.set_index("sample_unit_id")["weight"].reindex(report.index)
    np.testing.assert_allclose(by_plan.to_numpy(), report.to_numpy(), rtol=1e-9)
