"""Times on the staff pages in Rotterdam time. The database stores naive UTC (`datetime.utcnow`
style), and the servers may run in UTC, so every time a coordinator, interviewer or keyer
reads or types goes through here, whatever the server's own zone.

>>> from datetime import datetime
>>> shown(datetime(2023, 4, 2, 10, 30))
'2023-04-02 12:30'
>>> shown(datetime(2023, 12, 1, 10, 30), "%d-%m-%Y %H:%M")
'01-12-2023 11:30'
>>> from_typed("2026-11-26T10:00")
datetime.datetime(2026, 11, 26, 9, 0)
"""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

ROTTERDAM = ZoneInfo("Europe/Amsterdam")


def shown(value: datetime | None, layout: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (naive UTC) time as Rotterdam time; '' for none."""
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone(ROTTERDAM).strftime(layout)


def from_typed(text: str) -> datetime | None:
    """'2026-11-26T10:00' typed in Rotterdam time -> naive UTC; None if empty or unreadable."""
    try:
        typed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return typed.replace(tzinfo=ROTTERDAM).astimezone(timezone.utc).replace(tzinfo=None)


def day(moment: datetime) -> date:
    """The Rotterdam calendar day of a stored (naive UTC) time.

    >>> day(datetime(2023, 6, 30, 22, 30)), day(datetime(2023, 12, 31, 22, 30))
    (datetime.date(2023, 7, 1), datetime.date(2023, 12, 31))
    """
    return moment.replace(tzinfo=timezone.utc).astimezone(ROTTERDAM).date()


def day_start(moment: datetime) -> datetime:
    """00:00 Rotterdam time on the Rotterdam day of `moment` (naive UTC), as naive UTC.

    >>> day_start(datetime(2024, 3, 25, 22, 30))
    datetime.datetime(2024, 3, 24, 23, 0)
    """
    local = moment.replace(tzinfo=timezone.utc).astimezone(ROTTERDAM)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(timezone.utc).replace(tzinfo=None)


def now() -> datetime:
    """This moment in Rotterdam time (aware), for 'as of' lines."""
    return datetime.now(ROTTERDAM)
