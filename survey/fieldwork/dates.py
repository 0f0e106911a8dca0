"""Dates as a Dutch returns clerk types them, and the moment they stand for.

A date on a returns list or form comes as 25-03-2024 (Dutch Excel), 25-3-2024, 25/03/2024 or
2024-03-25. A return registered for a day is stored as that day's start in Rotterdam time
(as naive UTC, like every stored time), so the staff pages show the day, not "02:00".
"""

import re
from datetime import date, datetime, time, timezone

from survey.staff.local_time import ROTTERDAM

_DUTCH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

EXPECTED = "a date such as 25-03-2024 (or 2024-03-25)"

__all__ = ["EXPECTED", "parse_date", "day_start_utc"]


def parse_date(text: str) -> date:
    """The date in `text`.

    Raises:
        ValueError: not a date in one of the accepted forms, or no such day; the message
            says what was expected.

    >>> parse_date("25-03-2024"), parse_date("5/3/2024"), parse_date("2024-03-25")
    (datetime.date(2024, 3, 25), datetime.date(2024, 3, 5), datetime.date(2024, 3, 25))
    """
    value = (text or "").strip()
    match = _DUTCH.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a date; expected {EXPECTED}")
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is an impossible date (no such day); expected "
                         f"{EXPECTED}") from None


def day_start_utc(day: date) -> datetime:
    """00:00 Rotterdam time on `day`, as naive UTC.

    >>> day_start_utc(date(2024, 3, 25))
    datetime.datetime(2024, 3, 24, 23, 0)
    """
    local = datetime.combine(day, time(0, 0), tzinfo=ROTTERDAM)
    return local.astimezone(timezone.utc).replace(tzinfo=None)
