"""Taylor-linearised variances for (calibrated) stratified and cluster designs.

The variance of an estimator with influence values z_i (its linearisation) is R survey's
`svyrecvar` (`R/multistage.R`; Lumley 2010, sec. 2.2 and 7.4):

1. calibration: z is replaced by its residuals from each calibration step (post-strata,
   raking margins or the GREG regression), in the order the calibrations were done;
2. z is summed per PSU;
3. per stratum h with n_h PSUs and population N_h:
   V_h = (1 - n_h/N_h) * n_h/(n_h - 1) * sum_i (z_hi - mean_h z)^2, and V = sum_h V_h;
4. in a multistage design with an fpc per stage, the same within each unit of a stage over the
   units of the next stage, times the earlier stages' sampling fractions n/N, added (R's
   `multistage`; Särndal, Swensson & Wretman 1992, sec. 4.3).

Domain estimates (by wijk, gebied, ...) are many influence vectors, one per domain, each zero
outside its domain. When every calibration cell lies inside one domain (calibration per wijk,
estimates by wijk, gebied or city) the residuals of different domains never overlap, so we
stack them into one vector and get every domain's variance from sums per (stratum, domain):
one pass over the respondents however many domains. Otherwise we residualise the domain
columns in blocks.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from weighting.design import Design
from weighting.errors import DesignError, shown

BLOCK_ELEMENTS = 4_000_000  # doubles per block of domain columns (32 MB)


def residualize(design: Design, x: np.ndarray) -> np.ndarray:
    """Residuals of influence values `x` (n, or n x k) after every calibration step.

    Post-stratification removes each cell's weighted mean, so a constant has no residual:

    >>> import pandas as pd
    >>> from weighting.calibration import poststratify
    >>> d = poststratify(Design(pd.DataFrame({"s": ["a", "a", "b"]})), pd.DataFrame({"s": ["a", "b"], "total": [4, 2]}))
    >>> residualize(d, np.array([1.0, 1.0, 1.0])).tolist()
    [0.0, 0.0, 0.0]
    """
    for step in design.steps:
        x = step.residualize(x)
    return x


def calibration_components(design: Design) -> np.ndarray:
    """Connected component of each respondent under all calibration steps.

    Two respondents are connected when they share a calibration cell (or model column). A
    respondent's residual depends only on influence values in its own component.
    """
    cached = design.diagnostics.get("_components")
    if cached is not None and len(cached) == design.n:
        return cached
    comp = np.asarray(design.steps[0].components) if design.steps else np.arange(design.n)
    for step in design.steps[1:]:
        other = step.components
        a = np.unique(comp, return_inverse=True)[1].ravel()
        b = np.unique(other, return_inverse=True)[1].ravel()
        na, nb = a.max() + 1, b.max() + 1
        B = sp.csr_matrix((np.ones(design.n), (a, b)), shape=(na, nb))
        graph = sp.bmat([[None, B], [B.T, None]], format="csr")
        _, lab = connected_components(graph, directed=False)
        comp = lab[:na][a]
    design.diagnostics["_components"] = comp
    return comp


def domain_attribution(design: Design, domain: np.ndarray):
    """Domain to which each respondent's stacked residual belongs, or None if domains overlap.

    Every calibration component must touch at most one domain (respondents outside all domains,
    e.g. with a missing answer, may share it: their residuals belong to that domain). Returns
    the domain code per respondent (-1: no domain), or None when some component touches two.
    """
    if not design.steps:
        return domain
    comp = calibration_components(design)
    inside = domain >= 0
    K = int(comp.max()) + 1
    lo = np.full(K, np.iinfo(np.int64).max)
    hi = np.full(K, -1)
    np.minimum.at(lo, comp[inside], domain[inside])
    np.maximum.at(hi, comp[inside], domain[inside])
    touched = hi >= 0
    if np.any(lo[touched] != hi[touched]):
        return None
    return np.where(touched, hi, -1)[comp]


def _lonely(design: Design, stage, lonely_strata):
    if lonely_strata.size and design.lonely_psu == "fail":
        h = int(lonely_strata[0])
        if stage is design.stages[0]:
            raise DesignError(design.source, f"stratum {shown(stage.stratum_labels[h])} has only one PSU, so its variance cannot be "
                              f"estimated; merge it with another stratum or set lonely_psu to 'remove', 'certainty' or 'adjust'",
                              column=design.strata_column)
        k = design.stages.index(stage)
        raise DesignError(design.source, f"unit {shown(stage.stratum_labels[h])} of stage {k} has only one sampled unit at stage {k + 1}, "
                          f"so its variance cannot be estimated; set lonely_psu to 'remove', 'certainty' or 'adjust'",
                          column=design.cluster_columns[k])


def stacked_domain_variance(design: Design, r: np.ndarray, domain: np.ndarray, n_domains: int) -> np.ndarray:
    """Variance per domain from a stacked residual vector (see module docstring).

    Args:
        design: the design.
        r: residualised influence values, each respondent's for its own domain (0 outside).
        domain: domain code per respondent, 0..n_domains-1, or -1 outside every domain.
        n_domains: number of domains.

    Returns:
        Variance per domain (length n_domains).
    """
    inside = domain >= 0
    d = np.where(inside, domain, 0)
    r = np.where(inside, r, 0.0)
    total = np.zeros(n_domains)
    for k, stage in enumerate(design.stages):
        H = len(stage.stratum_labels)
        if k == 0 and design.cluster_column is None:
            s, s_stratum, s_domain = r, stage.stratum_codes, d
        else:
            key = stage.psu_codes.astype(np.int64) * n_domains + d
            uniq, inv = np.unique(key[inside], return_inverse=True)
            s = np.bincount(inv.ravel(), weights=r[inside], minlength=len(uniq))
            psu = uniq // n_domains
            s_stratum = stage.psu_stratum[psu]
            s_domain = uniq % n_domains
        hd = s_stratum * n_domains + s_domain
        S1 = np.bincount(hd, weights=s, minlength=H * n_domains).reshape(H, n_domains)
        S2 = np.bincount(hd, weights=s * s, minlength=H * n_domains).reshape(H, n_domains)
        total += _combine(design, stage, S1, S2)
    return np.clip(total, 0.0, None)


def column_variance(design: Design, x: np.ndarray) -> np.ndarray:
    """Variance of each (already residualised) column of x (n x k)."""
    total = np.zeros(x.shape[1])
    for k, stage in enumerate(design.stages):
        H = len(stage.stratum_labels)
        if k == 0 and design.cluster_column is None:
            s = x
            s_stratum = stage.stratum_codes
        else:
            P = len(stage.psu_stratum)
            ind = sp.csr_matrix((np.ones(design.n), (stage.psu_codes, np.arange(design.n))), shape=(P, design.n))
            s = ind @ x
            s_stratum = stage.psu_stratum
        ind_h = sp.csr_matrix((np.ones(len(s_stratum)), (s_stratum, np.arange(len(s_stratum)))), shape=(H, len(s_stratum)))
        S1 = np.asarray(ind_h @ s)
        S2 = np.asarray(ind_h @ (s * s))
        total += _combine(design, stage, S1, S2)
    return np.clip(total, 0.0, None)


def _combine(design: Design, stage, S1: np.ndarray, S2: np.ndarray) -> np.ndarray:
    """One stage's sum_h scale_h (1 - f_h) n_h/(n_h - 1) [sum z^2 - (sum z)^2 / n_h], R's
    `onestrat`, with unit sums z (zero rows for units outside a domain, as R pads them).

    A stratum sampled completely (f = 1) adds nothing, lonely or not. A lonely unit (n_h = 1)
    under 'adjust' adds (1 - f_h) z^2: R 4.1.1 leaves it uncentred, that is, centred at zero,
    which for a mean's influence values is the population mean (Lumley 2010, sec. 3.1.3).
    """
    n_h = stage.n_psu[:, None]
    f = stage.fpc_factor()[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ss = S2 - S1 * S1 / n_h
        v = np.where(n_h > 1, f * n_h / (n_h - 1) * ss, 0.0)
    lonely = stage.lonely_strata()
    if lonely.size:
        _lonely(design, stage, lonely)
        if design.lonely_psu == "adjust":
            v[lonely] = f[lonely] * S1[lonely] ** 2
    return (v * stage.stratum_scale()[:, None]).sum(axis=0)


def domain_variance(design: Design, z: np.ndarray, domain: np.ndarray, n_domains: int) -> np.ndarray:
    """Variance per domain of influence values `z` (each respondent's for its own domain).

    Uses the stacked pass when the domains are compatible with the calibration; otherwise
    expands z into one column per domain, residualises them in blocks and sums.

    Args:
        design: the (calibrated) design.
        z: influence value per respondent for its own domain.
        domain: domain code per respondent (0..n_domains-1, -1 for none).
        n_domains: number of domains.

    Returns:
        Array of n_domains variances.

    Raises:
        DesignError: a stratum with one PSU under lonely_psu='fail'.

    Two strata of two respondents, influence values of a total (w y): per stratum
    2/(2-1) * sum (z - mean z)^2.

    >>> import pandas as pd
    >>> d = Design(pd.DataFrame({"s": ["a", "a", "b", "b"]}), strata="s")
    >>> domain_variance(d, np.array([1.0, 3.0, 2.0, 2.0]), np.zeros(4, dtype=int), 1).tolist()
    [4.0]
    """
    owner = domain_attribution(design, domain)
    if owner is not None:
        r = residualize(design, np.where(domain >= 0, z, 0.0))
        return stacked_domain_variance(design, r, owner, n_domains)
    out = np.empty(n_domains)
    block = max(1, BLOCK_ELEMENTS // max(design.n, 1))
    rows = np.flatnonzero(domain >= 0)
    for start in range(0, n_domains, block):
        stop = min(n_domains, start + block)
        sel = rows[(domain[rows] >= start) & (domain[rows] < stop)]
        x = np.zeros((design.n, stop - start))
        x[sel, domain[sel] - start] = z[sel]
        out[start:stop] = column_variance(design, residualize(design, x))
    return out
