"""Index scores: from indicator values per wijk to theme, part and index scores.

The Wijkprofiel scores every indicator against the Rotterdam value of 2014, averages indicator
scores into themes, themes into a subjective and an objective part, and the two parts into the
index (100 = Rotterdam 2014). No official document states the formula; the one implemented here
was reconstructed from the published 2014 Veiligheidsindex export and is described, with what
reproduces the published scores and what does not, in `docs/index-reconstruction.md`. Every
constant is configuration (`indices/veiligheidsindex.yaml`, `indices/sociale_index.yaml`,
`indices/fysieke_index.yaml`), read by `load_score_config` after `weighting.index_check` found
no problem in it.

Indicator score, for value x (Wijkprofiel 2014 reconstruction)::

    score = clip(100 + scale * d * (t(x) - t(baseline)) / sd, low, high)

d is +1 when a higher value is better and -1 when it is worse, t the indicator's transform
(linear, sqrt or log), baseline the Rotterdam 2014 value and sd the standard deviation of t(x)
across the wijken in 2014 (n - 1 denominator; how both were derived from the export:
`weighting.index_baselines`). Baseline and sd stay fixed, so later editions are measured
against 2014.

This module is plain pandas and numpy: no Flask, no `survey`.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from weighting.errors import InputError
from weighting.index_check import INDICES_DIR, load_checked

TRANSFORMS = {
    "linear": lambda values: values,
    "sqrt": np.sqrt,
    "log": np.log,
}
DIRECTIONS = {"higher_is_better": 1.0, "higher_is_worse": -1.0}
THEME_MEANS = ("groups", "indicators")
MISSING_RULES = ("available", "complete")
ROUNDING_RULES = ("half_up", "half_even")

DEFAULT_CONFIG_PATH = INDICES_DIR / "veiligheidsindex.yaml"
INDEX_FILES = ("veiligheidsindex.yaml", "sociale_index.yaml", "fysieke_index.yaml")
"""The three indices of the Wijkprofiel, in the published order."""


@dataclass(frozen=True)
class RegisterSource:
    """Where an objective indicator comes from in a register file: the value is
    `multiplier * count / denominator` (e.g. burglaries per 1,000 addresses), summed over the
    wijken of an area before dividing (`weighting.register_indicators`)."""

    count: str
    per: str
    multiplier: float


@dataclass(frozen=True)
class DefinitionChange:
    """A change of an indicator's definition from `edition` on (e.g. police figures recounted
    under new rules): the series of its theme, part and index is broken there."""

    edition: int
    change: str
    bridge: str = ""


@dataclass(frozen=True)
class Indicator:
    column: str
    direction: float
    transform: str
    baseline: float
    sd: float
    group: str | None = None
    register: RegisterSource | None = None
    survey: str | None = None
    """The questionnaire indicator id that measures it (else its label must equal `column`)."""
    definition: str = ""
    source: str = ""
    since: int | None = None
    changes: tuple = ()


@dataclass(frozen=True)
class Theme:
    column: str
    indicators: tuple


@dataclass(frozen=True)
class Part:
    column: str
    themes: tuple
    kind: str = ""
    """subjectief (survey) or objectief (registers)."""


@dataclass(frozen=True)
class ScoreConfig:
    """The score computation as data. Build it with `load_score_config` or `score_config_from_dict`."""

    index_column: str
    themes: tuple
    parts: tuple
    scale: float = 40.0
    clip: tuple = (20.0, 180.0)
    theme_mean: str = "groups"
    missing: str = "available"
    rounding: str = "half_up"
    decimals: int = 0
    denominators: tuple = ()
    """Names of the denominator columns of the register file (inwoners, adressen, ...)."""
    id: str = ""
    baseline_edition: int = 2014
    status: str = "reconstructed"
    note: str = ""

    @property
    def indicators(self):
        return [indicator for theme in self.themes for indicator in theme.indicators]

    @property
    def indicator_columns(self):
        return [indicator.column for indicator in self.indicators]

    @property
    def register_indicators(self):
        """The indicators read from a register file (those with a `register` source)."""
        return [indicator for indicator in self.indicators if indicator.register is not None]

    @property
    def score_columns(self):
        """Published column order: index, its parts, then the themes."""
        return [self.index_column] + [p.column for p in self.parts] + [t.column for t in self.themes]

    def part(self, kind):
        """The part of `kind` (subjectief or objectief), or None."""
        return next((part for part in self.parts if part.kind == kind), None)

    def part_indicators(self, part_column):
        """The indicators of the themes of one part."""
        part = next(p for p in self.parts if p.column == part_column)
        return [i for t in self.themes if t.column in part.themes for i in t.indicators]

    def breaks(self):
        """{edition: [(theme, indicator, DefinitionChange), ...]}: where a definition changes."""
        result = {}
        for theme in self.themes:
            for indicator in theme.indicators:
                for change in indicator.changes:
                    result.setdefault(change.edition, []).append((theme.column, indicator.column, change))
        return dict(sorted(result.items()))

    def theme_only(self, column):
        """A copy that scores one theme only (as a part of its own): quicker where a check needs
        one theme's scores many times."""
        theme = next(t for t in self.themes if t.column == column)
        return self.with_method(themes=(theme,), parts=(Part(f"{column} (alone)", (column,)),))

    def with_method(self, **changes):
        """A copy with other method settings, e.g. `config.with_method(theme_mean="indicators")`."""
        values = {field: getattr(self, field) for field in self.__dataclass_fields__}
        values.update(changes)
        return ScoreConfig(**values)


def load_score_config(path=DEFAULT_CONFIG_PATH):
    """Read and check a score configuration file.

    Args:
        path: a YAML file laid out like `questionnaires/index_veiligheid.yaml`.

    Returns:
        ScoreConfig.

    Raises:
        InputError: the file is missing, is not YAML, or a setting is absent or invalid; the
            message names the file, the line and the setting (`weighting.index_check`).

    >>> config = load_score_config()
    >>> config.index_column, len(config.themes), len(config.indicators)
    ('Veiligheidsindex', 11, 54)
    """
    path = Path(path)
    return score_config_from_dict(load_checked(path), source=path)


def load_index_configs(directory=INDICES_DIR):
    """{index column: ScoreConfig} of the three Wijkprofiel indices, in published order.

    >>> list(load_index_configs())
    ['Veiligheidsindex', 'Sociale index', 'Fysieke index']
    """
    configs = [load_score_config(Path(directory) / name) for name in INDEX_FILES]
    return {config.index_column: config for config in configs}


def score_config_from_dict(data, source="score configuration"):
    """Build a ScoreConfig from the parsed YAML mapping; see `load_score_config`."""
    if not isinstance(data, dict):
        raise InputError(source, "expected a mapping with 'index', 'method', 'parts' and 'themes'")
    method = data.get("method") or {}
    if not isinstance(method, dict):
        raise InputError(source, "'method' must be a mapping of settings")

    scale = _number(method.get("scale", 40), source, "method.scale")
    if scale <= 0:
        raise InputError(source, f"method.scale: {scale} must be > 0")
    clip = method.get("clip", [20, 180])
    if clip is None:
        clip = (-np.inf, np.inf)
    elif isinstance(clip, (list, tuple)) and len(clip) == 2:
        clip = (_number(clip[0], source, "method.clip"), _number(clip[1], source, "method.clip"))
    else:
        raise InputError(source, f"method.clip: {clip!r} must be [low, high] or null")
    if clip[0] >= clip[1]:
        raise InputError(source, f"method.clip: low {clip[0]} must be below high {clip[1]}")
    theme_mean = _choice(method.get("theme_mean", "groups"), THEME_MEANS, source, "method.theme_mean")
    missing = _choice(method.get("missing", "available"), MISSING_RULES, source, "method.missing")
    rounding = _choice(method.get("rounding", "half_up"), ROUNDING_RULES, source, "method.rounding")
    decimals = method.get("decimals", 0)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
        raise InputError(source, f"method.decimals: {decimals!r} must be a whole number >= 0")

    index_column = data.get("index")
    if not isinstance(index_column, str) or not index_column:
        raise InputError(source, "'index' must name the index column, e.g. Veiligheidsindex")

    denominators = _denominators(data.get("register"), source)

    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise InputError(source, "'themes' must be a non-empty list")
    themes = []
    seen_indicators = set()
    for number, raw_theme in enumerate(raw_themes, start=1):
        where = f"themes[{number}]"
        if not isinstance(raw_theme, dict) or not isinstance(raw_theme.get("column"), str):
            raise InputError(source, f"{where}: needs 'column' (the theme's column name)")
        where = f"theme '{raw_theme['column']}'"
        raw_indicators = raw_theme.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            raise InputError(source, f"{where}: 'indicators' must be a non-empty list")
        indicators = []
        for raw in raw_indicators:
            indicator = _indicator(raw, source, where, denominators)
            if indicator.column in seen_indicators:
                raise InputError(source, f"{where}: indicator '{indicator.column}' appears twice")
            seen_indicators.add(indicator.column)
            indicators.append(indicator)
        themes.append(Theme(raw_theme["column"], tuple(indicators)))
    theme_names = [theme.column for theme in themes]
    if len(set(theme_names)) != len(theme_names):
        raise InputError(source, "themes: a theme column appears twice")

    raw_parts = data.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        raise InputError(source, "'parts' must be a non-empty list")
    parts = []
    used = []
    for number, raw_part in enumerate(raw_parts, start=1):
        if not isinstance(raw_part, dict) or not isinstance(raw_part.get("column"), str):
            raise InputError(source, f"parts[{number}]: needs 'column' (the part's column name)")
        part_themes = raw_part.get("themes")
        if not isinstance(part_themes, list) or not part_themes:
            raise InputError(source, f"part '{raw_part['column']}': 'themes' must be a non-empty list")
        for name in part_themes:
            if name not in theme_names:
                raise InputError(source, f"part '{raw_part['column']}': theme '{name}' is not one of "
                                         f"the themes ({', '.join(theme_names)})")
        used.extend(part_themes)
        parts.append(Part(raw_part["column"], tuple(part_themes), raw_part.get("kind", "")))
    unused = [name for name in theme_names if name not in used]
    if unused:
        raise InputError(source, f"parts: theme(s) {', '.join(unused)} belong to no part")

    counts = [i.register.count for t in themes for i in t.indicators if i.register is not None]
    repeated = sorted({name for name in counts if counts.count(name) > 1})
    if repeated:
        raise InputError(source, f"register count column '{repeated[0]}' is used by two indicators")
    clashes = sorted(set(counts) & (set(denominators) | {"wijknr"}))
    if clashes:
        raise InputError(source, f"register count column '{clashes[0]}' is also a denominator or the key")

    return ScoreConfig(index_column=index_column, themes=tuple(themes), parts=tuple(parts),
                       scale=scale, clip=clip, theme_mean=theme_mean, missing=missing,
                       rounding=rounding, decimals=decimals, denominators=denominators,
                       id=str(data.get("id", "")), baseline_edition=int(data.get("baseline_edition", 2014)),
                       status=str(data.get("status", "reconstructed")), note=str(data.get("note", "")))


def _denominators(raw, source):
    """The denominator columns named under `register.denominators` (a mapping name: meaning)."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not isinstance(raw.get("denominators"), dict) or not raw["denominators"]:
        raise InputError(source, "'register' must hold 'denominators': a mapping of column name to "
                                 "its meaning, e.g. inwoners: inhabitants on 1 January")
    names = tuple(raw["denominators"])
    for name in names:
        if not isinstance(name, str) or not name.strip() or name == "wijknr":
            raise InputError(source, f"register.denominators: {name!r} is not a usable column name")
    return names


def _register_source(raw, source, where, denominators):
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("count"), str) or not raw["count"].strip():
        raise InputError(source, f"{where}: register needs 'count' (the count column of the register file)")
    if raw.get("per") not in denominators:
        shown = ", ".join(denominators) or "none: add register.denominators"
        raise InputError(source, f"{where}: register.per {raw.get('per')!r} is not one of the "
                                 f"denominators ({shown})")
    multiplier = _number(raw.get("multiplier", 1), source, f"{where}: register.multiplier")
    if multiplier <= 0:
        raise InputError(source, f"{where}: register.multiplier {multiplier:g} must be > 0")
    return RegisterSource(raw["count"], raw["per"], multiplier)


def _indicator(raw, source, where, denominators=()):
    if not isinstance(raw, dict) or not isinstance(raw.get("column"), str):
        raise InputError(source, f"{where}: every indicator needs 'column'")
    where = f"{where}, indicator '{raw['column']}'"
    direction = _choice(raw.get("direction"), tuple(DIRECTIONS), source, f"{where}: direction")
    transform = _choice(raw.get("transform", "linear"), tuple(TRANSFORMS), source, f"{where}: transform")
    baseline = _number(raw.get("baseline"), source, f"{where}: baseline")
    sd = _number(raw.get("sd"), source, f"{where}: sd")
    if sd <= 0:
        raise InputError(source, f"{where}: sd {sd} must be > 0")
    if transform == "sqrt" and baseline < 0 or transform == "log" and baseline <= 0:
        raise InputError(source, f"{where}: baseline {baseline} is outside the domain of {transform}")
    group = raw.get("group")
    if group is not None and not isinstance(group, str):
        raise InputError(source, f"{where}: group {group!r} must be a name")
    register = _register_source(raw.get("register"), source, where, denominators)
    changes = tuple(DefinitionChange(int(c["edition"]), str(c["change"]), str(c.get("bridge", "")))
                    for c in raw.get("changes") or ())
    return Indicator(raw["column"], DIRECTIONS[direction], transform, baseline, sd, group, register,
                     survey=raw.get("survey"), definition=str(raw.get("definition", "")),
                     source=str(raw.get("source", "")), since=raw.get("since"), changes=changes)


def _number(value, source, where):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise InputError(source, f"{where}: {value!r} is not a number")
    return float(value)


def _choice(value, allowed, source, where):
    if value not in allowed:
        raise InputError(source, f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def indicator_scores(values, config, source="indicator values"):
    """Score every indicator: 100 at the 2014 baseline, `scale` points per 2014 sd, clipped.

    Args:
        values: DataFrame with one row per area and a column per indicator (raw values,
            percentages as numbers 0-100); missing values are NaN.
        config: ScoreConfig.
        source: name used in error messages.

    Returns:
        DataFrame with the same index and one unrounded score column per indicator.

    Raises:
        InputError: an indicator column is absent, or a value is outside its transform's domain
            (negative under sqrt, not positive under log); names the row label and column.

    >>> config = score_config_from_dict({"index": "I", "parts": [{"column": "P", "themes": ["T"]}],
    ...     "themes": [{"column": "T", "indicators": [{"column": "x", "direction": "higher_is_worse",
    ...     "transform": "sqrt", "baseline": 4.0, "sd": 0.5}]}]})
    >>> indicator_scores(pd.DataFrame({"x": [4.0, 9.0, 0.0]}), config)["x"].tolist()
    [100.0, 20.0, 180.0]
    """
    missing = [column for column in config.indicator_columns if column not in values.columns]
    if missing:
        raise InputError(source, f"missing indicator column(s): {', '.join(missing)}")
    columns = config.indicator_columns
    block = _number_block(values, columns, source)
    transformed = np.empty(block.shape)
    baselines = np.empty(len(columns))
    for position, indicator in enumerate(config.indicators):
        _check_domain(block[:, position], values.index, indicator, source)
        transform = TRANSFORMS[indicator.transform]
        with np.errstate(invalid="ignore", divide="ignore"):
            transformed[:, position] = transform(block[:, position])
        baselines[position] = transform(indicator.baseline)
    factors = np.array([config.scale * i.direction / i.sd for i in config.indicators])
    scores = (100.0 + (transformed - baselines) * factors).clip(*config.clip)
    return pd.DataFrame(scores, index=values.index, columns=columns)


def _number_block(values, columns, source) -> np.ndarray:
    """The columns as floats, rows x columns (numbers as they are; text that is not a number is
    an error naming its row and column)."""
    frame = values[columns]
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in frame.dtypes):
        return frame.to_numpy(dtype=float)
    return np.column_stack([_numeric(frame[column], column, source).to_numpy() for column in columns])


def _numeric(series, column, source):
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    converted = pd.to_numeric(series, errors="coerce").astype(float)
    bad = converted.isna() & series.notna()
    if bad.any():
        label = bad[bad].index[0]
        raise InputError(source, f"{series[label]!r} is not a number", row=label, column=column)
    return converted


def _check_domain(column_values: np.ndarray, labels, indicator, source):
    if indicator.transform == "sqrt":
        bad = column_values < 0
        expected = "a value >= 0 (it is square-rooted)"
    elif indicator.transform == "log":
        bad = column_values <= 0
        expected = "a value > 0 (its logarithm is taken)"
    else:
        return
    if bad.any():
        first = int(np.argmax(bad))
        raise InputError(source, f"{column_values[first]:g} is out of range; expected {expected}",
                         row=labels[first], column=indicator.column)


def theme_scores(scores, config):
    """Average indicator scores into theme scores (unrounded).

    With `theme_mean: groups` a theme whose indicators carry a `group` is the mean of its group
    means: the published 2014 subjective themes weigh perception ("komt vaak voor als
    buurtprobleem") and victimisation as two halves, whatever the number of indicators in each
    (docs/index-reconstruction.md). With `theme_mean: indicators` every indicator counts equally.
    Missing indicator scores: `missing: available` averages what is there (a theme is missing
    only when all its indicators are); `missing: complete` makes the theme missing.
    """
    themes = {}
    for theme in config.themes:
        columns = [indicator.column for indicator in theme.indicators]
        block = scores[columns]
        if config.theme_mean == "groups":
            groups = [indicator.group or "" for indicator in theme.indicators]
            means = [_mean(block[[c for c, g in zip(columns, groups) if g == group]], config.missing)
                     for group in dict.fromkeys(groups)]
            themes[theme.column] = _mean(pd.concat(means, axis=1), config.missing)
        else:
            themes[theme.column] = _mean(block, config.missing)
    return pd.DataFrame(themes, index=scores.index)


def _mean(block, missing):
    if missing == "complete":
        return block.mean(axis=1, skipna=False)
    return block.mean(axis=1, skipna=True)


def compute_scores(values, config, *, rounded=True, source="indicator values"):
    """Theme, part and index scores from raw indicator values.

    Parts are the mean of their (unrounded) themes and the index the mean of its (unrounded)
    parts; rounding happens once, at the end, as the 2014 publication shows (the published index
    equals the mean of the unrounded parts in 82 of 86 rows, of the rounded parts in 55).
    A part or index is missing when one of its themes or parts is.

    Args:
        values: DataFrame, one row per area, a column per indicator (see `indicator_scores`).
        config: ScoreConfig.
        rounded: round to `config.decimals` with `config.rounding` (as published).
        source: name used in error messages.

    Returns:
        DataFrame with the same index and columns `config.score_columns`.

    Raises:
        InputError: as `indicator_scores`.

    >>> config = load_score_config()
    >>> rotterdam = pd.DataFrame([{i.column: i.baseline for i in config.indicators}])
    >>> compute_scores(rotterdam, config).iloc[0].unique().tolist()
    [100.0]
    """
    return aggregate_scores(indicator_scores(values, config, source=source), config, rounded=rounded)


def aggregate_scores(scores, config, *, rounded=True):
    """Theme, part and index scores from indicator scores (the second half of `compute_scores`)."""
    themes = theme_scores(scores, config)
    parts = pd.DataFrame({part.column: themes[list(part.themes)].mean(axis=1, skipna=False)
                          for part in config.parts}, index=scores.index)
    result = pd.concat([parts.mean(axis=1, skipna=False).rename(config.index_column), parts, themes],
                       axis=1)[config.score_columns]
    if rounded:
        result = round_scores(result, config.decimals, config.rounding)
    return result


def score_range(values, half_widths, config, *, source="indicator values"):
    """The scores that values anywhere within their rounding intervals could give.

    The export shows indicator values rounded (whole percentages, one decimal for crime rates),
    while the published scores were computed from the unrounded values. Every score is monotone
    in every indicator value, so the lowest and highest possible score come from putting each
    value at the end of its interval that lowers (raises) its indicator score.

    Args:
        values: DataFrame of indicator values, as for `compute_scores`.
        half_widths: DataFrame or Series (per column) of half the rounding step of each value,
            e.g. 0.5 for whole percentages; see `weighting.export_format.read_half_widths`.
        config: ScoreConfig.

    Returns:
        (low, high): two DataFrames like `compute_scores(..., rounded=False)`.

    >>> config = load_score_config()
    >>> rotterdam = pd.DataFrame([{i.column: i.baseline for i in config.indicators}])
    >>> low, high = score_range(rotterdam, pd.Series(0.05, index=config.indicator_columns), config)
    >>> bool((low < 100).all(axis=None) and (high > 100).all(axis=None))
    True
    """
    columns = config.indicator_columns
    if isinstance(half_widths, pd.Series):
        half_widths = pd.DataFrame({c: half_widths[c] for c in columns}, index=values.index)
    half_widths = half_widths.reindex(index=values.index, columns=columns).fillna(0.0)
    lower = values[columns] - half_widths
    for indicator in config.indicators:
        if indicator.transform == "sqrt":
            lower[indicator.column] = lower[indicator.column].clip(lower=0.0)
        elif indicator.transform == "log":
            lower[indicator.column] = lower[indicator.column].where(
                lower[indicator.column] > 0, values[indicator.column])
    at_lower = indicator_scores(lower, config, source=source)
    at_upper = indicator_scores(values[columns] + half_widths, config, source=source)
    low = aggregate_scores(np.minimum(at_lower, at_upper), config, rounded=False)
    high = aggregate_scores(np.maximum(at_lower, at_upper), config, rounded=False)
    return low, high


def rounding_only_draws(values, half_widths, config, *, draws=100, seed=2014, city=None,
                        exact_zero_step=0.1):
    """Rows within 1 point in each of `draws` simulated exports where the method is exact and the
    export's rounding is the only difference.

    Each draw takes as the true value of every indicator a value uniformly inside its printed
    value's rounding interval (half width from `weighting.export_format.read_half_widths`),
    scores it with `config`, rounds as published, and counts the rows within 1 point of the
    score of the printed values; the mean count over the draws is the ceiling a reconstruction
    can expect on this export. Two kinds of printed value are not drawn like that:

    - a zero can only come from values at or above zero: it is drawn in [0, half width), and a
      zero printed with a step of `exact_zero_step` or finer is exact (one crime in a wijk of
      under 20,000 inhabitants, or one respondent in under 2,000, already prints as 0.1);
    - the `city` row (Rotterdam in the baseline edition) has the baselines as its true values,
      so its true score is 100 everywhere, and its printed values are the export's.

    Args:
        values, half_widths, config: as for `score_range` (half_widths a Series per column).
        draws: number of simulated exports; seed: of the numpy generator (same seed, same result).
        city: row label whose true values are the configured baselines, or None.
        exact_zero_step: the coarsest step at which a printed zero is an exact zero.

    Returns:
        DataFrame, one row per draw, one column per score column: the rows within 1 point.
    """
    rng = np.random.default_rng(seed)
    columns = config.indicator_columns
    base = compute_scores(values, config)
    keep = values.index == city
    truth = np.array([indicator.baseline for indicator in config.indicators])
    counts = []
    for _ in range(draws):
        true = draw_unrounded(values[columns], half_widths, rng, exact_zero_step=exact_zero_step)
        true[keep] = truth
        counts.append(((compute_scores(true, config) - base).abs() <= 1).sum())
    return pd.DataFrame(counts, columns=config.score_columns).reset_index(drop=True)


def draw_unrounded(printed, half_widths, rng, *, exact_zero_step=0.1):
    """One draw of values the printed ones could have been rounded from (`rounding_only_draws`):
    uniform inside each rounding interval, a printed zero in [0, half width), and a zero printed
    with a step of `exact_zero_step` or finer exactly zero.

    Args:
        printed: DataFrame of printed values; half_widths: Series of half steps per column;
        rng: a numpy Generator.

    Returns:
        DataFrame like `printed`.
    """
    values = printed.to_numpy(float)
    widths = np.broadcast_to(half_widths.reindex(printed.columns).fillna(0.0).to_numpy(float), values.shape)
    zero = values == 0
    exact = zero & (2 * widths <= exact_zero_step + 1e-12)
    shift = rng.uniform(-1.0, 1.0, values.shape)
    shift = np.where(zero, (shift + 1.0) / 2.0, shift)
    return pd.DataFrame(np.where(exact, 0.0, values + shift * widths), index=printed.index,
                        columns=printed.columns)


def round_scores(frame, decimals=0, rule="half_up"):
    """Round scores as published: half up (away from zero) by default, or half to even.

    Values are first rounded to 9 decimals so that a mean that should be exactly x.5 but is
    stored as x.4999999999 still rounds up.

    >>> round_scores(pd.Series([84.5, 85.5, -0.5, 99.49])).tolist()
    [85.0, 86.0, -1.0, 99.0]
    """
    factor = 10.0 ** decimals
    cleaned = frame.round(9) * factor
    if rule == "half_even":
        return cleaned.round(0) / factor
    return np.sign(cleaned) * np.floor(cleaned.abs() + 0.5) / factor


def reproduction_table(computed, published, columns):
    """How many rows reproduce the published scores exactly, within 1 and within 2 points.

    Args:
        computed, published: DataFrames with the same index (rounded scores).
        columns: the score columns to compare.

    Returns:
        DataFrame indexed by column with `rows`, `exact`, `within_1`, `within_2` and `max_diff`
        (largest absolute difference); rows missing on either side are not counted.

    >>> reproduction_table(pd.DataFrame({"T": [100.0, 91.0, 70.0]}),
    ...                    pd.DataFrame({"T": [100.0, 90.0, 75.0]}), ["T"]).loc["T"].tolist()
    [3.0, 1.0, 2.0, 2.0, 5.0]
    """
    rows = []
    for column in columns:
        difference = (computed[column] - published[column]).abs().dropna()
        rows.append({
            "column": column,
            "rows": len(difference),
            "exact": int((difference == 0).sum()),
            "within_1": int((difference <= 1).sum()),
            "within_2": int((difference <= 2).sum()),
            "max_diff": float(difference.max()) if len(difference) else np.nan,
        })
    return pd.DataFrame(rows).set_index("column")


def rounding_consistency(low, high, published, columns, *, decimals=0, rule="half_up"):
    """How many published scores lie within the range the rounded inputs allow.

    A published score is consistent when round(low) <= published <= round(high), with low and
    high from `score_range`: then some unrounded input values reproduce it exactly, and the
    difference is the export's rounding, not the method.

    Returns:
        Series indexed by column: the number of consistent rows.
    """
    low = round_scores(low[columns], decimals, rule)
    high = round_scores(high[columns], decimals, rule)
    inside = (published[columns] >= low) & (published[columns] <= high)
    return inside.sum().astype(int).rename("consistent")


def index_change(before, after, *, column="Veiligheidsindex", threshold=5.0):
    """Change of a score between two editions, flagging moves of `threshold` points or more.

    The college target for the Veiligheidsindex is a rise of 5 points for the weakest wijken,
    so a move of 5 or more (up or down) is flagged.

    Args:
        before, after: score tables (as written by `wijkprofiel index`), indexed by wijknr.
        column: the score to compare.
        threshold: size of a flagged move, in points.

    Returns:
        DataFrame indexed by the areas in both tables, with `before`, `after`, `change`
        (after - before) and `flagged` (|change| >= threshold); areas missing a score in
        either edition get change NaN and flagged False.

    Raises:
        InputError: `column` is absent from either table.

    >>> index_change(pd.DataFrame({"Veiligheidsindex": [81, 90]}, index=[71, 72]),
    ...              pd.DataFrame({"Veiligheidsindex": [86, 93]}, index=[71, 72]))["flagged"].tolist()
    [True, False]
    """
    for name, table in (("earlier scores", before), ("later scores", after)):
        if column not in table.columns:
            raise InputError(name, f"has no column '{column}'")
    if before.index.equals(after.index) and before.index.is_unique:
        # the same areas in the same order (the report's tables): no lookup by label
        earlier, later = before[column], after[column]
    else:
        both = before.index.intersection(after.index, sort=False)
        earlier, later = before.loc[both, column], after.loc[both, column]
    result = pd.DataFrame({"before": earlier.astype(float), "after": later.astype(float)})
    result["change"] = result["after"] - result["before"]
    result["flagged"] = result["change"].abs() >= threshold - 1e-9
    return result
