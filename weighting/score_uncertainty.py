"""Standard errors and intervals of index scores, from replicate weights through the whole
index computation.

An index score is a non-smooth function of many estimates (transformed, standardised, clipped
to the configured bounds, averaged into themes, parts and the index), so no simple linearisation gives its
variance. We redo the computation on every replicate: each replicate's weights give every
indicator's estimate for every domain (one matrix product per indicator and level), the score
computation runs on those estimates as a black box (`score_fn`: whatever index, Veiligheid,
Sociaal or Fysiek, clipping included), and the spread of the replicate scores is the variance
(`Replicates.variance`: the bootstrap's or jackknife's formula; Wolter 2007, ch. 4-5; Rao & Wu
1988). The interval is score ± z se (normal, as R's `confint` for replicate designs).
Register-based (objective) values carry no sampling error and stay fixed across replicates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from weighting.errors import EstimationError
from weighting.replicates import replicate_estimates


@dataclass(frozen=True)
class IndicatorSpec:
    """How to estimate one indicator from the design's frame: the weighted mean of `column`
    (1/0 for a proportion) over the rows where it is not missing, or with `denominator` the
    ratio sum w y / sum w x, times `multiplier`."""

    name: str
    column: str
    denominator: str | None = None
    multiplier: float = 1.0


def replicate_indicator_estimates(design, specs, levels) -> tuple[pd.DataFrame, np.ndarray]:
    """Every indicator's estimate per domain and replicate.

    Args:
        design: a design with replicate weights (`design.replicates`).
        specs: `IndicatorSpec`s.
        levels: list of (level name, domain column or None for the whole population).

    Returns:
        (keys, thetas): keys has columns indicator, level, domain, one row per estimate;
        thetas is rows x R.

    Raises:
        EstimationError: the design has no replicates.
    """
    if design.replicates is None:
        raise EstimationError(design.source, "index uncertainty needs replicate weights (variance: jackknife or bootstrap)")
    W = design.replicates.weights
    frame = design.frame
    keys, blocks = [], []
    for level, by in levels:
        if by is None:
            codes, labels = np.zeros(design.n, dtype=np.int64), pd.Index(["Rotterdam"])
        else:
            codes, labels = pd.factorize(frame[by], sort=True)
            labels = pd.Index(labels)
        for spec in specs:
            y = pd.to_numeric(frame[spec.column], errors="coerce").to_numpy(dtype=float)
            valid = ~np.isnan(y) & (codes >= 0)
            if spec.denominator is not None:
                x = pd.to_numeric(frame[spec.denominator], errors="coerce").to_numpy(dtype=float)
                valid &= ~np.isnan(x)
                den = np.where(valid, x, np.nan)
            else:
                den = np.where(valid, 1.0, np.nan)
            d = np.where(valid, codes, -1)
            thetas = replicate_estimates(W, d, len(labels), np.where(valid, y, np.nan), den) * spec.multiplier
            blocks.append(thetas)
            keys.append(pd.DataFrame({"indicator": spec.name, "level": level, "domain": labels}))
    return pd.concat(keys, ignore_index=True), np.vstack(blocks)


def score_uncertainty(estimates: pd.DataFrame, keys: pd.DataFrame, thetas: np.ndarray, replicates,
                      score_fn, *, level: float = 0.95) -> pd.DataFrame:
    """Standard error and interval of every score `score_fn` computes, per domain.

    Args:
        estimates: the indicator table the scores come from (columns indicator, level,
            domain, estimate, ...); each replicate replaces its `estimate` column.
        keys, thetas: from `replicate_indicator_estimates` (same indicators, levels, domains).
        replicates: the design's `Replicates` (scale, rscales, centring).
        score_fn: table -> DataFrame indexed by (level, domain) with numeric score columns;
            called on the full table and once per replicate.
        level: confidence level.

    Returns:
        DataFrame indexed like `score_fn`'s output, with `<column> se`, `<column> ci_low` and
        `<column> ci_high` for every numeric score column.
    """
    full = score_fn(estimates)
    columns = [c for c in full.columns if pd.api.types.is_numeric_dtype(full[c])]
    where = pd.MultiIndex.from_frame(estimates[["indicator", "level", "domain"]])
    position = pd.MultiIndex.from_frame(keys).get_indexer(where)
    found = position >= 0
    R = thetas.shape[1]
    stacked = np.full((len(full), len(columns), R), np.nan)
    for r in range(R):
        table = estimates.copy()
        values = table["estimate"].to_numpy(dtype=float, copy=True)
        values[found] = thetas[position[found], r]
        # an estimate the report does not publish (small cell) stays as it is in the index
        table["estimate"] = np.where(table["estimate"].isna(), np.nan, values)
        scores = score_fn(table).reindex(full.index)
        stacked[:, :, r] = scores[columns].to_numpy(dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    out = {}
    for j, column in enumerate(columns):
        estimate = full[column].to_numpy(dtype=float)
        se = np.sqrt(replicates.variance(stacked[:, j, :], estimate))
        se = np.where(np.isnan(estimate), np.nan, se)
        out[f"{column} se"] = se
        out[f"{column} ci_low"] = estimate - z * se
        out[f"{column} ci_high"] = estimate + z * se
    return pd.DataFrame(out, index=full.index)
