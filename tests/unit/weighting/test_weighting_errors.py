"""Bad input stops with a named error that says where (file, row, column, margin, category or
stratum) and what is wrong, never a traceback from deep inside numpy."""

import warnings

import numpy as np
import pandas as pd
import pytest

from weighting import calibration, estimation
from weighting.calibration import Margin
from weighting.design import Design
from weighting.errors import (
    ConvergenceError,
    DesignError,
    EmptyCellError,
    EstimationError,
    InfeasibleBoundsError,
    InputError,
    MarginCategoryError,
    MarginError,
    MarginTotalsError,
)


def frame():
    return pd.DataFrame({
        "wijk": ["Noord"] * 6 + ["Zuid"] * 6,
        "sex": ["man", "vrouw"] * 6,
        "age": ["jong", "jong", "oud", "oud", "jong", "oud"] * 2,
        "dw": [10.0] * 12,
    })


SEX = Margin(pd.DataFrame({"wijk": ["Noord", "Noord", "Zuid", "Zuid"], "sex": ["man", "vrouw"] * 2,
                           "total": [50, 55, 40, 45]}), "sex.csv")
AGE = Margin(pd.DataFrame({"wijk": ["Noord", "Noord", "Zuid", "Zuid"], "age": ["jong", "oud"] * 2,
                           "total": [60, 45, 50, 35]}), "age.csv")


def design(data=None):
    return Design(frame() if data is None else data, strata="wijk", design_weight="dw", source="respondents.csv")


def test_all_errors_are_input_errors():
    for cls in (DesignError, MarginError, MarginCategoryError, EmptyCellError, MarginTotalsError,
                ConvergenceError, InfeasibleBoundsError, EstimationError):
        assert issubclass(cls, InputError)


def test_sample_category_missing_from_margin():
    data = frame()
    data.loc[7, "sex"] = "x"
    with pytest.raises(MarginCategoryError) as err:
        calibration.rake(design(data), [SEX, AGE])
    message = str(err.value)
    assert message.startswith("respondents.csv row 8, column 'sex':")
    assert "'x'" in message and "sex.csv" in message and "man, vrouw" in message


def test_margin_category_without_respondents():
    age = Margin(pd.DataFrame({"wijk": ["Noord"] * 3 + ["Zuid"] * 3, "age": ["jong", "oud", "85+"] * 2,
                               "total": [60, 40, 5, 50, 30, 5]}), "age.csv")
    with pytest.raises(EmptyCellError) as err:
        calibration.rake(design(), [SEX, age])
    assert str(err.value).startswith("age.csv: wijk='Noord', age='85+' has population total 5 but no respondents")


def test_margin_with_zero_population_but_respondents():
    sex = Margin(pd.DataFrame({"wijk": ["Noord", "Noord", "Zuid", "Zuid"], "sex": ["man", "vrouw"] * 2,
                               "total": [0, 105, 40, 45]}), "sex.csv")
    with pytest.raises(MarginCategoryError, match=r"sex.csv: wijk='Noord', sex='man' has population total 0 but 3 respondents"):
        calibration.rake(design(), [sex, AGE])


def test_margins_disagree_per_stratum():
    # Zuid: 85 by sex, 95 by age (about 10% apart)
    age = Margin(pd.DataFrame({"wijk": ["Noord", "Noord", "Zuid", "Zuid"], "age": ["jong", "oud"] * 2,
                               "total": [60, 45, 60, 35]}), "age.csv")
    with pytest.raises(MarginTotalsError) as err:
        calibration.rake(design(), [SEX, age])
    assert str(err.value) == ("age.csv: disagrees with margin sex.csv on the total for wijk='Zuid': 95 here, "
                              "85 there (10.5% apart, tolerance 1e-06); margins must describe the same population")
    with pytest.raises(MarginTotalsError):
        calibration.calibrate(design(), [SEX, age])


def test_r_is_silent_we_warn_when_asked():
    # R's rake accepts margins 10% apart: the last margin wins and the first stays 10% off.
    # We stop (above) or, with on_mismatch="warn", warn and report the gap in the diagnostics.
    data = pd.DataFrame({"sex": ["man", "vrouw", "man", "vrouw"], "age": ["jong", "jong", "oud", "oud"]})
    sex = Margin(pd.DataFrame({"sex": ["man", "vrouw"], "total": [50, 50]}), "sex.csv")
    age = Margin(pd.DataFrame({"age": ["jong", "oud"], "total": [55, 55]}), "age.csv")
    with pytest.warns(UserWarning, match="margin totals disagree"):
        raked = calibration.rake(Design(data), [sex, age], on_mismatch="warn")
    w = raked.weights
    assert w.sum() == pytest.approx(110)  # the last margin wins, as in R
    assert raked.diagnostics["max_margin_gap"] == pytest.approx(5)  # sex: 55 instead of 50 per cell
    gaps = raked.diagnostics["margin_disagreements"]
    assert gaps[0]["total_a"] == 100 and gaps[0]["total_b"] == 110


def test_raking_that_does_not_converge_names_the_worst_cell():
    with pytest.raises(ConvergenceError) as err:
        calibration.rake(design(), [SEX, AGE], maxit=1)
    message = str(err.value)
    assert "raking did not converge in 1 iterations" in message
    assert "wijk=" in message and ("sex.csv" in message or "age.csv" in message)


def test_infeasible_bounds():
    with pytest.raises(InfeasibleBoundsError) as err:
        calibration.calibrate(design(), [SEX, AGE], calfun="logit", bounds=(0.95, 1.05))
    message = str(err.value)
    assert "cannot meet the margins" in message and "bounds (0.95, 1.05)" in message
    assert message.split(":")[0] in ("sex.csv", "age.csv") and "wijk=" in message


def test_r_only_warns_on_failed_bounded_calibration_we_stop_unless_asked():
    # R's calibrate(..., calfun="logit", bounds=) warns "Failed to converge" and returns weights
    # that miss the margins; we raise (above), or warn and report the gap when asked to
    with pytest.warns(UserWarning, match="cannot meet the margins"):
        cal = calibration.calibrate(design(), [SEX, AGE], calfun="logit", bounds=(0.95, 1.05),
                                    on_nonconvergence="warn")
    assert cal.diagnostics["converged"] is False
    assert cal.diagnostics["max_margin_gap"] > 1
    g = cal.weights / 10.0
    assert g.min() >= 0.95 and g.max() <= 1.05
    with pytest.warns(UserWarning, match="raking did not converge"):
        raked = calibration.rake(design(), [SEX, AGE], maxit=1, on_nonconvergence="warn")
    assert raked.diagnostics["converged"] is False


def test_logit_needs_finite_bounds():
    with pytest.raises(InfeasibleBoundsError, match="needs finite bounds"):
        calibration.calibrate(design(), [SEX, AGE], calfun="logit")


def test_design_errors():
    data = frame()
    data.loc[4, "dw"] = -2.0
    with pytest.raises(DesignError, match=r"respondents.csv row 5, column 'dw': -2.0 is not a positive number"):
        design(data)
    with pytest.raises(DesignError, match=r"column 'gewicht' is not in the data"):
        Design(frame(), design_weight="gewicht")
    data = frame()
    data["N"] = np.where(data["wijk"] == "Noord", 4, 100)
    with pytest.raises(DesignError, match="stratum 'Noord': population size 4 is smaller than the 6 sampled units"):
        Design(data, strata="wijk", fpc="N")


def test_lonely_psu():
    data = frame().iloc[:7]  # Zuid keeps one respondent
    d = Design(data, strata="wijk", design_weight="dw", source="respondents.csv")
    with pytest.raises(DesignError, match="stratum 'Zuid' has only one PSU"):
        estimation.mean(d, "dw")
    lenient = Design(data, strata="wijk", design_weight="dw", lonely_psu="remove")
    assert estimation.mean(lenient, "dw")["se"][0] == 0


def test_lonely_psu_of_a_numbered_stratum_names_the_number():
    # strata coded as numbers (the report's wijk_code): the message says 12, not np.int64(12)
    data = frame().iloc[:7].assign(code=lambda f: np.where(f["wijk"] == "Zuid", 12, 3))
    d = Design(data, strata="code", design_weight="dw", source="respondents.csv")
    with pytest.raises(DesignError, match=r"stratum 12 has only one PSU") as caught:
        estimation.mean(d, "dw")
    assert "np." not in str(caught.value)


def test_margin_without_total_column():
    with pytest.raises(MarginError, match="age.csv: no column 'total'"):
        Margin(pd.DataFrame({"age": ["jong"], "aantal": [3]}), "age.csv")
    with pytest.raises(MarginError, match=r"age.csv row 2, column 'total': total 'veel' is not a number >= 0"):
        Margin(pd.DataFrame({"age": ["jong", "oud"], "total": [3, "veel"]}), "age.csv")


def test_margin_variable_not_in_data():
    bad = Margin(pd.DataFrame({"buurt": ["a"], "total": [3]}), "buurt.csv")
    with pytest.raises(MarginError, match="buurt.csv column 'buurt': variable 'buurt' is not a column of the data respondents.csv"):
        calibration.rake(design(), [bad])


def test_estimation_errors():
    d = design()
    with pytest.raises(EstimationError, match="variable 'cijfer' is not a column"):
        estimation.mean(d, "cijfer")
    with pytest.raises(EstimationError, match=r"row 1, column 'sex': 'man' is not a number"):
        estimation.mean(d, "sex")
    with pytest.raises(EstimationError, match="none of the values 'x' occurs"):
        estimation.proportion(d, "sex", ["x"])
    with pytest.raises(EstimationError, match="ci: 'exact' is not one of"):
        estimation.proportion(d, "sex", ["man"], ci="exact")


def test_no_warnings_on_good_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        raked = calibration.rake(design(), [SEX, AGE])
        estimation.mean(raked, "dw", by="wijk")
