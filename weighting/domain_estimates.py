"""Many means or proportions by domain in one pass: an indicator matrix (respondents x
indicators, NaN outside an indicator's base) against the weights and the domain incidence.

`domain_means(design, Y, by=...)` returns, for every column of `Y` and every domain, what
`weighting.estimation.mean` (or `proportion(..., [1], ci=...)` for a 0/1 column) returns for
that column alone: estimate, se, ci_low, ci_high, n, deff, df. The sums per domain and column
are one `bincount` over (domain, column) keys, in the same respondent order as the one-column
functions, so estimates, counts, design effects' parts and degrees of freedom are the very
same floating-point numbers; the influence values of all columns are residualised after the
calibration as one matrix (`weighting.variance.residualize`) and summed per (stratum, domain,
column) in one product, so a standard error can differ from the one-column result in its last
bits only (summation order). Designs the stacked variance does not cover (first-stage
clusters; domains that cut a calibration cell) go column by column through
`weighting.estimation`, so the result is always the one-column result.

The report estimates about a hundred indicators for the city, 14 gebieden and 71 wijken this
way in well under a second, where the column-by-column loop took about fifteen.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from weighting import estimation
from weighting.design import Design
from weighting.variance import _combine, domain_attribution, residualize

__all__ = ["domain_means"]

COLUMNS = ["column", *estimation.COLUMNS]


def domain_means(design: Design, values: np.ndarray, *, by=None, proportion=None,
                 ci: str = "logit", level: float = 0.95, names=None) -> pd.DataFrame:
    """Weighted means of every column of `values` per domain, with linearised standard errors.

    Args:
        design: a (calibrated) design over the same rows as `values`.
        values: n x K floats; NaN leaves the respondent out of that column's estimate (R's
            `na.rm=TRUE`).
        by: None (whole population), a column of the design's frame or a list of them.
        proportion: K booleans: a True column is a 0/1 indicator whose interval is R's
            `svyciprop(method=ci)` (only 'logit', 'xlogit' and 'mean' here); a False column a
            mean with estimate ± z se. Default: every column a mean.
        ci: the interval method of the proportions.
        level: confidence level.
        names: K column names for messages (default: column 0, 1, ...).

    Returns:
        DataFrame with the by columns, `column` (0..K-1), estimate, se, ci_low, ci_high, n,
        deff, df: one row per column and domain, by column then domain (the order of
        `weighting.estimation`); a domain without answers in a column keeps its row with
        n = 0 and no estimate, with a warning per column, as `weighting.estimation` does.

    Raises:
        EstimationError: a column without a single answer (as `weighting.estimation`).

    >>> d = Design(pd.DataFrame({"g": ["a", "a", "b", "b"]}))
    >>> y = np.array([[1.0, 2.0], [3.0, np.nan], [5.0, 6.0], [7.0, 8.0]])
    >>> domain_means(d, y, by="g")[["g", "column", "estimate", "n"]].values.tolist()
    [['a', 0, 2.0, 2], ['b', 0, 6.0, 2], ['a', 1, 2.0, 1], ['b', 1, 7.0, 2]]
    """
    Y = np.asarray(values, dtype=float)
    if Y.ndim != 2 or Y.shape[0] != design.n:
        raise ValueError(f"values must be {design.n} x K, not {Y.shape}")
    K = Y.shape[1]
    proportion = np.zeros(K, dtype=bool) if proportion is None else np.asarray(proportion, bool)
    if ci not in ("logit", "xlogit", "mean"):
        raise ValueError(f"ci: {ci!r}; the one-pass estimator does logit, xlogit and mean")
    names = [f"column {k}" for k in range(K)] if names is None else list(names)
    d, labels = estimation._domains(design, by)
    D = len(labels)
    answered = ((d >= 0)[:, None] & ~np.isnan(Y)).any(axis=0)
    if not answered.all():
        # estimation's own error, naming the column
        k = int(np.flatnonzero(~answered)[0])
        estimation.mean(_one_column(design, Y[:, k], names[k]), names[k], by=by, level=level)
    one_stage = (design.cluster_column is None and len(design.stages) == 1
                 and design.replicates is None)
    owner = domain_attribution(design, d) if one_stage else None
    if owner is None:
        return _column_by_column(design, Y, by, proportion, ci, level, names)

    w = design.weights
    valid = (d >= 0)[:, None] & ~np.isnan(Y)
    rows, cols = np.nonzero(valid)  # row-major: per column, respondents in their order
    key = d[rows] * K + cols
    wv, yv = w[rows], Y[rows, cols]

    def sums(weights):
        return np.bincount(key, weights=weights, minlength=D * K).reshape(D, K)

    W = sums(wv)
    n = np.bincount(key, minlength=D * K).reshape(D, K).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = sums(wv * yv) / W
        # the influence values as one dense product (the same operations per element as the
        # sums above, so the same numbers; a scatter into the valid cells is slower)
        at = np.where(d >= 0, d, 0)
        z = np.where(valid, w[:, None] * (Y - est[at]) / W[at], 0.0)
        var = _variance(design, residualize(design, z), owner, D, K)
        se = np.sqrt(var)
        # design effect as `estimation._core` (Kish 1965), with u = y for a mean
        s2 = sums(wv * (yv - est.ravel()[key]) ** 2) / W * n / (n - 1)
        vsrs = s2 * (W - n) / (W * n)
        deff = np.where((vsrs > 0) & (W >= n), var / vsrs, np.nan)
    # R's svyby counts degrees of freedom on the domain's rows, answered or not
    df = np.repeat(estimation._domain_df(design, d, D)[:, None], K, axis=1)

    q = stats.norm.ppf(0.5 + level / 2)
    low, high = est - q * se, est + q * se
    if proportion.any():
        p, s = est[:, proportion], se[:, proportion]
        with np.errstate(divide="ignore", invalid="ignore"):
            dfp = df[:, proportion]
            t = stats.t.ppf(1 - (1 - level) / 2, np.where(dfp > 0, dfp, np.nan))
            if ci == "mean":
                lo, hi = p - t * s, p + t * s
            else:
                eta = np.log(p / (1 - p))
                h = t * s / (p * (1 - p))
                lo, hi = estimation._expit(eta - h), estimation._expit(eta + h)
        low[:, proportion], high[:, proportion] = lo, hi

    empty = n == 0
    for table in (est, se, low, high, deff):
        table[empty] = np.nan
    for k in np.flatnonzero(empty.any(axis=0)):
        domains = np.flatnonzero(empty[:, k])
        shown = [", ".join(map(str, labels.iloc[i].tolist())) for i in domains[:5]]
        more = f" and {domains.size - 5} more" if domains.size > 5 else ""
        warnings.warn(f"{design.source}: {names[k]!r}: no answers in {domains.size} domain(s) "
                      f"({'; '.join(shown)}{more}); their rows have n = 0 and no estimate",
                      stacklevel=2)
    column, domain = np.meshgrid(np.arange(K), np.arange(D))  # out: by column, then domain
    out = labels.iloc[domain.T.ravel()].reset_index(drop=True)
    out["column"] = column.T.ravel()
    for name, table in (("estimate", est), ("se", se), ("ci_low", low), ("ci_high", high)):
        out[name] = table.T.ravel()
    out["n"] = n.T.ravel().astype(int)
    out["deff"] = deff.T.ravel()
    out["df"] = df.T.ravel()
    return out


def _variance(design: Design, r: np.ndarray, owner: np.ndarray, D: int, K: int) -> np.ndarray:
    """`variance.stacked_domain_variance` for every column of the residuals `r` at once
    (one-stage designs without clusters). A calibration component whose respondents are all
    outside a column's base has residuals 0 there, so attributing it to its domain adds
    nothing."""
    stage = design.stages[0]
    H = len(stage.stratum_labels)
    inside = owner >= 0
    cells = stage.stratum_codes * D + np.where(inside, owner, 0)
    r = np.where(inside[:, None], r, 0.0)
    incidence = sp.csr_matrix((np.ones(design.n), (cells, np.arange(design.n))),
                              shape=(H * D, design.n))
    S1 = np.asarray(incidence @ r).reshape(H, D * K)
    S2 = np.asarray(incidence @ (r * r)).reshape(H, D * K)
    return np.clip(_combine(design, stage, S1, S2), 0.0, None).reshape(D, K)


def _one_column(design: Design, y: np.ndarray, name: str) -> Design:
    single = design.with_weights(design.weights)
    single.frame = design.frame.assign(**{name: y})
    return single


def _column_by_column(design, Y, by, proportion, ci, level, names) -> pd.DataFrame:
    """The general road: each column through `weighting.estimation`."""
    tables = []
    for k in range(Y.shape[1]):
        single = _one_column(design, Y[:, k], names[k])
        if proportion[k]:
            table = estimation.proportion(single, names[k], [1], by=by, ci=ci, level=level)
        else:
            table = estimation.mean(single, names[k], by=by, level=level)
        table.insert(len(table.columns) - len(estimation.COLUMNS), "column", k)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)
