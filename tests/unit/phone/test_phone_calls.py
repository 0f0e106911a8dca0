"""survey.phone: the call list's order and rules, recording calls, Rotterdam time for
appointments (the settings are walked in tests/unit/test_settings.py)."""

from datetime import date, datetime, timedelta

import pytest

from survey import access_codes, storage
from survey.fieldwork.dashboard import Row
from survey.models import (Area, CallAttempt, Edition, IdentityLink, IdentityPerson, SampleUnit)
from survey.phone import calls
from survey.staff import local_time

NOW = datetime(2023, 9, 15, 12, 0)


@pytest.fixture
def db(sqlite_url):
    with storage.transaction(sqlite_url) as session:
        session.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        for code, name in ((1, "Carnisse"), (2, "Hillesluis"), (3, "Kralingen-Oost")):
            session.add(Area(wijk_code=code, wijk=name, gebied="g"))
        session.flush()
        for number, (unit_id, wijk) in enumerate(
                [("c1", 1), ("c2", 1), ("h1", 2), ("h2", 2), ("k1", 3)], 1):
            session.add(SampleUnit(
                id=unit_id, edition_id=1, wijk_code=wijk, questionnaire_id="mini",
                inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
                age_group="35-44", sex="vrouw", migration_background="nederlands",
                household_type="alleenstaand", code_hash=access_codes.code_hash(f"CODE{number}")))
            session.add(IdentityPerson(
                id=number, register_id=f"R{number}", given_name="Naam", family_name=unit_id,
                street="Straat", house_number="1", postcode="3000AA", phone=f"06{number:08d}",
                wijk_code=wijk, birth_date=date(1970, 1, 1), sex="vrouw",
                migration_background="nederlands", household_type="alleenstaand"))
            session.flush()
            session.add(IdentityLink(sample_unit_id=unit_id, person_id=number,
                                     access_code=f"CODE{number}"))
    with storage.transaction(sqlite_url) as session:
        yield session


def rows(**completed_and_targets):
    """Dashboard wijk rows: name=(completed, target)."""
    codes = {"Carnisse": 1, "Hillesluis": 2, "Kralingen-Oost": 3}
    result = []
    for name, (completed, target) in completed_and_targets.items():
        row = Row("wijk", name.replace("_", "-"), "g", codes[name.replace("_", "-")], target=target)
        row.dispositions = {"1.1": completed} if completed else {}
        result.append(row)
    return result


def call(db, unit_id, outcome, at, appointment_at=None):
    db.add(CallAttempt(sample_unit_id=unit_id, outcome=outcome, interviewer="x", called_at=at,
                       appointment_at=appointment_at))
    db.flush()


def test_wijken_with_the_largest_shortfall_come_first_and_wijken_at_target_not_at_all(db):
    listing = calls.call_list(db, 1, rows(Carnisse=(10, 40), Hillesluis=(5, 60),
                                          Kralingen_Oost=(50, 50)),
                              max_attempts=5, now=NOW)
    assert [(g.wijk, g.shortfall) for g in listing.wijken] == [("Hillesluis", 55), ("Carnisse", 30)]
    assert [e.unit_id for g in listing.wijken for e in g.entries] == ["h1", "h2", "c1", "c2"]
    assert listing.size == 4


def test_within_a_wijk_fewer_calls_first_then_longest_ago(db):
    call(db, "h1", "no_answer", NOW - timedelta(days=1))
    call(db, "c1", "busy", NOW - timedelta(days=3))
    call(db, "c2", "no_answer", NOW - timedelta(days=2))
    listing = calls.call_list(db, 1, rows(Carnisse=(0, 10), Hillesluis=(0, 5)),
                              max_attempts=5, now=NOW)
    assert [[e.unit_id for e in g.entries] for g in listing.wijken] == [["c1", "c2"], ["h2", "h1"]]
    assert listing.wijken[0].entries[0].last_outcome == "busy"


def test_due_appointments_first_later_ones_apart_and_the_maximum_spares_appointments(db):
    for days in (5, 4, 3):
        call(db, "c1", "no_answer", NOW - timedelta(days=days))
    call(db, "c2", "appointment", NOW - timedelta(days=1), appointment_at=NOW - timedelta(hours=1))
    call(db, "h1", "appointment", NOW - timedelta(days=1), appointment_at=NOW + timedelta(days=1))
    listing = calls.call_list(db, 1, rows(Carnisse=(0, 10), Hillesluis=(0, 5)),
                              max_attempts=3, now=NOW)
    assert [e.unit_id for e in listing.due] == ["c2"]
    assert [e.unit_id for e in listing.later] == ["h1"]
    assert [e.unit_id for g in listing.wijken for e in g.entries] == ["h2"]  # c1: 3 calls of 3
    for days in (4, 3, 2):
        call(db, "c2", "no_answer", NOW - timedelta(days=days, hours=1))
    call(db, "c2", "appointment", NOW - timedelta(minutes=30), appointment_at=NOW - timedelta(minutes=1))
    listing = calls.call_list(db, 1, rows(Carnisse=(0, 10), Hillesluis=(0, 5)),
                              max_attempts=3, now=NOW)
    assert [e.unit_id for e in listing.due] == ["c2"]


def test_who_is_never_on_the_list(db):
    units = {u.id: u for u in db.query(SampleUnit)}
    units["c1"].status = "completed"
    units["c2"].disposition = "2.112"
    units["h1"].disposition = "4.10"
    db.query(IdentityPerson).filter(IdentityPerson.family_name == "h2").one().phone = ""
    call(db, "k1", "wrong_number", NOW - timedelta(days=1))
    listing = calls.call_list(db, 1, rows(Carnisse=(0, 9), Hillesluis=(0, 9), Kralingen_Oost=(0, 9)),
                              max_attempts=5, now=NOW)
    assert listing.size == 0 and listing.later == []
    assert calls.closed_reason(db, units["c1"]).endswith("niet meer bellen.")
    assert "2.112" in calls.closed_reason(db, units["c2"])
    assert "verkeerd" in calls.closed_reason(db, units["k1"])


def test_record_call_checks_outcome_and_appointment(db):
    with pytest.raises(calls.CallError, match="Uitkomst 'completed' bestaat niet"):
        calls.record_call(db, "c1", "completed", interviewer="i", at=NOW)
    with pytest.raises(calls.CallError, match="in de toekomst"):
        calls.record_call(db, "c1", "appointment", interviewer="i", at=NOW,
                          appointment_at=NOW - timedelta(hours=1))
    attempt = calls.record_call(db, "c1", "busy", interviewer="i", at=NOW,
                                appointment_at=NOW + timedelta(hours=1))
    assert (attempt.outcome, attempt.appointment_at) == ("busy", None)
    calls.record_call(db, "c2", "refusal", interviewer="i", at=NOW, note="te druk")
    assert db.get(SampleUnit, "c2").disposition == "2.112"
    with pytest.raises(calls.CallError, match="dispositie 2.112"):
        calls.record_call(db, "c2", "no_answer", interviewer="i", at=NOW)


def test_the_callee_shows_name_and_number_but_no_address(db):
    callee = calls.callee(db, "h1")
    assert (callee.name, callee.phone, callee.wijk) == ("Naam h1", "0600000003", "Hillesluis")
    assert not hasattr(callee, "street") and calls.callee(db, "nope") is None


def test_appointments_are_typed_in_rotterdam_time_and_stored_in_utc():
    assert local_time.from_typed("2023-09-16T10:00") == datetime(2023, 9, 16, 8, 0)  # CEST
    assert local_time.from_typed("2023-12-16T10:00") == datetime(2023, 12, 16, 9, 0)  # CET
    assert local_time.from_typed("morgen") is None
    assert local_time.shown(datetime(2023, 9, 16, 8, 0)) == "2023-09-16 10:00"
