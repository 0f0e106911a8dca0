"""Trimming weights to limits, sharing the trimmed amount over the other units, as R's `trimWeights`."""

from __future__ import annotations

import numpy as np

from weighting.design import Design
from weighting.errors import InfeasibleBoundsError


def trim_weights(design: Design, lower: float = -np.inf, upper: float = np.inf, *, strict: bool = False) -> Design:
    """Trim weights to [lower, upper] and share the trimmed amount over the untrimmed units.

    As R's `trimWeights` (`R/grake.R`): weights outside the limits are set to the limit and the
    total trimmed is added equally to every other unit, so the weight sum is kept; with
    `strict`, repeated until no weight is outside. Calibration steps are kept, as in R.

    Raises:
        InfeasibleBoundsError: the limits cannot hold the weight sum (every unit trimmed).

    >>> import pandas as pd
    >>> d = Design(pd.DataFrame({"w": [1.0, 1.0, 10.0]}), design_weight="w")
    >>> trim_weights(d, upper=6).weights.tolist()
    [3.0, 3.0, 6.0]
    """
    pw = design.weights.copy()
    has_trimmed = np.zeros(len(pw), dtype=bool)
    outside = (pw < lower) | (pw > upper)
    rounds = 0
    while outside.any():
        rounds += 1
        new = np.clip(pw, lower, upper)
        trimmings = pw - new
        can = ~outside & ~has_trimmed
        if not can.any():
            raise InfeasibleBoundsError(design.source, f"trimming to [{lower:g}, {upper:g}] failed: no untrimmed weights left to take {trimmings.sum():g}")
        new[can] += trimmings.sum() / can.sum()
        has_trimmed |= outside
        pw = new
        if not strict or rounds > 1000:
            break
        outside = (pw < lower - 1e-12) | (pw > upper + 1e-12)
    trimmed = design.with_weights(pw, None, dict(trimmed=int(has_trimmed.sum())))
    if design.replicates is not None:
        # R's trimWeights trims every replicate too
        W = np.column_stack([trim_weights(design.without_replicates().with_weights(design.replicates.weights[:, r]),
                                          lower, upper, strict=strict).weights
                             for r in range(design.replicates.count)])
        trimmed.replicates = design.replicates.with_weights(W)
    return trimmed
