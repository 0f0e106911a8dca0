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

__all__ = ["domain_means", "means_by_level", "ratios_by_level"]

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
    return means_by_level(design, values, [by], proportion=proportion, ci=ci, level=level,
                          names=names)[0]


def means_by_level(design: Design, values: np.ndarray, levels, *, proportion=None,
                   ci: str = "logit", level: float = 0.95, names=None) -> list:
    """`domain_means` for every `by` in `levels` (the city, gebieden, wijken, ...) in one pass:
    what does not depend on the domains (which cells answered, their weights and values, the
    work buffers) is done once for all levels; each level then costs its sums, its influence
    values and their residuals. Returns one table per level, each exactly `domain_means`'s.

    >>> d = Design(pd.DataFrame({"g": ["a", "a", "b", "b"]}))
    >>> y = np.array([[1.0], [3.0], [5.0], [7.0]])
    >>> [t["estimate"].tolist() for t in means_by_level(d, y, [None, "g"])]
    [[4.0], [2.0, 6.0]]
    """
    Y = np.asarray(values, dtype=float)
    if Y.ndim != 2 or Y.shape[0] != design.n:
        raise ValueError(f"values must be {design.n} x K, not {Y.shape}")
    K = Y.shape[1]
    proportion = np.zeros(K, dtype=bool) if proportion is None else np.asarray(proportion, bool)
    if ci not in ("logit", "xlogit", "mean"):
        raise ValueError(f"ci: {ci!r}; the one-pass estimator does logit, xlogit and mean")
    names = [f"column {k}" for k in range(K)] if names is None else list(names)
    one_stage = _one_stage(design)
    cells = _AnsweredCells(design, Y) if one_stage else None
    tables = []
    for by in levels:
        d, labels = estimation._domains(design, by)
        answered = cells.answered(d) if cells is not None else (
            (d >= 0)[:, None] & ~np.isnan(Y)).any(axis=0)
        if not answered.all():
            # estimation's own error, naming the column
            k = int(np.flatnonzero(~answered)[0])
            estimation.mean(_one_column(design, Y[:, k], names[k]), names[k], by=by, level=level)
        owner = domain_attribution(design, d) if one_stage else None
        if owner is None:
            tables.append(_column_by_column(design, Y, by, proportion, ci, level, names))
        else:
            tables.append(_one_level(design, cells, d, labels, owner, proportion, ci, level,
                                     names))
    return tables


def _one_stage(design: Design) -> bool:
    """A design the one-pass sums serve: one stage, no clusters, no replicate weights."""
    return design.cluster_column is None and len(design.stages) == 1 and design.replicates is None


class _AnsweredCells:
    """The answered cells of an indicator matrix (row-major: per respondent, its columns), their
    weights and values, and two n x K work buffers: the same for every level."""

    def __init__(self, design: Design, Y: np.ndarray):
        self.Y = np.ascontiguousarray(Y)
        self.n, self.K = self.Y.shape
        self.missing = np.isnan(self.Y)
        flat = np.flatnonzero(~self.missing)
        self.rows, self.cols = np.divmod(flat, self.K)
        self.w = design.weights
        self.wv = self.w[self.rows]
        self.yv = self.Y.ravel()[flat]
        self.wy = self.wv * self.yv
        self._answered = (~self.missing).any(axis=0)
        self.buffers = (np.empty_like(self.Y), np.empty_like(self.Y))

    def answered(self, d: np.ndarray) -> np.ndarray:
        if (d >= 0).all():
            return self._answered
        return ((d >= 0)[:, None] & ~self.missing).any(axis=0)

    def in_domains(self, d: np.ndarray):
        """(cells' positions kept or None for all, each kept cell's domain)."""
        dr = d[self.rows]
        if (d >= 0).all():
            return None, dr
        keep = np.flatnonzero(dr >= 0)
        return keep, dr[keep]


def _one_level(design: Design, cells: _AnsweredCells, d: np.ndarray, labels: pd.DataFrame,
               owner: np.ndarray, proportion, ci: str, level: float, names) -> pd.DataFrame:
    """One level's table from the shared cells (one-stage designs whose domains do not cut a
    calibration component)."""
    D, K = len(labels), cells.K
    keep, dr = cells.in_domains(d)
    cols, wv, yv, wy = ((cells.cols, cells.wv, cells.yv, cells.wy) if keep is None else
                        (cells.cols[keep], cells.wv[keep], cells.yv[keep], cells.wy[keep]))
    key = dr * K + cols  # per column, respondents in their order: the one-column sums' order

    def sums(weights):
        return np.bincount(key, weights=weights, minlength=D * K).reshape(D, K)

    W = sums(wv)
    n = np.bincount(key, minlength=D * K).reshape(D, K).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = sums(wy) / W
        # the influence values w (y - est) / W of every cell as one dense n x K matrix, built
        # in the shared buffers (the same operations per element as the one-column road, so the
        # same numbers), 0 outside a column's base
        at = np.where(d >= 0, d, 0)
        z, scale = cells.buffers
        np.take(est, at, axis=0, out=z)
        np.subtract(cells.Y, z, out=z)
        np.multiply(z, cells.w[:, None], out=z)
        np.take(W, at, axis=0, out=scale)
        np.divide(z, scale, out=z)
        outside = cells.missing if keep is None else cells.missing | (d < 0)[:, None]
        np.copyto(z, 0.0, where=outside)
        var = _variance(design, residualize(design, z), owner, D, K)
        se = np.sqrt(var)
        # design effect as `estimation._core` (Kish 1965), with u = y for a mean
        s2 = sums(wv * (yv - est.ravel()[key]) ** 2) / W * n / (n - 1)
        vsrs = s2 * (W - n) / (W * n)
        deff = np.where((vsrs > 0) & (W >= n), var / vsrs, np.nan)
    # R's svyby counts degrees of freedom on the domain's rows, answered or not
    df_domain = estimation._domain_df(design, d, D)
    df = np.repeat(df_domain[:, None], K, axis=1)

    q = stats.norm.ppf(0.5 + level / 2)
    low, high = est - q * se, est + q * se
    if proportion.any():
        p, s = est[:, proportion], se[:, proportion]
        with np.errstate(divide="ignore", invalid="ignore"):
            # one quantile per domain (every column of a domain has its degrees of freedom)
            t = stats.t.ppf(1 - (1 - level) / 2, np.where(df_domain > 0, df_domain, np.nan))[:, None]
            if ci == "mean":
                lo, hi = p - t * s, p + t * s
            else:
                eta = np.log(p / (1 - p))
                h = t * s / (p * (1 - p))
                lo, hi = estimation._expit(eta - h), estimation._expit(eta + h)
        low[:, proportion], high[:, proportion] = lo, hi

    return _level_table(design, labels, names, est, se, low, high, n, deff, df)


def ratios_by_level(design: Design, numerators: np.ndarray, denominators: np.ndarray, levels, *,
                    level: float = 0.95, names=None) -> list:
    """Ratios sum w y / sum w x of every column pair of `numerators` and `denominators` (n x K
    each) per domain of every `by` in `levels`, with linearised standard errors: for each level
    the table `weighting.estimation.ratio` gives column by column (its columns with `column`
    0..K-1 after the by columns, by column then domain), in one pass over the columns. A
    respondent counts in a column where both values are present.

    >>> d = Design(pd.DataFrame({"g": ["a", "a", "b", "b"]}))
    >>> y, x = np.array([[1.0], [3.0], [2.0], [np.nan]]), np.array([[2.0], [2.0], [4.0], [1.0]])
    >>> [t["estimate"].tolist() for t in ratios_by_level(d, y, x, [None, "g"])]
    [[0.75], [1.0, 0.5]]
    """
    Y, X = np.asarray(numerators, dtype=float), np.asarray(denominators, dtype=float)
    if Y.ndim != 2 or Y.shape[0] != design.n or X.shape != Y.shape:
        raise ValueError(f"numerators and denominators must both be {design.n} x K, not {Y.shape} "
                         f"and {X.shape}")
    K = Y.shape[1]
    names = [f"column {k}" for k in range(K)] if names is None else list(names)
    one_stage = _one_stage(design)
    both = ~(np.isnan(Y) | np.isnan(X))
    rows, cols = np.nonzero(both)  # per respondent, its columns: per column, respondents in order
    wv, yv, xv = design.weights[rows], Y[rows, cols], X[rows, cols]
    tables = []
    for by in levels:
        d, labels = estimation._domains(design, by)
        inside = d[rows] >= 0
        answered = np.bincount(cols[inside], minlength=K) > 0
        owner = domain_attribution(design, d) if one_stage else None
        if owner is None or not answered.all():
            # the general road, and estimation's own error for a column nobody answered
            tables.append(_ratios_column_by_column(design, Y, X, by, level, names))
            continue
        keep = np.flatnonzero(inside)
        D = len(labels)
        dv, kv, w, y, x = d[rows[keep]], cols[keep], wv[keep], yv[keep], xv[keep]
        key = dv * K + kv

        def sums(weights):
            return np.bincount(key, weights=weights, minlength=D * K).reshape(D, K)

        W = sums(w)
        n = np.bincount(key, minlength=D * K).reshape(D, K).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            # `estimation._core` for a ratio, operation for operation: the same numbers
            Xs = sums(w * x)
            est = sums(w * y) / Xs
            u = (y - est.ravel()[key] * x) / Xs.ravel()[key]
            z = np.zeros((design.n, K))
            z[rows[keep], kv] = w * u
            var = _variance(design, residualize(design, z), owner, D, K, as_one_column=True)
            se = np.sqrt(var)
            ubar = sums(w * u) / W
            s2 = sums(w * (u - ubar.ravel()[key]) ** 2) / W * n / (n - 1)
            vsrs = s2 * W**2 * (W - n) / (W * n)
            deff = np.where((vsrs > 0) & (W >= n), var / vsrs, np.nan)
        df = np.repeat(estimation._domain_df(design, d, D)[:, None], K, axis=1)
        q = stats.norm.ppf(0.5 + level / 2)
        tables.append(_level_table(design, labels, names, est, se, est - q * se, est + q * se,
                                   n, deff, df))
    return tables


def _ratios_column_by_column(design, Y, X, by, level, names) -> pd.DataFrame:
    tables = []
    for k in range(Y.shape[1]):
        single = design.with_weights(design.weights)
        single.frame = design.frame.assign(**{f"{names[k]} (y)": Y[:, k], f"{names[k]} (x)": X[:, k]})
        table = estimation.ratio(single, f"{names[k]} (y)", f"{names[k]} (x)", by=by, level=level)
        table.insert(len(table.columns) - len(estimation.COLUMNS), "column", k)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _level_table(design, labels, names, est, se, low, high, n, deff, df) -> pd.DataFrame:
    """The long table of one level (by column, then domain); a domain without answers in a
    column keeps its row with n = 0 and no estimate, with estimation's warning."""
    D, K = est.shape
    empty = n == 0
    for table in (est, se, low, high, deff):
        table[empty] = np.nan
    for k in np.flatnonzero(empty.any(axis=0)):
        domains = np.flatnonzero(empty[:, k])
        shown = [", ".join(map(str, labels.iloc[i].tolist())) for i in domains[:5]]
        more = f" and {domains.size - 5} more" if domains.size > 5 else ""
        warnings.warn(f"{design.source}: {names[k]!r}: no answers in {domains.size} domain(s) "
                      f"({'; '.join(shown)}{more}); their rows have n = 0 and no estimate",
                      stacklevel=4)
    column, domain = np.meshgrid(np.arange(K), np.arange(D))  # out: by column, then domain
    out = labels.iloc[domain.T.ravel()].reset_index(drop=True)
    out["column"] = column.T.ravel()
    for name, table in (("estimate", est), ("se", se), ("ci_low", low), ("ci_high", high)):
        out[name] = table.T.ravel()
    out["n"] = n.T.ravel().astype(int)
    out["deff"] = deff.T.ravel()
    out["df"] = df.T.ravel()
    return out


def _variance(design: Design, r: np.ndarray, owner: np.ndarray, D: int, K: int,
              as_one_column: bool = False) -> np.ndarray:
    """`variance.stacked_domain_variance` for every column of the residuals `r` at once
    (one-stage designs without clusters). A calibration component whose respondents are all
    outside a column's base has residuals 0 there, so attributing it to its domain adds
    nothing. `as_one_column`: sum the strata of a single domain column by column, in the order
    the one-column road sums them (numpy sums a lone column pairwise, a row of columns in
    turn), so that the variance is the very same number."""
    stage = design.stages[0]
    H = len(stage.stratum_labels)
    inside = owner >= 0
    cells = stage.stratum_codes * D + np.where(inside, owner, 0)
    if not inside.all():
        r = np.where(inside[:, None], r, 0.0)
    incidence = sp.csr_matrix((np.ones(design.n), (cells, np.arange(design.n))),
                              shape=(H * D, design.n))
    S1 = np.asarray(incidence @ r).reshape(H, D * K)
    S2 = np.asarray(incidence @ np.multiply(r, r, out=r)).reshape(H, D * K)  # r is ours
    if as_one_column and D == 1:
        total = np.array([_combine(design, stage, S1[:, [k]], S2[:, [k]])[0] for k in range(K)])
    else:
        total = _combine(design, stage, S1, S2)
    return np.clip(total, 0.0, None).reshape(D, K)


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
