"""Retention: `wijkprofiel privacy purge-identity` deletes names, addresses and codes of an
edition's sample after fieldwork, and keeps the answers, the weights and the dashboard."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import String, Text, func, inspect, select, text

from survey import storage
from survey.cli import main
from survey.models import (Answer, AuditEvent, Edition, IdentityLink, IdentityPerson,
                           RateLimitCounter, SampleUnit)
from survey.privacy import purge_identity

from tests.support.fieldwork_data import CODES, add_edition, read_at
from tests.support.staff import StaffActions, add_accounts

NAMES = ("Fatima", "Zwanenburg", "Coolsingel", "3011AD", "0612345678", "R0000001")


def _add_identities(url):
    """Identity for every unit of the fieldwork edition (s1 has one already), one person also
    sampled by a second edition, and one unsampled register person."""
    with storage.transaction(url) as db:
        units = [u for u in db.scalars(select(SampleUnit.id)) if u != "s1"]
        for number, unit_id in enumerate(units, start=2):
            db.add(IdentityPerson(id=number, register_id=f"R{number:07d}", given_name=f"Naam{number}",
                                  family_name=f"Achternaam{number}", street="Straat",
                                  house_number=str(number), postcode="3000AA", phone=None, wijk_code=1,
                                  birth_date=date(1970, 1, 1), sex="man",
                                  migration_background="nederlands", household_type="paar"))
            db.flush()
            db.add(IdentityLink(sample_unit_id=unit_id, person_id=number, access_code=CODES[unit_id]))
        db.add(Edition(id=2, year=2026, title="Wijkprofiel 2026", fieldwork_end=date(2026, 11, 30)))
        db.flush()
        db.add(SampleUnit(id="n1", edition_id=2, wijk_code=1, questionnaire_id="veiligheidsmonitor",
                          wave=1, inclusion_probability=0.1, design_weight=10.0,
                          stratum_population=100, age_group="25-44", sex="man",
                          migration_background="nederlands", household_type="paar",
                          code_hash="0" * 64, status="invited"))
        db.add(IdentityPerson(id=99, register_id="R0000099", given_name="Kees", family_name="Onbemonsterd",
                              street="Blaak", house_number="1", postcode="3011TA", phone=None,
                              wijk_code=1, birth_date=date(1950, 1, 1), sex="man",
                              migration_background="nederlands", household_type="paar"))
        db.flush()
        db.add(IdentityLink(sample_unit_id="n1", person_id=2, access_code="NEXTCODE22"))


def _texts(url) -> str:
    """Every text value in every table, joined: what a grep over a database dump would see."""
    engine = storage.get_engine(url)
    found = []
    with engine.connect() as connection:
        inspector = inspect(engine)
        for table in inspector.get_table_names():
            columns = [c["name"] for c in inspector.get_columns(table)
                       if isinstance(c["type"], (String, Text))]
            for column in columns:
                found += [str(v) for v in connection.execute(
                    text(f'SELECT "{column}" FROM "{table}"')).scalars() if v is not None]
    return "\n".join(found)


def _count(url, model):
    with storage.transaction(url) as db:
        return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def purge_app(make_app, database_url):
    add_edition(database_url)
    _add_identities(database_url)
    add_accounts(database_url)
    return make_app(database_url)


def test_purge_deletes_identity_and_keeps_answers_weights_and_dashboard(purge_app, fixed_clock):
    # fieldwork of the fixture edition ended 30 November 2023: over on the fixed day
    url = purge_app.config["DATABASE_URL"]
    answers_before = _count(url, Answer)
    with storage.transaction(url) as db:
        weights_before = sorted(db.scalars(select(SampleUnit.design_weight)
                                           .where(SampleUnit.edition_id == 1)))
    assert "Fatima" in _texts(url)
    with storage.transaction(url) as db:  # a wrong code was sent from this address
        db.add(RateLimitCounter(limit_key="LIMITER/198.51.100.23/start.start/20/10/minute",
                                hits=3, window_ends_at=4102444800.0))

    result = purge_app.test_cli_runner().invoke(main, ["privacy", "purge-identity", "--edition",
                                                       "2024", "--yes"])
    assert result.exit_code == 0, result.output
    assert "12 identity links with their personal codes and 11 persons" in result.output
    assert "1 login-limit counts of client addresses deleted" in result.output
    assert "1 persons kept because a unit of another edition links to them" in result.output

    texts = _texts(url)
    for name in NAMES + ("Naam3", "Naam12") + tuple(c for u, c in CODES.items()):
        assert name not in texts, f"{name!r} is still in the database"
    assert "Naam2" in texts and "NEXTCODE22" in texts  # the 2026 sample keeps its person
    assert "Onbemonsterd" in texts                     # without --with-register
    assert "198.51.100.23" not in texts
    assert _count(url, Answer) == answers_before
    with storage.transaction(url) as db:
        assert sorted(db.scalars(select(SampleUnit.design_weight)
                                 .where(SampleUnit.edition_id == 1))) == weights_before
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "purge_identity"))
        assert event.target == "edition 2024" and event.role == "command line"
        assert "11 persons" in event.detail

    # the statistics side still works: the analysis file, weighting from the database, the
    # dashboard, and no code logs in any more
    from survey.fieldwork.answers import answers_frame

    frame = read_at(answers_frame, url, 2024)
    assert len(frame) == 5 and set(frame["design_weight"]) == {10.0}
    assert not {"given_name", "family_name", "access_code", "register_id"} & set(frame.columns)
    staff = StaffActions(purge_app.test_client())
    staff.login("coordinator")
    dashboard = staff.client.get("/staff/dashboard")
    assert dashboard.status_code == 200 and "Stadsdriehoek" in dashboard.text
    with purge_app.test_request_context():
        from survey.respondent import session as respondent_session

        assert respondent_session.find_unit(CODES["s1"]) is None

    again = purge_app.test_cli_runner().invoke(main, ["privacy", "purge-identity", "--edition",
                                                      "2024", "--yes"])
    assert again.exit_code == 0 and "0 identity links" in again.output


def test_weighting_from_the_database_survives_the_purge(sqlite_url, tmp_path):
    """A weighting plan with `data: db` gives the same weights before and after."""
    from dataclasses import replace

    from survey.demo.seed import seed_edition
    from survey.edition_data import EDITION_DESIGN, write_margin_files, write_plan
    from weighting.plan import DATA_SOURCES, load_plan, run_plan
    from survey.fieldwork.answers import answers_frame

    # 2%: at 1% a tiny wijk's only respondent may be screened out (no longer lives at the
    # address), which leaves the wijk without respondents and the plan without a solution
    seed_edition(sqlite_url, seed=7, scale=0.02)
    margins = read_at(write_margin_files, sqlite_url, tmp_path)
    # a small demo leaves wijken with one respondent: the report's --lonely-psu adjust
    plan_path = write_plan(tmp_path, margins, replace(EDITION_DESIGN, lonely_psu="adjust"))
    saved = dict(DATA_SOURCES)
    DATA_SOURCES["db"] = lambda plan: read_at(answers_frame, sqlite_url)
    try:
        before = run_plan(load_plan(plan_path)).weights
        with storage.transaction(sqlite_url) as db:
            year = db.scalar(select(Edition.year))
            names = list(db.scalars(select(IdentityPerson.family_name)
                                    .join(IdentityLink, IdentityLink.person_id == IdentityPerson.id)
                                    .limit(20)))
        with storage.transaction(sqlite_url) as db:
            result = purge_identity(db, year, force=True, with_register=True)
        after = run_plan(load_plan(plan_path)).weights
    finally:
        DATA_SOURCES.clear()
        DATA_SOURCES.update(saved)
    assert result.links > 0 and result.persons == result.links and result.register_persons > 0
    assert _count(sqlite_url, IdentityPerson) == 0 and _count(sqlite_url, IdentityLink) == 0
    pd.testing.assert_frame_equal(before, after)
    texts = _texts(sqlite_url)
    assert names and not [name for name in names if f"\n{name}\n" in f"\n{texts}\n"]


def test_purge_refuses_while_fieldwork_is_open(purge_app, fixed_clock):
    url = purge_app.config["DATABASE_URL"]
    runner = purge_app.test_cli_runner()
    result = runner.invoke(main, ["privacy", "purge-identity", "--edition", "2026", "--yes"])
    assert result.exit_code == 1
    assert "--edition 2026: fieldwork is still open (2026-11-30" in result.output
    assert "Traceback" not in result.output
    assert _count(url, IdentityLink) == 13 and _count(url, IdentityPerson) == 13
    result = runner.invoke(main, ["privacy", "purge-identity", "--edition", "2031", "--yes"])
    assert result.exit_code == 1 and "no edition 2031 in the database; editions: 2024, 2026" in (
        result.output)
    # without --yes it asks, and "no" changes nothing
    result = runner.invoke(main, ["privacy", "purge-identity", "--edition", "2024"], input="n\n")
    assert result.exit_code == 1 and _count(url, IdentityLink) == 13
    with storage.transaction(url) as db:
        purged = purge_identity(db, 2026, force=True, today=date(2026, 6, 1))
    assert (purged.links, purged.persons) == (1, 0)  # person 2 is still linked from 2024
