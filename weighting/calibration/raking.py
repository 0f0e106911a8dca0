"""Post-stratification and raking (iterative proportional fitting), as R's `postStratify` and `rake`.

Both run on patterns of margin cells (`weighting.calibration.cells`), so a pass over all
margins touches a few thousand numbers, not every respondent.
"""

from __future__ import annotations

import numpy as np

from weighting.calibration.cells import code_margins, patterns
from weighting.calibration.newton import components_from, pattern_matrix
from weighting.calibration.outcome import calibration_diagnostics, check_choice, fail
from weighting.calibration.steps import PostStratStep, RakingStep
from weighting.design import Design
from weighting.errors import ConvergenceError, MarginError


def poststratify(design: Design, margin, *, collapse_min: int | None = None) -> Design:
    """Post-stratify: scale the weights in each cell to the population total, as R's `postStratify`.

    Args:
        design: the design (design weights, or an earlier calibration).
        margin: a `Margin` or table with the post-stratum variables and `total`.
        collapse_min: merge cells with fewer respondents into a neighbour (logged in
            `design.diagnostics['collapsed']`).

    Returns:
        The post-stratified design.

    Raises:
        MarginCategoryError, EmptyCellError, MarginError.

    >>> import pandas as pd
    >>> d = Design(pd.DataFrame({"sex": ["m", "m", "v"]}))
    >>> poststratify(d, pd.DataFrame({"sex": ["m", "v"], "total": [10, 20]})).weights.tolist()
    [5.0, 5.0, 20.0]
    """
    coded, gaps, log = code_margins(design, [margin], collapse_min, 1e-6, "error")
    cm = coded[0]
    w = design.weights
    K = len(cm.pop)
    sample = np.bincount(cm.cells, weights=w, minlength=K)
    factor = cm.pop / sample
    new = w * factor[cm.cells]
    step = PostStratStep(cm.cells, new, w)
    return design.with_weights(new, step, calibration_diagnostics("poststratify", 1, True, coded, new, log, gaps))


def rake(design: Design, margins, *, epsilon: float = 1e-10, maxit: int = 100,
         collapse_min: int | None = None, tolerance: float = 1e-6, on_mismatch: str = "error",
         on_nonconvergence: str = "error") -> Design:
    """Rake (iterative proportional fitting) to several margins, as R's `rake`.

    Each pass post-stratifies to every margin in turn. As R, the raking stops when no margin
    cell changes by more than `epsilon` between passes (an `epsilon` below 1 is relative to the
    sum of the design weights, as R's `control$epsilon`).

    Args:
        design: the design.
        margins: list of `Margin`s or tables (variables then `total`). A margin containing the
            stratum variable rakes within each stratum.
        epsilon: convergence criterion (R's default is 1; we use 1e-10 of the weight sum).
        maxit: iteration cap (passes over all margins).
        collapse_min: merge sparse cells (fewer respondents than this) into a neighbour category.
        tolerance: relative tolerance for margins that disagree on shared totals.
        on_nonconvergence: 'error' (default) stops when raking does not converge; 'warn' warns
            (R's behaviour), keeps the last pass and reports the gaps in the diagnostics.
        on_mismatch: 'error' (default) stops on disagreeing margins; 'warn' warns, rakes as R
            would (the last margin wins) and puts the gaps in the diagnostics.

    Returns:
        The raked design; `design.diagnostics` has iterations, convergence, margin gaps and the
        collapse log.

    Raises:
        MarginCategoryError, EmptyCellError, MarginTotalsError, ConvergenceError (naming the
        margin cell with the largest remaining change).

    >>> import pandas as pd
    >>> d = Design(pd.DataFrame({"a": ["x", "x", "y"], "b": ["p", "q", "q"]}))
    >>> m = [pd.DataFrame({"a": ["x", "y"], "total": [60, 40]}), pd.DataFrame({"b": ["p", "q"], "total": [30, 70]})]
    >>> [round(float(v), 6) for v in rake(d, m).weights]
    [30.0, 30.0, 40.0]
    """
    if on_mismatch not in ("error", "warn"):
        raise MarginError("<rake>", f"on_mismatch: {on_mismatch!r} is not 'error' or 'warn'")
    check_choice("on_nonconvergence", on_nonconvergence)
    if maxit < 1 or not epsilon > 0:
        raise ConvergenceError("<rake>", f"maxit ({maxit}) must be at least 1 and epsilon ({epsilon}) above 0")
    coded, gaps, log = code_margins(design, margins, collapse_min, tolerance, on_mismatch)
    pattern, pcells = patterns([c.cells for c in coded])
    w0 = design.weights
    P = len(pcells[0])
    wu = np.bincount(pattern, weights=w0, minlength=P)
    wu0 = wu.copy()
    eps = epsilon * w0.sum() if epsilon < 1 else epsilon
    old = [np.bincount(pc, weights=wu, minlength=len(c.pop)) for pc, c in zip(pcells, coded)]
    converged = False
    it = 0
    factors_last = None
    while it < maxit:
        it += 1
        after_margin = []
        for pc, c in zip(pcells, coded):
            tab = np.bincount(pc, weights=wu, minlength=len(c.pop))
            wu = wu * (c.pop / tab)[pc]
            after_margin.append(wu.copy())
        new = [np.bincount(pc, weights=wu, minlength=len(c.pop)) for pc, c in zip(pcells, coded)]
        deltas = [np.abs(a - b) for a, b in zip(new, old)]
        factors_last = after_margin
        if max(float(d.max()) for d in deltas) < eps:
            converged = True
            break
        old = new
    if not converged:
        j = int(np.argmax([d.max() for d in deltas]))
        c = int(np.argmax(deltas[j]))
        fail(on_nonconvergence, ConvergenceError(
            coded[j].margin.source,
            f"raking did not converge in {maxit} iterations; the largest change in the last pass "
            f"was {deltas[j][c]:g} for {coded[j].names[c]} (criterion {eps:g}); raise maxit or "
            f"collapse sparse cells"))
    ratio = wu / wu0
    new_w = w0 * ratio[pattern]
    comp = components_from(pattern, pattern_matrix(pcells, [len(c.pop) for c in coded]))
    step = RakingStep(w0, pattern, pcells, [a / wu0 for a in factors_last], comp)
    step.pops, step.passes = [c.pop for c in coded], it
    return design.with_weights(new_w, step, calibration_diagnostics("raking", it, converged, coded, new_w, log, gaps))
