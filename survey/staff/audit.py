"""The audit log: an append-only record of who did what on the staff side.

Actions written: `login`, `login_failed`, `login_refused` (locked by failures), `logout`,
`session_expired`, `forbidden`, `export_dashboard`, `export_answers`, `view_unit`,
`record_outcome`, `staff_add`, `staff_disable`, `staff_password`, `sample_upload`,
`sample_check`, `sample_import`, `sample_discard`, `sample_draw`, `paper_register`,
`paper_conflict`, `paper_pass_finished`, `paper_resolve`, `paper_complete` (`survey.paper`),
`phone_view_unit`, `phone_call`, `phone_interview_start` (with its language),
`phone_interview_language` (the interview's language changed), `phone_interview_complete`,
`phone_conflict`, and the coordinator's phone supervision `phone_assign`, `phone_reassign`,
`export_calls` (`survey.phone`); `view_identity` (a unit's name and address shown on request),
`lookup_address` (the helpdesk's lookup), `paper_request`, `paper_sent` (a paper questionnaire
asked for and sent), `print_letters`, `reprint_letter`, `register_returns` (letters),
`store_targets`, `set_period` (an edition's targets and fieldwork period), `purge_identity`
(`survey.privacy`). Each event is committed in its own transaction, so a view
that fails afterwards still leaves its trace; except `paper_conflict_closed` and
`phone_conflict_closed` (`survey.conflicts`), which are the closing of a conflict
and so are committed with it.
"""

from datetime import datetime, timedelta

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import func, select

from survey import storage
from survey.models import AuditEvent


def now() -> datetime:
    return datetime.utcnow()


def record(action, *, target=None, detail=None, username=None, role=None):
    """Write one audit event.

    Args:
        action: what happened, e.g. "login" or "export_answers".
        target: what it happened to: a path, a sample unit id, an account.
        detail: free text, e.g. the filters of an export.
        username, role: who; default the signed-in staff member of this request.
    """
    remote_addr = None
    if has_request_context():
        remote_addr = request.remote_addr
        if username is None and current_user.is_authenticated:
            username, role = current_user.username, current_user.role
    # a transaction of its own, committed before record returns
    with storage.transaction() as db:
        db.add(
            AuditEvent(
                at=now(),
                username=username,
                role=role,
                action=action,
                target=None if target is None else str(target)[:200],
                detail=detail,
                remote_addr=remote_addr,
            )
        )


def recent_failures(db, username: str, window: timedelta) -> int:
    """How many failed logins `username` had within `window` before now."""
    return db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "login_failed",
            AuditEvent.username == username,
            AuditEvent.at >= now() - window,
        )
    )


def latest(db, limit: int = 200) -> list[AuditEvent]:
    """The newest `limit` events, newest first."""
    return list(db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
