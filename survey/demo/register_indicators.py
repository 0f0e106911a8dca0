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
(`survey/population/rotterdam-wijken-2018.csv`), the same in both demo editions, as the demo's
population. Area is not in that table, so it is an assumption: small outdoor fires are taken to
occur at the same rate per inhabitant everywhere (3 per 1,000 a year), which makes a wijk's area
`0.3 * inhabitants / fires per 100 ha in 2014` hectares, bounded to 40-1,500 ha; the 71 wijken
then cover about 21,000 ha (Rotterdam's land area is of that order) and the city's fire rate
comes out near its 2014 value. Graffiti is scored at one location per 4 hectares (at least 20).

The register describes the real city: its counts do not shrink with the demo's `--scale`.

The Sociale and Fysieke index have no published 2014 export, so their register figures start
from the configured 2014 baselines (`indices/sociale_index.yaml`, `indices/fysieke_index.yaml`):
a wijk sits `character` baseline sds from the city in the transformed scale, its character the
wijk's share of inhabitants with a non-western migration background (standardised over the
wijken; the demo's stand-in for deprivation) plus a fixed random part, and the city moves
per edition by the shift in index points that `survey/demo/story.yaml` gives for the index's
objective part (parameters as data: the published story, objective parts holding or rising).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from survey.paths import PROJECT_ROOT
from survey.population.wijken import load_wijken
from weighting.export_format import read_export, write_scores
from survey.demo.story import load_story
from weighting.register_indicators import register_columns
from weighting.scores import TRANSFORMS, load_index_configs, load_score_config

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

INVERSE = {"linear": lambda v: v, "sqrt": lambda v: np.maximum(v, 0) ** 2, "log": np.exp}
DEPRIVATION_LOADING = 0.9  # in baseline sds: how far the most deprived wijken sit from the city
PLACE_SD = 0.4  # the rest of a wijk's character, in baseline sds
CITY_SPREAD = 0.1  # sd of an indicator's city level around the story's, in baseline sds
EXTRA_DENOMINATORS = {  # denominators of the Sociale and Fysieke index, from the CBS wijk table
    "huishoudens": lambda w: w["households"],
    "inwoners 18-22": lambda w: np.round(w["age_15_24"] * 0.5),
    "inwoners 18-66": lambda w: np.round(w["age_15_24"] * 0.7 + w["age_25_44"] + w["age_45_64"] * 1.1),
    "inwoners 15-74": lambda w: np.round(w["age_15_24"] + w["age_25_44"] + w["age_45_64"] + w["age_65_plus"] * 0.5),
    "woningen": lambda w: np.round(w["households"] * 1.04),
    "schouwpunten openbare ruimte": None,  # from the area: one location per 2 hectares
}

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
    # the story's wijk effects (e.g. the focus wijken's crime falling) as a factor on the rates
    story = load_story()
    wijk_factor = np.array([story.register_factor(name, year) for name in wijken["wijk"]])

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
                * np.exp(character[:, position] + edition.normal(0, EDITION_NOISE, len(codes)))
                * wijk_factor)
        frame[source.count] = edition.poisson(rate * denominator / source.multiplier).astype(float)
    return frame[["wijk"] + register_columns(config)]


def reconstructed_frame(year: int, seed: int, config, wijken, base, story=None) -> pd.DataFrame:
    """Denominators and counts of a reconstructed index (no 2014 export) for `year`; `base` is
    the Veiligheidsindex's register frame (its inwoners, adressen and hectare are shared)."""
    hectare = base[AREA_DENOMINATOR].to_numpy()
    story = story or load_story()
    codes = wijken["wijk_code"].to_numpy()
    frame = pd.DataFrame(index=codes)
    for name in config.denominators:
        if name in ("inwoners", "adressen", AREA_DENOMINATOR):
            continue  # written with the Veiligheidsindex's denominators
        make = EXTRA_DENOMINATORS[name]
        values = np.maximum(np.round(hectare / 2), 20) if make is None else make(wijken)
        frame[name] = np.maximum(np.asarray(values, dtype=float), 1.0)
    nonwestern = wijken["migration_nonwestern"].to_numpy() / wijken["inhabitants"].to_numpy()
    deprivation = (nonwestern - nonwestern.mean()) / nonwestern.std()
    place = np.random.default_rng([PLACE_SEED, len(config.indicators)])
    edition = np.random.default_rng([seed, year, len(config.indicators)])
    shift = story.objective_shift(config.index_column, year) / config.scale
    denominators = {n: (frame[n] if n in frame else base[n]) for n in config.denominators}
    spread = place.normal(0.0, CITY_SPREAD, len(config.register_indicators))
    spread -= spread.mean()
    for position, indicator in enumerate(config.register_indicators):
        source = indicator.register
        character = (DEPRIVATION_LOADING * deprivation
                     + place.normal(0.0, PLACE_SD, len(codes))
                     + edition.normal(0.0, EDITION_NOISE, len(codes)))
        transform, inverse = TRANSFORMS[indicator.transform], INVERSE[indicator.transform]
        # the story's city level, give or take a little per indicator (themes differ, as real
        # ones do; the deviations average out over the index, so its objective part stays put)
        aim = transform(indicator.baseline) + indicator.direction * indicator.sd * (
            shift + spread[position])
        denominator = denominators[source.per].to_numpy()
        offset = 0.0
        # the city's value is a ratio of sums, not a mean of wijk values: move every wijk by
        # the same offset (in the transformed scale) until the city lands on the story's aim
        for _ in range(4):
            value = _bounded(inverse(aim + offset - indicator.direction * indicator.sd * character),
                             indicator, source)
            city = (value * denominator).sum() / denominator.sum()
            offset += aim - transform(max(city, 1e-9))
        frame[source.count] = np.round(value * denominator / source.multiplier)
    return frame


def _bounded(value, indicator, source):
    value = np.maximum(value, 0.0)
    if source.multiplier == 100 and source.per != AREA_DENOMINATOR:
        value = np.minimum(value, 99.0)  # a share per hundred stays below the whole
    return value


def write_register(path: Path, year: int, seed: int, config=None) -> Path:
    """Write the register of `year` in the export format, with the counts and denominators of
    every index (the Veiligheidsindex's as `register_frame`, the reconstructed indices' as
    `reconstructed_frame`); return `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wijken = load_wijken()
    frame = register_frame(year, seed, config, wijken)
    for other in list(load_index_configs().values())[1:]:
        extra = reconstructed_frame(year, seed, other, wijken, frame)
        frame = frame.join(extra[[c for c in extra.columns if c not in frame.columns]])
    write_scores(frame, path)
    return path
