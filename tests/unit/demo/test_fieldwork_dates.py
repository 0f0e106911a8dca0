"""The demo's fieldwork dates and hours (`survey.demo.responses`): each edition's fieldwork in
the year before it, and respondents answering at Rotterdam hours stored in UTC."""

from datetime import date, timezone

import numpy as np
import pandas as pd
import pytest

from survey.demo.responses import (FIELDWORK_END, FIELDWORK_START, WAVES, calendar,
                                   simulate_fieldwork, utc_from_local)
from survey.staff.local_time import ROTTERDAM


def _seconds(text):
    return int(np.datetime64(text, "s").astype(np.int64))


def test_the_demo_edition_keeps_its_dates():
    dates = calendar(2024)
    assert (dates.start, dates.end, dates.waves) == (FIELDWORK_START, FIELDWORK_END, WAVES)


@pytest.mark.parametrize("year", [2022, 2024, 2025, 2030])
def test_every_edition_works_in_the_year_before_it_and_invites_on_a_monday(year):
    dates = calendar(year)
    assert (dates.start, dates.end) == (date(year - 1, 3, 1), date(year - 1, 11, 30))
    for wave, (letter, closes) in dates.waves.items():
        assert letter.weekday() == 0 and letter.day <= 7  # the first Monday of its month
        assert letter.month == WAVES[wave][0].month and closes == WAVES[wave][1].replace(
            year=year - 1)
        assert dates.start <= letter < closes <= dates.end
    assert calendar(2022).waves[1][0] == date(2021, 3, 1)


def test_rotterdam_hours_become_utc_in_winter_and_in_summer():
    local = np.array([_seconds("2023-03-20T10:00"),   # winter time: UTC+1
                      _seconds("2023-06-20T10:00"),   # summer time: UTC+2
                      _seconds("2023-03-26T12:00"),   # the day summer time begins
                      _seconds("2023-10-29T12:00"),   # the day it ends
                      _seconds("2023-11-30T23:59")])
    utc = utc_from_local(local).astype("datetime64[s]").astype(str).tolist()
    assert utc == ["2023-03-20T09:00:00", "2023-06-20T08:00:00", "2023-03-26T10:00:00",
                   "2023-10-29T11:00:00", "2023-11-30T22:59:00"]
    assert len(utc_from_local(np.array([], dtype=np.int64))) == 0


@pytest.fixture(scope="module")
def fieldwork():
    """Simulated fieldwork of 40,000 units in both waves of the 2022 edition (in 2021)."""
    n = 40_000
    rng = np.random.default_rng(11)
    work = simulate_fieldwork(
        age=rng.integers(0, 4, n), migration=rng.integers(0, 3, n),
        household=rng.integers(0, 3, n), quality=rng.standard_normal(n),
        has_phone=rng.random(n) < 0.6, wave=rng.integers(1, 3, n), rng=rng,
        dates=calendar(2022))
    return work


def _utc(values):
    return pd.Series(pd.to_datetime(values)).dropna()


def _local(values):
    return _utc(values).dt.tz_localize("UTC").dt.tz_convert("Europe/Amsterdam")


def _offset_hours(values):
    """Rotterdam's offset from UTC at each time: 1 in winter time, 2 in summer time."""
    return (_local(values).dt.tz_localize(None) - _utc(values)).dt.total_seconds() / 3600


def test_fieldwork_times_lie_in_the_editions_fieldwork(fieldwork):
    for values in (fieldwork.started_at, fieldwork.completed_at, fieldwork.last_seen_at):
        local = _local(values)
        assert len(local) > 1000
        assert local.dt.date.min() >= date(2021, 3, 1)
        assert local.dt.date.max() <= date(2021, 11, 30)


@pytest.mark.parametrize("mode, first, last", [("web", 7, 23), ("paper", 9, 16),
                                               ("phone", 10, 19)])
def test_completions_follow_the_daily_pattern_in_rotterdam_time(fieldwork, mode, first, last):
    """Web from 7:00 until midnight, paper keyed in office hours, phone interviews ending in
    calling hours (`simulate_fieldwork`): in Rotterdam time, in winter and in summer time."""
    completed = fieldwork.completed_at[fieldwork.mode == mode]
    hours, offset = _local(completed).dt.hour, _offset_hours(completed)
    assert set(offset) == {1, 2}
    for season in (1, 2):
        assert set(hours[offset == season]) == set(range(first, last + 1))


def test_stored_completions_are_utc_of_the_drawn_rotterdam_hour(fieldwork):
    """Stored in UTC: in summer time the latest web completion (23:xx Rotterdam time) is
    stored as 21:xx, in winter time as 22:xx; a March and a June completion read back on the
    staff pages' clock (`survey.staff.local_time`) show their Rotterdam hour."""
    web = fieldwork.completed_at[fieldwork.mode == "web"]
    utc, offset = _utc(web), _offset_hours(web)
    assert utc[offset == 2].dt.hour.max() == 21 and utc[offset == 2].dt.hour.min() == 5
    assert utc[offset == 1].dt.hour.max() == 22 and utc[offset == 1].dt.hour.min() == 6
    every = _utc(fieldwork.completed_at)
    march = every[(every.dt.month == 3) & (every.dt.day < 28)].iloc[0]  # 2021: summer from 28
    june = every[every.dt.month == 6].iloc[0]
    for moment, hours in ((march, 1), (june, 2)):
        shown = moment.to_pydatetime().replace(tzinfo=timezone.utc).astimezone(ROTTERDAM)
        assert shown.utcoffset().total_seconds() == hours * 3600
        assert shown.replace(tzinfo=None) == moment.to_pydatetime() + pd.Timedelta(hours=hours)
        assert 7 <= shown.hour <= 23


def test_the_same_seed_gives_the_same_times():
    def run():
        rng = np.random.default_rng(4)
        n = 2_000
        return simulate_fieldwork(np.zeros(n, int), np.zeros(n, int), np.zeros(n, int),
                                  np.zeros(n), np.ones(n, bool), np.ones(n, int), rng,
                                  calendar(2024))
    first, again = run(), run()
    for column in ("started_at", "completed_at", "last_seen_at"):
        assert getattr(first, column).astype(str).tolist() == getattr(again, column).astype(
            str).tolist()
