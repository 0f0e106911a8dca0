"""The call list, call outcomes and what an interviewer may see of the unit being called.

Pure functions over a database session; the views in `survey.routes.phone` stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from survey import addresses
from survey.fieldwork import outcomes
from survey.models import (Area, CallAssignment, CallAttempt, IdentityLink, IdentityPerson,
                           PaperForm, PhoneInterview, SampleUnit)

MODE = "phone"
NO_ANSWER, BUSY, APPOINTMENT, REFUSAL, WRONG_NUMBER, COMPLETED = (
    "no_answer", "busy", "appointment", "refusal", "wrong_number", "completed")
OUTCOMES = {
    NO_ANSWER: "Geen gehoor",
    BUSY: "In gesprek",
    APPOINTMENT: "Afspraak gemaakt",
    REFUSAL: "Weigering",
    WRONG_NUMBER: "Verkeerd nummer",
    COMPLETED: "Interview voltooid",
}
RECORDED_BY_HAND = (NO_ANSWER, BUSY, APPOINTMENT, REFUSAL, WRONG_NUMBER)


class CallError(ValueError):
    """A call outcome or interview that cannot be recorded; the message says why."""


def _out_of_scope():
    """SQL: the unit's stored disposition takes it off the list (refused, other non-interview,
    not eligible, letter refused by the addressee)."""
    code = SampleUnit.disposition
    return and_(code.is_not(None), or_(code.like("2.1%"), code.like("2.3%"), code.like("4.%"),
                                       code == "3.23"))


def closed_reason(db, unit: SampleUnit) -> str | None:
    """Why this unit may not be called or interviewed now; None when it may."""
    if unit.status == "completed":
        how = {"web": "via internet", "paper": "op papier", "phone": "telefonisch"}.get(
            unit.mode, unit.mode)
        return f"Eenheid {unit.id} heeft de vragenlijst al ingevuld ({how}); niet meer bellen."
    if db.get(PaperForm, unit.id) is not None:
        return f"Voor eenheid {unit.id} is een papieren vragenlijst binnengekomen; niet bellen."
    if db.scalar(select(func.count()).where(_out_of_scope(), SampleUnit.id == unit.id)):
        return f"Eenheid {unit.id} heeft dispositie {unit.disposition}; niet meer bellen."
    wrong = db.scalar(select(func.count()).select_from(CallAttempt).where(
        CallAttempt.sample_unit_id == unit.id, CallAttempt.outcome == WRONG_NUMBER))
    if wrong:
        return f"Het nummer van eenheid {unit.id} bleek verkeerd."
    return None


@dataclass
class Entry:
    """One unit on the call list (no identity: the list shows no names)."""

    unit_id: str
    wijk_code: int
    wijk: str
    attempts: int
    last_outcome: str | None
    last_called_at: datetime | None
    appointment_at: datetime | None
    language: str | None = None
    """The language of the unit's phone interview, once one was started (an interrupted
    interview resumes in it: `survey.phone.interview_language`)."""


@dataclass
class WijkGroup:
    wijk_code: int
    wijk: str
    gebied: str
    completed: int
    target: int
    entries: list = field(default_factory=list)

    @property
    def shortfall(self) -> int:
        return self.target - self.completed


@dataclass
class CallList:
    due: list
    """Appointments that are due, earliest first."""
    wijken: list
    """WijkGroup per lagging wijk, largest shortfall first."""
    later: list
    """Appointments still to come."""

    @property
    def size(self) -> int:
        return len(self.due) + sum(len(group.entries) for group in self.wijken)


def candidates(db, edition_id: int, max_attempts: int, now: datetime,
               wijk_code: int | None = None, *, interviewer: str | None = None,
               only_unit: str | None = None) -> list[Entry]:
    """Every unit of the edition that may be called now or at an appointment (see the
    package docstring for the rules). One query; the call history is summarised per unit.

    Args:
        interviewer: only the units on this interviewer's list: assigned to them, or to
            nobody (`survey.phone.supervision`); None: every unit (the coordinator's view).
        only_unit: only this unit (is it callable?).
    """
    summary = (
        select(CallAttempt.sample_unit_id.label("unit_id"),
               func.count().label("attempts"),
               func.max(CallAttempt.id).label("last_id"),
               func.sum(case((CallAttempt.outcome == WRONG_NUMBER, 1), else_=0)).label("wrong"))
        .group_by(CallAttempt.sample_unit_id)
        .subquery()
    )
    last = aliased(CallAttempt)
    attempts = func.coalesce(summary.c.attempts, 0)
    statement = (
        select(SampleUnit.id, SampleUnit.wijk_code, Area.wijk, attempts, last.outcome,
               last.called_at, last.appointment_at, PhoneInterview.language)
        .join(Area, Area.wijk_code == SampleUnit.wijk_code)
        .join(IdentityLink, IdentityLink.sample_unit_id == SampleUnit.id)
        .join(IdentityPerson, IdentityPerson.id == IdentityLink.person_id)
        .outerjoin(summary, summary.c.unit_id == SampleUnit.id)
        .outerjoin(last, last.id == summary.c.last_id)
        .outerjoin(PaperForm, PaperForm.sample_unit_id == SampleUnit.id)
        .outerjoin(PhoneInterview, PhoneInterview.sample_unit_id == SampleUnit.id)
        .where(
            SampleUnit.edition_id == edition_id,
            SampleUnit.status != "completed",
            IdentityPerson.phone.is_not(None), IdentityPerson.phone != "",
            PaperForm.sample_unit_id.is_(None),
            ~_out_of_scope(),
            func.coalesce(summary.c.wrong, 0) == 0,
            or_(attempts < max_attempts, last.outcome == APPOINTMENT),
        )
    )
    if wijk_code is not None:
        statement = statement.where(SampleUnit.wijk_code == wijk_code)
    if only_unit is not None:
        statement = statement.where(SampleUnit.id == only_unit)
    if interviewer is not None:
        statement = (statement
                     .outerjoin(CallAssignment, CallAssignment.sample_unit_id == SampleUnit.id)
                     .where(or_(CallAssignment.interviewer == interviewer,
                                CallAssignment.sample_unit_id.is_(None))))
    return [Entry(*row) for row in db.execute(statement)]


def call_list(db, edition_id: int, wijk_rows, *, max_attempts: int, now: datetime,
              wijk_code: int | None = None, per_wijk: int = 25,
              interviewer: str | None = None) -> CallList:
    """The call list in calling order.

    Args:
        wijk_rows: the dashboard's wijk rows (`fieldwork_table(...).wijken`): completes and
            target per wijk.
        per_wijk: at most this many units shown per wijk.
    """
    lagging = {row.wijk_code: WijkGroup(row.wijk_code, row.name, row.gebied, row.completed,
                                        row.target)
               for row in wijk_rows if row.target - row.completed > 0}
    due, later = [], []
    for entry in candidates(db, edition_id, max_attempts, now, wijk_code,
                            interviewer=interviewer):
        if entry.last_outcome == APPOINTMENT and entry.appointment_at is not None:
            (due if entry.appointment_at <= now else later).append(entry)
        elif entry.wijk_code in lagging:
            lagging[entry.wijk_code].entries.append(entry)
    due.sort(key=lambda e: e.appointment_at)
    later.sort(key=lambda e: e.appointment_at)
    groups = sorted((g for g in lagging.values() if g.entries),
                    key=lambda g: (-g.shortfall, g.wijk))
    for group in groups:
        group.entries.sort(key=lambda e: (e.attempts, e.last_called_at or datetime.min, e.unit_id))
        del group.entries[per_wijk:]
    return CallList(due, groups, later)


@dataclass
class Callee:
    """What the interviewer sees of the unit being called: name and number, its wijk and
    questionnaire, and its own call history; never answers of others, no address."""

    unit: SampleUnit
    name: str
    phone: str | None
    wijk: str
    history: list


def callee(db, unit_id: str) -> Callee | None:
    row = db.execute(
        select(SampleUnit, IdentityPerson, Area.wijk)
        .join(Area, Area.wijk_code == SampleUnit.wijk_code)
        .outerjoin(IdentityLink, IdentityLink.sample_unit_id == SampleUnit.id)
        .outerjoin(IdentityPerson, IdentityPerson.id == IdentityLink.person_id)
        .where(SampleUnit.id == unit_id)
    ).first()
    if row is None:
        return None
    unit, person, wijk = row
    history = list(db.scalars(select(CallAttempt).where(CallAttempt.sample_unit_id == unit_id)
                              .order_by(CallAttempt.id.desc())))
    name = (addresses.full_name(person.given_name, person.name_prefix, person.family_name)
            if person else "(onbekend)")
    return Callee(unit, name, person.phone if person else None, wijk, history)


def record_call(db, unit_id: str, outcome: str, *, interviewer: str, at: datetime,
                appointment_at: datetime | None = None, note: str | None = None) -> CallAttempt:
    """Record one call. A refusal also sets the unit's AAPOR disposition (2.112) with a
    history row, as a coordinator's recorded refusal does.

    Raises:
        CallError for an unknown outcome, an appointment without a time (or in the past), or a
        unit that may not be called (completed, paper received, refused, ...).
    """
    choices = ", ".join(OUTCOMES[o].lower() for o in RECORDED_BY_HAND)
    if not outcome.strip():  # the form sent without one ticked
        raise CallError(f"Kies een uitkomst van het gesprek: {choices}.")
    if outcome not in RECORDED_BY_HAND:
        raise CallError(f"Uitkomst {outcome!r} bestaat niet; kies een van: {choices}.")
    unit = db.get(SampleUnit, unit_id)
    if unit is None:
        raise CallError(f"Geen steekproefeenheid {unit_id!r}.")
    reason = closed_reason(db, unit)
    if reason:
        raise CallError(reason)
    if outcome == APPOINTMENT:
        if appointment_at is None:
            raise CallError("Vul de datum en tijd van de afspraak in.")
        if appointment_at <= at:
            raise CallError("De afspraak moet in de toekomst liggen.")
    else:
        appointment_at = None
    attempt = CallAttempt(sample_unit_id=unit_id, outcome=outcome, appointment_at=appointment_at,
                          note=note or None, interviewer=interviewer, called_at=at)
    db.add(attempt)
    if outcome == REFUSAL:
        outcomes.record(db, unit_id, "refused", recorded_by=interviewer,
                        note=f"telefonisch{': ' + note if note else ''}", at=at)
    db.flush()
    return attempt


def record_completed(db, unit_id: str, *, interviewer: str, at: datetime) -> CallAttempt:
    """The call in which the interview was completed."""
    attempt = CallAttempt(sample_unit_id=unit_id, outcome=COMPLETED, interviewer=interviewer,
                          called_at=at)
    db.add(attempt)
    db.flush()
    return attempt
