"""Every time the demo writes lies in its own edition's fieldwork: the demo edition 2024 (in
2023) and the previous edition 2022 (in 2021, `survey.demo.responses.calendar`), seeded small
into one database, every date and time column of every table checked against the fieldwork
period its edition record states; completions at Rotterdam hours, stored in UTC."""

import sqlite3
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Date, DateTime

from survey.demo.seed import seed_edition
from survey.models import Base
from survey.paths import QUESTIONNAIRES_DIR
from survey.questionnaire.loader import load_questionnaire

SCALE = 0.01
EDITIONS = {2024: (date(2023, 3, 1), date(2023, 11, 30)),
            2022: (date(2021, 3, 1), date(2021, 11, 30))}
NOT_FIELDWORK = {
    ("edition", "fieldwork_start"), ("edition", "fieldwork_end"),  # the period itself
    ("edition", "created_at"), ("analysis_snapshot", "built_at"),  # when the seed ran
    ("identity_person", "birth_date"),
}
"""Date columns the demo fills that are no moment of its fieldwork."""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    questionnaires = {q: load_questionnaire(QUESTIONNAIRES_DIR / f"{q}.yaml")
                      for q in ("veiligheidsmonitor", "wijkonderzoek")}
    path = tmp_path_factory.mktemp("demo-dates") / "demo.db"
    url = f"sqlite:///{path}"
    for year in EDITIONS:  # the demo edition first, as `wijkprofiel demo run` seeds them
        seed_edition(url, seed=year, scale=SCALE, year=year, questionnaires=questionnaires)
    return path


def query(path, sql):
    with sqlite3.connect(path) as connection:
        return pd.read_sql_query(sql, connection)


def _timestamps(path):
    """(table, column, edition year, times as pandas Timestamps in UTC) for every date or
    time column of the schema that holds values, each value tied to its edition through its
    sample unit or its edition id."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, (Date, DateTime)):
                continue
            if (table.name, column.name) in NOT_FIELDWORK:
                continue
            if table.name == "sample_unit":
                via = "JOIN edition e ON e.id = t.edition_id"
            elif "sample_unit_id" in table.columns:
                via = ("JOIN sample_unit u ON u.id = t.sample_unit_id "
                       "JOIN edition e ON e.id = u.edition_id")
            elif "edition_id" in table.columns:
                via = "JOIN edition e ON e.id = t.edition_id"
            else:
                via = None
            if via is None:
                rows = query(path, f"SELECT COUNT({column.name}) n FROM {table.name}")
                # a time the demo cannot tie to an edition would go unchecked
                assert rows["n"].iloc[0] == 0, f"{table.name}.{column.name}"
                continue
            rows = query(path, f"SELECT e.year, t.{column.name} AS at FROM {table.name} t "
                               f"{via} WHERE t.{column.name} IS NOT NULL")
            for year, times in rows.groupby("year")["at"]:
                yield table.name, column.name, year, pd.to_datetime(times, format="mixed")


def test_the_edition_records_state_the_fieldwork_in_the_year_before(seeded):
    editions = query(seeded, "SELECT year, fieldwork_start, fieldwork_end FROM edition")
    stated = {row.year: (date.fromisoformat(row.fieldwork_start),
                         date.fromisoformat(row.fieldwork_end))
              for row in editions.itertuples()}
    assert stated == EDITIONS


def test_every_generated_time_lies_in_its_editions_fieldwork(seeded):
    stated = {row.year: (pd.Timestamp(row.fieldwork_start), pd.Timestamp(row.fieldwork_end))
              for row in query(seeded, "SELECT * FROM edition").itertuples()}
    checked = set()
    for table, column, year, times in _timestamps(seeded):
        start, end = stated[year]
        # the period's days are Rotterdam days; the times are stored in UTC
        local = times.dt.tz_localize("UTC").dt.tz_convert("Europe/Amsterdam").dt.tz_localize(
            None)
        outside = local[(local < start) | (local >= end + pd.Timedelta(days=1))]
        assert outside.empty, f"{year} {table}.{column}: {outside.min()} .. {outside.max()}"
        checked.add((table, column, year))
    expected = {("sample_unit", "started_at"), ("sample_unit", "completed_at"),
                ("answer", "saved_at"), ("page_visit", "first_shown_at"),
                ("page_visit", "submitted_at"), ("call_attempt", "called_at"),
                ("call_attempt", "appointment_at"), ("call_assignment", "assigned_at"),
                ("phone_interview", "chosen_at"), ("unit_outcome", "recorded_at")}
    for year in EDITIONS:
        assert {(t, c) for t, c, y in checked if y == year} >= expected


def test_completions_are_at_rotterdam_hours_in_both_editions(seeded):
    units = query(seeded, "SELECT e.year, u.mode, u.completed_at FROM sample_unit u "
                          "JOIN edition e ON e.id = u.edition_id "
                          "WHERE u.status = 'completed'")
    utc = pd.to_datetime(units["completed_at"], format="mixed")
    local = utc.dt.tz_localize("UTC").dt.tz_convert("Europe/Amsterdam")
    hours = {"web": (7, 23), "paper": (9, 16), "phone": (10, 19)}
    for (year, mode), group in local.groupby([units["year"], units["mode"]]):
        first, last = hours[mode]
        assert group.dt.hour.between(first, last).all(), (year, mode)
    # none in the night, and the web's late evening shows as such, not two hours later
    assert not local.dt.hour.between(0, 6).any()
    summer = (local.dt.tz_localize(None) - utc) == pd.Timedelta(hours=2)
    assert summer.any() and (~summer).any()
    assert utc[summer].dt.hour.max() <= 21 and local[summer].dt.hour.max() == 23
