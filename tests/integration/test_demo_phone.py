"""The demo edition's phone fieldwork: a small seed has the calls, interview languages and
phone refusals behind its phone completions and phone non-respondents, consistent with the
units, and the coordinator sees them on the supervision page, in the call outcomes file and
in the dashboard's figures."""

import csv
import io
import sqlite3
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from survey import storage
from survey.demo.edition import generate_edition
from survey.demo.phone_calls import DEMO_INTERVIEWER
from survey.demo.seed import seed_edition
from survey.fieldwork import aapor
from survey.fieldwork.dashboard import fieldwork_table
from survey.fieldwork.dispositions import disposition_column
from survey.models import SampleUnit
from survey.paths import QUESTIONNAIRES_DIR
from survey.questionnaire.loader import load_questionnaire
from tests.support.apps import make_app
from tests.support.phone import login
from tests.support.staff import add_accounts

SCALE = 0.02
SEED = 7


@pytest.fixture(scope="module")
def questionnaires():
    return {q: load_questionnaire(QUESTIONNAIRES_DIR / f"{q}.yaml")
            for q in ("veiligheidsmonitor", "wijkonderzoek")}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, questionnaires):
    path = tmp_path_factory.mktemp("demo-phone") / "demo.db"
    url = f"sqlite:///{path}"
    summary = seed_edition(url, seed=SEED, scale=SCALE, questionnaires=questionnaires)
    add_accounts(url)
    return url, path, summary


def query(path, sql):
    with sqlite3.connect(path) as connection:
        return pd.read_sql_query(sql, connection)


def _units(path):
    return query(path, "SELECT u.id, u.status, u.disposition, u.mode, u.started_at, "
                       "u.completed_at, p.phone FROM sample_unit u "
                       "JOIN identity_link l ON l.sample_unit_id = u.id "
                       "JOIN identity_person p ON p.id = l.person_id").set_index("id")


def _calls(path):
    calls = query(path, "SELECT * FROM call_attempt ORDER BY id")
    for column in ("called_at", "appointment_at"):
        calls[column] = pd.to_datetime(calls[column])
    return calls


def test_every_phone_completion_was_called_and_holds_its_language(seeded):
    _, path, summary = seeded
    units, calls = _units(path), _calls(path)
    assert summary.counts["call_attempts"] == len(calls) > 0
    by_phone = units[(units["mode"] == "phone")
                     & units["status"].isin(["completed", "screened_out"])]
    assert (by_phone["status"] == "completed").sum() > 20
    # each phone interview ends in exactly one completed call, at the moment it ended
    completed = calls[calls["outcome"] == "completed"].set_index("sample_unit_id")
    assert sorted(completed.index) == sorted(by_phone.index)
    assert (completed["called_at"] == pd.to_datetime(by_phone["completed_at"])
            .reindex(completed.index)).all()
    # ... after calls that did not reach them (some) and, for many, an appointment kept
    per_unit = calls[calls["sample_unit_id"].isin(by_phone.index)].groupby("sample_unit_id")
    assert (per_unit.size() > 1).mean() > 0.4
    assert (per_unit["outcome"].last() == "completed").all()
    appointments = calls[calls["outcome"] == "appointment"]
    assert len(appointments) > 0.2 * len(by_phone)
    # the interview language is that of the unit's pages, as the phone module shows them
    languages = query(path, "SELECT i.sample_unit_id, i.language, i.chosen_by, i.chosen_at, "
                            "v.language AS page_language FROM phone_interview i JOIN "
                            "(SELECT DISTINCT sample_unit_id, language FROM page_visit) v "
                            "ON v.sample_unit_id = i.sample_unit_id")
    assert sorted(languages["sample_unit_id"]) == sorted(by_phone.index)
    assert languages["sample_unit_id"].is_unique  # one page language per unit
    assert (languages["language"] == languages["page_language"]).all()
    assert set(languages["language"]) >= {"nl", "tr", "ar"}
    assert (languages["chosen_by"] == DEMO_INTERVIEWER).all()
    started = pd.to_datetime(by_phone["started_at"]).reindex(languages["sample_unit_id"])
    assert (pd.to_datetime(languages["chosen_at"]).to_numpy() == started.to_numpy()).all()


def test_calls_fall_in_the_fieldwork_in_calling_hours_in_order(seeded):
    _, path, _ = seeded
    calls = _calls(path)
    edition = query(path, "SELECT fieldwork_start, fieldwork_end FROM edition").iloc[0]
    first = pd.Timestamp(edition["fieldwork_start"])
    last = pd.Timestamp(edition["fieldwork_end"]) + pd.Timedelta(days=1)
    assert calls["called_at"].between(first, last, inclusive="left").all()
    appointments = calls["appointment_at"].dropna()
    assert appointments.between(first, last, inclusive="left").all()
    by_hand = calls[calls["outcome"] != "completed"]
    local = by_hand["called_at"].dt.tz_localize("UTC").dt.tz_convert("Europe/Amsterdam")
    assert local.dt.hour.between(10, 19).all()  # stored in UTC, made in Rotterdam hours
    assert (local.dt.day_of_week < 6).all()  # Monday to Saturday
    assert (calls["interviewer"] == DEMO_INTERVIEWER).all()
    # ids ascend with time: a unit's last call is its highest id, as the call list reads it
    assert calls["called_at"].is_monotonic_increasing
    # an appointment was made for a later day, and the next call came at that time
    calls["next_at"] = calls.groupby("sample_unit_id")["called_at"].shift(-1)
    made = calls[calls["outcome"] == "appointment"]
    assert (made["appointment_at"].dt.normalize() > made["called_at"].dt.normalize()).all()
    calls["next_outcome"] = calls.groupby("sample_unit_id")["outcome"].shift(-1)
    kept = calls[(calls["outcome"] == "appointment") & calls["next_at"].notna()]
    assert len(kept) == len(made)  # every appointment was followed by a call
    # the next call was made at the appointed time; a completion's row holds when the
    # interview ended, and the interview began at the appointed time
    units = query(path, "SELECT id, started_at FROM sample_unit").set_index("id")
    began = pd.to_datetime(units["started_at"]).reindex(kept["sample_unit_id"]).to_numpy()
    next_began = np.where(kept["next_outcome"] == "completed", began, kept["next_at"].to_numpy())
    assert (kept["appointment_at"].to_numpy()
            == pd.DatetimeIndex(next_began).floor("15min").to_numpy()).all()


def test_phone_non_respondents_have_dispositions_their_calls_give(seeded):
    url, path, _ = seeded
    units, calls = _units(path), _calls(path)
    history = calls.groupby("sample_unit_id")["outcome"].agg(set)
    refused = units[units["disposition"] == "2.112"]
    assert len(refused) > 10 and refused["phone"].notna().all()
    assert all(history[unit] <= {"no_answer", "busy", "refusal"} and "refusal" in history[unit]
               for unit in refused.index)
    outcomes = query(path, "SELECT * FROM unit_outcome")
    assert sorted(outcomes["sample_unit_id"]) == sorted(refused.index)
    assert set(outcomes["outcome"]) == {"refused"}
    assert set(outcomes["disposition"]) == {aapor.OUTCOMES["refused"][0]}
    non_contact = units[units["disposition"] == "2.20"]
    assert len(non_contact) > 10
    assert all(history[unit] <= {"no_answer", "busy"} for unit in non_contact.index)
    assert calls.groupby("sample_unit_id").size().max() <= 5
    wrong = calls.loc[calls["outcome"] == "wrong_number", "sample_unit_id"]
    assert len(wrong) > 0 and set(units.loc[wrong, "disposition"]) == {"3.19"}
    assert units.loc[calls["sample_unit_id"].unique(), "phone"].notna().all()
    # the stored codes are those the product derives from the same history
    # (survey.fieldwork.dispositions): a unit phoned without contact is 2.20 either way
    with storage.transaction(url) as db:
        derived = dict(db.execute(
            select(SampleUnit.id, disposition_column())
            .where(SampleUnit.disposition.in_(["2.20", "3.19"]))).all())
    nulled = query(path, "SELECT id FROM sample_unit WHERE disposition IN ('2.20', '3.19')")
    assert set(derived) == set(nulled["id"])
    reached_none = {unit for unit, seen in history.items() if seen <= {"no_answer", "busy"}}
    assert {u for u in derived if units.loc[u, "disposition"] == "2.20"} == \
        reached_none & set(derived)


def test_the_same_seed_gives_the_same_calls(seeded, questionnaires):
    _, path, _ = seeded
    again = generate_edition(SEED, SCALE, 2024, questionnaires).phone
    calls = _calls(path)
    assert list(calls["sample_unit_id"]) == list(again.call_attempt["sample_unit_id"])
    assert list(calls["outcome"]) == list(again.call_attempt["outcome"])
    assert list(query(path, "SELECT called_at FROM call_attempt ORDER BY id")["called_at"]) == \
        list(again.call_attempt["called_at"])
    languages = query(path, "SELECT sample_unit_id, language FROM phone_interview "
                            "ORDER BY sample_unit_id")
    assert list(languages["language"]) == list(again.phone_interview["language"])


def test_supervision_page_export_and_dashboard_agree_with_the_units(seeded):
    url, path, _ = seeded
    app = make_app(url)
    coordinator = login(app, "coordinator")
    units, calls = _units(path), _calls(path)
    phone_completes = units[(units["status"] == "completed") & (units["mode"] == "phone")]
    languages = query(path, "SELECT i.language, u.status FROM phone_interview i "
                            "JOIN sample_unit u ON u.id = i.sample_unit_id")

    page = coordinator.get("/staff/phone/toezicht")
    assert page.status_code == 200
    text = page.text
    assert "Nog geen telefonische interviews gestart" not in text
    assert f'<th scope="row">{DEMO_INTERVIEWER}</th>' in text
    for code, name in (("nl", "Nederlands"), ("tr", "Turks"), ("ar", "Arabisch")):
        done = int(((languages["language"] == code) & (languages["status"] == "completed")).sum())
        assert f'<tr><th scope="row">{name}</th><td class="num">0</td>' \
               f'<td class="num">{done}</td></tr>' in text
    counts = Counter(calls["outcome"])
    assert (f'<td class="num">{len(calls)}</td>' in text
            and f'<td class="num">{counts["no_answer"]}</td>' in text)

    # the call outcomes file: every call, with the unit's interview language
    export = coordinator.get("/staff/phone/uitkomsten.csv")
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert len(rows) == len(calls)
    assert Counter(r["outcome"] for r in rows) == counts
    finished = [r for r in rows if r["outcome"] == "completed"]
    language_of = dict(query(path, "SELECT sample_unit_id, language FROM phone_interview")
                       .itertuples(index=False))
    assert all(r["interview_language"] == language_of[r["sample_unit_id"]] for r in finished)
    assert {r["interview_language"] for r in rows if r["outcome"] == "refusal"} == {""}

    # the dashboard and its export count what the units say
    with storage.transaction(url) as db:
        total = fieldwork_table(db, year=2024).total
    assert total.completed_by_mode.get("phone", 0) == len(phone_completes)
    assert total.completed == (units["status"] == "completed").sum()
    stored = Counter(units["disposition"])
    assert total.outcomes.R == sum(n for code, n in stored.items() if code.startswith("2.1"))
    assert total.outcomes.NC == stored["2.20"] > 0
    assert total.outcomes.R >= stored["2.112"] > 0
    dashboard = coordinator.get("/staff/dashboard/export.csv")
    table = list(csv.reader(io.StringIO(dashboard.data.decode("utf-8-sig"))))
    header, city = table[0], next(r for r in table if r[0] == "total")
    phone_column = next(i for i, label in enumerate(header) if "telef" in label.lower())
    assert int(city[phone_column]) == len(phone_completes)
    assert int(city[header.index("Geen contact (NC)")]) == stored["2.20"]
    assert int(city[header.index("Weigering/afbreken (R)")]) == total.outcomes.R
    # RR1 over the eligible and unknown: the screened out (NE, 4.10) are not in it
    eligible_or_unknown = len(units) - stored[aapor.SCREENED_OUT]
    assert total.rates["RR1"] == pytest.approx(total.completed / eligible_or_unknown)
    assert float(city[header.index("RR1")]) == pytest.approx(total.rates["RR1"], abs=1e-4)


def test_seeding_again_replaces_the_phone_rows(tmp_path, questionnaires):
    url = f"sqlite:///{tmp_path / 'again.db'}"
    tables = ("call_attempt", "phone_interview", "call_assignment", "unit_outcome")

    def counts():
        return {t: int(query(tmp_path / "again.db", f"SELECT COUNT(*) n FROM {t}")["n"][0])
                for t in tables}

    seed_edition(url, seed=3, scale=0.005, questionnaires=questionnaires)
    first = counts()
    assert all(first.values())
    seed_edition(url, seed=3, scale=0.005, questionnaires=questionnaires, replace=True)
    assert counts() == first
    assert query(tmp_path / "again.db", "PRAGMA foreign_key_check").empty
