"""Means, proportions, totals and ratios with linearised standard errors, overall and by domain.

Each function returns one row per domain (or one row for the whole population) with the
columns of the `by` variables, then `estimate, se, ci_low, ci_high, n, deff, df`. Standard
errors follow the final weights of a calibrated design (see `weighting.variance`); estimates
and standard errors equal R survey's `svymean`, `svytotal`, `svyratio`, `svyciprop` and
`svyby(..., svymean)` (Lumley 2010). Every domain of a `by` is done in one vectorised call.

Missing values of the variable drop the respondent from that estimate (R's `na.rm=TRUE`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from weighting.calibration import label
from weighting.design import Design
from weighting.errors import EstimationError
from weighting.replicates import replicate_df, replicate_estimates
from weighting.variance import domain_variance

CI_METHODS = ("logit", "xlogit", "beta", "likelihood", "wilson", "mean")
COLUMNS = ["estimate", "se", "ci_low", "ci_high", "n", "deff", "df"]


def _domains(design: Design, by):
    """Domain code per respondent (-1: missing by-value) and a table of domain labels."""
    if by is None or (isinstance(by, (list, tuple)) and len(by) == 0):
        return np.zeros(design.n, dtype=np.int64), pd.DataFrame(index=[0])
    by = [by] if isinstance(by, str) else list(by)
    for b in by:
        if b not in design.frame.columns:
            raise EstimationError(design.source, f"domain variable {b!r} is not a column of the data", column=b)
    grouped = design.frame.groupby(by, sort=True, dropna=True, observed=True)
    codes = grouped.ngroup().to_numpy()
    codes = np.where(np.isnan(codes.astype(float)), -1, codes).astype(np.int64)
    labels = grouped.size().index.to_frame(index=False)
    return codes, labels


def _numeric(design: Design, variable: str) -> np.ndarray:
    if variable not in design.frame.columns:
        raise EstimationError(design.source, f"variable {variable!r} is not a column of the data", column=variable)
    col = design.frame[variable]
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(values) & col.notna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise EstimationError(design.source, f"{col.iloc[i]!r} is not a number", row=design.row(i), column=variable)
    return values


def _indicator(design: Design, variable: str, values) -> np.ndarray:
    """1.0 where the variable is one of `values`, 0.0 elsewhere, NaN where missing."""
    if variable not in design.frame.columns:
        raise EstimationError(design.source, f"variable {variable!r} is not a column of the data", column=variable)
    if values is None or (not isinstance(values, (list, tuple, set)) and not np.isscalar(values)):
        raise EstimationError(design.source, "a proportion needs values: the categories that count as 'yes'", column=variable)
    values = [values] if np.isscalar(values) else list(values)
    col = design.frame[variable]
    codes, uniq = pd.factorize(col)
    wanted = {label(v) for v in values}
    present = {label(u) for u in uniq}
    unknown = sorted(wanted - present)
    # a 0/1 column that happens to hold no 1 (a rare event in a small domain) is fine
    if unknown and not (wanted & present) and not present <= {"0", "1"}:
        raise EstimationError(design.source, f"none of the values {', '.join(map(repr, unknown))} occurs; "
                              f"the variable has {', '.join(sorted(present))}", column=variable)
    hit = np.array([label(u) in wanted for u in uniq] + [False])
    y = hit[codes].astype(float)
    y[codes < 0] = np.nan
    return y


def _sums(d, D, weights):
    return np.bincount(d, weights=weights, minlength=D)


def _core(design: Design, kind: str, y: np.ndarray, x: np.ndarray | None, by, level: float,
          variable: str = "the variable"):
    w = design.weights
    d_all, labels = _domains(design, by)
    D = len(labels)
    valid = (d_all >= 0) & ~np.isnan(y)
    if x is not None:
        valid &= ~np.isnan(x)
    if not valid.any():
        what = "" if by is None else f" in any domain of {', '.join([by] if isinstance(by, str) else by)}"
        raise EstimationError(design.source, f"no respondent has an answer to {variable!r}{what}; "
                              f"check the variable name, its missing-answer codes and the routing", column=variable)
    d = np.where(valid, d_all, -1)
    dv = d[valid]
    wv, yv = w[valid], y[valid]
    W = _sums(dv, D, wv)
    n = np.bincount(dv, minlength=D).astype(float)
    z = np.zeros(design.n)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "mean":
            est = _sums(dv, D, wv * yv) / W
            u = yv
            z[valid] = wv * (yv - est[dv]) / W[dv]
        elif kind == "total":
            est = _sums(dv, D, wv * yv)
            u = yv
            z[valid] = wv * yv
        else:  # ratio: R = sum w y / sum w x, z = w (y - R x) / sum w x (svyratio)
            xv = x[valid]
            X = _sums(dv, D, wv * xv)
            est = _sums(dv, D, wv * yv) / X
            u = (yv - est[dv] * xv) / X[dv]
            z[valid] = wv * u
        thetas = None
        if design.replicates is not None:
            # replicate variance: the estimate redone with each replicate's weights (R's svrVar)
            reps = design.replicates
            yy = np.where(valid, y, np.nan)
            if kind == "mean":
                thetas = replicate_estimates(reps.weights, d, D, yy, np.where(valid, 1.0, np.nan))
            elif kind == "total":
                thetas = replicate_estimates(reps.weights, d, D, yy, None)
            else:
                thetas = replicate_estimates(reps.weights, d, D, yy, np.where(valid, x, np.nan))
            var = reps.variance(thetas, est)
        else:
            var = domain_variance(design, z, d, D)
        se = np.sqrt(var)
        # design effect as R's deff=TRUE: variance over that of simple random sampling without
        # replacement of the same size, with the variance of the linearised variable (Kish 1965)
        ubar = _sums(dv, D, wv * u) / W
        s2 = _sums(dv, D, wv * (u - ubar[dv]) ** 2) / W * n / (n - 1)
        if kind == "mean":
            vsrs = s2 * (W - n) / (W * n)
        else:
            vsrs = s2 * W**2 * (W - n) / (W * n)
        deff = np.where((vsrs > 0) & (W >= n), var / vsrs, np.nan)
    # R's svyby counts degrees of freedom on the domain's rows, answered or not (`degf` of the
    # subset design, before na.rm drops the missing answers)
    df = _domain_df(design, d_all, D)
    q = stats.norm.ppf(0.5 + level / 2)
    out = labels.copy()
    out["estimate"] = est
    out["se"] = se
    out["ci_low"] = est - q * se
    out["ci_high"] = est + q * se
    out["n"] = n.astype(int)
    out["deff"] = deff
    out["df"] = df
    empty = np.flatnonzero(n == 0)
    if empty.size:
        # a domain whose respondents all lack an answer keeps its row (n = 0, no estimate)
        names = [", ".join(map(str, labels.iloc[i].tolist())) for i in empty[:5]]
        more = f" and {empty.size - 5} more" if empty.size > 5 else ""
        warnings.warn(f"{design.source}: {variable!r}: no answers in {empty.size} domain(s) "
                      f"({'; '.join(names)}{more}); their rows have n = 0 and no estimate", stacklevel=3)
        for column in ("estimate", "se", "ci_low", "ci_high", "deff"):
            out.loc[empty, column] = np.nan
    inside = d_all >= 0
    domain_rows = np.bincount(d_all[inside], minlength=D).astype(float)
    W_rows = np.bincount(d_all[inside], weights=w[inside], minlength=D)
    return out, dict(W=W, n=n, df=df, d=d, rows=domain_rows, W_rows=W_rows, thetas=thetas)


def _domain_df(design: Design, d: np.ndarray, D: int) -> np.ndarray:
    """R's `degf` of each domain's subset: PSUs minus strata among its respondents with weight > 0;
    with replicate weights, the rank of the domain's replicate weights minus 1 (R's
    `degf.svyrep.design`)."""
    if design.replicates is not None:
        reps = design.replicates
        if D == 1 and reps.whole_df is not None and np.all(d == 0):
            return np.array([reps.whole_df])
        return np.array([replicate_df(reps.weights, np.flatnonzero(d == k)) for k in range(D)])
    inset = (d >= 0) & (design.weights != 0)
    dd = d[inset]
    H = len(design.stratum_labels)
    n_strata = np.count_nonzero(np.bincount(dd * H + design.stratum_codes[inset], minlength=D * H).reshape(D, H), axis=1)
    if design.cluster_column is None:
        n_psu = np.bincount(dd, minlength=D)  # every respondent is a PSU
    else:
        P = len(design.psu_stratum)
        key = dd.astype(np.int64) * P + design.psu_codes[inset]
        if D * P <= 50_000_000:
            n_psu = np.count_nonzero(np.bincount(key, minlength=D * P).reshape(D, P), axis=1)
        else:
            n_psu = np.bincount(np.unique(key) // P, minlength=D)
    return (n_psu - n_strata).astype(float)


def mean(design: Design, variable: str, *, by=None, level: float = 0.95) -> pd.DataFrame:
    """Weighted mean with its linearised standard error, overall or per domain (R's `svymean`).

    Args:
        design: a (calibrated) design.
        variable: numeric column.
        by: None (whole population) or a column or list of columns; one row per domain.
        level: confidence level; the interval is estimate ± z * se, as R's `confint` default.

    Returns:
        DataFrame with the by columns, estimate, se, ci_low, ci_high, n, deff, df.

    Raises:
        EstimationError: unknown column or non-numeric value.

    >>> d = Design(pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]}))
    >>> mean(d, "y")[["estimate", "n"]].to_dict("records")
    [{'estimate': 2.5, 'n': 4}]
    """
    return _core(design, "mean", _numeric(design, variable), None, by, level, variable)[0]


def total(design: Design, variable: str, *, by=None, level: float = 0.95) -> pd.DataFrame:
    """Weighted total with its standard error (R's `svytotal`); columns as `mean`.

    >>> d = Design(pd.DataFrame({"y": [1.0, 2.0], "w": [10.0, 10.0]}), design_weight="w")
    >>> float(total(d, "y")["estimate"][0])
    30.0
    """
    return _core(design, "total", _numeric(design, variable), None, by, level, variable)[0]


def ratio(design: Design, numerator: str, denominator: str, *, by=None, level: float = 0.95) -> pd.DataFrame:
    """Ratio of two weighted totals with its standard error (R's `svyratio`); columns as `mean`.

    >>> d = Design(pd.DataFrame({"y": [1.0, 3.0], "x": [2.0, 2.0]}))
    >>> float(ratio(d, "y", "x")["estimate"][0])
    1.0
    """
    return _core(design, "ratio", _numeric(design, numerator), _numeric(design, denominator), by, level, f"{numerator}/{denominator}")[0]


def proportion(design: Design, variable: str, values, *, by=None, ci: str = "logit", level: float = 0.95) -> pd.DataFrame:
    """Proportion of respondents whose answer is one of `values`, with a confidence interval.

    The estimate and standard error are those of `svymean` of the indicator; the interval is
    R's `svyciprop(method=ci)` (`R/svyttest.R`), with R's degrees of freedom (PSUs minus strata
    in the domain):

    - 'logit' / 'xlogit': expit(logit(p) ± t * se / (p (1 - p))) (Wald on the logit scale);
    - 'mean': p ± t * se;
    - 'beta': Clopper-Pearson with the effective sample size p(1-p)/se^2 (Korn & Graubard 1998);
    - 'wilson': Wilson's score interval with the effective sample size;
    - 'likelihood': the profile likelihood of the weighted binomial model, scaled by the design
      effect (Rao-Scott; R's `confint(svyglm, method="likelihood")`), interpolated as R does.

    Returns:
        DataFrame with the by columns, estimate, se, ci_low, ci_high, n, deff, df.

    Raises:
        EstimationError: unknown column, no value that occurs, unknown ci method.

    >>> d = Design(pd.DataFrame({"a": ["ja", "nee", "ja", "ja"]}))
    >>> float(proportion(d, "a", ["ja"], ci="mean")["estimate"][0])
    0.75
    """
    if ci not in CI_METHODS:
        raise EstimationError(design.source, f"ci: {ci!r} is not one of {', '.join(CI_METHODS)}")
    if ci == "likelihood" and design.replicates is not None:
        raise EstimationError(design.source, "ci: 'likelihood' needs a linearised (taylor) variance; with replicate "
                              "weights use logit, xlogit, beta, wilson or mean")
    y = _indicator(design, variable, values)
    out, info = _core(design, "mean", y, None, by, level, variable)
    p = out["estimate"].to_numpy()
    se = out["se"].to_numpy()
    df = info["df"]
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        t = stats.t.ppf(1 - alpha / 2, np.where(df > 0, df, np.nan))
        if ci == "logit" and design.replicates is not None:
            # R's svyglm on replicate weights refits the logit per replicate: the standard error
            # of logit(p) comes from the replicates' logits, not from the delta method
            thetas = info["thetas"]
            with np.errstate(divide="ignore", invalid="ignore"):
                logits = np.log(thetas / (1 - thetas))
            eta = np.log(p / (1 - p))
            h = t * np.sqrt(design.replicates.variance(logits, eta))
            lo, hi = _expit(eta - h), _expit(eta + h)
        elif ci in ("logit", "xlogit"):
            eta = np.log(p / (1 - p))
            h = t * se / (p * (1 - p))
            lo, hi = _expit(eta - h), _expit(eta + h)
        elif ci == "mean":
            lo, hi = p - t * se, p + t * se
        elif ci == "beta":
            # R: nrow(design); a calibrated linearised design keeps every row in a domain subset
            n_rows = design.n if design.is_calibrated and design.replicates is None else info["rows"]
            n_eff = p * (1 - p) / se**2 * (stats.t.ppf(alpha / 2, n_rows - 1) / stats.t.ppf(alpha / 2, df)) ** 2
            lo = np.where(p > 0, stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1), 0.0)
            hi = np.where(p < 1, stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)), 1.0)
        elif ci == "wilson":
            n_eff = p * (1 - p) / se**2
            t2 = t * t
            root = np.sqrt(4 * n_eff * p * (1 - p) + t2)
            denom = 1 + t2 / n_eff
            lo = (p + t2 / (2 * n_eff) - t / (2 * n_eff) * root) / denom
            hi = (p + t2 / (2 * n_eff) + t / (2 * n_eff) * root) / denom
        else:
            lo, hi = _likelihood_ci(design, y, info, p, se, t)
    out["ci_low"] = lo
    out["ci_high"] = hi
    return out


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _likelihood_ci(design, y, info, p, se, t):
    """Profile-likelihood interval of R's svyciprop(method="likelihood").

    svyglm fits y ~ 1 (quasibinomial) on the domain's design with prior weights
    w~ = w / mean(w), the mean taken over the design's rows (answered or not; for a calibrated
    design R keeps every row, with weight 0 outside the domain), and drops unanswered rows. With
    m the sum of w~ over the answered rows and b = logit(mu), the signed root deviance is
    z(b) = sign(b - b0) sqrt(2 m KL(p, mu) / phi), phi R's dispersion: the design-weighted
    variance of the Pearson residuals, times n/(n - 1) with n the answered rows of positive
    weight (`summary.svyglm`, `svyvar`): 1 without missing answers, m / (answered rows) with
    them, because `residuals.svyglm` rescales by weights normalised over the answered rows. The limits are where z = -/+ t sqrt(lambda), lambda = (design variance)
    / (model variance) of b0 (the Rao-Scott scaling of R survey's `confint.svyglm`). As MASS's
    `profile.glm`, z is evaluated on a grid of steps of zmax/5 standard errors
    (zmax from F(1, rows in the fit - 1)), interpolated by an FMM cubic spline and inverted
    linearly, so that the limits equal R's; `_profile_limits` does this per domain.
    """
    d = info["d"]
    D = len(p)
    valid = d >= 0
    rows = np.full(D, float(design.n)) if design.is_calibrated else info["rows"]
    with np.errstate(divide="ignore", invalid="ignore"):
        c = rows / info["W_rows"]  # w~ = c w
        m = c * info["W"]
        n_nonzero = np.bincount(d[valid & (design.weights != 0)], minlength=D).astype(float)
        # R's Pearson residuals divide by sqrt of the weights normalised over the answered rows
        # (all rows for a calibrated design), so missing answers scale the dispersion by k^2
        k2 = m / (float(design.n) if design.is_calibrated else info["n"])
        phi = k2 * n_nonzero / (n_nonzero - 1)
    b0, mu_prev_q = _irls_intercept(d[valid], c[d[valid]] * design.weights[valid], y[valid], p, m, D)
    # rows in the model frame: a calibrated design keeps every answered row (weight 0 outside)
    fit_rows = np.full(D, float(np.count_nonzero(~np.isnan(y)))) if design.is_calibrated else info["n"]
    lo = np.full(D, np.nan)
    hi = np.full(D, np.nan)
    for i in range(D):
        # a loop over domains (not respondents): each needs its own small grid
        if 0 < p[i] < 1 and se[i] > 0 and info["n"][i] > 1 and np.isfinite(t[i]) and np.isfinite(b0[i]):
            lo[i], hi[i] = _profile_limits(p[i], se[i], m[i], fit_rows[i], t[i], phi[i], b0[i], mu_prev_q[i])
    return lo, hi


def _irls_intercept(dom, W, y, p, m, D, epsilon=1e-8, maxit=25):
    """R's `glm.fit` of y ~ 1 (logit link, prior weights W) per domain, iteration by iteration.

    R's profile starts from the coefficient where IRLS stopped (relative deviance change below
    1e-8), not from logit(p), and its model variance is 1 / sum W mu (1 - mu) at the *previous*
    iterate (the weights glm.fit returns); both move the interval in the 6th digit, so we repeat
    the iterations: from mustart = (W y + 0.5) / (W + 1) per row, then Fisher scoring, which for
    an intercept is b <- b + (p - mu) / (mu (1 - mu)).

    Returns (b0, mu_prev (1 - mu_prev) summed with W, i.e. the inverse model variance) per domain.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        start = (W * y + 0.5) / (W + 1)
        eta = np.log(start / (1 - start))
        dev_old = -2 * np.bincount(dom, weights=W * (y * np.log(start) + (1 - y) * np.log(1 - start)), minlength=D)
        # first iteration: per-row working weights and responses
        w2 = W * start * (1 - start)
        zwork = eta + (y - start) / (start * (1 - start))
        info_prev = np.bincount(dom, weights=w2, minlength=D)
        b = np.bincount(dom, weights=w2 * zwork, minlength=D) / info_prev

        def deviance(b):
            mu = _expit(b)
            return -2 * m * (p * np.log(mu) + (1 - p) * np.log(1 - mu))

        dev = deviance(b)
        done = np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < epsilon
        for _ in range(maxit - 1):
            if done.all():
                break
            mu = _expit(b)
            step_info = m * mu * (1 - mu)
            new_b = b + (p - mu) / (mu * (1 - mu))
            new_dev = deviance(new_b)
            todo = ~done
            info_prev = np.where(todo, step_info, info_prev)
            b = np.where(todo, new_b, b)
            done = done | (np.abs(new_dev - dev) / (np.abs(new_dev) + 0.1) < epsilon)
            dev = np.where(todo, new_dev, dev)
    return b, info_prev


def _profile_limits(p, se, m, n_rows, t, phi, b0, model_information):
    mu0 = _expit(b0)
    se_b = se / (mu0 * (1 - mu0))  # design-based standard error of the fitted logit (delta method)
    lam = se_b**2 * model_information  # over the model variance (R's cov.unscaled / naive.cov)
    alpha = stats.norm.cdf(-t * np.sqrt(lam)) / 2
    zmax = np.sqrt(stats.f.isf(alpha, 1, n_rows - 1))
    step_size = zmax / 5 * se_b

    def deviance(b):
        mu = _expit(b)
        return -2 * m * (p * np.log(mu) + (1 - p) * np.log(1 - mu))

    dev0 = deviance(b0)

    def z_of(b):
        return np.sign(b - b0) * np.sqrt(max((deviance(b) - dev0) / phi, 0.0))

    bs, zs = [b0], [0.0]
    for sgn in (-1, 1):
        step, z = 0, 0.0
        while True:
            step += 1
            if not (step < 10 and abs(z) < zmax):
                break
            b = b0 + sgn * step * step_size
            z = z_of(b)
            bs.append(b)
            zs.append(z)
    order = np.argsort(zs, kind="stable")
    bs, zs = np.asarray(bs)[order], np.asarray(zs)[order]
    grid = np.linspace(bs[0], bs[-1], 3 * len(bs))
    spline_z = _fmm_spline(bs, zs, grid)
    cut = stats.norm.ppf(2 * alpha)
    o = np.argsort(spline_z, kind="stable")
    limits = np.interp([cut, -cut], spline_z[o], grid[o], left=np.nan, right=np.nan)
    return _expit(limits[0]), _expit(limits[1])


def _fmm_spline(x, y, xout):
    """Cubic spline with Forsythe, Malcolm & Moler's end conditions (R's `spline(method="fmm")`).

    The third derivative at each end equals that of the cubic through the four nearest points
    (Forsythe, Malcolm & Moler 1977, sec. 4.4). Solved for the second derivatives M.
    """
    n = len(x)
    h = np.diff(x)
    if n < 3:
        return np.interp(xout, x, y)
    A = np.zeros((n, n))
    r = np.zeros(n)
    for i in range(1, n - 1):
        A[i, i - 1], A[i, i], A[i, i + 1] = h[i - 1], 2 * (h[i - 1] + h[i]), h[i]
        r[i] = 6 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1])

    def third_diff(xs, ys):
        d1 = np.diff(ys) / np.diff(xs)
        d2 = np.diff(d1) / (xs[2:] - xs[:-2])
        return (d2[1] - d2[0]) / (xs[3] - xs[0])

    if n > 3:
        # s''' = (M[1] - M[0]) / h[0] = 6 f[x0..x3], and likewise at the right end
        A[0, 0], A[0, 1], r[0] = -1 / h[0], 1 / h[0], 6 * third_diff(x[:4], y[:4])
        A[-1, -2], A[-1, -1], r[-1] = -1 / h[-1], 1 / h[-1], 6 * third_diff(x[-4:], y[-4:])
    else:
        A[0, 0], A[0, 1] = -1, 1
        A[-1, -2], A[-1, -1] = -1, 1
    M = np.linalg.solve(A, r)
    i = np.clip(np.searchsorted(x, xout, side="right") - 1, 0, n - 2)
    dx = xout - x[i]
    b = (y[i + 1] - y[i]) / h[i] - h[i] * (2 * M[i] + M[i + 1]) / 6
    return y[i] + b * dx + M[i] / 2 * dx**2 + (M[i + 1] - M[i]) / (6 * h[i]) * dx**3
