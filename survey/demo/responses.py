"""Who responds, how and when: the fieldwork of the demo edition.

Response propensity is a logistic model with effects of age (older respond more), migration
background (niet-westers less, as in every Dutch register-based survey), household type and
the wijk (lower where the wijk scores worse). Its intercept is set so that 40% of the gross
sample is expected to complete, Rotterdam's usual rate (about 30,000 of 75,000). A further
0.8% of the sample starts on the web and breaks off after the first pages.

Modes: phone only for units with a phone number (the fieldwork agency calls non-respondents
after about five weeks), paper more often for the 65+, web for the rest: about 70/20/10 overall.
Dates follow the letters: an edition's fieldwork runs in the year before it (`calendar`), from
1 March to 30 November. Wave 1 is invited on the first Monday of March (6 March 2023 for the
2024 edition; reminders after 3 and 6 weeks, fieldwork until 30 June), wave 2 on the first
Monday of September (4 September 2023, until 30 November). Respondents answer at Rotterdam
hours of the day (web 7:00 to midnight, paper 9:00 to 17:00, phone 10:00 to 20:00), stored in
UTC as the app stores times (`utc_from_local`).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from survey.staff.local_time import ROTTERDAM

RESPONSE_RATE = 0.40
PARTIAL_RATE = 0.008
DEMO_EDITION = 2024
"""The demo edition whose dates the constants below give (other editions: `calendar`)."""
FIELDWORK_START = date(2023, 3, 1)
FIELDWORK_END = date(2023, 11, 30)
WAVES = {1: (date(2023, 3, 6), date(2023, 6, 30)), 2: (date(2023, 9, 4), date(2023, 11, 30))}
_DAY = 86_400

# logit effects; categories in survey.population.categories.CATEGORIES order
AGE_EFFECT = np.array([-0.55, -0.45, 0.05, 0.55])
MIGRATION_EFFECT = np.array([0.30, 0.0, -0.60])
HOUSEHOLD_EFFECT = np.array([-0.10, 0.05, 0.0])
WIJK_EFFECT = 0.25
"""Logit shift per unit of wijk quality (see `wijk_quality`)."""

__all__ = [
    "RESPONSE_RATE",
    "FIELDWORK_START",
    "FIELDWORK_END",
    "WAVES",
    "Calendar",
    "calendar",
    "utc_from_local",
    "wijk_quality",
    "response_logit",
    "intercept_for",
    "simulate_fieldwork",
    "Fieldwork",
]


@dataclass(frozen=True)
class Calendar:
    """The fieldwork dates of one edition: `start` and `end` as its edition record states them,
    and per wave the day of the letter and the last day of fieldwork."""

    start: date
    end: date
    waves: dict

    def wave_days(self, wave, which):
        """datetime64[s] at 0:00 of each unit's wave's letter (`which` 0) or closing day (1)."""
        days = np.array([np.datetime64(self.waves[w][which], "s") for w in sorted(self.waves)])
        return days[np.asarray(wave, dtype=np.int64) - 1]


def calendar(year: int) -> Calendar:
    """The fieldwork of edition `year`: the months of `FIELDWORK_START`, `FIELDWORK_END` and
    `WAVES` in the year before the edition, every letter on the same weekday (the first Monday
    of its month) as in the demo edition. Every date the demo generates comes from here."""
    fieldwork_year = year - 1

    def moved(day):
        return day.replace(year=fieldwork_year)

    def first_monday(day):
        first = moved(day).replace(day=1)
        return first + timedelta(days=-first.weekday() % 7)

    return Calendar(
        start=moved(FIELDWORK_START), end=moved(FIELDWORK_END),
        waves={w: (first_monday(letter), moved(closes)) for w, (letter, closes) in WAVES.items()},
    )


def utc_from_local(local):
    """Rotterdam wall-clock times -> UTC, both as whole seconds since 1970 (int64 arrays),
    summer time or not, the offset looked up once per distinct day. Meant for times between
    3:00 and midnight, as the demo draws them: the offset is that of the day's noon, so the
    hour of a clock change itself is not handled."""
    local = np.asarray(local, dtype=np.int64)
    day = local // _DAY
    distinct, where = np.unique(day, return_inverse=True)
    offsets = np.array([
        ROTTERDAM.utcoffset(datetime(1970, 1, 1, 12) + timedelta(days=int(d))).total_seconds()
        for d in distinct], dtype=np.int64)
    return local - (offsets[where.reshape(-1)] if len(distinct) else 0)


PLACE_SEED = 71
"""Seeds the part of a wijk's character that is not its population mix: the same for every
edition and demo seed, as a real city's wijken keep their character between editions."""
EDITION_DRIFT = 0.12


def wijk_quality(wijken: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """A latent "safety and quality of life" score per wijk, mean 0 and sd about 1: minus the
    standardised share of niet-westerse residents plus a fixed character of the wijk (r about
    -0.85), so that wijken such as Tarwewijk score low and Kralingen-Oost high, as in the
    published Wijkprofiel; plus a small drift drawn from `rng`, so that two editions differ by
    a few index points per wijk rather than being unrelated."""
    inhabitants = np.maximum(wijken["inhabitants"].to_numpy(), 1)
    share = wijken["migration_nonwestern"].to_numpy() / inhabitants
    z = (share - share.mean()) / share.std()
    character = np.random.default_rng(PLACE_SEED).standard_normal(len(z))
    quality = -0.85 * z + 0.5 * character + EDITION_DRIFT * rng.standard_normal(len(z))
    return (quality - quality.mean()) / quality.std()


def response_logit(age, migration, household, quality) -> np.ndarray:
    """The linear predictor without intercept, from category codes and the wijk's quality."""
    return (
        AGE_EFFECT[age]
        + MIGRATION_EFFECT[migration]
        + HOUSEHOLD_EFFECT[household]
        + WIJK_EFFECT * quality
    )


def intercept_for(logit, rate=RESPONSE_RATE) -> float:
    """The intercept that makes the mean propensity equal `rate` (bisection)."""
    low, high = -10.0, 10.0
    for _ in range(60):
        middle = (low + high) / 2
        if np.mean(1 / (1 + np.exp(-(middle + logit)))) < rate:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@dataclass
class Fieldwork:
    """Per sample unit (arrays in sample order)."""

    status: np.ndarray  # invited | started | completed
    disposition: np.ndarray  # AAPOR final disposition code
    mode: np.ndarray  # web | paper | phone, None for non-respondents
    started_at: np.ndarray  # datetime64[s], NaT if never started
    completed_at: np.ndarray  # datetime64[s], NaT unless completed
    last_seen_at: np.ndarray  # datetime64[s]: the last page submit, NaT if never started
    partial_share: np.ndarray  # share of the path a partial answered, NaN otherwise


def simulate_fieldwork(
    age, migration, household, quality, has_phone, wave, rng: np.random.Generator,
    dates: Calendar | None = None,
) -> Fieldwork:
    """Draw response, mode and dates for every sample unit.

    Args:
        age, migration, household: category codes per unit (`survey.population.categories.CATEGORIES` order).
        quality: the unit's wijk quality.
        has_phone: whether the register has a phone number.
        wave: 1 or 2.
        rng: seeded generator.
        dates: the edition's `calendar` (default: the demo edition's).
    Returns:
        a `Fieldwork`, times in UTC.
    """
    dates = dates or calendar(DEMO_EDITION)
    n = len(age)
    logit = response_logit(age, migration, household, quality)
    propensity = 1 / (1 + np.exp(-(intercept_for(logit) + logit)))
    u = rng.random(n)
    completed = u < propensity
    partial = ~completed & (rng.random(n) < PARTIAL_RATE / (1 - RESPONSE_RATE))

    # mode of the completes: the 65+ more often on paper; phone only with a number
    old = age == 3
    p_phone = np.where(has_phone, np.where(old, 0.22, 0.15), 0.0)
    p_paper = np.where(old, 0.45, 0.12) * (1 - p_phone)
    m = rng.random(n)
    mode = np.where(m < p_phone, "phone", np.where(m < p_phone + p_paper, "paper", "web"))
    mode = mode.astype(object)
    mode[partial] = "web"
    mode[~(completed | partial)] = None

    invited = dates.wave_days(wave, 0)
    closes = dates.wave_days(wave, 1)
    # days after the letter: most soon after it or a reminder (day 21, day 42)
    bump = rng.choice([0, 21, 42], size=n, p=[0.55, 0.3, 0.15])
    delay = bump + rng.exponential(4.0, n)
    delay = np.where(mode == "paper", delay + 8 + rng.exponential(10.0, n), delay)
    delay = np.where(mode == "phone", 35 + rng.random(n) * 35, delay)
    day = invited.astype("datetime64[D]") + np.floor(delay).astype("timedelta64[D]")
    day = np.minimum(day, closes.astype("datetime64[D]"))

    hour = np.where(
        mode == "phone",
        rng.integers(10, 20, n),
        np.where(mode == "paper", rng.integers(9, 17, n), rng.choice(_WEB_HOURS, n, p=_WEB_P)),
    )
    seconds = hour * 3600 + rng.integers(0, 3600, n)
    # drawn as Rotterdam hours, kept as the app keeps times: in UTC
    local_end = day.astype("datetime64[s]").astype(np.int64) + seconds
    end = utc_from_local(local_end).astype("datetime64[s]")
    minutes = np.where(
        mode == "paper", 8.0, np.exp(rng.normal(np.log(np.where(mode == "phone", 24, 17)), 0.35))
    )
    duration = (minutes * 60).astype(np.int64).astype("timedelta64[s]")

    partial_share = np.full(n, np.nan)
    partial_share[partial] = rng.uniform(0.1, 0.8, partial.sum())
    started_at = np.where(completed | partial, end - duration, np.datetime64("NaT"))
    completed_at = np.where(completed, end, np.datetime64("NaT"))
    # a partial stopped where it stopped: its start is the end minus the part it did
    started_at[partial] = end[partial] - (duration[partial] * partial_share[partial]).astype(
        "timedelta64[s]"
    )

    status = np.where(completed, "completed", np.where(partial, "started", "invited"))
    disposition = np.full(n, "3.19", dtype=object)  # nothing ever returned
    refused = ~completed & ~partial & has_phone & (rng.random(n) < 0.25)
    disposition[refused] = "2.11"  # refused when the agency phoned (survey.demo.phone_calls)
    deceased = ~completed & ~partial & (rng.random(n) < np.where(old, 0.01, 0.0005))
    disposition[deceased] = "2.31"
    disposition[partial] = np.where(partial_share[partial] >= 0.5, "1.2", "2.12")
    disposition[completed] = "1.1"
    return Fieldwork(
        status=status.astype(object),
        disposition=disposition,
        mode=mode,
        started_at=started_at.astype("datetime64[s]"),
        completed_at=completed_at.astype("datetime64[s]"),
        last_seen_at=np.where(completed | partial, end, np.datetime64("NaT")).astype(
            "datetime64[s]"
        ),
        partial_share=partial_share,
    )


_WEB_HOURS = np.arange(7, 24)
_WEB_P = np.array([2, 3, 4, 5, 5, 5, 5, 5, 5, 6, 7, 9, 11, 12, 9, 5, 2], dtype=float)
_WEB_P /= _WEB_P.sum()
