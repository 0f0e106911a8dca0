"""Postal and fieldwork reality per sample unit: returned letters, refusals, deaths, moves.

A coordinator records what came back in the post, over the phone or from the register. Each
outcome (`aapor.OUTCOMES`) sets the unit's AAPOR disposition, and a `unit_outcome` row keeps
the history with who recorded it. A completed questionnaire (1.1) stands: an outcome is never
recorded over it, nor over a unit its own screening answer closed (4.10). A unit is found by the personal code on the letter (through its hash, as at
the respondent login) or by its opaque sample unit id.

A batch comes as a CSV file with the columns `code` or `sample_unit_id`, `outcome` and,
optionally, `note`; it is stored whole or not at all.
"""

import csv
import io
from datetime import datetime

from sqlalchemy import select

from survey.access_codes import code_hash
from survey.errors import InputError
from survey.fieldwork import aapor
from survey.fieldwork.dashboard import disposition_column
from survey.models import Area, SampleUnit, UnitOutcome


class OutcomeError(ValueError):
    """An outcome that cannot be recorded; the message says why."""


def find_unit(db, reference: str) -> SampleUnit | None:
    """The unit whose personal code or sample unit id is `reference`."""
    reference = reference.strip()
    if not reference:
        return None
    unit = db.get(SampleUnit, reference)
    if unit is None:
        unit = db.scalar(select(SampleUnit).where(SampleUnit.code_hash == code_hash(reference)))
    return unit


def record(db, reference: str, outcome: str, *, recorded_by: str, note: str | None = None,
           at: datetime | None = None) -> UnitOutcome:
    """Set the unit's disposition from `outcome` and keep the history row.

    Raises:
        OutcomeError when the outcome is unknown, no unit matches, or the unit has completed
        or was screened out.
    """
    if outcome not in aapor.OUTCOMES:
        raise OutcomeError(f"outcome {outcome!r} is unknown; expected one of "
                           f"{', '.join(aapor.OUTCOMES)}")
    unit = find_unit(db, reference)
    if unit is None:
        raise OutcomeError(f"no sample unit has the code or id {reference.strip()!r}")
    if unit.status == "completed":
        raise OutcomeError(f"sample unit {unit.id} has completed its questionnaire; "
                           "an outcome is not recorded over a complete")
    if unit.status == "screened_out":  # its own answer settled it: known not eligible (4.10)
        raise OutcomeError(f"sample unit {unit.id} answered that it no longer lives at the "
                           "address (screened out, not eligible: 4.10); an outcome is not "
                           "recorded over that")
    disposition = aapor.OUTCOMES[outcome][0]
    unit.disposition = disposition
    row = UnitOutcome(sample_unit_id=unit.id, outcome=outcome, disposition=disposition,
                      note=(note or None), recorded_by=recorded_by,
                      recorded_at=at or datetime.utcnow())
    db.add(row)
    db.flush()
    return row


def record_csv(db, source_name: str, text: str, *, recorded_by: str) -> list[UnitOutcome]:
    """Record every line of a CSV batch; raises InputError (file, row, column) at the first
    bad line, and the caller's transaction then stores none of them. Row numbers count the
    header as row 1, as a spreadsheet shows them."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Dutch Excel saves "CSV" with semicolons
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = set(reader.fieldnames or ())
    if "outcome" not in header or not header & {"code", "sample_unit_id"}:
        raise InputError(source_name, "the header needs the columns 'outcome' and 'code' or "
                         f"'sample_unit_id'; found {', '.join(reader.fieldnames or []) or 'none'}",
                         row=1)
    recorded = []
    row_of_unit = {}
    for number, line in enumerate(reader, start=2):
        column = "code" if (line.get("code") or "").strip() else "sample_unit_id"
        reference = (line.get(column) or "").strip()
        if not reference:
            raise InputError(source_name, "empty; give the personal code or the sample unit id",
                             row=number, column=column)
        try:
            row = record(db, reference, (line.get("outcome") or "").strip(),
                         recorded_by=recorded_by, note=(line.get("note") or "").strip())
        except OutcomeError as exc:
            bad_column = "outcome" if str(exc).startswith("outcome") else column
            raise InputError(source_name, str(exc), row=number, column=bad_column) from None
        if row.sample_unit_id in row_of_unit:
            # two outcomes for one unit in one file: a typo somewhere, and the last would win
            raise InputError(source_name, f"sample unit {row.sample_unit_id} is also in row "
                             f"{row_of_unit[row.sample_unit_id]}; give one outcome per unit",
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
    return {"unit": unit, "area": area, "disposition": disposition, "history": history}


def latest(db, limit: int = 25) -> list[UnitOutcome]:
    return list(db.scalars(select(UnitOutcome).order_by(UnitOutcome.id.desc()).limit(limit)))
