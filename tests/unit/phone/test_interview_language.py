"""survey.phone.interview_language: choosing and changing a unit's interview language, the
languages offered, and the interviews per language the supervision page counts."""

from datetime import datetime

import pytest

from survey import access_codes, storage
from survey.models import Area, Edition, PhoneInterview, SampleUnit
from survey.phone import interview_language

AT = datetime(2024, 3, 4, 10, 0)

# unit, status, mode of the completion
UNITS = [("p1", "started", None), ("p2", "completed", "phone"), ("p3", "completed", "web"),
         ("p4", "screened_out", "phone"), ("p5", "invited", None), ("p6", "completed", "phone")]


@pytest.fixture
def db(sqlite_url):
    with storage.transaction(sqlite_url) as session:
        session.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        session.add(Area(wijk_code=1, wijk="Carnisse", gebied="Charlois"))
        session.flush()
        for number, (unit_id, status, mode) in enumerate(UNITS, 1):
            session.add(SampleUnit(
                id=unit_id, edition_id=1, wijk_code=1, questionnaire_id="mini",
                inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
                age_group="35-44", sex="vrouw", migration_background="nederlands",
                household_type="alleenstaand", status=status, mode=mode,
                code_hash=access_codes.code_hash(f"CODE{number}")))
    with storage.transaction(sqlite_url) as session:
        yield session


def test_the_languages_offered_are_the_questionnaires_named_in_dutch_and_their_own():
    assert interview_language.choices() == [
        ("nl", "Nederlands", "Nederlands", "ltr"), ("en", "Engels", "English", "ltr"),
        ("tr", "Turks", "Türkçe", "ltr"), ("ar", "Arabisch", "العربية", "rtl"),
        ("pl", "Pools", "Polski", "ltr")]


def test_a_unit_without_an_interview_is_dutch_and_a_choice_is_kept_and_changed(db):
    assert interview_language.language_of(db, "p1") == "nl"
    assert interview_language.choose(db, "p1", "tr", by="ilse", at=AT) is None
    assert interview_language.language_of(db, "p1") == "tr"
    # the same language again changes nothing, not even who chose it
    assert interview_language.choose(db, "p1", "tr", by="kees", at=AT) == "tr"
    assert db.get(PhoneInterview, "p1").chosen_by == "ilse"
    assert interview_language.choose(db, "p1", "ar", by="kees", at=AT) == "tr"
    row = db.get(PhoneInterview, "p1")
    assert (row.language, row.chosen_by, row.chosen_at) == ("ar", "kees", AT)


def test_a_language_not_offered_is_refused_with_the_ones_that_are(db):
    with pytest.raises(interview_language.LanguageError) as raised:
        interview_language.choose(db, "p1", "de", by="ilse", at=AT)
    assert str(raised.value) == (
        "Taal ‘de’ wordt niet aangeboden; kies een van: Nederlands (nl), Engels (en), "
        "Turks (tr), Arabisch (ar), Pools (pl).")
    assert db.get(PhoneInterview, "p1") is None


def test_interviews_per_language_count_those_going_on_and_those_completed_by_phone(db):
    for unit_id, language in (("p1", "ar"), ("p2", "ar"), ("p3", "tr"), ("p4", "tr"),
                              ("p5", "pl"), ("p6", "nl")):
        interview_language.choose(db, unit_id, language, by="ilse", at=AT)
    # p3 completed on the web and p4 was screened out: Turkish has neither
    assert interview_language.per_language(db, 1) == [("nl", 0, 1), ("ar", 1, 1), ("pl", 1, 0)]
    assert interview_language.per_language(db, 2) == []


def test_an_interview_in_a_language_no_longer_offered_goes_on_in_dutch(db):
    db.add(PhoneInterview(sample_unit_id="p1", language="de", chosen_by="ilse", chosen_at=AT))
    db.flush()
    assert interview_language.language_of(db, "p1") == "nl"
