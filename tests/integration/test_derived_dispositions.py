"""Dispositions the dashboard derives from fieldwork, not only from the questionnaire: a unit
no letter went to is 3.11 (not 3.19) once the edition's letters are printed here, and a unit
phoned without ever being reached is a non-contact (2.20)."""

from datetime import datetime

from sqlalchemy import select

from survey import storage
from survey.fieldwork.dispositions import disposition_column
from survey.models import CallAttempt, MailedLetter, SampleUnit
from tests.support.fieldwork_data import add_edition


def dispositions(url):
    with storage.transaction(url) as db:
        return dict(db.execute(select(SampleUnit.id, disposition_column())).all())


def test_never_mailed_is_3_11_and_phoned_unreached_is_2_20(sqlite_url):
    add_edition(sqlite_url)
    # no letters printed at all (letters made elsewhere): invited units stay 3.19
    assert dispositions(sqlite_url)["s6"] == "3.19" and dispositions(sqlite_url)["s7"] == "3.19"
    with storage.transaction(sqlite_url) as db:
        db.add(MailedLetter(sample_unit_id="s6", kind="invitation", wave=1,
                            batch="2024-W1-INV-001", sequence=1, pages=2,
                            printed_at=datetime(2023, 3, 1)))
    found = dispositions(sqlite_url)
    assert (found["s6"], found["s7"]) == ("3.19", "3.11")
    with storage.transaction(sqlite_url) as db:
        for outcome in ("no_answer", "busy"):
            db.add(CallAttempt(sample_unit_id="s6", outcome=outcome, interviewer="int",
                               called_at=datetime(2023, 4, 1, 10)))
    assert dispositions(sqlite_url)["s6"] == "2.20"
    with storage.transaction(sqlite_url) as db:
        db.add(CallAttempt(sample_unit_id="s6", outcome="appointment", interviewer="int",
                           appointment_at=datetime(2023, 4, 2, 10),
                           called_at=datetime(2023, 4, 1, 11)))
    assert dispositions(sqlite_url)["s6"] == "3.19"  # reached: no longer a non-contact
    # a stored disposition always wins
    assert dispositions(sqlite_url)["s8"] == "2.11"
