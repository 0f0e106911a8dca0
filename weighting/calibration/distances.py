"""Calibration (Deville & Särndal 1992) with a linear, raking or logit distance, as R's `calibrate`.

Builds the model matrix (indicator columns per margin cell, minus aliased ones, then numeric
totals) on patterns and solves it with the Newton steps of `weighting.calibration.newton`;
linear calibration without bounds is GREG, one solve.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weighting.calibration.cells import code_margins, patterns
from weighting.calibration.newton import Solver, components_from, grake
from weighting.calibration.outcome import calibration_diagnostics, check_choice, fail
from weighting.calibration.steps import GregStep
from weighting.design import Design
from weighting.errors import ConvergenceError, InfeasibleBoundsError, MarginError

CALFUNS = ("linear", "raking", "logit")


def calibrate(design: Design, margins=(), *, totals: dict | None = None, calfun: str = "linear",
              bounds=None, maxit: int = 50, epsilon: float = 1e-7, collapse_min: int | None = None,
              tolerance: float = 1e-6, on_mismatch: str = "error", on_nonconvergence: str = "error") -> Design:
    """Calibrate to margins and numeric totals with a linear, raking or logit distance.

    The calibration estimator of Deville & Särndal (1992), solved by Newton's method as R's
    `calibrate`/`grake` (`R/grake.R`): g = 1 + F(X eta), eta updated by a generalised inverse of
    X' D F'(X eta) X. Linear calibration without bounds is GREG (Särndal, Swensson & Wretman
    1992), one solve as R's `regcalibrate`.

    Args:
        design: the design.
        margins: categorical margins (variables then `total`); a table with only `total` is the
            population size. A margin containing the stratum variable calibrates per stratum.
        totals: population totals of numeric variables, e.g. {'enroll': 3811472}.
        calfun: 'linear', 'raking' or 'logit'.
        bounds: (lower, upper) bounds on g = final / design weight; required for 'logit'.
        maxit, epsilon: Newton iteration cap and criterion max|misfit| / (1 + |total|), as R.
        collapse_min, tolerance, on_mismatch, on_nonconvergence: as in `rake` (R's `calibrate`
            only warns when bounded calibration fails; we stop unless asked to warn).

    Returns:
        The calibrated design.

    Raises:
        MarginCategoryError, EmptyCellError, MarginTotalsError, MarginError,
        InfeasibleBoundsError (bounded calibration that cannot meet the margins: R only warns),
        ConvergenceError.

    >>> d = Design(pd.DataFrame({"a": ["x", "x", "y"], "z": [1.0, 2.0, 3.0]}))
    >>> cal = calibrate(d, [pd.DataFrame({"a": ["x", "y"], "total": [20, 10]})], calfun="linear")
    >>> cal.weights.tolist()
    [10.0, 10.0, 10.0]
    """
    if calfun not in CALFUNS:
        raise MarginError("<calibrate>", f"calfun: {calfun!r} is not one of {', '.join(CALFUNS)}")
    if on_mismatch not in ("error", "warn"):
        raise MarginError("<calibrate>", f"on_mismatch: {on_mismatch!r} is not 'error' or 'warn'")
    check_choice("on_nonconvergence", on_nonconvergence)
    lo, hi = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if calfun == "logit" and not (np.isfinite(lo) and np.isfinite(hi)):
        raise InfeasibleBoundsError("<calibrate>", "logit calibration needs finite bounds on g, e.g. bounds=(0.7, 1.7)")
    if not lo < 1 < hi:
        raise InfeasibleBoundsError("<calibrate>", f"bounds ({lo:g}, {hi:g}) must contain 1 (g = 1 leaves a weight unchanged)")
    coded, gaps, log = code_margins(design, list(margins), collapse_min, tolerance, on_mismatch) if len(margins) else ([], [], [])
    totals = dict(totals or {})
    n = design.n
    w0 = design.weights

    # model matrix: indicator columns per margin cell, minus aliased ones, then numeric columns
    blocks, target, names = [], [], []
    cell_arrays = [c.cells for c in coded]
    if totals:
        pattern = np.arange(n)
        pcells = cell_arrays
    else:
        pattern, pcells = patterns(cell_arrays)
    P = len(pattern) if totals else len(pcells[0])
    nested = True
    for k, c in enumerate(coded):
        keep = np.ones(len(c.pop), dtype=bool)
        if k > 0:
            drop, ok = _aliased_cells(coded, k)
            nested &= ok
            keep[drop] = False
        cols = np.flatnonzero(keep)
        remap = np.full(len(c.pop), -1)
        remap[cols] = np.arange(cols.size)
        pc = remap[pcells[k]]
        rows = np.flatnonzero(pc >= 0)
        blocks.append(sp.csr_matrix((np.ones(rows.size), (rows, pc[rows])), shape=(P, cols.size)))
        target.extend(c.pop[cols])
        names.extend(f"{c.margin.source}: {c.names[i]}" for i in cols)
    for var, tot in totals.items():
        if var not in design.frame.columns:
            raise MarginError("<totals>", f"numeric variable {var!r} is not a column of the data {design.source}", column=var)
        vals = pd.to_numeric(design.frame[var], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            raise MarginError(design.source, f"{design.frame[var].iloc[int(bad[0])]!r} is not a number; calibration variables cannot be missing", row=design.row(int(bad[0])), column=var)
        blocks.append(sp.csr_matrix(vals[:, None]))
        target.append(float(tot))
        names.append(f"total of {var}")
    if not blocks:
        raise MarginError("<calibrate>", "no margins or totals to calibrate to")
    Xu = sp.hstack(blocks).tocsr()
    T = np.asarray(target, dtype=float)
    du = np.bincount(pattern, weights=w0, minlength=P) if not totals else w0.copy()

    sample_total = Xu.T @ du
    if calfun == "linear" and bounds is None:
        # GREG in one solve, as R's regcalibrate
        solver = Solver(Xu.T @ sp.diags(du) @ Xu)
        lam = solver.solve(T - sample_total)
        gu = 1 + Xu @ lam
        it, converged = 1, True
        misfit = T - Xu.T @ (du * gu)
    else:
        gu, it, converged, misfit = grake(Xu, du, T, calfun, lo, hi, maxit, epsilon)
    if not converged:
        rel = np.abs(misfit) / (1 + np.abs(T))
        i = int(np.argmax(rel))
        cls = InfeasibleBoundsError if np.isfinite(lo) or np.isfinite(hi) else ConvergenceError
        what = (f"calibration with bounds ({lo:g}, {hi:g}) on g cannot meet the margins" if cls is InfeasibleBoundsError
                else f"{calfun} calibration did not converge")
        fail(on_nonconvergence, cls(
            names[i].split(": ")[0], f"{what} in {maxit} iterations: {names[i].split(': ', 1)[-1]} is still "
            f"{misfit[i]:g} off its total {T[i]:g} (relative {rel[i]:.3g}, criterion {epsilon:g}); "
            f"widen the bounds or collapse sparse cells"))
    if np.any(gu <= 0) and calfun == "linear":
        warnings.warn("linear calibration produced weights <= 0; consider bounds or logit calibration", stacklevel=2)
    g = gu[pattern]
    new_w = w0 * g
    step = GregStep(pattern, Xu, du, g, components_from(pattern, Xu))
    step.final = new_w
    step.target, step.settings = T, (calfun, lo, hi, maxit, epsilon)
    step.keeps_replicate_df = not (calfun == "linear" and bounds is None)  # as R, see Replicates.recalibrated
    diag = calibration_diagnostics(calfun, it, converged, coded, new_w, log, gaps) if coded else dict(method=calfun, iterations=it, converged=converged, collapsed=log, margin_disagreements=gaps)
    diag["aliased_margins_nested"] = nested
    return design.with_weights(new_w, step, diag)


def _aliased_cells(coded, k):
    """Cells of margin k to drop so the model matrix has full rank.

    Margin k's indicators sum, within each group of the variables it shares with an earlier
    margin, to that group's indicator, which the earlier margin already spans (R's
    model.matrix drops the same reference levels). When the shared sets are nested we drop one
    cell per group of the largest; otherwise `Solver` falls back to a generalised inverse.
    """
    c = coded[k]
    variables = c.margin.variables
    shared = [set(variables) & set(coded[j].margin.variables) for j in range(k)]
    largest = max(shared, key=len)
    ok = all(s <= largest for s in shared)
    idx = [variables.index(v) for v in variables if v in largest]
    if idx and (c.var_codes[:, idx] < 0).any():
        return np.array([], dtype=int), False
    if idx:
        key = pd.MultiIndex.from_arrays([c.var_codes[:, j] for j in idx]).to_flat_index()
        first = pd.Series(np.arange(len(c.pop))).groupby(key).first().to_numpy()
    else:
        first = np.array([0])
    return first, ok
