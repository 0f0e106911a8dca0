"""The publication rule and the change tests (issue 14), on numbers checked by hand or against
the textbook values cited."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from survey.report.change import indicator_change, newcombe_interval
from survey.report.publication import (PublicationRule, apply_small_cells, benjamini_hochberg,
                                       flag_summary)


def _share(hits, n, level="wijk", domain="a", indicator="onveilig"):
    p = hits / n
    return {"indicator": indicator, "level": level, "domain": domain, "kind": "proportion",
            "estimate": p, "se": np.sqrt(p * (1 - p) / n), "n": n,
            "ci_low": np.nan if p in (0, 1) else p - 0.1, "ci_high": np.nan if p in (0, 1) else p + 0.1}


def test_newcombe_reproduces_his_published_example():
    # Newcombe (1998), Statistics in Medicine 17, 873-890, table II, example (a):
    # 56/70 against 48/80, method 10: 0.0524 to 0.3339
    low, high = newcombe_interval(np.array([56 / 70]), np.array([70.0]), np.array([48 / 80]), np.array([80.0]), stats.norm.ppf(0.975))
    assert low[0] == pytest.approx(0.0524, abs=5e-5) and high[0] == pytest.approx(0.3339, abs=5e-5)


def test_a_change_from_zero_is_not_flagged_on_a_small_sample():
    # 4 of 30 against 0 of 30: the z test on the estimates' standard errors says z = 2.15
    # (the SE at 0% is 0), Fisher's exact test p = 0.11; Newcombe's interval includes 0
    now = pd.DataFrame([_share(4, 30)])
    before = pd.DataFrame([_share(0, 30)])
    z_naive = now["estimate"][0] / now["se"][0]
    assert z_naive > 1.96
    assert stats.fisher_exact([[4, 26], [0, 30]])[1] == pytest.approx(0.112, abs=1e-3)
    row = indicator_change(apply_small_cells(now, PublicationRule()),
                           apply_small_cells(before, PublicationRule())).iloc[0]
    assert row["change_test"] == "Newcombe-Wilson (effectieve n)"
    assert row["change_ci_low"] < 0 < row["change_ci_high"]
    assert row["p"] > 0.05 and not bool(row["significant"])


def test_in_large_samples_newcombe_agrees_with_the_z_test():
    now = pd.DataFrame([_share(680, 2000, level="stad", domain="Rotterdam")])
    before = pd.DataFrame([_share(600, 2000, level="stad", domain="Rotterdam")])
    row = indicator_change(now, before).iloc[0]
    z = 0.04 / np.hypot(now["se"][0], before["se"][0])
    assert row["z"] == pytest.approx(z, rel=0.02) and bool(row["significant"])


def test_small_cells_are_not_published_and_not_tested():
    rule = PublicationRule(min_n=30, indicative_n=100)
    now = pd.DataFrame([_share(5, 12, domain="a"), _share(10, 40, domain="b"), _share(50, 200, domain="c")])
    before = pd.DataFrame([_share(1, 40, domain="a"), _share(2, 20, domain="b"), _share(30, 200, domain="c")])
    published_now = apply_small_cells(now, rule)
    assert published_now["suppressed"].tolist() == ["minder dan 30 respondenten (n = 12)", "", ""]
    assert published_now["indicative"].tolist() == [False, True, False]
    assert published_now.loc[0, ["estimate", "se", "ci_low", "ci_high"]].isna().all()
    result = indicator_change(published_now, apply_small_cells(before, rule), rule=rule)
    assert result["change_test"].tolist()[:2] == ["geen toets: een van beide schattingen niet gepubliceerd"] * 2
    assert result["significant"].isna().tolist() == [True, True, False]
    assert np.isnan(result["change"][0]) and np.isnan(result["p"][1])


def test_an_estimate_at_zero_gets_an_exact_interval_on_its_effective_size():
    # 0 of 60 with Kish deff 1.5: effective 40; Clopper-Pearson upper limit 1 - 0.025^(1/40)
    table = pd.DataFrame([_share(0, 60)])
    kish = pd.Series([1.5], index=pd.MultiIndex.from_tuples([("wijk", "a")], names=["level", "domain"]))
    out = apply_small_cells(table, PublicationRule(), kish)
    assert out["ci_low"][0] == 0 and out["ci_high"][0] == pytest.approx(1 - 0.025 ** (1 / 40))


def test_benjamini_hochberg_by_hand():
    # p sorted 0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205 (m = 8); q = min over
    # later ranks of p m / rank: 0.008, 0.032, 0.0672 (5 x 0.042/... ), ...
    p = np.array([0.042, 0.001, 0.06, 0.008, 0.039, 0.074, 0.041, 0.205])
    q = benjamini_hochberg(p)
    by_rank = dict(zip(np.sort(p), q[np.argsort(p)]))
    assert by_rank[0.001] == pytest.approx(0.008)
    assert by_rank[0.008] == pytest.approx(0.032)
    assert by_rank[0.039] == pytest.approx(0.042 * 8 / 5)  # the minimum over ranks 3..8
    assert by_rank[0.205] == pytest.approx(0.205)


def test_flags_follow_fdr_per_level_and_chance_is_counted():
    rng = np.random.default_rng(5)
    rows_now, rows_before = [], []
    for i in range(200):  # nothing changed in 200 wijken
        hits = rng.binomial(400, 0.3, size=2)
        rows_now.append(_share(hits[0], 400, domain=f"w{i}"))
        rows_before.append(_share(hits[1], 400, domain=f"w{i}"))
    rule = PublicationRule()
    result = indicator_change(pd.DataFrame(rows_now).assign(suppressed=""), pd.DataFrame(rows_before), rule=rule)
    raw = int((result["p"] < 0.05).sum())
    assert raw > 0  # chance alone flags some at p < 5% ...
    assert int(result["significant"].sum()) < raw  # ... which FDR control takes back
    summary = flag_summary(result, rule).set_index("level")
    assert summary.loc["wijk", "tests"] == 200 and summary.loc["wijk", "expected_by_chance"] == 10
    assert summary.loc["wijk", "raw_p_below_alpha"] == raw
    unadjusted = indicator_change(pd.DataFrame(rows_now), pd.DataFrame(rows_before),
                                  rule=PublicationRule(multiple_testing="none"))
    assert int(unadjusted["significant"].sum()) == raw
    assert np.allclose(unadjusted["p"], result["p"], equal_nan=True)  # p stays raw


def test_the_rule_is_a_setting():
    rule = PublicationRule.from_environment({"REPORT_MIN_N": "50", "REPORT_INDICATIVE_N": "150",
                                             "REPORT_MULTIPLE_TESTING": "none"})
    assert (rule.min_n, rule.indicative_n, rule.multiple_testing) == (50, 150, "none")
    with pytest.raises(ValueError, match="multiple_testing: 'bonf'"):
        PublicationRule(multiple_testing="bonf")
