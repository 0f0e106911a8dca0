"""Staff roles and what each may do.

A role sees only what it needs for its job:

| role         | does                                                         |
|--------------|--------------------------------------------------------------|
| coordinator  | follows fieldwork, records outcomes, supervises the phoning  |
| data_entry   | keys in paper questionnaires (never sees others' answers)    |
| interviewer  | phones the non-respondents on their own call list            |
| statistician | follows fieldwork, exports answers (never names, addresses)  |
| admin        | follows fieldwork, manages accounts, reads the audit log     |

Nobody but the statistician exports answers; data entry and interviewers export nothing.
"""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

COORDINATOR = "coordinator"
DATA_ENTRY = "data_entry"
INTERVIEWER = "interviewer"
STATISTICIAN = "statistician"
ADMIN = "admin"

ROLES = (COORDINATOR, DATA_ENTRY, INTERVIEWER, STATISTICIAN, ADMIN)

ROLE_LABELS = {
    COORDINATOR: "Coördinator veldwerk",
    DATA_ENTRY: "Data-invoer",
    INTERVIEWER: "Interviewer",
    STATISTICIAN: "Statisticus",
    ADMIN: "Beheerder",
}

# permission -> the roles that hold it; views name the roles through these tuples
VIEW_DASHBOARD = (COORDINATOR, STATISTICIAN, ADMIN)
EXPORT_DASHBOARD = (COORDINATOR, STATISTICIAN, ADMIN)
EXPORT_ANSWERS = (STATISTICIAN,)
RECORD_OUTCOME = (COORDINATOR,)
READ_AUDIT_LOG = (ADMIN,)
MANAGE_SAMPLE = (COORDINATOR, ADMIN)  # import the register or a sample, draw the sample
SUPERVISE_PHONE = (COORDINATOR,)  # see the call list and calls per interviewer, (re)assign


def check_role(role: str, *, source: str = "--role") -> str:
    """`role` if it is one of ROLES, else a ValueError that lists the valid ones.

    >>> check_role("statistician")
    'statistician'
    """
    if role not in ROLES:
        raise ValueError(f"{source}: {role!r} is not a role; expected one of {', '.join(ROLES)}")
    return role


def requires_role(*roles):
    """View decorator: the signed-in staff member must hold one of `roles`.

    Someone not signed in is sent to the login page (and back afterwards); a signed-in member
    without the role gets 403, and the refusal is written to the audit log.

        @bp.get("/export")
        @requires_role(*EXPORT_ANSWERS)
        def export(): ...
    """
    for role in roles:
        check_role(role, source="requires_role")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
            if current_user.role not in roles:
                from survey.staff import audit

                audit.record("forbidden", target=request.path)
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
