"""Phone supervision for the coordinator: calls and appointments per interviewer, the call
outcomes as a file, and who calls which unit (assigning and reassigning units).

An interviewer sees only the units on their list: units assigned to them, and units assigned
to nobody while the call list offers them. A unit assigned to another interviewer is not on
their list, and they cannot open it, nor its interview (`may_call`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select

from survey.models import (Area, CallAssignment, CallAttempt, PhoneInterview, SampleUnit,
                           StaffUser)
from survey.phone import calls
from survey.staff import local_time

EXPORT_COLUMNS = ("sample_unit_id", "wijk_code", "wijk", "interviewer", "called_at",
                  "outcome", "outcome_label", "appointment_at", "interview_language")
"""The call outcomes file: one row per call; times in Rotterdam time; no names or numbers.
`interview_language` (added last, so the earlier columns keep their places) is the language
code of the unit's phone interview (`survey.phone.interview_language`), empty for a unit whose
interview was never started."""

__all__ = ["EXPORT_COLUMNS", "InterviewerRow", "per_interviewer", "interviewers",
           "assignment_of", "may_call", "assign", "reassign", "outcome_rows"]


@dataclass
class InterviewerRow:
    interviewer: str
    assigned_open: int = 0
    calls_today: int = 0
    calls: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)
    appointments_ahead: int = 0
    completed: int = 0


def interviewers(db) -> list[str]:
    """The active interviewer accounts, by name."""
    return list(db.scalars(select(StaffUser.username)
                           .where(StaffUser.role == "interviewer", StaffUser.active.is_(True))
                           .order_by(StaffUser.username)))


def per_interviewer(db, edition_id: int, now: datetime) -> list[InterviewerRow]:
    """Calls (today in Rotterdam, and in all), outcomes, appointments still to come, completed
    interviews and open assigned units, for every interviewer with an account or a call."""
    rows = {name: InterviewerRow(name) for name in interviewers(db)}
    today = local_time.day_start(now)
    edition_units = select(SampleUnit.id).where(SampleUnit.edition_id == edition_id)
    for name, outcome, count in db.execute(
            select(CallAttempt.interviewer, CallAttempt.outcome, func.count())
            .where(CallAttempt.sample_unit_id.in_(edition_units))
            .group_by(CallAttempt.interviewer, CallAttempt.outcome)):
        row = rows.setdefault(name, InterviewerRow(name))
        row.by_outcome[outcome] = count
        row.calls += count
        if outcome == calls.COMPLETED:
            row.completed += count
    for name, count in db.execute(
            select(CallAttempt.interviewer, func.count())
            .where(CallAttempt.sample_unit_id.in_(edition_units), CallAttempt.called_at >= today)
            .group_by(CallAttempt.interviewer)):
        rows.setdefault(name, InterviewerRow(name)).calls_today = count
    # an appointment is ahead when it is the unit's latest call and later than now
    latest = (select(func.max(CallAttempt.id)).group_by(CallAttempt.sample_unit_id)
              .where(CallAttempt.sample_unit_id.in_(edition_units)))
    for name, count in db.execute(
            select(CallAttempt.interviewer, func.count())
            .where(CallAttempt.id.in_(latest), CallAttempt.outcome == calls.APPOINTMENT,
                   CallAttempt.appointment_at > now)
            .group_by(CallAttempt.interviewer)):
        rows.setdefault(name, InterviewerRow(name)).appointments_ahead = count
    for name, count in db.execute(
            select(CallAssignment.interviewer, func.count())
            .join(SampleUnit, SampleUnit.id == CallAssignment.sample_unit_id)
            .where(SampleUnit.edition_id == edition_id, SampleUnit.status != "completed")
            .group_by(CallAssignment.interviewer)):
        rows.setdefault(name, InterviewerRow(name)).assigned_open = count
    return sorted(rows.values(), key=lambda r: r.interviewer)


def assignment_of(db, unit_id: str) -> str | None:
    row = db.get(CallAssignment, unit_id)
    return row.interviewer if row else None


def may_call(db, unit_id: str, interviewer: str, edition_id: int | None, max_attempts: int,
             now: datetime) -> bool:
    """Whether `unit_id` is on `interviewer`'s list: assigned to them; or assigned to nobody
    and either offered by the call list now or called by them before (a call in progress)."""
    assigned = assignment_of(db, unit_id)
    if assigned is not None:
        return assigned == interviewer
    called_before = db.scalar(select(func.count()).select_from(CallAttempt).where(
        CallAttempt.sample_unit_id == unit_id, CallAttempt.interviewer == interviewer))
    if called_before:
        return True
    if edition_id is None:
        return False
    return any(entry.unit_id == unit_id for entry in calls.candidates(
        db, edition_id, max_attempts, now, only_unit=unit_id))


def assign(db, edition_id: int, interviewer: str, count: int, *, by: str, now: datetime,
           wijk_code: int | None = None, max_attempts: int = 5) -> int:
    """Put up to `count` callable units assigned to nobody on `interviewer`'s list, from the
    wijk given or from any; fewer calls first. Returns how many."""
    free = [e for e in calls.candidates(db, edition_id, max_attempts, now, wijk_code)
            if db.get(CallAssignment, e.unit_id) is None]
    free.sort(key=lambda e: (e.attempts, e.last_called_at or datetime.min, e.unit_id))
    chosen = free[:max(count, 0)]
    db.add_all(CallAssignment(sample_unit_id=e.unit_id, interviewer=interviewer,
                              assigned_by=by, assigned_at=now) for e in chosen)
    db.flush()
    return len(chosen)


def reassign(db, edition_id: int, from_interviewer: str, to_interviewer: str | None, *,
             by: str, now: datetime) -> int:
    """Move every open unit on `from_interviewer`'s list to `to_interviewer` (None: back to
    nobody, so the shared list offers them again). Returns how many."""
    units = list(db.scalars(
        select(CallAssignment.sample_unit_id)
        .join(SampleUnit, SampleUnit.id == CallAssignment.sample_unit_id)
        .where(CallAssignment.interviewer == from_interviewer,
               SampleUnit.edition_id == edition_id, SampleUnit.status != "completed")))
    if not units:
        return 0
    if to_interviewer is None:
        db.execute(delete(CallAssignment).where(CallAssignment.sample_unit_id.in_(units)))
    else:
        for unit_id in units:
            row = db.get(CallAssignment, unit_id)
            row.interviewer, row.assigned_by, row.assigned_at = to_interviewer, by, now
    db.flush()
    return len(units)


def outcome_rows(db, edition_id: int):
    """Every call of the edition, oldest first, as EXPORT_COLUMNS values."""
    for attempt, wijk_code, wijk, language in db.execute(
            select(CallAttempt, SampleUnit.wijk_code, Area.wijk, PhoneInterview.language)
            .join(SampleUnit, SampleUnit.id == CallAttempt.sample_unit_id)
            .join(Area, Area.wijk_code == SampleUnit.wijk_code)
            .outerjoin(PhoneInterview, PhoneInterview.sample_unit_id == SampleUnit.id)
            .where(SampleUnit.edition_id == edition_id)
            .order_by(CallAttempt.called_at, CallAttempt.id)):
        yield (attempt.sample_unit_id, wijk_code, wijk, attempt.interviewer,
               local_time.shown(attempt.called_at), attempt.outcome,
               calls.OUTCOMES.get(attempt.outcome, attempt.outcome),
               local_time.shown(attempt.appointment_at), language or "")


