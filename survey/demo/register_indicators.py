"""A synthetic register file of the objective indicators for a demo edition: police counts and
municipal figures per wijk (`weighting.register_indicators` reads it; format in
`docs/register-indicators.md`).

Each wijk starts from its real 2014 value of every objective indicator (the published 2014
export, `tests/reference/wijkprofiel/`), so Tarwewijk keeps its high burglary rate and
Kralingen-Oost its low one. On top of it:

- a city-wide trend per indicator since 2014, drawn once (the same for every edition and demo
  seed): a yearly change of about -1% with a spread of 2% between indicators, so that Rotterdam
  lands within a few points of its 2014 score of 100, as it did in the published editions;
- a fixed character per wijk and indicator (sd 12%, the same for every edition) and a little
  noise per edition (sd 5%), both multiplicative;
- Poisson counts around the expected number (a small wijk's rate jumps between editions, as real
  ones do). The graffiti score is a mean over inspected locations: its drift is a few
  hundredths, as the 2014 spread between wijken is only 0.25.

Denominators: inhabitants and households (as addresses) from the CBS wijk table of 1-1-2018
(`survey/demo/rotterdam-wijken-2018.csv`), the same in both demo editions, as the demo's
population. Area is not in that table, so it is an assumption: small outdoor fires are taken to
occur at the same rate per inhabitant everywhere (3 per 1,000 a year), which makes a wijk's area
`0.3 * inhabitants / fires per 100 ha in 2014` hectares, bounded to 40-1,500 ha; the 71 wijken
then cover about 21,000 ha (Rotterdam's land area is of that order) and the city's fire rate
comes out near its 2014 value. Graffiti is scored at one location per 4 hectares (at least 20).

The register describes the real city: its counts do not shrink with the demo's `--scale`.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from survey import PROJECT_ROOT
from survey.demo.areas import load_wijken
from weighting.export_format import read_export, write_scores
from weighting.register_indicators import register_columns
from weighting.scores import load_score_config

EXPORT_2014 = PROJECT_ROOT / "tests" / "reference" / "wijkprofiel" / "wijkprofiel-2014-veiligheidsindex.csv"
BASELINE_YEAR = 2014
PLACE_SEED = 2014
"""Seeds the city trends and the wijken's character: the same for every edition and demo seed."""
YEARLY_TREND = (-0.01, 0.02)  # mean and sd of the yearly relative change of a rate
GRAFFITI_YEARLY_TREND = 0.002  # sd of the yearly relative change of the graffiti score
WIJK_CHARACTER = 0.12
EDITION_NOISE = 0.05
GRAFFITI_WIJK_SD = 0.01  # relative; the 2014 sd between wijken is about 5%
FIRES_PER_INHABITANT = 0.003
HECTARE_BOUNDS = (40, 1500)
HECTARE_PER_GRAFFITI_LOCATION = 4
RATE_FLOOR = 0.05  # a 2014 rate published as 0,0 was below 0,05, not necessarily zero
AREA_DENOMINATOR = "hectare"
SCORE_DENOMINATOR = "schouwpunten graffiti"  # its count is a sum of scores, not a count

__all__ = ["register_frame", "write_register"]


def _denominators(wijken, fire_rates) -> pd.DataFrame:
    hectare = (100 * FIRES_PER_INHABITANT * wijken["inhabitants"].to_numpy()
               / np.maximum(fire_rates, RATE_FLOOR))
    hectare = np.clip(np.round(hectare), *HECTARE_BOUNDS)
    return pd.DataFrame({
        "inwoners": wijken["inhabitants"].to_numpy(dtype=float),
        "adressen": wijken["households"].to_numpy(dtype=float),
        AREA_DENOMINATOR: hectare,
        SCORE_DENOMINATOR: np.maximum(np.round(hectare / HECTARE_PER_GRAFFITI_LOCATION), 20),
    }, index=wijken["wijk_code"].to_numpy())


def register_frame(year: int, seed: int, config=None, wijken=None) -> pd.DataFrame:
    """The register of `year`: one row per wijk with its name, denominators and counts.

    Args:
        year: the edition (later than 2014).
        seed: the edition's demo seed (draws the edition noise and the Poisson counts).
        config: ScoreConfig (default: `indices/veiligheidsindex.yaml`).
        wijken: the CBS wijken table (default: `load_wijken()`).

    Returns:
        DataFrame indexed by wijknr with `wijk` and the columns of
        `weighting.register_indicators.register_columns(config)`.

    >>> frame = register_frame(2024, seed=2024)
    >>> len(frame), int(frame.loc[71, "inwoners"])
    (71, 12310)
    """
    config = config or load_score_config()
    wijken = load_wijken() if wijken is None else wijken
    codes = wijken["wijk_code"].to_numpy()
    rates_2014 = read_export(EXPORT_2014, config).loc[codes]
    indicators = config.register_indicators
    fires = next(i for i in indicators if i.register.per == AREA_DENOMINATOR)
    frame = _denominators(wijken, rates_2014[fires.column].to_numpy())
    frame.insert(0, "wijk", wijken["wijk"].to_numpy())

    place = np.random.default_rng(PLACE_SEED)
    yearly = place.normal(*YEARLY_TREND, size=len(indicators))
    character = place.normal(0.0, WIJK_CHARACTER, size=(len(codes), len(indicators)))
    graffiti_yearly = place.normal(0.0, GRAFFITI_YEARLY_TREND)
    graffiti_character = place.normal(0.0, GRAFFITI_WIJK_SD, size=len(codes))
    edition = np.random.default_rng([seed, year])
    years = year - BASELINE_YEAR

    for position, indicator in enumerate(indicators):
        source = indicator.register
        denominator = frame[source.per].to_numpy()
        rate_2014 = rates_2014[indicator.column].to_numpy()
        if source.per == SCORE_DENOMINATOR:
            noise = edition.normal(0.0, GRAFFITI_WIJK_SD / 2, len(codes))
            mean = rate_2014 * (1 + graffiti_yearly) ** years * (1 + graffiti_character + noise)
            frame[source.count] = np.round(mean * denominator / source.multiplier)
            continue
        rate = (np.maximum(rate_2014, RATE_FLOOR) * (1 + yearly[position]) ** years
                * np.exp(character[:, position] + edition.normal(0, EDITION_NOISE, len(codes))))
        frame[source.count] = edition.poisson(rate * denominator / source.multiplier).astype(float)
    return frame[["wijk"] + register_columns(config)]


def write_register(path: Path, year: int, seed: int, config=None) -> Path:
    """Write the register of `year` (see `register_frame`) in the export format; return `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_scores(register_frame(year, seed, config), path)
    return path
