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

    All indicators of a level at once: per domain, the masked values of every indicator
    (rows x indicators) times that domain's rows of the replicate weights (rows x R), one
    matrix product for the numerators and one for the denominators.

    Args:
        design: a design with replicate weights (`design.replicates`).
        specs: `IndicatorSpec`s.
        levels: list of (level name, domain column or None for the whole population).

    Returns:
        (keys, thetas): keys has columns indicator, level, domain, one row per estimate (per
        level, per indicator, the domains in sorted order); thetas is rows x R.

    Raises:
        EstimationError: the design has no replicates.
    """
    if design.replicates is None:
        raise EstimationError(design.source, "index uncertainty needs replicate weights (variance: jackknife or bootstrap)")
    W = design.replicates.weights
    frame = design.frame
    if not specs:
        return pd.DataFrame(columns=["indicator", "level", "domain"]), np.empty((0, W.shape[1]))
    S, R = len(specs), W.shape[1]
    above, below = _masked_values(frame, specs)
    multipliers = np.array([spec.multiplier for spec in specs])
    coded = []
    for level, by in levels:
        if by is None:
            codes, labels = np.zeros(design.n, dtype=np.int64), pd.Index(["Rotterdam"])
        else:
            codes, labels = pd.factorize(frame[by], sort=True)
            labels = pd.Index(labels)
        coded.append((level, codes, labels))
    # the sums over the cells of all levels crossed (the wijken, when gebieden and the city
    # are unions of wijken), then each level's domains as sums of its cells: one pass over
    # the rows whatever the number of levels
    outside = np.any([codes < 0 for _, codes, _ in coded], axis=0)
    crossed = np.column_stack([codes for _, codes, _ in coded])
    cells, cell = np.unique(crossed[~outside], axis=0, return_inverse=True)
    cell = cell.reshape(-1)
    rows = np.flatnonzero(~outside)
    order = rows[np.argsort(cell, kind="stable")]
    bounds = np.searchsorted(np.sort(cell), np.arange(len(cells) + 1))
    values = np.hstack([above, below])[order]
    weights = W[order]
    sums = np.empty((len(cells), 2 * S, R))
    for c in range(len(cells)):
        part = slice(bounds[c], bounds[c + 1])
        sums[c] = values[part].T @ weights[part]
    keys, blocks = [], []
    for position, (level, codes, labels) in enumerate(coded):
        D = len(labels)
        incidence = np.zeros((D, len(cells)))
        incidence[cells[:, position], np.arange(len(cells))] = 1.0
        totals = np.tensordot(incidence, sums, axes=1)  # D x 2S x R
        # rows outside this level's domains but inside another's (none in the report)
        extra = outside & (codes >= 0)
        if extra.any():
            for d in np.unique(codes[extra]):
                inside = extra & (codes == d)
                totals[d] += np.hstack([above, below])[inside].T @ W[inside]
        with np.errstate(invalid="ignore", divide="ignore"):
            thetas = totals[:, :S] / totals[:, S:] * multipliers[None, :, None]  # an empty base: NaN
        # per indicator, its domains: the layout of one table per indicator and level
        blocks.append(thetas.transpose(1, 0, 2).reshape(S * D, R))
        keys.append(pd.DataFrame({"indicator": np.repeat([spec.name for spec in specs], D),
                                  "level": level, "domain": np.tile(np.asarray(labels, dtype=object), S)}))
    return pd.concat(keys, ignore_index=True), np.vstack(blocks)


def _masked_values(frame: pd.DataFrame, specs) -> tuple[np.ndarray, np.ndarray]:
    """(numerators, denominators), rows x indicators: a mean's value and 1 where it is in the
    base, a ratio's two counts where both are present, 0 outside the base."""
    y = _numbers(frame, [spec.column for spec in specs])
    x = np.ones_like(y)
    ratios = [j for j, spec in enumerate(specs) if spec.denominator is not None]
    if ratios:
        x[:, ratios] = _numbers(frame, [specs[j].denominator for j in ratios])
    valid = ~(np.isnan(y) | np.isnan(x))
    return np.where(valid, y, 0.0), np.where(valid, x, 0.0)


def _numbers(frame: pd.DataFrame, columns: list) -> np.ndarray:
    """The columns as one float block (rows x columns); what is not a number is missing."""
    block = frame[columns]
    if not all(pd.api.types.is_numeric_dtype(t) for t in block.dtypes):
        block = block.apply(pd.to_numeric, errors="coerce")
    return block.to_numpy(dtype=float)


REPLICATE_SEPARATOR = "\x1f"


def replicate_domain(domain, replicate: int) -> str:
    """The domain's name in the stacked table of all replicates (see `score_uncertainty`)."""
    return f"{domain}{REPLICATE_SEPARATOR}{replicate}"


def stack_areas(table: pd.DataFrame, replicates: int) -> pd.DataFrame:
    """A table indexed by (level, domain) repeated for every replicate, its domains renamed by
    `replicate_domain`: fixed per-area inputs of a score (the register values, which carry no
    sampling error) for the stacked computation of `score_uncertainty`."""
    levels = table.index.get_level_values(0)
    domains = table.index.get_level_values(1)
    index = pd.MultiIndex.from_arrays(
        [np.tile(levels, replicates),
         [replicate_domain(d, r) for r in range(replicates) for d in domains]],
        names=table.index.names)
    return pd.DataFrame(np.tile(table.to_numpy(), (replicates, 1)), index=index,
                        columns=table.columns).astype(table.dtypes.to_dict())


def score_uncertainty(estimates: pd.DataFrame, keys: pd.DataFrame, thetas: np.ndarray, replicates,
                      score_fn, *, level: float = 0.95, stacked_fn=None,
                      full: pd.DataFrame | None = None) -> pd.DataFrame:
    """Standard error and interval of every score `score_fn` computes, per domain.

    Args:
        estimates: the indicator table the scores come from (columns indicator, level,
            domain, estimate, ...); each replicate replaces its `estimate` column.
        keys, thetas: from `replicate_indicator_estimates` (same indicators, levels, domains).
        replicates: the design's `Replicates` (scale, rscales, centring).
        score_fn: table -> DataFrame indexed by (level, domain) with numeric score columns;
            called on the full table and, without `stacked_fn`, once per replicate.
        level: confidence level.
        stacked_fn: the same computation for one table holding every replicate, each
            domain renamed `replicate_domain(domain, r)`; valid when an area's scores depend
            only on that area's estimates (and fixed inputs, stacked with `stack_areas`), as
            the indices' do (fixed baselines, clipping, means of the area's own values). One
            call instead of R.
        full: `score_fn(estimates)` when the caller has it already (the report's scores).

    Returns:
        DataFrame indexed like `score_fn`'s output, with `<column> se`, `<column> ci_low` and
        `<column> ci_high` for every numeric score column.
    """
    full = score_fn(estimates) if full is None else full
    columns = [c for c in full.columns if pd.api.types.is_numeric_dtype(full[c])]
    where = pd.MultiIndex.from_frame(estimates[["indicator", "level", "domain"]])
    position = pd.MultiIndex.from_frame(keys).get_indexer(where)
    found = position >= 0
    R = thetas.shape[1]
    published = estimates["estimate"].to_numpy(dtype=float)
    values = np.repeat(published[:, None], R, axis=1)
    values[found] = thetas[position[found]]
    # an estimate the report does not publish (small cell) stays as it is in the index
    values[np.isnan(published)] = np.nan
    if stacked_fn is not None:
        stacked = _stacked_scores(estimates, values, full.index, columns, stacked_fn)
    else:
        stacked = np.full((len(full), len(columns), R), np.nan)
        for r in range(R):
            table = estimates.copy()
            table["estimate"] = values[:, r]
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


def _stacked_scores(estimates, values, index, columns, stacked_fn) -> np.ndarray:
    """Every replicate's scores from one call of `stacked_fn`: areas x columns x R."""
    R = values.shape[1]
    # the R copies of the text columns (indicator, label, kind, level, ...) as categoricals: a
    # score function that maps or compares them then works on the few distinct values, not on
    # every row
    base = estimates.astype({c: "category" for c in estimates.columns
                             if c != "domain" and pd.api.types.is_string_dtype(estimates[c])})
    table = pd.concat([base] * R, ignore_index=True)
    # the renamed domains as a categorical: each of the (domains x R) names is made once (as
    # plain objects: no string array is inferred from them)
    codes, names = pd.factorize(estimates["domain"])
    renamed = pd.Index([replicate_domain(d, r) for r in range(R) for d in names], dtype=object)
    table["domain"] = pd.Categorical.from_codes(
        (np.arange(R)[:, None] * len(names) + codes[None, :]).reshape(-1), renamed, validate=False)
    table["estimate"] = values.T.reshape(-1)
    scores = stacked_fn(table)
    levels, names = index.get_level_values(0), index.get_level_values(1)
    wanted = pd.MultiIndex.from_arrays(
        [np.tile(levels, R), [replicate_domain(d, r) for r in range(R) for d in names]])
    block = scores.reindex(wanted)[columns].to_numpy(dtype=float)  # (R * areas) x columns
    return block.reshape(R, len(index), len(columns)).transpose(1, 2, 0)
