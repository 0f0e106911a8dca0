"""What the report publishes: the small-cell rule and the multiple-testing rule, one for the
report's pages, its charts and its tables (CSV, Excel, SPSS).

Settings (`wijkprofiel report` options, or the environment; defaults in brackets):

| setting | option | meaning |
|---|---|---|
| REPORT_MIN_N | `--min-n` | an estimate on fewer respondents is not published: its value, interval and change are empty and `suppressed` gives the reason [30] |
| REPORT_INDICATIVE_N | `--indicative-n` | an estimate on fewer respondents than this (and at least REPORT_MIN_N) is published as indicative (`indicative`, marked * in the report) [100] |
| REPORT_MULTIPLE_TESTING | `--multiple-testing` | `fdr`: a change is flagged when its Benjamini-Hochberg q-value, over all tests of its level (wijk, gebied, stad), is below 5%; `none`: when its own p-value is [fdr] |
| REPORT_INDEX_REPLICATES | `--index-replicates` | bootstrap replicates for the index scores' standard errors and intervals (`weighting.score_uncertainty`); 0 leaves them out [100] |

The thresholds follow the usual practice of statistical offices for survey cells (CBS publishes
no Veiligheidsmonitor figure on fewer than 30 respondents and marks small bases); the FDR rule is
Benjamini & Hochberg (1995). At 0% or 100% the logit interval does not exist (the estimate's
standard error is 0); there the report gives the Clopper-Pearson interval on the effective
sample size n / deff, deff Kish's design effect of the area's weights (Korn & Graubard 1998), so
that such an area is not drawn as the most precise one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

MULTIPLE_TESTING = ("fdr", "none")
SUPPRESSED_VALUES = ("estimate", "se", "ci_low", "ci_high", "deff", "unweighted")


@dataclass(frozen=True)
class PublicationRule:
    """The small-cell and multiple-testing rule (see the module docstring).

    >>> PublicationRule().min_n, PublicationRule().indicative_n, PublicationRule().multiple_testing
    (30, 100, 'fdr')
    """

    min_n: int = 30
    indicative_n: int = 100
    multiple_testing: str = "fdr"
    alpha: float = 0.05
    index_replicates: int = 100

    def __post_init__(self):
        if self.min_n < 1 or self.indicative_n < self.min_n:
            raise ValueError(f"the small-cell rule needs 1 <= min_n ({self.min_n}) <= indicative_n ({self.indicative_n})")
        if self.index_replicates != 0 and self.index_replicates < 2:
            raise ValueError(f"index_replicates: {self.index_replicates} should be 0 (none) or at least 2")
        if self.multiple_testing not in MULTIPLE_TESTING:
            raise ValueError(f"multiple_testing: {self.multiple_testing!r} is not one of {', '.join(MULTIPLE_TESTING)}")

    @classmethod
    def from_environment(cls, environ=None) -> "PublicationRule":
        """The rule from REPORT_MIN_N, REPORT_INDICATIVE_N and REPORT_MULTIPLE_TESTING."""
        environ = os.environ if environ is None else environ
        default = cls()
        return cls(min_n=int(environ.get("REPORT_MIN_N", default.min_n)),
                   indicative_n=int(environ.get("REPORT_INDICATIVE_N", default.indicative_n)),
                   multiple_testing=environ.get("REPORT_MULTIPLE_TESTING", default.multiple_testing),
                   index_replicates=int(environ.get("REPORT_INDEX_REPLICATES", default.index_replicates)))

    def describe(self) -> str:
        tests = ("Benjamini-Hochberg (FDR 5%) per niveau" if self.multiple_testing == "fdr"
                 else "zonder correctie voor meervoudig toetsen (p < 5%)")
        return (f"minder dan {self.min_n} respondenten: niet gepubliceerd; {self.min_n} tot "
                f"{self.indicative_n}: indicatief; verschillen gemarkeerd volgens {tests}")


def apply_small_cells(indicators: pd.DataFrame, rule: PublicationRule,
                      kish: pd.Series | None = None) -> pd.DataFrame:
    """The indicator table as published: `suppressed` (the reason, or empty) and `indicative`
    added, the values of suppressed rows emptied, and intervals at 0% or 100% (where the
    logit interval does not exist) replaced by Clopper-Pearson on the effective sample size.

    Args:
        indicators: one row per indicator and domain, with n, kind, estimate, ci_low, ci_high.
        rule: the rule.
        kish: Kish's design effect of the weights per (level, domain), for the effective n at
            the boundary (1 where unknown).

    >>> t = pd.DataFrame({"level": ["wijk"] * 3, "domain": ["a", "b", "c"], "kind": ["proportion"] * 3,
    ...                   "n": [12, 40, 200], "estimate": [0.5, 0.0, 0.3], "se": [0.1, 0.0, 0.03],
    ...                   "ci_low": [0.3, np.nan, 0.25], "ci_high": [0.7, np.nan, 0.35]})
    >>> out = apply_small_cells(t, PublicationRule())
    >>> out["suppressed"].tolist(), out["indicative"].tolist()
    (['minder dan 30 respondenten (n = 12)', '', ''], [False, True, False])
    >>> round(float(out.loc[1, "ci_high"]), 4)  # 0 of 40: Clopper-Pearson upper limit
    0.0881
    """
    table = indicators.copy()
    n = table["n"].fillna(0).astype(int)
    reason = np.where(n == 0, "geen antwoorden",
                      np.where(n < rule.min_n, [f"minder dan {rule.min_n} respondenten (n = {k})" for k in n], ""))
    table["suppressed"] = reason
    table["indicative"] = (n >= rule.min_n) & (n < rule.indicative_n)
    hidden = table["suppressed"] != ""
    for column in SUPPRESSED_VALUES:
        if column in table:
            table.loc[hidden, column] = np.nan
    boundary = (~hidden & (table["kind"] == "proportion") & table["estimate"].isin([0.0, 1.0])
                & (table["ci_low"].isna() | table["ci_high"].isna() | (table["se"] == 0)))
    if boundary.any():
        deff = 1.0
        if kish is not None:
            keys = pd.MultiIndex.from_frame(table.loc[boundary, ["level", "domain"]])
            deff = kish.reindex(keys).fillna(1.0).clip(lower=1.0).to_numpy()
        n_eff = n[boundary].to_numpy() / deff
        low, high = clopper_pearson(table.loc[boundary, "estimate"].to_numpy(), n_eff)
        table.loc[boundary, "ci_low"] = low
        table.loc[boundary, "ci_high"] = high
    return table


def clopper_pearson(p, n, level: float = 0.95):
    """Exact binomial interval for a share p on n (possibly fractional) respondents.

    >>> [round(float(v), 4) for v in clopper_pearson(np.array([0.0]), np.array([40.0]))[1]]
    [0.0881]
    """
    alpha = 1 - level
    x = p * n
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        high = np.where(x < n, stats.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
    return low, high


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini & Hochberg (1995) adjusted p-values (q); NaN stays NaN.

    >>> [round(float(v), 3) for v in benjamini_hochberg(np.array([0.01, 0.04, 0.03, np.nan]))]
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    if ok.size == 0:
        return q
    order = ok[np.argsort(p[ok], kind="stable")]
    m = ok.size
    ranked = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q


def flag_changes(table: pd.DataFrame, rule: PublicationRule) -> pd.DataFrame:
    """`q` per level (Benjamini-Hochberg over the level's tests) and `significant` by the rule;
    rows without a test keep `significant` empty."""
    table = table.copy()
    table["q"] = np.nan
    for _, rows in table.groupby("level", sort=False).groups.items():
        table.loc[rows, "q"] = benjamini_hochberg(table.loc[rows, "p"].to_numpy(dtype=float))
    decide = table["q"] if rule.multiple_testing == "fdr" else table["p"]
    significant = (decide < rule.alpha).where(table["p"].notna())
    table["significant"] = significant.astype("boolean")
    return table


def flag_summary(table: pd.DataFrame, rule: PublicationRule) -> pd.DataFrame:
    """Per level: tests made, changes flagged, those p alone would flag, and how many flags
    chance alone gives when nothing changed (alpha x tests)."""
    rows = []
    for level in ("stad", "gebied", "wijk"):
        part = table[(table["level"] == level) & table["p"].notna()]
        tested = len(part)
        rows.append({"level": level, "tests": tested,
                     "flagged": int(part["significant"].fillna(False).astype(bool).sum()),
                     "raw_p_below_alpha": int((part["p"] < rule.alpha).sum()),
                     "expected_by_chance": rule.alpha * tested,
                     "suppressed": int((table["level"] == level).sum() and
                                       (table.loc[table["level"] == level, "suppressed"] != "").sum())})
    return pd.DataFrame(rows)
