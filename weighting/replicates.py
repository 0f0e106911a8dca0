"""Replicate-weight variance: jackknife (JK1, JKn) and the Rao-Wu rescaling bootstrap.

A design with replicates carries, beside its weights, R columns of replicate weights. Every
calibration redoes itself on each replicate (`Step.recalibrate` in `weighting.calibration`), so
a replicate's estimate includes the calibration's own variability; an estimate's variance is
then scale * sum_r rscale_r (theta_r - mean theta)^2 (R survey's `svrVar`; Wolter 2007, ch. 4
and 5; Lumley 2010, sec. 2.3). This is what R's `as.svrepdesign(design, type=...)` followed by
`postStratify`/`rake`/`calibrate` and `svymean`/`svytotal`/`svyciprop` computes:

- `jackknife` on an unstratified design is JK1: replicate j drops PSU j and multiplies the
  others by n/(n-1); scale (1-f)(n-1)/n (R `jk1weights`);
- `jackknife` on a stratified design is JKn: one replicate per PSU, dropping it and multiplying
  the other PSUs of its stratum by n_h/(n_h-1); rscale (1-f_h)(n_h-1)/n_h, scale 1 (R
  `jknweights`); a stratum sampled completely gets no replicate; a lonely PSU under 'adjust'
  one replicate that drops its stratum and multiplies the rest by H/(H-1), rscale (H-1)/H;
- `bootstrap` is Rao & Wu's (1988) rescaling bootstrap with m_h = n_h - 1: per replicate and
  stratum, n_h - 1 PSUs drawn with replacement, each PSU's factor (its count) * n_h/(n_h - 1);
  scale 1/(R-1). Without fpc this is R's `as.svrepdesign(type="subbootstrap")` ("Rao and
  Wu's (n-1) bootstrap"); R's type="bootstrap" is Canty & Davison's, a different scheme. With
  an fpc we use Rao & Wu's correction, factor 1 - lambda + lambda * count * n_h/(n_h-1),
  lambda = sqrt(1 - f_h), which R's subbootstrap does not offer (it refuses an fpc). A lonely
  PSU keeps factor 1 (R's subbootstrap gives NaN there). The draws come from numpy's
  generator seeded with `seed`: same design and seed, same replicates.

A replicate whose weights leave a calibration cell empty (possible in the bootstrap with tiny
cells) keeps the cell's weights unchanged in that replicate; R would give NaN and drop the
replicate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from weighting.errors import DesignError, shown

VARIANCE_METHODS = ("taylor", "jackknife", "bootstrap")
DEFAULT_BOOTSTRAP_REPLICATES = 200


@dataclass(frozen=True)
class Replicates:
    """Replicate weights of a design (n x R) and how to combine the replicate estimates.

    Attributes:
        method: 'jackknife' or 'bootstrap'; `kind` says which: 'JK1', 'JKn' or 'Rao-Wu'.
        weights: current replicate weights, n x R (design weights times the factors, then
            calibrated as the design was).
        scale, rscales: the variance is scale * sum_r rscales[r] (theta_r - mean)^2.
        mse: centre at the full-sample estimate instead of the replicates' mean (R's
            `mse=TRUE`); False by default, as R's `survey.replicates.mse`.
        seed: the bootstrap's seed (None for the jackknife).
    """

    method: str
    kind: str
    weights: np.ndarray
    scale: float
    rscales: np.ndarray
    mse: bool = False
    seed: int | None = None
    whole_df: float | None = None  # R's cached degf, see `recalibrated`

    @property
    def count(self) -> int:
        return self.weights.shape[1]

    def with_weights(self, weights) -> "Replicates":
        return replace(self, weights=np.asarray(weights, dtype=float), whole_df=None)

    def recalibrated(self, weights, keeps_df: bool) -> "Replicates":
        """After a calibration. R recomputes the design's degrees of freedom after
        `postStratify`, `rake` and linear `calibrate`, but `calibrate` by `grake` (raking, logit
        or bounded distances) keeps the value from before; we do the same for the whole
        population's df (a domain's is always recomputed, as R's subsets do)."""
        before = None
        if keeps_df:
            # the rank of the replicate weights is a QR of an n x R matrix: only when it is kept
            before = self.whole_df if self.whole_df is not None else replicate_df(self.weights, np.arange(len(self.weights)))
        return replace(self, weights=np.asarray(weights, dtype=float), whole_df=before)

    def variance(self, thetas: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """Variance per row of `thetas` (k x R), R's `svrVar`; replicates with a NaN estimate
        (a domain empty in that replicate) are left out, as R's na.action does."""
        thetas = np.atleast_2d(thetas)
        ok = np.isfinite(thetas)
        r = np.broadcast_to(self.rscales, thetas.shape)
        use = ok & (r > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.mse:
                centre = np.asarray(estimate, dtype=float)
            else:
                centre = np.where(use, thetas, 0.0).sum(axis=1) / use.sum(axis=1)
            dev = np.where(ok, thetas - centre[:, None], 0.0)
        return self.scale * (dev * dev * r).sum(axis=1)


def make_replicates(design, method: str, replicates: int | None = None, seed: int | None = None,
                    factors=None, mse: bool = False) -> Replicates:
    """Replicate weights for `design` (before calibration).

    Args:
        design: a `Design` (its design weights, strata, PSUs and fpc are used).
        method: 'jackknife' (JK1 without strata, JKn with) or 'bootstrap' (Rao-Wu).
        replicates: bootstrap replicates (default 200); the jackknife has one per PSU.
        seed: the bootstrap's seed.
        factors: optional n x R (or PSU x R) array of replicate factors to use instead of
            drawing them, for instance R's `weights(as.svrepdesign(...), "replication")`.
        mse: centre the variance at the estimate (R's mse=TRUE).

    Raises:
        DesignError: unknown method, replicates for the jackknife, a lonely PSU under
            lonely_psu='fail', too few replicates.
    """
    if method not in ("jackknife", "bootstrap"):
        raise DesignError(design.source, f"variance: {method!r} is not one of {', '.join(VARIANCE_METHODS)}")
    stage = design.stages[0]
    H = len(stage.stratum_labels)
    psu_stratum = stage.psu_stratum
    n_h = stage.n_psu
    f = stage.fpc_factor()  # 1 - n_h/N_h
    lonely = stage.lonely_strata()
    if lonely.size and design.lonely_psu == "fail":
        h = int(lonely[0])
        raise DesignError(design.source, f"stratum {shown(stage.stratum_labels[h])} has only one PSU, so replicates cannot "
                          f"estimate its variance; set lonely_psu to 'remove', 'certainty' or 'adjust'", column=design.strata_column)
    if factors is not None:
        psu_factors = _given_factors(design, factors)
        kind = {"jackknife": "JK1" if H == 1 else "JKn", "bootstrap": "Rao-Wu"}[method]
        if method == "bootstrap":
            scale, rscales = 1.0 / (psu_factors.shape[1] - 1), np.ones(psu_factors.shape[1])
        else:
            scale, rscales = _jackknife_scales(design, psu_factors.shape[1])
    elif method == "jackknife":
        if replicates is not None:
            raise DesignError(design.source, "replicates: the jackknife makes one replicate per PSU; "
                              "`replicates` is for the bootstrap")
        psu_factors, scale, rscales, kind = _jackknife(design)
    else:
        replicates = DEFAULT_BOOTSTRAP_REPLICATES if replicates is None else int(replicates)
        if replicates < 2:
            raise DesignError(design.source, f"replicates: {replicates} is too few; the bootstrap needs at least 2 (100 or more in practice)")
        psu_factors = _rao_wu(psu_stratum, n_h, f, replicates, np.random.default_rng(seed))
        scale, rscales, kind = 1.0 / (replicates - 1), np.ones(replicates), "Rao-Wu"
    weights = design.design_weights[:, None] * psu_factors[stage.psu_codes]
    return Replicates(method, kind, weights, float(scale), np.asarray(rscales, dtype=float), mse,
                      seed if method == "bootstrap" else None)


def _given_factors(design, factors) -> np.ndarray:
    factors = np.asarray(factors, dtype=float)
    stage = design.stages[0]
    P = len(stage.psu_stratum)
    if factors.ndim != 2 or factors.shape[0] not in (design.n, P):
        raise DesignError(design.source, f"replicate factors must be a matrix with a row per respondent ({design.n}) "
                          f"or per PSU ({P}); got shape {factors.shape}")
    if factors.shape[0] == design.n and design.n != P:
        first = np.zeros(P, dtype=np.int64)
        first[stage.psu_codes] = np.arange(design.n)
        if not np.allclose(factors, factors[first][stage.psu_codes]):
            raise DesignError(design.source, "replicate factors differ within a PSU; a PSU is replicated as a whole")
        return factors[first]
    return factors


def _jackknife(design):
    stage = design.stages[0]
    H = len(stage.stratum_labels)
    P = len(stage.psu_stratum)
    n_h = stage.n_psu
    f = stage.fpc_factor()
    # replicates in the order R makes them: PSUs (and strata) as they first appear in the data
    first = np.full(P, design.n)
    np.minimum.at(first, stage.psu_codes, np.arange(design.n))
    psu_order = np.argsort(first, kind="stable")
    if H == 1:
        n = n_h[0]
        if n < 2:
            raise DesignError(design.source, "the jackknife needs at least two PSUs")
        factors = np.full((P, P), n / (n - 1))
        factors[psu_order, np.arange(P)] = 0.0
        return factors, f[0] * (n - 1) / n, np.ones(P), "JK1"
    stratum_first = np.full(H, design.n)
    np.minimum.at(stratum_first, stage.stratum_codes, np.arange(design.n))
    columns, rscales = [], []
    for h in np.argsort(stratum_first, kind="stable"):
        members = psu_order[stage.psu_stratum[psu_order] == h]
        if f[h] <= 1e-7:
            continue  # sampled completely: no variance, no replicate (R's survey.drop.replicates)
        if n_h[h] == 1:
            if design.lonely_psu == "adjust":
                col = np.where(stage.psu_stratum == h, 0.0, H / (H - 1))
                columns.append(col)
                rscales.append((H - 1) / H)
            continue  # remove / certainty: no replicate
        for j in members:
            col = np.ones(P)
            col[members] = n_h[h] / (n_h[h] - 1)
            col[j] = 0.0
            columns.append(col)
            rscales.append(f[h] * (n_h[h] - 1) / n_h[h])
    if not columns:
        raise DesignError(design.source, "every stratum was sampled completely; there is no sampling variance to replicate")
    return np.column_stack(columns), 1.0, np.asarray(rscales), "JKn"


def _jackknife_scales(design, R):
    _, scale, rscales, _ = _jackknife(design)
    if len(rscales) != R:
        raise DesignError(design.source, f"{R} replicate factors given, but the jackknife of this design has {len(rscales)} replicates")
    return scale, rscales


def _rao_wu(psu_stratum, n_h, f, R, rng) -> np.ndarray:
    """Rao & Wu (1988) rescaling bootstrap factors per PSU (P x R), m_h = n_h - 1."""
    P = len(psu_stratum)
    out = np.ones((P, R))
    for h in np.flatnonzero(n_h >= 2):
        members = np.flatnonzero(psu_stratum == h)
        n = len(members)
        draws = rng.integers(0, n, size=(R, n - 1))
        # how often each member was drawn per replicate (a bincount: np.add.at is slow)
        counts = np.bincount((draws * R + np.arange(R)[:, None]).ravel(),
                             minlength=n * R).reshape(n, R).astype(float)
        lam = np.sqrt(f[h])  # sqrt((1 - n/N)); 1 without fpc
        out[members] = 1 - lam + lam * counts * n / (n - 1)
    return out


def replicate_estimates(weights: np.ndarray, domain: np.ndarray, n_domains: int, numerator: np.ndarray,
                        denominator: np.ndarray | None) -> np.ndarray:
    """Per domain and replicate: sum W num / sum W den (den None: the plain total), D x R.

    `domain` is -1 for rows outside every domain or without a valid value."""
    inside = np.flatnonzero(domain >= 0)
    A = sp.csr_matrix((np.ones(inside.size), (domain[inside], inside)), shape=(n_domains, len(domain)))
    num = np.asarray(A @ (weights * np.where(np.isnan(numerator), 0.0, numerator)[:, None]))
    if denominator is None:
        return num
    den = np.asarray(A @ (weights * np.where(np.isnan(denominator), 0.0, denominator)[:, None]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def replicate_df(weights: np.ndarray, rows: np.ndarray) -> float:
    """R's `degf` of a replicate design: the rank of its analysis weights (rows x R) minus 1,
    the rank as R's `qr(tol=1e-5)` finds it (`qr_rank`)."""
    sub = weights[rows]
    if sub.size == 0:
        return np.nan
    return float(qr_rank(sub) - 1)


def qr_rank(x: np.ndarray, tol: float = 1e-5) -> int:
    """Rank by Householder QR with R's limited column pivoting (LINPACK `dqrdc2` as modified for
    R): a column whose remaining norm falls below `tol` times its original norm is moved to the
    end and not used. Calibrated replicate weights are nearly collinear, and an SVD threshold
    counts them differently from R, which fixes the degrees of freedom of the intervals."""
    x = np.array(x, dtype=float, copy=True)
    n, p = x.shape
    norms = np.linalg.norm(x, axis=0)
    qraux = norms.copy()
    work1 = norms.copy()
    work2 = np.where(norms == 0, 1.0, norms)
    order = list(range(p))
    k = p + 1
    for l in range(min(n, p)):
        while l + 1 < k and qraux[l] < work2[l] * tol:
            # move the negligible column l to the end
            for arr in (qraux, work1, work2):
                arr[l:] = np.concatenate([arr[l + 1:], arr[l:l + 1]])
            x[:, l:] = np.concatenate([x[:, l + 1:], x[:, l:l + 1]], axis=1)
            order = order[:l] + order[l + 1:] + [order[l]]
            k -= 1
        if l + 1 == n:
            break
        nrmxl = np.linalg.norm(x[l:, l])
        if nrmxl == 0:
            continue
        if x[l, l] != 0:
            nrmxl = np.copysign(nrmxl, x[l, l])
        x[l:, l] /= nrmxl
        x[l, l] += 1.0
        if l + 1 < p:
            t = -(x[l:, l] @ x[l:, l + 1:]) / x[l, l]
            x[l:, l + 1:] += np.outer(x[l:, l], t)
            j = np.arange(l + 1, p)
            live = qraux[j] != 0
            with np.errstate(divide="ignore", invalid="ignore"):
                tt = np.maximum(1.0 - (np.abs(x[l, j]) / qraux[j]) ** 2, 0.0)
            small = live & (np.abs(tt) < 1e-6)
            scale = live & ~small
            qraux[j[scale]] = qraux[j[scale]] * np.sqrt(tt[scale])
            if small.any():
                recomputed = np.linalg.norm(x[l + 1:, j[small]], axis=0)
                qraux[j[small]] = recomputed
                work1[j[small]] = recomputed
        qraux[l] = x[l, l]
        x[l, l] = -nrmxl
    return int(min(k - 1, n))


def with_replicates(design, method: str = "bootstrap", replicates: int | None = None,
                    seed: int | None = None):
    """A calibrated (or plain) design with replicate weights added afterwards: the replicates
    are made from its design weights and put through each of its calibration steps in order,
    exactly as if the design had been declared with `variance=method` before calibrating.

    (Trimming is not a recorded step and is not repeated.)

    >>> import pandas as pd
    >>> from weighting.design import Design
    >>> from weighting.calibration import poststratify
    >>> d = poststratify(Design(pd.DataFrame({"s": ["a", "a", "b", "b"]})), pd.DataFrame({"s": ["a", "b"], "total": [10, 20]}))
    >>> r = with_replicates(d, "jackknife").replicates
    >>> r.kind, r.count, r.weights[:, 0].tolist()
    ('JK1', 4, [0.0, 10.0, 10.0, 10.0])
    """
    import copy

    new = copy.copy(design)
    new.variance = method
    reps = make_replicates(design, method, replicates, seed)
    for step in design.steps:
        reps = reps.recalibrated(step.recalibrate(reps.weights), getattr(step, "keeps_replicate_df", False))
    new.replicates = reps
    return new
