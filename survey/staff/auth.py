"""Staff sign-in: argon2 password hashes, server-side sessions and the Flask-Login wiring.

Sessions. The signed cookie carries only a random token (Flask-Login's user id); the
`staff_session` table keeps its sha256 with the time of login and of the last request. So:
- a login always starts a new session: the cookie is cleared and a fresh token is issued, so
  an id planted before login (session fixation) is never the one that gets signed in;
- logout ends the session on the server, so a copied cookie is worthless afterwards;
- a session ends `STAFF_SESSION_LIFETIME` seconds after login (default 8 hours) and after
  `STAFF_IDLE_TIMEOUT` seconds without a request (default 30 minutes), whatever the cookie says.
- `STAFF_LOGIN_MAX_FAILURES` failed logins for one username within 15 minutes (default 5)
  refuse further attempts for that username until the window has passed.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, session
from flask_login import LoginManager, UserMixin, login_user, logout_user
from sqlalchemy import select, update

from survey import storage
from survey.models import StaffSession, StaffUser
from survey.staff import audit

DEFAULTS = {
    "STAFF_SESSION_LIFETIME": 8 * 3600,
    "STAFF_IDLE_TIMEOUT": 30 * 60,
    "STAFF_LOGIN_MAX_FAILURES": 5,
}
FAILURE_WINDOW = timedelta(minutes=15)
# last_seen_at is written at most this often, so that reading pages is not a write each time
TOUCH_INTERVAL = timedelta(seconds=30)

password_hasher = PasswordHasher()
# verified against when the username is unknown, so that the answer takes as long either way
_DUMMY_HASH = password_hasher.hash(secrets.token_urlsafe(16))

login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = "Log in om deze pagina te zien."
login_manager.session_protection = "strong"


@dataclass
class StaffPrincipal(UserMixin):
    """The signed-in staff member as the request sees them (not an ORM object, so it outlives
    the database session that loaded it)."""

    user_id: int
    username: str
    role: str
    token: str

    def get_id(self):
        return self.token


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (argon2-cffi's defaults, RFC 9106 low-memory profile)."""
    return password_hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def init_app(app):
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    login_manager.init_app(app)


class LoginRefused(Exception):
    """Too many failed logins for this username; try again later."""


def authenticate(username: str, password: str) -> StaffPrincipal | None:
    """Check the credentials and, if right, start a new session and sign it in.

    Returns the principal, or None for a wrong username or password (audited as
    `login_failed`). Raises LoginRefused while the username is locked by failed attempts.
    """
    url = current_app.config["DATABASE_URL"]
    username = username.strip()
    with storage.transaction(url) as db:
        failures = audit.recent_failures(db, username, FAILURE_WINDOW)
        if failures >= current_app.config["STAFF_LOGIN_MAX_FAILURES"]:
            refused = True
        else:
            refused = False
            user = db.scalar(select(StaffUser).where(StaffUser.username == username))
            good = verify_password(user.password_hash if user else _DUMMY_HASH, password)
            good = good and user is not None and user.active
    if refused:
        audit.record("login_refused", username=username, detail="too many failed logins")
        raise LoginRefused(username)
    if not good:
        audit.record("login_failed", username=username)
        return None

    token = secrets.token_urlsafe(32)
    at = audit.now()
    with storage.transaction(url) as db:
        user = db.scalar(select(StaffUser).where(StaffUser.username == username))
        if password_hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = at
        db.add(StaffSession(token_hash=token_hash(token), user_id=user.id, created_at=at,
                            last_seen_at=at))
        principal = StaffPrincipal(user.id, user.username, user.role, token)
    # whatever the cookie held before login goes: no id survives from before sign-in
    session.clear()
    login_user(principal)
    session.permanent = True
    audit.record("login", username=principal.username, role=principal.role)
    return principal


def end_session(principal: StaffPrincipal) -> None:
    """Log out: end the session on the server and clear the cookie."""
    with storage.transaction(current_app.config["DATABASE_URL"]) as db:
        db.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == token_hash(principal.token))
            .values(ended_at=audit.now())
        )
    audit.record("logout", username=principal.username, role=principal.role)
    logout_user()
    session.clear()


@login_manager.user_loader
def load_principal(token: str) -> StaffPrincipal | None:
    """Flask-Login's loader: the live session for `token`, or None (then the request is
    anonymous). Ends and audits a session past its lifetime or idle timeout."""
    config = current_app.config
    at = audit.now()
    with storage.transaction(config["DATABASE_URL"]) as db:
        row = db.execute(
            select(StaffSession, StaffUser)
            .join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.token_hash == token_hash(token))
        ).first()
        if row is None:
            return None
        staff_session, user = row
        if staff_session.ended_at is not None:
            return None
        expired = None
        if at - staff_session.created_at > timedelta(seconds=config["STAFF_SESSION_LIFETIME"]):
            expired = "lifetime"
        elif at - staff_session.last_seen_at > timedelta(seconds=config["STAFF_IDLE_TIMEOUT"]):
            expired = "idle"
        elif not user.active:
            expired = "account disabled"
        if expired:
            staff_session.ended_at = at
        elif at - staff_session.last_seen_at > TOUCH_INTERVAL:
            staff_session.last_seen_at = at
        principal = StaffPrincipal(user.id, user.username, user.role, token)
    if expired:
        audit.record("session_expired", username=principal.username, role=principal.role,
                     detail=expired)
        g.staff_session_expired = True
        return None
    return principal


def add_user(url: str, username: str, password: str, role: str) -> None:
    """Create a staff account. Raises ValueError for a taken username or a short password."""
    if not username or len(username) > 64 or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"username {username!r}: use 1-64 letters, digits, '.', '-' or '_'")
    if len(password) < 12:
        raise ValueError(f"password for {username!r}: {len(password)} characters; at least 12 needed")
    with storage.transaction(url) as db:
        if db.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
            raise ValueError(f"username {username!r} exists already")
        db.add(StaffUser(username=username, password_hash=hash_password(password), role=role,
                         active=True, created_at=datetime.utcnow()))
