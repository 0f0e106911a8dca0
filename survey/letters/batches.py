"""Which sample units get which letter, in which print batch.

- The invitation goes to every unit of the wave that has not had one yet.
- A reminder goes only to units that were invited, have not completed the questionnaire, have
  no final disposition that makes another letter pointless or unwelcome (a refusal, a death, a
  letter that came back undeliverable, not eligible), and have not had this reminder yet.
- A unit whose identity (name, address, code) has been deleted, or whose address lacks a
  street or postcode, gets no letter; the command says how many.

Letters are sorted by postcode and house number, the order the postal service sorts them in,
then cut into batches of at most `batch_size`; a batch is one PDF for the print house. Every
printed letter is recorded in the `letter` table (`survey.models.MailedLetter`), which is how
a second run skips units already done and how an audit shows what went to whom.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from survey.errors import WijkprofielError
from survey.letters.compose import KINDS, Recipient
from survey.models import Area, Edition, IdentityLink, IdentityPerson, MailedLetter, SampleUnit

KIND_CODES = {"invitation": "INV", "reminder1": "HR1", "reminder2": "HR2"}

# AAPOR dispositions (Standard Definitions, Table 3: mail surveys of specifically named
# persons) after which a unit gets no more letters. A code stops letters if it equals one of
# these or continues it with more digits ("3.3" covers 3.30, 3.31, ...). 1.1: complete;
# 2.11x: refusal; 2.31: death; 2.32: physically or mentally unable; 2.33: language; 3.23:
# refused by addressee; 3.3x: could not be delivered; 3.4x: moved, forwarding information
# learned (the letter would go to the old address); 4.x: not eligible. Partial (1.2),
# break-off (2.12), non-contact (2.20) and "nothing ever returned" (3.19) do get reminders:
# that is what reminders are for.
STOPPING_DISPOSITIONS = ("1.1", "2.11", "2.31", "2.32", "2.33", "3.23", "3.3", "3.4", "4.")

SKIP_REASONS = {
    "already_sent": "had this letter already",
    "completed": "completed the questionnaire",
    "final_disposition": "final disposition (refusal, death, undeliverable, not eligible)",
    "not_invited": "never invited",
    "no_identity": "no name and address (identity deleted)",
    "incomplete_address": "incomplete address (no street or postcode)",
}
SKIP_REASONS_DUTCH = {
    "already_sent": "hadden deze brief al",
    "completed": "hebben de vragenlijst ingevuld",
    "final_disposition": "definitieve uitkomst (weigering, overleden, onbestelbaar, niet tot de "
                         "doelgroep)",
    "not_invited": "nooit uitgenodigd",
    "no_identity": "zonder naam en adres (verwijderd)",
    "incomplete_address": "onvolledig adres (geen straat of postcode)",
}
"""SKIP_REASONS as the coordinator's (Dutch) letters page says them."""


def stops_letters(disposition: str | None) -> bool:
    """Whether a unit with this AAPOR disposition gets no more letters.

    >>> [stops_letters(d) for d in (None, "2.20", "2.12", "3.19", "2.112", "3.32", "4.10")]
    [False, False, False, False, True, True, True]
    """
    if not disposition:
        return False
    code = disposition.strip()
    return any(code == stop.rstrip(".") or code.startswith(stop)
               for stop in STOPPING_DISPOSITIONS)


def skip_reason(kind: str, status: str, disposition: str | None,
                kinds_sent: set[str]) -> str | None:
    """Why a unit gets no letter of `kind`, a key of SKIP_REASONS, or None if it gets one.

    >>> skip_reason("reminder1", "started", None, {"invitation"}) is None
    True
    >>> skip_reason("reminder1", "completed", "1.1", {"invitation"})
    'completed'
    """
    if kind in kinds_sent:
        return "already_sent"
    if kind == "invitation":
        return None
    if status == "completed":
        return "completed"
    if stops_letters(disposition):
        return "final_disposition"
    if "invitation" not in kinds_sent:
        return "not_invited"
    return None


@dataclass
class Selection:
    """The units that get a letter, in print order, and how many were skipped for what."""

    kind: str
    wave: int
    edition_year: int
    recipients: list[Recipient]
    skipped: dict[str, int] = field(default_factory=dict)


def edition_for(session, year: int | None):
    """The edition of `year`, or the newest one.

    Raises:
        WijkprofielError: there is no such edition, or none at all.
    """
    editions = session.scalars(select(Edition).order_by(Edition.year)).all()
    if not editions:
        raise WijkprofielError("the database holds no edition yet; run `wijkprofiel demo seed` "
                               "or import a sample first")
    if year is None:
        return editions[-1]
    for edition in editions:
        if edition.year == year:
            return edition
    raise WijkprofielError(f"no edition {year} in the database; editions: "
                           f"{', '.join(str(e.year) for e in editions)}")


def _house_number_key(house_number: str) -> tuple[int, str]:
    match = re.match(r"\s*(\d+)(.*)", house_number or "")
    return (int(match.group(1)), match.group(2).strip()) if match else (0, house_number or "")


def select_recipients(session, kind: str, wave: int, year: int | None = None,
                      wijk_codes=None) -> Selection:
    """The units of `wave` that get a letter of `kind`, sorted for the post.

    Args:
        session: an open SQLAlchemy session.
        kind: "invitation", "reminder1" or "reminder2".
        wave: the wave number (1 = spring, 2 = after the summer).
        year: the edition; the newest when None.
        wijk_codes: only these wijken (say, an extra reminder to wijken lagging behind their
            targets); every wijk when None.
    Returns:
        a `Selection`.
    Raises:
        WijkprofielError: unknown kind, no such edition, or the wave has no units.
    """
    if kind not in KINDS:
        raise WijkprofielError(f"--kind: {kind!r} is not one of {', '.join(KINDS)}")
    edition = edition_for(session, year)
    statement = (
        select(SampleUnit.id, SampleUnit.wijk_code, SampleUnit.questionnaire_id,
               SampleUnit.wave, SampleUnit.status, SampleUnit.disposition)
        .where(SampleUnit.edition_id == edition.id, SampleUnit.wave == wave))
    if wijk_codes is not None:
        statement = statement.where(SampleUnit.wijk_code.in_([int(c) for c in wijk_codes]))
    units = session.execute(statement).all()
    if not units and wijk_codes is not None:
        raise WijkprofielError(f"edition {edition.year} has no sample units in wave {wave} in "
                               "the chosen wijken")
    if not units:
        waves = session.scalars(
            select(SampleUnit.wave).where(SampleUnit.edition_id == edition.id).distinct()
        ).all()
        raise WijkprofielError(
            f"--wave: edition {edition.year} has no sample units in wave {wave}; waves: "
            f"{', '.join(str(w) for w in sorted(waves)) or 'none'}"
        )
    sent: dict[str, set[str]] = {}
    for unit_id, sent_kind in session.execute(
        select(MailedLetter.sample_unit_id, MailedLetter.kind)
        .join(SampleUnit, SampleUnit.id == MailedLetter.sample_unit_id)
        .where(SampleUnit.edition_id == edition.id, SampleUnit.wave == wave)
    ):
        sent.setdefault(unit_id, set()).add(sent_kind)
    identity = {
        row.sample_unit_id: row
        for row in session.execute(
            select(IdentityLink.sample_unit_id, IdentityLink.access_code,
                   IdentityPerson.given_name, IdentityPerson.family_name, IdentityPerson.street,
                   IdentityPerson.house_number, IdentityPerson.postcode,
                   IdentityPerson.name_prefix, IdentityPerson.house_letter,
                   IdentityPerson.house_number_addition, IdentityPerson.city)
            .join(IdentityPerson, IdentityPerson.id == IdentityLink.person_id)
            .join(SampleUnit, SampleUnit.id == IdentityLink.sample_unit_id)
            .where(SampleUnit.edition_id == edition.id, SampleUnit.wave == wave)
        )
    }
    wijken = dict(session.execute(select(Area.wijk_code, Area.wijk)).all())

    skipped = {reason: 0 for reason in SKIP_REASONS}
    recipients = []
    for unit in units:
        reason = skip_reason(kind, unit.status, unit.disposition, sent.get(unit.id, set()))
        if reason is None and unit.id not in identity:
            reason = "no_identity"
        elif reason is None and not (identity[unit.id].street.strip()
                                     and identity[unit.id].postcode.strip()):
            reason = "incomplete_address"
        if reason is not None:
            skipped[reason] += 1
            continue
        recipients.append(_recipient(unit, identity[unit.id], wijken))
    recipients.sort(key=lambda r: ("".join(r.postcode.split()).upper(),
                                   _house_number_key(r.house_number), r.house_letter.lower(),
                                   r.house_number_addition.lower(), r.street,
                                   r.sample_unit_id))
    return Selection(kind, wave, edition.year, recipients,
                     {k: v for k, v in skipped.items() if v})


def _recipient(unit, person, wijken) -> Recipient:
    return Recipient(
        sample_unit_id=unit.id, wijk_code=unit.wijk_code,
        wijk=wijken.get(unit.wijk_code, str(unit.wijk_code)),
        questionnaire_id=unit.questionnaire_id, wave=unit.wave,
        access_code=person.access_code, given_name=person.given_name,
        family_name=person.family_name, street=person.street,
        house_number=person.house_number, postcode=person.postcode,
        name_prefix=person.name_prefix or "", house_letter=person.house_letter or "",
        house_number_addition=person.house_number_addition or "", city=person.city or "",
    )


def recipient_of(session, unit_id: str) -> Recipient | None:
    """The unit as a letter needs it, whatever it has had (for a reprint); None when its
    identity has been deleted."""
    row = session.execute(
        select(SampleUnit.id, SampleUnit.wijk_code, SampleUnit.questionnaire_id,
               SampleUnit.wave, IdentityLink.access_code, IdentityPerson.given_name,
               IdentityPerson.family_name, IdentityPerson.street, IdentityPerson.house_number,
               IdentityPerson.postcode, IdentityPerson.name_prefix, IdentityPerson.house_letter,
               IdentityPerson.house_number_addition, IdentityPerson.city)
        .join(IdentityLink, IdentityLink.sample_unit_id == SampleUnit.id)
        .join(IdentityPerson, IdentityPerson.id == IdentityLink.person_id)
        .where(SampleUnit.id == unit_id)).first()
    if row is None:
        return None
    wijken = dict(session.execute(select(Area.wijk_code, Area.wijk)).all())
    return _recipient(row, row, wijken)


def batch_label(year: int, wave: int, kind: str, number: int) -> str:
    """>>> batch_label(2024, 1, "reminder1", 3)
    '2024-W1-HR1-003'
    """
    return f"{year}-W{wave}-{KIND_CODES[kind]}-{number:03d}"


def next_batch_number(session, year: int, wave: int, kind: str) -> int:
    """1 more than the highest batch number already printed for this year, wave and kind, so
    a second print run (say, for units added to the sample later) gets new labels."""
    prefix = batch_label(year, wave, kind, 0)[:-3]
    labels = session.scalars(
        select(MailedLetter.batch).where(MailedLetter.batch.like(f"{prefix}%")).distinct()
    ).all()
    numbers = [int(label[len(prefix):]) for label in labels if label[len(prefix):].isdigit()]
    return max(numbers, default=0) + 1


def split_batches(recipients: list, batch_size: int) -> list[list]:
    """`recipients` cut, in order, into consecutive batches of `batch_size` (the last one may
    be smaller).

    Raises:
        WijkprofielError: batch_size is below 1.

    >>> [len(b) for b in split_batches(list(range(12)), 5)]
    [5, 5, 2]
    """
    if batch_size < 1:
        raise WijkprofielError(f"--batch-size: {batch_size} is below 1; expected e.g. 5000")
    return [recipients[i:i + batch_size] for i in range(0, len(recipients), batch_size)]


def record_letters(session, printed: list, wave: int, printed_at: datetime) -> int:
    """Store one `MailedLetter` row per printed letter; returns how many."""
    session.add_all(
        MailedLetter(sample_unit_id=p.sample_unit_id, kind=p.kind, wave=wave, batch=p.batch,
                     sequence=p.sequence, pages=p.pages, printed_at=printed_at)
        for p in printed
    )
    return len(printed)


def letters_sent(session, year: int | None = None):
    """Counts of printed and returned letters by wave, kind and batch, for the audit."""
    edition = edition_for(session, year)
    return session.execute(
        select(MailedLetter.wave, MailedLetter.kind, MailedLetter.batch,
               func.count(MailedLetter.id), func.count(MailedLetter.returned_at),
               func.min(MailedLetter.printed_at))
        .join(SampleUnit, SampleUnit.id == MailedLetter.sample_unit_id)
        .where(SampleUnit.edition_id == edition.id)
        .group_by(MailedLetter.wave, MailedLetter.kind, MailedLetter.batch)
        .order_by(MailedLetter.wave, func.min(MailedLetter.id))
    ).all()
