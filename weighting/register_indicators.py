"""The objective indicators of an edition from a register file: counts per wijk, summed to areas.

A register file holds police and municipal figures of one edition, one row per wijk, in the
Wijkprofiel export's format (semicolon-separated, decimal commas, header = row 1): the key
`wijknr`, the denominators named in the score configuration (`register.denominators`: inwoners,
adressen, hectare, schouwpunten graffiti) and, for every objective indicator, its count under the
name its `register.count` gives (the indicator's column without "per duizend inwoners" and the
like: "Aantal misdrijven van Inbraak woning"). Other columns (a wijk name) are ignored. The
format is documented in `docs/register-indicators.md`.

The indicator value of an area is `multiplier * sum of counts / sum of denominators` over its
wijken, so a gebied's and Rotterdam's rates are exact, not averages of wijk rates (a small wijk
with a high rate weighs what its inhabitants weigh). An empty count cell means the figure is
unknown: that wijk's indicator is missing, and so are its gebied's and Rotterdam's (a sum with an
unknown term is unknown).
"""

import numpy as np
import pandas as pd

from weighting.errors import InputError
from weighting.export_format import KEY_COLUMN, read_keyed_table

CITY = "Rotterdam"
FIRST_GEBIED_NUMBER = 4000  # the export numbers gebieden 4000-4999 and Rotterdam 5000


def register_columns(config):
    """The columns a register file must have besides `wijknr`: denominators, then counts.

    >>> from weighting.scores import load_score_config
    >>> columns = register_columns(load_score_config())
    >>> columns[:3], len(columns)
    (['inwoners', 'adressen', 'hectare'], 24)
    """
    return list(config.denominators) + [i.register.count for i in config.register_indicators]


def read_register(path, config, wijken=None):
    """Read and check a register file: one row per wijk with its denominators and counts.

    Args:
        path: the register file.
        config: ScoreConfig with `register` sources (`weighting.scores.load_score_config`).
        wijken: optional mapping wijknr -> wijk name of the edition; then every wijk must have
            exactly one row and no other wijk may appear.

    Returns:
        DataFrame indexed by `wijknr` (int) with the columns of `register_columns(config)`;
        an empty count cell is NaN.

    Raises:
        InputError: naming the file, the row (header = row 1) and the column: a column is
            missing or doubled, a cell is not a number, a count is negative, a denominator is
            empty or not > 0, a wijknr is repeated, is a gebied or city row, or is not a wijk of
            the edition; a wijk of the edition without a row names the wijk.

    >>> from weighting.scores import load_score_config
    >>> register = read_register("tests/corpus/register_indicators/register.csv",
    ...                          load_score_config())
    >>> register.loc[71, ["inwoners", "Aantal misdrijven van Inbraak woning"]].tolist()
    [12310.0, 50.0]
    """
    if not config.register_indicators:
        raise InputError(path, "the score configuration names no register indicators "
                               "(no `register` under any indicator)")
    columns = register_columns(config)
    frame, row_of, header_of = read_keyed_table(path, columns)
    for key, row in row_of.items():
        if key >= FIRST_GEBIED_NUMBER:
            raise InputError(path, f"wijknr {key} is a gebied or Rotterdam; a register file holds "
                                   f"wijken only (gebied and Rotterdam are summed from them)",
                             row=row, column=KEY_COLUMN)
    if wijken is not None:
        for key, row in row_of.items():
            if key not in wijken:
                raise InputError(path, f"wijknr {key} is not a wijk of this edition "
                                       f"(wijknrs {min(wijken)}-{max(wijken)})",
                                 row=row, column=KEY_COLUMN)
        absent = [key for key in wijken if key not in row_of]
        if absent:
            shown = ", ".join(f"{key} ({wijken[key]})" for key in absent[:5])
            raise InputError(path, f"has no row for wijk {shown}"
                                   f"{' ...' if len(absent) > 5 else ''} ({len(absent)} of "
                                   f"{len(wijken)} wijken missing); every wijk needs a row")
    for column in config.denominators:
        bad = frame[column].isna() | (frame[column] <= 0)
        if bad.any():
            key = bad[bad].index[0]
            shown = "empty" if np.isnan(frame.at[key, column]) else f"{frame.at[key, column]:g}"
            raise InputError(path, f"{shown} (wijknr {key}) is not a number > 0; a denominator "
                                   f"is needed for every wijk", row=row_of[key], column=header_of[column])
    for column in columns[len(config.denominators):]:
        bad = frame[column] < 0
        if bad.any():
            key = bad[bad].index[0]
            raise InputError(path, f"{frame.at[key, column]:g} (wijknr {key}) is negative; "
                                   f"expected a count >= 0 (empty if unknown)",
                             row=row_of[key], column=header_of[column])
    return frame


def indicator_values(totals, config):
    """Indicator values from counts and denominators: `multiplier * count / denominator`.

    Args:
        totals: DataFrame with the columns of `register_columns(config)`, one row per area
            (counts and denominators summed over its wijken).
        config: ScoreConfig.

    Returns:
        DataFrame with the same index and one column per register indicator, named as the
        indicator (e.g. "Aantal misdrijven van Inbraak woning per duizend adressen").

    >>> from weighting.scores import load_score_config
    >>> config = load_score_config()
    >>> totals = pd.DataFrame({c: [1.0] for c in register_columns(config)})
    >>> totals[["adressen", "Aantal misdrijven van Inbraak woning"]] = [[2000.0, 30.0]]
    >>> float(indicator_values(totals, config).iloc[0, 12])
    15.0
    """
    values = {}
    for indicator in config.register_indicators:
        source = indicator.register
        values[indicator.column] = source.multiplier * totals[source.count] / totals[source.per]
    return pd.DataFrame(values, index=totals.index)


def area_values(register, config, areas):
    """The register indicators of every wijk, every gebied and Rotterdam.

    Args:
        register: as returned by `read_register` (indexed by wijknr).
        config: ScoreConfig.
        areas: DataFrame with columns `wijk_code` (the wijknr), `wijk` and `gebied`: the
            edition's wijken; a wijk of `areas` that the register lacks gets missing values.

    Returns:
        DataFrame indexed by (level, domain): ("stad", "Rotterdam"), ("gebied", name) and
        ("wijk", name), one column per register indicator. A gebied and Rotterdam sum the
        counts and the denominators of their wijken first; one unknown count makes the sum,
        and so the value, unknown.

    >>> from weighting.scores import load_score_config
    >>> config = load_score_config()
    >>> register = read_register("tests/corpus/register_indicators/register.csv", config)
    >>> areas = pd.DataFrame({"wijk_code": [71, 72], "wijk": ["Tarwewijk", "Carnisse"],
    ...                       "gebied": ["Charlois", "Charlois"]})
    >>> burglary = "Aantal misdrijven van Inbraak woning per duizend adressen"
    >>> # Rotterdam and Charlois: (50 + 26) / (6230 + 6210) * 1000; Tarwewijk 50 / 6230 * 1000
    >>> area_values(register, config, areas)[burglary].round(2).tolist()
    [6.11, 6.11, 8.03, 4.19]
    """
    wijken = areas.set_index("wijk_code")
    counts = register.reindex(wijken.index)
    city = _summed(counts, np.zeros(len(counts), dtype=int)).set_axis([("stad", CITY)])
    gebieden = _summed(counts, wijken["gebied"].to_numpy())
    gebieden.index = [("gebied", name) for name in gebieden.index]
    counts.index = [("wijk", name) for name in wijken["wijk"]]
    totals = pd.concat([city, gebieden, counts])
    totals.index = pd.MultiIndex.from_tuples(totals.index, names=["level", "domain"])
    return indicator_values(totals, config)


def _summed(counts, groups):
    """Sum per group; NaN where any member is NaN (an unknown count keeps the total unknown)."""
    sums = counts.groupby(groups, sort=True).sum()
    unknown = counts.isna().groupby(groups, sort=True).any()
    return sums.mask(unknown)
