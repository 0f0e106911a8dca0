"""The one-pass estimator gives, column by column, what `weighting.estimation` gives for that
column alone: estimates, counts and degrees of freedom as the same numbers; standard errors,
intervals and design effects (from the variance) to the last bits (summation order)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from weighting import calibration, estimation
from weighting.design import Design
from weighting.errors import EstimationError
from weighting.domain_estimates import domain_means, means_by_level, ratios_by_level
from weighting.synthetic import synthetic_edition


@pytest.fixture(scope="module")
def raked():
    frame, margins = synthetic_edition(4000, seed=7)
    rng = np.random.default_rng(3)
    n = len(frame)
    frame["onveilig_vaak"] = np.where(frame["onveilig"].isna(), np.nan,
                                      (frame["onveilig"] == "vaak").astype(float))
    frame["cijfer"] = frame["cijfer"].astype(float)
    rare = (rng.random(n) < 0.01).astype(float)  # wijken without a single 1
    rare[rng.random(n) < 0.5] = np.nan
    frame["zeldzaam"] = rare
    frame["leeg_in_noord"] = np.where(frame["gebied"] == frame["gebied"].iloc[0], np.nan,
                                      frame["cijfer"])
    frame["sex_by"] = frame["sex"]
    design = Design(frame, strata="wijk", design_weight="dw", fpc="N_h")
    return calibration.rake(design, margins, collapse_min=10)


COLUMNS = ["onveilig_vaak", "cijfer", "zeldzaam", "leeg_in_noord"]
PROPORTION = [True, False, True, False]


def _reference(design, by, columns=COLUMNS):
    tables = []
    for k, (name, is_proportion) in enumerate(zip(COLUMNS, PROPORTION)):
        if name not in columns:
            continue
        if is_proportion:
            table = estimation.proportion(design, name, [1], by=by, ci="logit")
        else:
            table = estimation.mean(design, name, by=by)
        table.insert(len(table.columns) - len(estimation.COLUMNS), "column", k)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _same(got, expected):
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for column in expected.columns:
        a, b = got[column].to_numpy(), expected[column].to_numpy()
        if column in ("se", "ci_low", "ci_high", "deff"):  # from the variance
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-12, atol=0)
        elif a.dtype.kind == "f":
            np.testing.assert_array_equal(a, b)  # bit for bit, NaN where NaN
        else:
            assert a.tolist() == b.tolist(), column


@pytest.mark.parametrize("by", [None, "gebied", "wijk", ["gebied", "sex_by"]])
def test_one_pass_equals_one_column_at_a_time(raked, by):
    values = raked.frame[COLUMNS].to_numpy(dtype=float)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        got = domain_means(raked, values, by=by, proportion=PROPORTION, ci="logit",
                           names=COLUMNS)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        expected = _reference(raked, by)
    _same(got, expected)
    # a gebied without answers keeps its rows (n = 0) and is named in the same warning
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    if by == "gebied":
        assert len(ours) == 1 and "leeg_in_noord" in str(ours[0].message)


def test_a_column_nobody_answered_is_estimation_s_error(raked):
    values = np.column_stack([raked.frame["cijfer"].to_numpy(float), np.full(raked.n, np.nan)])
    with pytest.raises(EstimationError, match="no respondent has an answer to 'niemand'"):
        domain_means(raked, values, by="wijk", names=["cijfer", "niemand"])


def test_uncalibrated_and_clustered_designs_agree_too(raked):
    frame = raked.frame.copy()
    frame["buurt"] = frame["wijk"].astype(str) + "-" + (np.arange(len(frame)) % 7).astype(str)
    values = frame[COLUMNS].to_numpy(dtype=float)
    plain = Design(frame, strata="wijk", design_weight="dw", fpc="N_h")
    _same(domain_means(plain, values, by="gebied", proportion=PROPORTION, names=COLUMNS),
          _reference(plain, "gebied"))
    # first-stage clusters: the general road, column by column, so exactly the same
    clustered = Design(frame, strata="wijk", design_weight="dw", cluster="buurt")
    got = domain_means(clustered, values, by="gebied", proportion=PROPORTION, names=COLUMNS)
    expected = _reference(clustered, "gebied")
    pd.testing.assert_frame_equal(got, expected)


def test_domains_that_cut_the_calibration_cells_take_the_general_road(raked):
    # calibration per wijk by sex: a domain of sex alone cuts every wijk
    values = raked.frame[COLUMNS].to_numpy(dtype=float)
    got = domain_means(raked, values, by="sex_by", proportion=PROPORTION, names=COLUMNS)
    pd.testing.assert_frame_equal(got, _reference(raked, "sex_by"))


def test_bad_shapes_and_methods_are_refused(raked):
    with pytest.raises(ValueError, match="values must be"):
        domain_means(raked, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="ci"):
        domain_means(raked, np.zeros((raked.n, 1)), ci="beta")


def test_all_levels_in_one_pass_are_each_levels_own_table(raked):
    # what the levels share is done once; each level's table is domain_means's, bit for bit
    values = raked.frame[COLUMNS].to_numpy(dtype=float)
    levels = [None, "gebied", "wijk", ["gebied", "sex_by"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        together = means_by_level(raked, values, levels, proportion=PROPORTION, names=COLUMNS)
        for by, table in zip(levels, together):
            pd.testing.assert_frame_equal(
                table, domain_means(raked, values, by=by, proportion=PROPORTION, names=COLUMNS))


def test_ratios_in_one_pass_equal_estimation_s_ratio_bit_for_bit(raked):
    frame = raked.frame
    rng = np.random.default_rng(5)
    below = rng.integers(0, 4, size=(raked.n, 2)).astype(float)
    above = np.floor(below * rng.random((raked.n, 2)) * 1.5)
    above[rng.random(raked.n) < 0.3, 0] = np.nan  # outside the first ratio's base
    below[rng.random(raked.n) < 0.2, 1] = np.nan
    below[(frame["gebied"] == frame["gebied"].iloc[0]).to_numpy(), 1] = np.nan  # a gebied without
    levels = [None, "gebied", "wijk"]
    data = raked.with_weights(raked.weights)
    data.frame = frame.assign(a0=above[:, 0], b0=below[:, 0], a1=above[:, 1], b1=below[:, 1])
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        got = ratios_by_level(raked, above, below, levels, names=["a0/b0", "a1/b1"])
    for by, table in zip(levels, got):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = pd.concat([estimation.ratio(data, f"a{k}", f"b{k}", by=by).assign(column=k)
                                  for k in range(2)], ignore_index=True)
        expected = expected[table.columns]
        pd.testing.assert_frame_equal(table, expected)  # the same numbers, not merely close
    assert any("'a1/b1': no answers in 1 domain(s)" in str(w.message) for w in ours)
