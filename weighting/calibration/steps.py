"""Calibration steps: what variance estimation needs (cf. `design$postStrata` in R survey).

Every calibration appends a `Step` to the design: it knows how to turn a variable into the
residuals that linearisation variance uses (`residualize`, as R's `svyrecvar` in
`R/multistage.R`) and how to calibrate replicate weights the way the weights were calibrated
(`recalibrate`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from weighting.calibration.newton import Solver, grake


class Step:
    """One calibration, as recorded on the calibrated design."""

    components: np.ndarray  # connected component per respondent (see `weighting.variance`)

    def residualize(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def recalibrate(self, W: np.ndarray) -> np.ndarray:
        """Replicate weights (n x R) calibrated as this step calibrated the weights, as R's
        `postStratify`/`rake`/`calibrate` do for a design with replicate weights."""
        raise NotImplementedError


def _safe_factor(target, achieved):
    """target / achieved, 1 where a replicate left the cell empty (nothing to scale)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(achieved > 0, target / achieved, 1.0)


def _rows_to(codes, W, K):
    """Column sums of W (n x R) per code: K x R."""
    ind = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(K, len(codes)))
    return np.asarray(ind @ W)


def _cell_means(cells, values, K):
    """Unweighted mean of each column of `values` per cell (R's `ave`)."""
    counts = np.bincount(cells, minlength=K)
    if values.ndim == 1:
        return np.bincount(cells, weights=values, minlength=K) / counts
    ind = sp.csr_matrix((np.ones(len(cells)), (cells, np.arange(len(cells)))), shape=(K, len(cells)))
    return (ind @ values) / counts[:, None]


def _bcast(w, x):
    return w if x.ndim == 1 else w[:, None]


class PostStratStep(Step):
    """Post-stratification: residuals from the weighted post-stratum means.

    As R's `svyrecvar` for a `postStratify`d design (`R/multistage.R`): with `psw` the new and
    `oldw` the old weights, x - psw * [sum_c(x oldw / psw) / sum_c(oldw)].
    """

    def __init__(self, cells, psw, oldw):
        self.cells, self.psw, self.oldw = cells, psw, oldw
        self.K = int(cells.max()) + 1
        self.components = cells

    def residualize(self, x):
        ratio = x * _bcast(self.oldw / self.psw, x)
        if x.ndim == 1:
            num = np.bincount(self.cells, weights=ratio, minlength=self.K)
        else:
            ind = sp.csr_matrix((np.ones(len(self.cells)), (self.cells, np.arange(len(self.cells)))), shape=(self.K, len(self.cells)))
            num = ind @ ratio
        den = np.bincount(self.cells, weights=self.oldw, minlength=self.K)
        means = num / (den if x.ndim == 1 else den[:, None])
        return x - means[self.cells] * _bcast(self.psw, x)

    def recalibrate(self, W):
        pop = np.bincount(self.cells, weights=self.psw, minlength=self.K)
        return W * _safe_factor(pop[:, None], _rows_to(self.cells, W, self.K))[self.cells]


class RakingStep(Step):
    """Raking: iterated projections on the margins, as R's `svyrecvar` for a `rake`d design.

    R (`R/multistage.R`, class "raking") repeats, 10 times, for each margin of the last raking
    pass: x <- x - psw * ave(x / psw, margin), with psw the weights after that margin's
    adjustment. We do the same so the standard errors equal R's; this is an approximation to
    the exact GREG projection that `calibrate(calfun="raking")` uses (they differ in the 4th
    significant digit on `apistrat`).

    Speed: after k projections x = x0 - sum_j psw_j * A_j[cell_j], and psw_j / psw_k depends
    only on the respondent's pattern of cells, so the 10 rounds run on cell sums: what margin
    j's cells see of margin k's corrections is a fixed cells x cells matrix (`_transfer`), so a
    round is M x M small sparse products on cells x columns; respondents are touched once to
    sum and once to subtract. `residualize_direct` is R's loop over respondents, kept to check
    the fast form.
    """

    ITERATIONS = 10

    def __init__(self, w0, pattern, pcells, factors, components):
        self.w0 = w0  # weights before raking, per respondent
        self.pattern = pattern  # pattern per respondent
        self.pcells = pcells  # per margin: cell of each pattern
        self.factors = factors  # per margin: psw / w0 of each pattern (weights after that margin)
        self.Ks = [int(c.max()) + 1 for c in pcells]
        self.P = len(pcells[0])
        self.n_pattern = np.bincount(pattern, minlength=self.P).astype(float)
        self.cell_count = [np.bincount(pc, weights=self.n_pattern, minlength=K) for pc, K in zip(pcells, self.Ks)]
        self.components = components
        self._operators = None

    @property
    def margin_cells(self):
        return [pc[self.pattern] for pc in self.pcells]

    @property
    def margin_weights(self):
        return [self.w0 * f[self.pattern] for f in self.factors]

    def _sparse_operators(self):
        """(respondents -> patterns sum, per margin patterns -> cells gather, per margin pair
        the transfer G_j' diag(n_pattern F_k / F_j) G_k), built once per step."""
        if self._operators is None:
            n = len(self.pattern)
            to_pattern = sp.csr_matrix((np.ones(n), (self.pattern, np.arange(n))), shape=(self.P, n))
            gather = [sp.csr_matrix((np.ones(self.P), (np.arange(self.P), pc)), shape=(self.P, K))
                      for pc, K in zip(self.pcells, self.Ks)]
            transfer = [[(gather[j].T @ sp.diags(self.n_pattern * self.factors[k] / self.factors[j]) @ gather[k]).tocsr()
                         for k in range(len(self.pcells))] for j in range(len(self.pcells))]
            self._operators = (to_pattern, gather, transfer)
        return self._operators

    def residualize(self, x):
        x = np.asarray(x, dtype=float)
        X = x[:, None] if x.ndim == 1 else x
        to_pattern, gather, transfer = self._sparse_operators()
        M = len(self.pcells)
        # B_j[c] = sum over cell c of margin j of x0 / psw_j (one pass over respondents)
        pattern_sum = np.asarray(to_pattern @ (X / self.w0[:, None]))
        B = [np.asarray(g.T @ (pattern_sum / f[:, None])) for g, f in zip(gather, self.factors)]
        A = [np.zeros((K, X.shape[1])) for K in self.Ks]
        for _ in range(self.ITERATIONS):
            for j in range(M):
                seen = sum(transfer[j][k] @ A[k] for k in range(M))
                A[j] = A[j] + (B[j] - seen) / self.cell_count[j][:, None]
        per_pattern = sum(self.factors[k][:, None] * (gather[k] @ A[k]) for k in range(M))
        # X - w0 * per_pattern[pattern], in one n x K array
        out = np.take(per_pattern, self.pattern, axis=0)
        np.multiply(out, self.w0[:, None], out=out)
        np.subtract(X, out, out=out)
        return out[:, 0] if x.ndim == 1 else out

    def recalibrate(self, W):
        """Each replicate raked for as many passes as the weights were (R's `rake` post-stratifies
        the replicates in the same loop)."""
        Wu = _rows_to(self.pattern, W, self.P)
        Wu0 = Wu.copy()
        # the patterns -> cells sums of each margin, made once for all passes
        to_cells = [sp.csr_matrix((np.ones(self.P), (pc, np.arange(self.P))), shape=(K, self.P))
                    for pc, K in zip(self.pcells, self.Ks)]
        for _ in range(self.passes):
            for pc, pop, summed in zip(self.pcells, self.pops, to_cells):
                Wu = Wu * _safe_factor(pop[:, None], np.asarray(summed @ Wu))[pc]
        return W * _safe_factor(Wu, Wu0)[self.pattern]

    def residualize_direct(self, x):
        """R's loop: 10 rounds of x <- x - psw * ave(x / psw, margin), per respondent."""
        x = np.array(x, dtype=float, copy=True)
        for _ in range(self.ITERATIONS):
            for cells, psw, K in zip(self.margin_cells, self.margin_weights, self.Ks):
                w = _bcast(psw, x)
                x = x - w * _cell_means(cells, x / w, K)[cells]
        return x


class GregStep(Step):
    """Calibration (linear, raking or logit distance): residuals of the calibration regression.

    As R's `svyrecvar` for a `calibrate`d design (`R/grake.R`, class "greg_calibration"): with
    design weights d, g-weights g and model matrix X, x <- x - (g d) * X b where
    b = (X' D X)^- X' (x / g) (Deville & Särndal 1992; Lumley 2010 sec. 7.4).
    """

    def __init__(self, pattern, Xu, du, g, components):
        self.pattern = pattern  # pattern per unit
        self.Xu = Xu.tocsr()  # model matrix per pattern
        self.g = g  # g per unit
        self.final = None
        self.components = components
        self.solver = Solver(self.Xu.T @ sp.diags(du) @ self.Xu)
        self.P = int(Xu.shape[0])

    def residualize(self, x):
        xg = x / _bcast(self.g, x)
        if x.ndim == 1:
            psum = np.bincount(self.pattern, weights=xg, minlength=self.P)
        else:
            ind = sp.csr_matrix((np.ones(len(self.pattern)), (self.pattern, np.arange(len(self.pattern)))), shape=(self.P, len(self.pattern)))
            psum = ind @ xg
        rhs = self.Xu.T @ psum
        b = self.solver.solve(rhs)
        fitted = self.Xu @ b
        return x - _bcast(self.final, x) * fitted[self.pattern]

    def recalibrate(self, W):
        """Each replicate calibrated to the same totals by the same distance (R's
        `calibrate.svyrep.design`: `grake`, or `regcalibrate` for linear without bounds)."""
        calfun, lo, hi, maxit, epsilon = self.settings
        out = np.empty_like(W)
        for r in range(W.shape[1]):
            du = np.bincount(self.pattern, weights=W[:, r], minlength=self.P)
            if calfun == "linear" and not (np.isfinite(lo) or np.isfinite(hi)):
                lam = Solver(self.Xu.T @ sp.diags(du) @ self.Xu).solve(self.target - self.Xu.T @ du)
                gu = 1 + self.Xu @ lam
            else:
                gu, _, _, _ = grake(self.Xu, du, self.target, calfun, lo, hi, maxit, epsilon)
            out[:, r] = W[:, r] * gu[self.pattern]
        return out
