"""The 2014 baseline and standard deviation of every indicator, derived from the published export.

Every score of every edition is measured against two numbers per indicator that stay fixed at
2014: the Rotterdam value (the baseline) and the spread of the transformed value over the wijken
(the sd). The export shows neither as the Wijkprofiel computed them, so the configuration's
constants (`indices/veiligheidsindex.yaml`) are derived here, by the rules its `baselines`
section names, and `tests/reference/test_index_2014.py` checks that the file holds what this
module derives. Why these rules, with the numbers: `docs/index-reconstruction.md`.

- `sd_over: single_wijken`: the sd is taken over the wijken the export numbers below 3000. The
  six wijken numbered 3001-3011 are merged areas (e.g. Nieuwe Werk/Dijkzigt); with them in, the
  published scores of an indicator with an extreme merged wijk (Diefstal uit/vanaf
  motorvoertuigen: Nieuwe Werk/Dijkzigt) move 18% more per sd than the sd allows, and without
  them every indicator moves as its sd says. `all_wijken` takes the 71.
- `rotterdam_value: unrounded`: where the export prints the Rotterdam value in whole percent
  (survey shares such as "2%"), the baseline is the inhabitant-weighted mean of the wijk values,
  kept inside the rounding interval of the printed value. A survey's city figure is close to
  that mean (checked on the values printed with decimals: within 0.06 points), and half a percent
  under a square root is several index points. `export` takes the printed value.

Plain pandas and numpy: no Flask, no `survey`.
"""

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from weighting import tables
from weighting.errors import InputError
from weighting.scores import compute_scores

SD_RULES = ("all_wijken", "single_wijken")
BASELINE_RULES = ("export", "unrounded")
MERGED_WIJKEN = range(3000, 4000)
"""wijknr of the wijken the export shows merged (3001 Dorp/Rijnpoort ... 3011 Blijdorp/Blijdorpsepolder)."""
CITY = 5000
TRANSFORMS = {"linear": lambda values: values, "sqrt": np.sqrt, "log": np.log}


@dataclass(frozen=True)
class DerivedBaseline:
    column: str
    printed: float
    """The Rotterdam value as the export prints it."""
    baseline: float
    sd: float


def derive_baselines(values, half_widths, inhabitants, config, *, sd_over="single_wijken",
                     rotterdam_value="unrounded", from_scores=(), published=None):
    """The baseline and sd of every indicator of `config`, by the rules named.

    Args:
        values: indicator values of the baseline edition's export, indexed by wijknr
            (`weighting.export_format.read_export`): wijken below 4000, the city 5000.
        half_widths: Series, half the rounding step of every column
            (`weighting.export_format.read_half_widths`).
        inhabitants: Series of inhabitants indexed by wijknr, for every wijk of the export.
        config: ScoreConfig (its indicators' transforms and columns).
        sd_over: `single_wijken` or `all_wijken` (module docstring).
        rotterdam_value: `unrounded` or `export` (module docstring).
        from_scores: columns whose baseline is estimated from `published` (module docstring).
        published: the export's published scores (`weighting.export_format.read_scores`),
            needed when `from_scores` names a column.

    Returns:
        {column: DerivedBaseline}.

    Raises:
        InputError: a rule is unknown, the export has no city row, a wijk has no inhabitants,
            or `from_scores` names a column that is not an indicator or comes without `published`.
    """
    if sd_over not in SD_RULES:
        raise InputError("baselines", f"sd_over: {sd_over!r} is not one of {', '.join(SD_RULES)}")
    if rotterdam_value not in BASELINE_RULES:
        raise InputError("baselines", f"rotterdam_value: {rotterdam_value!r} is not one of "
                                      f"{', '.join(BASELINE_RULES)}")
    if CITY not in values.index:
        raise InputError("baselines", f"the export has no Rotterdam row (wijknr {CITY})")
    wijken = [key for key in values.index if key < 4000]
    missing = [key for key in wijken if key not in inhabitants.index]
    if missing:
        raise InputError("baselines", f"no inhabitants for wijknr {', '.join(map(str, missing))}")
    spread_rows = [key for key in wijken if sd_over == "all_wijken" or key not in MERGED_WIJKEN]
    weights = inhabitants.loc[wijken].astype(float)
    derived = {}
    for indicator in config.indicators:
        column = indicator.column
        printed = float(values.loc[CITY, column])
        baseline = printed
        if rotterdam_value == "unrounded" and half_widths[column] >= 0.5:
            mean = float((values.loc[wijken, column] * weights).sum() / weights.sum())
            baseline = float(np.clip(mean, printed - half_widths[column], printed + half_widths[column]))
        transformed = TRANSFORMS[indicator.transform](values.loc[spread_rows, column].to_numpy(float))
        derived[column] = DerivedBaseline(column, printed, baseline, float(np.std(transformed, ddof=1)))
    for column in from_scores:
        if column not in derived:
            raise InputError("baselines", f"from_scores: {column!r} is not an indicator of "
                                          f"{config.index_column}")
        if published is None:
            raise InputError("baselines", "from_scores needs the published scores of the baseline edition")
        found = derived[column]
        interval = (found.printed - half_widths[column], found.printed + half_widths[column])
        estimate = estimate_from_scores(values, published, with_baselines(config, derived), column, interval)
        derived[column] = dataclasses.replace(found, baseline=estimate)
    return derived


def estimate_from_scores(values, published, config, column, interval, *, tolerance=1e-5):
    """The baseline of `column` inside `interval` whose theme scores are closest to the published.

    Every row of `values` with a published score of the indicator's theme counts, with the rest
    of `config` as it is. The search is a grid of 100 steps over the interval, then golden-section
    refinement between the neighbours of the best grid point (the sum of squares is piecewise
    quadratic in the baseline: smooth, with kinks where a row's score reaches the clip).

    Returns:
        float, the value with the smallest sum of squared differences between the unrounded theme
        score and the published one, to within `tolerance`.
    """
    theme = next(t for t in config.themes if column in [i.column for i in t.indicators])
    rows = published.index[published[theme.column].notna()].intersection(values.index)
    block, target = values.loc[rows], published.loc[rows, theme.column]
    alone = config.theme_only(theme.column)

    def loss(candidate):
        computed = compute_scores(block, replace_baseline(alone, column, float(candidate)), rounded=False)
        return float(((computed[theme.column] - target) ** 2).sum())

    grid = np.linspace(interval[0], interval[1], 101)
    best = int(np.argmin([loss(candidate) for candidate in grid]))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    ratio = (np.sqrt(5) - 1) / 2
    while high - low > tolerance:
        left, right = high - ratio * (high - low), low + ratio * (high - low)
        if loss(left) <= loss(right):
            high = right
        else:
            low = left
    return float((low + high) / 2)


def replace_baseline(config, column, baseline):
    """A copy of `config` in which the indicator `column` has `baseline`."""
    themes = tuple(dataclasses.replace(theme, indicators=tuple(
        dataclasses.replace(i, baseline=baseline) if i.column == column else i for i in theme.indicators))
        for theme in config.themes)
    return config.with_method(themes=themes)


def read_inhabitants(path):
    """Inhabitants per wijk from a CBS wijk table with columns `wijk_code` and `inhabitants`
    (e.g. `rotterdam-wijken-2018.csv`, CBS 1-1-2018), as a Series indexed by wijknr.

    Raises:
        InputError: the file lacks a column or holds a count that is not a whole number >= 0.
    """
    table = tables.read_path(path)  # the one reader: encoding, separator, Excel, limits
    table.first_error()
    for column in ("wijk_code", "inhabitants"):
        if column not in table.headers:
            raise InputError(path, f"missing column '{column}'", row=1)
    cells = {column: table.data[table.headers.index(column)] for column in ("wijk_code", "inhabitants")}
    codes, counts = [], []
    for row, code, count in zip(table.row_numbers, cells["wijk_code"], cells["inhabitants"]):
        if not code.strip().isdigit():
            raise InputError(path, f"{code!r} is not a wijk code (a whole number)",
                             row=int(row), column="wijk_code")
        value = tables.parse_decimal(count)
        if value is None or not math.isfinite(value) or value < 0 or value != int(value):
            raise InputError(path, f"{count!r} is not a number of inhabitants",
                             row=int(row), column="inhabitants")
        codes.append(int(code))
        counts.append(float(value))
    return pd.Series(counts, index=pd.Index(codes, name="wijk_code"), name="inhabitants")


def with_baselines(config, derived):
    """A copy of `config` whose indicators carry the derived baselines and sds, at the precision
    the configuration file stores them (baseline: the printed value, or 3 decimals where it was
    unrounded; sd: 4 decimals). `tests/reference/test_index_2014.py` compares the shipped file
    with this, and scores the rules the file does not use."""
    def rebased(indicator):
        found = derived[indicator.column]
        baseline = found.printed if found.baseline == found.printed else round(found.baseline, 3)
        return dataclasses.replace(indicator, baseline=baseline, sd=round(found.sd, 4))

    themes = tuple(dataclasses.replace(theme, indicators=tuple(rebased(i) for i in theme.indicators))
                   for theme in config.themes)
    return config.with_method(themes=themes)
