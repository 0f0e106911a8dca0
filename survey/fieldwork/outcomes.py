"""Postal and fieldwork reality per sample unit: returned letters, refusals, deaths, moves.

A coordinator records what came back in the post, over the phone or from the register. Each
outcome (`aapor.OUTCOMES`) sets the unit's AAPOR disposition, and a `unit_outcome` row keeps
the history with who recorded it. A completed questionnaire (1.1) stands: an outcome is never
recorded over it, nor over a unit its own screening answer closed (4.10). A unit is found
by the personal code on the letter (through its hash, as at the respondent login), by the
kenmerk printed in the envelope window (`2024-W1-INV-001/00354`: batch and letter number), or
by its opaque sample unit id. A postal outcome keyed by kenmerk also marks that letter as
returned, on the day given.

A batch comes as a CSV file (or an Excel workbook, read by `weighting.tables`) with the columns `kenmerk`, `code` or `sample_unit_id`,
`outcome` and, optionally, `date` (25-03-2024) and `note`; it is stored whole or not at all.

The messages are for the coordinator's pages: Dutch msgids through the Babel catalogues, so
Dutch on the staff pages (which are Dutch whatever the browser asks) and outside a request.
"""

import re
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import func, select

from survey.access_codes import code_hash
from survey.addresses import format_postcode
from survey.errors import InputError
from survey.fieldwork import aapor, dates
from survey.fieldwork.dispositions import disposition_column
from survey.models import (Area, CallAssignment, IdentityLink, IdentityPerson, MailedLetter,
                           PaperRequest, SampleUnit, UnitOutcome)
from weighting.tables import TextTable

KENMERK = re.compile(r"^\s*(\d{4}-W\d+-[A-Za-z0-9]{2,4}-\d{3})\s*/\s*(\d{1,6})\s*$")
"""The kenmerk in the envelope window: batch label, slash, letter number."""
POSTAL_RETURNS = ("undeliverable", "moved", "moved_away", "refused_by_addressee", "deceased")
"""The outcomes the post reports on a returned envelope (`survey.letters.returned`)."""
DUTCH_ALIASES = {
    "onbestelbaar": "undeliverable",
    "adres_onbekend": "undeliverable",
    "verhuisd": "moved",
    "vertrokken_uit_rotterdam": "moved_away",
    "geweigerd": "refused_by_addressee",
    "overleden": "deceased",
}
"""The words PostNL's return stickers and a Dutch clerk use, for the postal outcomes."""


def outcome_key(text: str) -> str:
    """An outcome as typed, in Dutch or as our key, to our key (unknown ones unchanged).

    >>> outcome_key("Adres onbekend"), outcome_key("refused")
    ('undeliverable', 'refused')
    """
    given = (text or "").strip()
    return DUTCH_ALIASES.get(given.lower().replace(" ", "_"), given)


class OutcomeError(ValueError):
    """An outcome that cannot be recorded; the message says why, and `column` which input
    was wrong: "outcome" or "reference" (the unit)."""

    def __init__(self, message, column="reference"):
        super().__init__(message)
        self.column = column


def parse_kenmerk(text: str) -> tuple[str, int] | None:
    """(batch, letter number) of a kenmerk, or None when `text` is not one.

    >>> parse_kenmerk(" 2024-w1-inv-001/00354 ")
    ('2024-W1-INV-001', 354)
    """
    match = KENMERK.match(text or "")
    return (match.group(1).upper(), int(match.group(2))) if match else None


def find_letter(db, reference: str) -> MailedLetter | None:
    """The printed letter whose kenmerk is `reference`; None when it is no kenmerk or no
    letter has it."""
    kenmerk = parse_kenmerk(reference)
    if kenmerk is None:
        return None
    return db.scalar(select(MailedLetter).where(MailedLetter.batch == kenmerk[0],
                                                MailedLetter.sequence == kenmerk[1]))


def find_unit(db, reference: str) -> SampleUnit | None:
    """The unit whose personal code, kenmerk or sample unit id is `reference`."""
    reference = reference.strip()
    if not reference:
        return None
    if parse_kenmerk(reference):
        letter = find_letter(db, reference)
        return db.get(SampleUnit, letter.sample_unit_id) if letter else None
    unit = db.get(SampleUnit, reference)
    if unit is None:
        unit = db.scalar(select(SampleUnit).where(SampleUnit.code_hash == code_hash(reference)))
    return unit


def find_by_address(db, postcode: str, house_number: str, limit: int = 20) -> list[dict]:
    """The drawn persons at a postcode (and house number, if given: its digits; a huisletter
    or toevoeging typed with it narrows the list) for the helpdesk, newest edition first."""
    plain = format_postcode(postcode)
    number = re.match(r"\s*(\d*)\s*-?\s*([A-Za-z]?)\s*-?\s*([A-Za-z0-9]*)", house_number or "")
    statement = (
        select(SampleUnit, IdentityPerson)
        .join(IdentityLink, IdentityLink.sample_unit_id == SampleUnit.id)
        .join(IdentityPerson, IdentityPerson.id == IdentityLink.person_id)
        .where(func.replace(IdentityPerson.postcode, " ", "") == plain.replace(" ", ""))
        .order_by(SampleUnit.edition_id.desc(), IdentityPerson.house_number,
                  IdentityPerson.family_name)
    )
    if number and number.group(1):
        statement = statement.where(IdentityPerson.house_number == number.group(1))
        if number.group(2):
            statement = statement.where(func.lower(IdentityPerson.house_letter)
                                        == number.group(2).lower())
        if number.group(3):
            statement = statement.where(func.lower(IdentityPerson.house_number_addition)
                                        == number.group(3).lower())
    return [{"unit": unit, "person": person}
            for unit, person in db.execute(statement.limit(limit)).all()]


def record(db, reference: str, outcome: str, *, recorded_by: str, note: str | None = None,
           at: datetime | None = None) -> UnitOutcome:
    """Set the unit's disposition from `outcome` and keep the history row. A postal outcome
    given by kenmerk also marks that letter returned (at `at`), once.

    Raises:
        OutcomeError when the outcome is unknown, no unit matches, or the unit has completed
        or was screened out.
    """
    if not outcome.strip():  # an empty cell of a batch file
        raise OutcomeError(gettext("leeg; kies een uitkomst: %(choices)s",
                                   choices=", ".join(aapor.OUTCOMES)), column="outcome")
    if outcome not in aapor.OUTCOMES:
        raise OutcomeError(gettext("uitkomst %(outcome)s bestaat niet; kies een van "
                                   "%(choices)s", outcome=repr(outcome),
                                   choices=", ".join(aapor.OUTCOMES)), column="outcome")
    unit = find_unit(db, reference)
    if unit is None:
        if parse_kenmerk(reference):
            raise OutcomeError(gettext(
                "er is geen brief met kenmerk %(kenmerk)s gedrukt; controleer het kenmerk in "
                "het venster van de envelop", kenmerk=repr(reference.strip())))
        raise OutcomeError(gettext(
            "geen steekproefeenheid heeft de code, het kenmerk of het steekproefnummer "
            "%(reference)s", reference=repr(reference.strip())))
    letter = find_letter(db, reference) if outcome in POSTAL_RETURNS else None
    if letter is not None and letter.returned_at is None:
        letter.returned_at = at or datetime.utcnow()
        letter.return_reason = outcome
    if unit.status == "completed":
        raise OutcomeError(gettext(
            "steekproefeenheid %(unit)s heeft de vragenlijst ingevuld; over een ingevulde "
            "vragenlijst wordt geen uitkomst vastgelegd", unit=unit.id))
    if unit.status == "screened_out":  # its own answer settled it: known not eligible (4.10)
        raise OutcomeError(gettext(
            "steekproefeenheid %(unit)s antwoordde niet meer op het adres te wonen (niet tot "
            "de doelgroep: 4.10); daaroverheen wordt geen uitkomst vastgelegd", unit=unit.id))
    disposition = aapor.OUTCOMES[outcome][0]
    unit.disposition = disposition
    row = UnitOutcome(sample_unit_id=unit.id, outcome=outcome, disposition=disposition,
                      note=(note or None), recorded_by=recorded_by,
                      recorded_at=at or datetime.utcnow())
    db.add(row)
    db.flush()
    return row


def record_csv(db, table: TextTable, *, recorded_by: str) -> list[UnitOutcome]:
    """Record every row of a batch file, read by `weighting.tables.read_table`; raises
    InputError (file, row, column) at the first bad row, and the caller's transaction then
    stores none of them. Row numbers count the header as row 1, as a spreadsheet shows them."""
    source_name = table.source
    header = set(table.headers)
    if "outcome" not in header or not header & {"kenmerk", "code", "sample_unit_id"}:
        raise InputError(source_name, gettext(
            "de kopregel moet de kolommen 'outcome' en 'kenmerk', 'code' of 'sample_unit_id' "
            "hebben; gevonden: %(found)s",
            found=", ".join(table.headers) or "–"), row=1)
    if table.errors:
        raise table.errors[0]
    rows = (dict(zip(table.headers, record)) for record in
            table.data.itertuples(index=False, name=None))
    recorded = []
    row_of_unit = {}
    for number, line in zip(table.row_numbers.tolist(), rows):
        given = [c for c in ("kenmerk", "code", "sample_unit_id") if c in header]
        column = next((c for c in given if (line.get(c) or "").strip()), given[-1])
        reference = (line.get(column) or "").strip()
        if not reference:
            raise InputError(source_name, gettext(
                "leeg; vul het kenmerk, de persoonlijke code of het steekproefnummer in"),
                row=number, column=column)
        if column == "kenmerk" and not parse_kenmerk(reference):
            raise InputError(source_name, gettext(
                "%(value)s is geen kenmerk zoals 2024-W1-INV-001/00354", value=repr(reference)),
                row=number, column=column)
        at = None
        if (line.get("date") or "").strip():
            try:
                at = dates.day_start_utc(dates.parse_date(line["date"]))
            except ValueError as exc:
                raise InputError(source_name, str(exc), row=number, column="date") from None
        try:
            row = record(db, reference, outcome_key(line.get("outcome") or ""),
                         recorded_by=recorded_by, note=(line.get("note") or "").strip(), at=at)
        except OutcomeError as exc:
            bad_column = "outcome" if exc.column == "outcome" else column
            raise InputError(source_name, str(exc), row=number, column=bad_column) from None
        if row.sample_unit_id in row_of_unit:
            # two outcomes for one unit in one file: a typo somewhere, and the last would win
            raise InputError(source_name, gettext(
                "steekproefeenheid %(unit)s staat ook in rij %(row)s; geef één uitkomst per "
                "eenheid", unit=row.sample_unit_id, row=row_of_unit[row.sample_unit_id]),
                row=number, column=column)
        row_of_unit[row.sample_unit_id] = number
        recorded.append(row)
    return recorded


def unit_view(db, reference: str) -> dict | None:
    """What a coordinator may see of a unit: its fieldwork fields (status, disposition as the
    dashboard counts it, mode, dates), its wijk and its outcome history; no answers, no identity.
    None when no unit matches."""
    unit = find_unit(db, reference)
    if unit is None:
        return None
    disposition = db.scalar(select(disposition_column()).where(SampleUnit.id == unit.id))
    area = db.get(Area, unit.wijk_code)
    history = list(db.scalars(select(UnitOutcome).where(UnitOutcome.sample_unit_id == unit.id)
                              .order_by(UnitOutcome.id.desc())))
    person = db.scalar(select(IdentityPerson)
                       .join(IdentityLink, IdentityLink.person_id == IdentityPerson.id)
                       .where(IdentityLink.sample_unit_id == unit.id))
    letters = list(db.scalars(select(MailedLetter).where(MailedLetter.sample_unit_id == unit.id)
                              .order_by(MailedLetter.id)))
    requests = list(db.scalars(select(PaperRequest).where(PaperRequest.sample_unit_id == unit.id)
                               .order_by(PaperRequest.id)))
    assignment = db.get(CallAssignment, unit.id)
    return {"unit": unit, "area": area, "disposition": disposition, "history": history,
            "person": person, "letters": letters, "paper_requests": requests,
            "assignment": assignment}


def latest(db, limit: int = 25) -> list[UnitOutcome]:
    return list(db.scalars(select(UnitOutcome).order_by(UnitOutcome.id.desc()).limit(limit)))
