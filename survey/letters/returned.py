"""Letters the post brought back: register them, and set each unit's AAPOR disposition.

The returns clerk types a CSV (read by `weighting.tables`, so also Dutch Excel's semicolons and
Windows-1252, or an .xlsx) with one row per returned envelope: the "Kenmerk" printed in the
envelope window (batch and number, e.g. `2024-W1-INV-001/00042`, in a `kenmerk` column or as
`batch` and `sequence`), the `outcome` the post gave, and optionally the `date` it came back.
The whole file is checked first; if any row is wrong, every wrong row is reported and nothing
is registered, so the file can be fixed and read again.

The outcomes and their dispositions are the postal ones of `survey.fieldwork.aapor.OUTCOMES`
(AAPOR Standard Definitions, Table 3, mail surveys of specifically named persons), and each is
recorded through `survey.fieldwork.outcomes.record`, so the unit's disposition and its
`unit_outcome` history are the same as when a coordinator records it on the staff pages.
Undeliverable mail is "unknown eligibility" in AAPOR (3.30), not "not eligible": the person may
well live in Rotterdam at another address; only a move out of Rotterdam (4.10) is not eligible.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from survey.errors import InputError, WijkprofielError
from survey.fieldwork import aapor, dates, outcomes
from survey.letters.batches import stops_letters
from survey.models import MailedLetter, SampleUnit
from weighting import tables

# the outcomes the post can report on a returned envelope
REASONS = {key: aapor.OUTCOMES[key]
           for key in ("undeliverable", "moved", "moved_away", "refused_by_addressee",
                       "deceased")}
# the words PostNL's return stickers and a Dutch clerk use, for the same outcomes
DUTCH_ALIASES = outcomes.DUTCH_ALIASES
RECORDED_BY = "wijkprofiel letters returned"


class ReturnedLettersError(WijkprofielError):
    """One or more rows of a returns file are wrong; `errors` holds an InputError per row."""

    def __init__(self, source: Path, errors: list[InputError]):
        self.errors = errors
        super().__init__(
            f"{source}: {len(errors)} row(s) with errors, nothing registered:\n"
            + "\n".join(f"  {e}" for e in errors)
        )


@dataclass
class ReturnsOutcome:
    registered: int = 0
    kept: int = 0
    already_registered: int = 0
    by_disposition: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    """What the reader did that the clerk should know (a Windows encoding read)."""


@dataclass(frozen=True)
class _Row:
    line: int
    batch: str
    sequence: int
    reason: str
    returned_on: date | None


def read_returns(path: Path) -> tuple[list[_Row], list[str]]:
    """The rows of a returns CSV, checked for form (not yet against the database), and the
    reader's notices.

    Raises:
        InputError: the file has no header or lacks a column.
        ReturnedLettersError: one or more rows are wrong; each is named by row and column.
    """
    table = tables.read_path(path)
    columns = [name.lower() for name in table.headers]
    has_split = {"batch", "sequence"} <= set(columns)
    if not ((has_split or "kenmerk" in columns) and "outcome" in columns):
        raise InputError(table.source, "expected the columns kenmerk and outcome (or batch, "
                         f"sequence and outcome), optionally date; found "
                         f"{', '.join(sorted(columns))}", row=1)
    rows, errors = [], list(table.errors)
    for number, values in zip(table.row_numbers.tolist(),
                              table.data.itertuples(index=False, name=None)):
        record = {name: value.strip() for name, value in zip(columns, values)}
        try:
            rows.append(_parse_row(table.source, number, record, has_split))
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise ReturnedLettersError(path, sorted(errors, key=lambda e: e.row or 0))
    return rows, table.notices


def _parse_row(path, line, record, has_split) -> _Row:
    if has_split:
        batch, sequence_text = record.get("batch", ""), record.get("sequence", "")
        column = "sequence"
    else:
        kenmerk = record.get("kenmerk", "")
        batch, _, sequence_text = kenmerk.partition("/")
        column = "kenmerk"
        if not batch or not sequence_text:
            raise InputError(path, f"{kenmerk!r} is not a kenmerk like 2024-W1-INV-001/00042",
                             row=line, column="kenmerk")
    if not batch:
        raise InputError(path, "batch is empty", row=line, column="batch")
    if not sequence_text.isdigit() or int(sequence_text) < 1:
        raise InputError(path, f"{sequence_text!r} is not a letter number (1 or more)",
                         row=line, column=column)
    given = record.get("outcome", "")
    reason = DUTCH_ALIASES.get(given.lower().replace(" ", "_"), given.lower())
    if reason not in REASONS:
        raise InputError(path, f"{given!r} is not one of {', '.join(REASONS)} (or in Dutch "
                         f"{', '.join(DUTCH_ALIASES)})", row=line, column="outcome")
    returned_on = None
    if record.get("date"):
        try:
            returned_on = dates.parse_date(record["date"])
        except ValueError as exc:
            raise InputError(path, str(exc), row=line, column="date") from None
    return _Row(line, batch, int(sequence_text), reason, returned_on)


def register_returns(session, path: Path, now: datetime) -> ReturnsOutcome:
    """Read the returns file at `path` and register every returned letter: the letter gets
    its return date and reason, and its unit the reason's AAPOR disposition, unless the unit
    already completed the questionnaire or has a final disposition (a refusal, a death, an
    earlier return): what is already known stays.

    A letter already registered as returned is left as it is, so a file can be read twice.

    Raises:
        InputError: the file cannot be read or lacks a column.
        ReturnedLettersError: rows that are malformed, name no printed letter, or repeat an
            earlier row; nothing is registered then.
    """
    rows, notices = read_returns(path)
    letters = {}
    errors = []
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        key = (row.batch, row.sequence)
        if key in seen:
            errors.append(InputError(path, f"letter {row.batch}/{row.sequence:05d} is already "
                                     f"on row {seen[key]}", row=row.line))
            continue
        seen[key] = row.line
        letter = session.scalars(
            select(MailedLetter).where(MailedLetter.batch == row.batch,
                                       MailedLetter.sequence == row.sequence)
        ).one_or_none()
        if letter is None:
            errors.append(InputError(path, f"no letter {row.batch}/{row.sequence:05d} was "
                                     "printed; check the kenmerk in the envelope window",
                                     row=row.line))
            continue
        letters[key] = letter
    if errors:
        raise ReturnedLettersError(path, errors)

    outcome = ReturnsOutcome(notices=list(notices))
    for row in rows:
        letter = letters[(row.batch, row.sequence)]
        if letter.returned_at is not None:
            outcome.already_registered += 1
            continue
        returned_at = dates.day_start_utc(row.returned_on) if row.returned_on else now
        letter.returned_at = returned_at
        letter.return_reason = row.reason
        unit = session.get(SampleUnit, letter.sample_unit_id)
        outcome.registered += 1
        if unit.status == "completed" or stops_letters(unit.disposition):
            outcome.kept += 1
            continue
        recorded = outcomes.record(session, unit.id, row.reason, recorded_by=RECORDED_BY,
                                   note=f"letter {row.batch}/{row.sequence:05d} returned",
                                   at=returned_at)
        code = recorded.disposition
        outcome.by_disposition[code] = outcome.by_disposition.get(code, 0) + 1
    return outcome
