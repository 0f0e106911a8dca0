"""The fieldwork period of an edition: its first and last day. The dashboard's chart spans it,
and `privacy purge-identity` deletes names, addresses and codes only once it has ended
(without `--force`). A coordinator sets it on the sample page or with
`wijkprofiel sample period --start 01-03-2023 --end 30-11-2023`."""

from datetime import date

from survey.errors import InputError
from survey.models import Edition
from survey.editions import edition_for

__all__ = ["set_period"]


def set_period(db, year: int, start: date, end: date) -> Edition:
    """Set the fieldwork period of the edition of `year` (created if there is none).

    Raises:
        InputError: the end lies before the start.
    """
    if end < start:
        raise InputError("--end", f"{end:%d-%m-%Y} lies before the start {start:%d-%m-%Y}; the "
                         "fieldwork ends on or after the day it starts")
    edition = edition_for(db, year)
    edition.fieldwork_start, edition.fieldwork_end = start, end
    db.flush()
    return edition
