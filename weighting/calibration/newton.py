"""Newton steps of calibration, the distance functions, and the sparse solver they use.

The calibration estimator of Deville & Särndal (1992) with a linear, raking or logit distance,
solved by Newton's method as R's `grake` (`R/grake.R`): g = 1 + F(X eta), eta updated by a
generalised inverse of X' D F'(X eta) X. Per-stratum systems are one sparse block-diagonal
solve (`Solver`).
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components
from scipy.special import expit


def distance(calfun, u, lo, hi):
    """g - 1 as a function of x'eta, and its derivative, as R's cal.linear/cal.raking/cal.logit."""
    if calfun == "linear":
        g = np.clip(u + 1, lo, hi) - 1
        d = ((u < hi - 1) & (u > lo - 1)).astype(float)
    elif calfun == "raking":
        with np.errstate(over="ignore"):
            e = np.exp(u)
        g = np.clip(e, lo, hi) - 1
        d = np.where((u < hi - 1) & (u > lo - 1), e, 0.0)
    else:
        # logit calibration (Deville & Särndal 1992, case 6): g in (L, U). R's cal.logit writes
        # g = (L(U-1) + U(1-L)e^{Au}) / (U-1 + (1-L)e^{Au}); that is L + (U-L) expit(Au + c) with
        # c = log((1-L)/(U-1)), which we use because it cannot overflow.
        A = (hi - lo) / ((hi - 1) * (1 - lo))
        s = expit(A * u + np.log((1 - lo) / (hi - 1)))
        g = lo + (hi - lo) * s - 1
        d = (hi - lo) * A * s * (1 - s)
    return g, d


def grake(Xu, du, T, calfun, lo, hi, maxit, epsilon):
    """Newton iterations of R's `grake` (`R/grake.R`), on patterns."""
    p = Xu.shape[1]
    eta = np.zeros(p)
    sample_total = Xu.T @ du
    scale = None
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = T / sample_total
    if np.all(np.isfinite(scales)) and scales.min() > 20:
        # R's pre-scaling for weights far below the population (e.g. all 1)
        scale = float(np.mean(scales))
        du = du * scale
        sample_total = sample_total * scale
    xeta = Xu @ eta
    Fm, dF = distance(calfun, xeta, lo, hi)
    it = 1
    XT = Xu.T.tocsr()
    while True:
        Tmat = XT @ sp.diags(du * dF) @ Xu
        misfit = T - sample_total - XT @ (du * Fm)
        deta = Solver(Tmat).solve(misfit)
        eta = eta + deta
        xeta = Xu @ eta
        Fm, dF = distance(calfun, xeta, lo, hi)
        while it < maxit and not (np.all(np.isfinite(Fm)) and np.all(np.isfinite(dF))):
            it += 1
            deta = deta / 2
            eta = eta - deta
            xeta = Xu @ eta
            Fm, dF = distance(calfun, xeta, lo, hi)
        new_misfit = T - sample_total - XT @ (du * Fm)
        # Where R takes the full Newton step always (and can run off to NaN on hard problems),
        # we halve the step while it makes the misfit worse; a step that improves is R's step.
        halvings = 0
        while halvings < 30 and not (np.linalg.norm(new_misfit) <= np.linalg.norm(misfit)):
            halvings += 1
            deta = deta / 2
            eta = eta - deta
            xeta = Xu @ eta
            Fm, dF = distance(calfun, xeta, lo, hi)
            new_misfit = T - sample_total - XT @ (du * Fm)
        misfit = new_misfit
        if np.all(np.abs(misfit) / (1 + np.abs(T)) < epsilon):
            converged = True
            break
        it += 1
        if it > maxit:
            converged = False
            break
    g = 1 + Fm
    if scale is not None:
        g = g * scale
    return g, it, converged, misfit


class Solver:
    """Solves A z = r for a symmetric positive semi-definite sparse A.

    Columns with a zero diagonal (a cell whose units all sit at a bound in bounded calibration)
    get z = 0, as a generalised inverse gives them. The rest goes to a sparse LU (the matrix is
    block-diagonal by stratum for margins per wijk); if that is singular too (aliased margins we
    could not detect, or a nearly infeasible bounded calibration), the minimum-norm solution, as
    R's `MASS::ginv` in `grake`: exactly by an eigen decomposition for up to 500 columns, by a
    ridge of 1e-12 beyond.
    """

    def __init__(self, A):
        A = sp.csc_matrix(A)
        diag = A.diagonal()
        self.p = A.shape[0]
        self.keep = np.flatnonzero(diag > diag.max(initial=0.0) * 1e-14)
        A = A[self.keep][:, self.keep].tocsc() if self.keep.size < self.p else A
        self.lu = None
        self.pinv = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                self.lu = spla.splu(A)
            z = self.lu.solve(np.ones(A.shape[0]))
            if not np.all(np.isfinite(z)) or np.linalg.norm(A @ z - 1) > 1e-6 * np.sqrt(A.shape[0]):
                self.lu = None
        except (RuntimeError, Warning):
            self.lu = None
        if self.lu is None and A.shape[0] <= 500:
            vals, vecs = np.linalg.eigh(A.toarray())
            keep = vals > vals.max() * A.shape[0] * np.finfo(float).eps * 256
            self.pinv = (vecs[:, keep] / vals[keep]) @ vecs[:, keep].T
        elif self.lu is None:
            # large and singular: a tiny ridge gives the minimum-norm solution to about 1e-12
            # relative for right-hand sides in the range of A, without a dense decomposition
            ridge = 1e-12 * float(A.diagonal().max())
            self.lu = spla.splu((A + ridge * sp.identity(A.shape[0], format="csc")).tocsc())

    def solve(self, r):
        r = np.asarray(r, dtype=float)
        sub = r[self.keep]
        z_sub = self.lu.solve(sub) if self.lu is not None else self.pinv @ sub
        if self.keep.size == self.p:
            return z_sub
        z = np.zeros((self.p,) + r.shape[1:])
        z[self.keep] = z_sub
        return z


def components_from(pattern, Xu):
    """Connected component per unit of the graph linking units through shared model columns."""
    P, p = Xu.shape
    B = sp.csr_matrix(Xu != 0, dtype=np.int8)
    graph = sp.bmat([[None, B], [B.T, None]], format="csr")
    _, comp = connected_components(graph, directed=False)
    return comp[:P][pattern]


def pattern_matrix(pcells, sizes):
    """Indicator matrix (patterns x all margin cells)."""
    P = len(pcells[0])
    blocks = [sp.csr_matrix((np.ones(P), (np.arange(P), pc)), shape=(P, K)) for pc, K in zip(pcells, sizes)]
    return sp.hstack(blocks).tocsr()
