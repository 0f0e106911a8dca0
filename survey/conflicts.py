"""Mode conflicts and how the coordinator settles them (`/staff/conflicten`). Where the modes
meet, so above them: it reads paper forms (`survey.paper`) and unit statuses
(`survey.respondent`), and no mode imports it.

A unit completes in one mode only. Two things can still come after its completion:

- paper: a paper form is registered, or finished keying, after the unit completed on the web
  or by phone (or was screened out there as not eligible). `survey.paper.entry` flags the form
  (status `conflict`, audited as `paper_conflict`) and stores none of it;
- phone: the unit completed in another mode while an interviewer was interviewing it.
  `survey.routes.phone` stops the interview and audits `phone_conflict`; nothing more is
  stored.

The coordinator sees every conflict of the edition: when and how the unit completed, what came
later, when and from whom, and how many of its stored answers came in each mode. She closes a
conflict with a note (required): the earlier completion is kept; a paper form is filed (status
`filed`; its keyed passes stay in `paper_entry`, so what the paper said is never lost) and a
dropped interview is closed. The closing is itself the audit event (`paper_conflict_closed`
or `phone_conflict_closed`, the note as its detail), written in the same transaction as the
form's new status. A paper conflict is open while its form has status `conflict`; a phone
conflict while the unit's last `phone_conflict` has no later `phone_conflict_closed`.

Why the first completion is kept, and there is no "use the paper answers instead": Statistics
Netherlands' mixed-mode surveys and the Wijkprofiel count a person's first complete response;
a later one is filed. The first completion is the one the invited person sent in while the
letter's code was still open; a paper form that comes later may have been filled in by
someone else in the household, and the stored answers, their mode and their timing
(paradata, mode effects in the weighting) belong together. Replacing them would also make the
result depend on which envelope the post delivered first. A coordinator who has reason to
think the later form is the right one says so in the note; the statistician decides from the
audit log and the filed passes, outside the fieldwork tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from survey.models import Answer, Area, AuditEvent, PaperForm, SampleUnit
from survey.paper import entry as paper
from survey.respondent.store import SCREENED_OUT

PAPER, PHONE = "paper", "phone"
KINDS = {PAPER: "Papieren formulier na voltooiing", PHONE: "Telefonisch interview ingehaald"}
CLOSED_ACTION = {PAPER: "paper_conflict_closed", PHONE: "phone_conflict_closed"}
RESOLUTION = {PAPER: "eerdere voltooiing gehouden, papieren formulier gearchiveerd",
              PHONE: "eerdere voltooiing gehouden, telefonisch interview vervalt"}
NOTE_MAX = 1000
COMPLETION_LABELS = paper.MODE_LABELS
"""How a completion's mode reads in a sentence: "via internet", "op papier", "telefonisch"."""


class ConflictError(ValueError):
    """A conflict that cannot be closed as asked; the message says why."""


@dataclass
class Conflict:
    kind: str
    unit_id: str
    wijk: str
    completed_mode: str | None
    completed_at: datetime | None
    came_at: datetime
    """When the later form was registered, or the interview ran into the completion."""
    came_from: str | None
    """Who registered the paper form, or the interviewer."""
    answers_by_mode: dict = field(default_factory=dict)
    closed_at: datetime | None = None
    closed_by: str | None = None
    note: str | None = None
    screened_out: bool = False
    """The earlier questionnaire ended at the screening (not at the address; AAPOR 4.10)."""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def _latest_events(db, action: str, targets) -> dict[str, AuditEvent]:
    """The last audit event `action` per target among `targets` (unit ids)."""
    if not targets:
        return {}
    events = db.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.target.in_(list(targets)))
        .order_by(AuditEvent.at, AuditEvent.id))
    return {event.target: event for event in events}


def _paper_conflicts(db, edition_id: int) -> list[Conflict]:
    rows = db.execute(
        select(PaperForm, SampleUnit, Area.wijk)
        .join(SampleUnit, SampleUnit.id == PaperForm.sample_unit_id)
        .join(Area, Area.wijk_code == SampleUnit.wijk_code)
        .where(SampleUnit.edition_id == edition_id,
               PaperForm.status.in_((paper.CONFLICT, paper.FILED)))).all()
    closings = _latest_events(db, CLOSED_ACTION[PAPER], [form.sample_unit_id for form, _, _ in rows])
    result = []
    for form, unit, wijk in rows:
        conflict = Conflict(PAPER, unit.id, wijk, unit.mode, unit.completed_at,
                            form.registered_at, form.registered_by,
                            screened_out=unit.status == SCREENED_OUT)
        if form.status == paper.FILED:
            closing = closings.get(unit.id)
            conflict.closed_at, conflict.closed_by = form.completed_at, form.completed_by
            conflict.note = closing.detail if closing else None
        result.append(conflict)
    return result


def _phone_conflicts(db, edition_id: int) -> list[Conflict]:
    flagged = db.scalars(select(AuditEvent).where(AuditEvent.action == "phone_conflict")
                         .order_by(AuditEvent.at, AuditEvent.id)).all()
    latest = {event.target: event for event in flagged}
    if not latest:
        return []
    units = db.execute(
        select(SampleUnit, Area.wijk).join(Area, Area.wijk_code == SampleUnit.wijk_code)
        .where(SampleUnit.edition_id == edition_id, SampleUnit.id.in_(list(latest)))).all()
    closings = _latest_events(db, CLOSED_ACTION[PHONE], latest)
    result = []
    for unit, wijk in units:
        event = latest[unit.id]
        conflict = Conflict(PHONE, unit.id, wijk, unit.mode, unit.completed_at, event.at,
                            event.username, screened_out=unit.status == SCREENED_OUT)
        closing = closings.get(unit.id)
        if closing is not None and closing.at >= event.at:
            conflict.closed_at, conflict.closed_by, conflict.note = (
                closing.at, closing.username, closing.detail)
        result.append(conflict)
    return result


def conflicts(db, edition_id: int) -> list[Conflict]:
    """Every paper and phone conflict of the edition: open ones first, then the newest."""
    found = _paper_conflicts(db, edition_id) + _phone_conflicts(db, edition_id)
    counts = db.execute(
        select(Answer.sample_unit_id, Answer.mode, func.count())
        .where(Answer.sample_unit_id.in_([c.unit_id for c in found]))
        .group_by(Answer.sample_unit_id, Answer.mode)).all() if found else []
    for conflict in found:
        conflict.answers_by_mode = {mode: n for unit_id, mode, n in counts
                                    if unit_id == conflict.unit_id}
    found.sort(key=lambda c: c.came_at, reverse=True)
    found.sort(key=lambda c: not c.is_open)
    return found


def open_count(db, edition_id: int) -> int:
    return sum(conflict.is_open for conflict in conflicts(db, edition_id))


def close(db, kind: str, unit_id: str, note: str, *, by: str, role: str | None,
          remote_addr: str | None, at: datetime) -> Conflict:
    """Close an open conflict: the earlier completion stays, the paper form is filed or the
    interview dropped, and the closing is written to the audit log with `note`.

    Raises:
        ConflictError for an empty note, an unknown kind or unit, or a conflict that is not
        open (closed meanwhile by a colleague).
    """
    note = (note or "").strip()
    if kind not in KINDS:
        raise ConflictError(f"Onbekende soort conflict {kind!r}.")
    if not note:
        raise ConflictError("Schrijf in de toelichting waarom de eerdere voltooiing blijft "
                            "staan, bijvoorbeeld wat u met de respondent besprak.")
    if len(note) > NOTE_MAX:
        raise ConflictError(f"De toelichting is te lang: {len(note)} tekens, ten hoogste {NOTE_MAX}.")
    unit = db.get(SampleUnit, unit_id)
    found = None if unit is None else next(
        (c for c in conflicts(db, unit.edition_id) if c.kind == kind and c.unit_id == unit_id),
        None)
    if found is None:
        raise ConflictError(f"Eenheid {unit_id} heeft geen conflict van deze soort.")
    if not found.is_open:
        raise ConflictError(f"Het conflict van eenheid {unit_id} is al afgehandeld door "
                            f"{found.closed_by}.")
    if kind == PAPER:
        form = db.get(PaperForm, unit_id)
        form.status, form.completed_by, form.completed_at = paper.FILED, by, at
    db.add(AuditEvent(at=at, username=by, role=role, action=CLOSED_ACTION[kind],
                      target=unit_id, detail=note, remote_addr=remote_addr))
    db.flush()
    found.closed_at, found.closed_by, found.note = at, by, note
    return found
