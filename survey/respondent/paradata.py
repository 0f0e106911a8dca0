"""Paradata of the web questionnaire: per page, when it was first shown and last submitted,
in which language, and on what kind of device. Kept in `page_visit`, apart from the answers.

The device class is a coarse guess from the User-Agent (phone, tablet or desktop): enough to
see whether pages work on phones, too coarse to recognise anyone.
"""

import logging
import re
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from survey.models import PageVisit

MODE = "web"

_TABLET = re.compile(r"iPad|Tablet|PlayBook|Silk|Kindle|(Android(?!.*Mobile))", re.I)
_PHONE = re.compile(r"Mobi|iPhone|iPod|Android.*Mobile|Windows Phone|BlackBerry|Opera Mini", re.I)


def device_class(user_agent: str | None) -> str:
    """'phone', 'tablet', 'desktop', or 'unknown' without a User-Agent.

    >>> device_class("Mozilla/5.0 (Linux; Android 14; Pixel 8) ... Mobile Safari/537.36")
    'phone'
    >>> device_class("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) ...")
    'tablet'
    """
    if not user_agent:
        return "unknown"
    if _TABLET.search(user_agent):
        return "tablet"
    if _PHONE.search(user_agent):
        return "phone"
    return "desktop"


def now() -> datetime:
    # naive UTC, as the models' defaults (datetime.utcnow) store it
    return datetime.now(timezone.utc).replace(tzinfo=None)


def page_shown(transaction, unit_id: str, page_id: str, language: str, device: str,
               mode: str = MODE) -> None:
    """Record the first time `page_id` was shown to the unit (later showings change nothing),
    in a transaction of its own opened by `transaction` (`storage.transaction`)."""
    try:
        with transaction() as db:
            exists = db.scalar(select(PageVisit.id).where(
                PageVisit.sample_unit_id == unit_id, PageVisit.page_id == page_id))
            if exists is None:
                db.add(PageVisit(sample_unit_id=unit_id, page_id=page_id, first_shown_at=now(),
                                 language=language, mode=mode, device_class=device))
    except IntegrityError:
        pass  # another tab recorded it at the same moment: that first showing stands
    except OperationalError as exc:
        # paradata must not stop a respondent from seeing the page (a full disk, a database
        # restart): the first-shown time of this page is lost, the answers are not affected
        logging.getLogger(__name__).warning("page_shown not recorded: %s", exc)


def page_submitted(db, unit_id: str, page_id: str, language: str, device: str, at: datetime,
                   mode: str = MODE):
    """Within the transaction that stores the page's answers: mark the page submitted."""
    visit = db.scalar(select(PageVisit).where(
        PageVisit.sample_unit_id == unit_id, PageVisit.page_id == page_id))
    if visit is None:
        visit = PageVisit(sample_unit_id=unit_id, page_id=page_id, mode=mode)
        db.add(visit)
    visit.submitted_at = at
    visit.language = language
    visit.device_class = device


def submitted_page_ids(db, unit_id: str) -> set[str]:
    return set(db.scalars(select(PageVisit.page_id).where(
        PageVisit.sample_unit_id == unit_id, PageVisit.submitted_at.is_not(None))))


def shown_not_submitted_page_ids(db, unit_id: str) -> set[str]:
    """Pages shown but not (or not yet) submitted: left with "save and continue later" while an
    answer did not check out, or never sent."""
    return set(db.scalars(select(PageVisit.page_id).where(
        PageVisit.sample_unit_id == unit_id, PageVisit.submitted_at.is_(None))))
