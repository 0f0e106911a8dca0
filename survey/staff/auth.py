"""Staff sign-in: argon2 password hashes, server-side sessions and the Flask-Login wiring.

Sessions. The signed cookie carries only a random token (Flask-Login's user id); the
`staff_session` table keeps its sha256 with the time of login and of the last request. So:
- a login always starts a new session: the cookie is cleared and a fresh token is issued, so
  an id planted before login (session fixation) is never the one that gets signed in;
- logout ends the session on the server, so a copied cookie is worthless afterwards;
- a session ends `STAFF_SESSION_LIFETIME` seconds after login (default 8 hours) and after
  `STAFF_IDLE_TIMEOUT` seconds without a request (default 30 minutes), whatever the cookie says.
- passwords are hashed with argon2id using the argon2-cffi profile named by
  `STAFF_ARGON2_PROFILE` (default RFC_9106_LOW_MEMORY: 64 MiB, 3 passes). A hash records its
  own parameters, so changing the profile rehashes each password at its next login. Tests use
  CHEAPEST to stay fast; never use it in production.
- `STAFF_LOGIN_MAX_FAILURES` failed logins for one username within 15 minutes (default 5)
  refuse further attempts for that username until the window has passed.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, session
from flask_login import LoginManager, UserMixin, login_user, logout_user
from sqlalchemy import select, update

from survey import settings, storage
from survey.errors import ConfigError
from survey.models import StaffSession, StaffUser
from survey.staff import audit

FAILURE_WINDOW = timedelta(minutes=15)
# last_seen_at is written at most this often, so that reading pages is not a write each time
TOUCH_INTERVAL = timedelta(seconds=30)

_hashers: dict[str, PasswordHasher] = {}
# per profile, a hash to verify against when the username is unknown, so that the answer
# takes as long either way
_dummy_hashes: dict[str, str] = {}

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


def password_hasher(profile: str = settings.default("STAFF_ARGON2_PROFILE")) -> PasswordHasher:
    """The argon2id hasher of an argon2-cffi profile (`argon2.profiles`), by name.

    Raises:
        ConfigError for a name that is not a profile.
    """
    if profile not in _hashers:
        parameters = getattr(profiles, profile, None)
        if not isinstance(parameters, Parameters):
            names = sorted(n for n in dir(profiles) if isinstance(getattr(profiles, n), Parameters))
            raise ConfigError(f"STAFF_ARGON2_PROFILE: {profile!r} is not an argon2 profile; "
                              f"expected one of {', '.join(names)}")
        _hashers[profile] = PasswordHasher.from_parameters(parameters)
    return _hashers[profile]


def hash_password(password: str, profile: str = settings.default("STAFF_ARGON2_PROFILE")) -> str:
    """An argon2id hash of `password`, with its salt and parameters in the string."""
    return password_hasher(profile).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; the hash's own parameters are used, whatever the profile."""
    try:
        return password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash(profile: str) -> str:
    if profile not in _dummy_hashes:
        _dummy_hashes[profile] = hash_password(secrets.token_urlsafe(16), profile)
    return _dummy_hashes[profile]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def init_app(app):
    # the STAFF_* settings and their defaults: survey.settings
    password_hasher(app.config["STAFF_ARGON2_PROFILE"])  # a wrong name fails at start-up
    login_manager.init_app(app)


class LoginRefused(Exception):
    """Too many failed logins for this username; try again later."""


def authenticate(username: str, password: str) -> StaffPrincipal | None:
    """Check the credentials and, if right, start a new session and sign it in.

    Returns the principal, or None for a wrong username or password (audited as
    `login_failed`). Raises LoginRefused while the username is locked by failed attempts.
    """
    username = username.strip()
    with storage.transaction() as db:
        failures = audit.recent_failures(db, username, FAILURE_WINDOW)
        if failures >= current_app.config["STAFF_LOGIN_MAX_FAILURES"]:
            refused = True
        else:
            refused = False
            user = db.scalar(select(StaffUser).where(StaffUser.username == username))
            profile = current_app.config["STAFF_ARGON2_PROFILE"]
            good = verify_password(user.password_hash if user else _dummy_hash(profile), password)
            good = good and user is not None and user.active
    if refused:
        audit.record("login_refused", username=username, detail="too many failed logins")
        raise LoginRefused(username)
    if not good:
        audit.record("login_failed", username=username)
        return None

    token = secrets.token_urlsafe(32)
    at = audit.now()
    with storage.transaction() as db:
        user = db.scalar(select(StaffUser).where(StaffUser.username == username))
        profile = current_app.config["STAFF_ARGON2_PROFILE"]
        if password_hasher(profile).check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password, profile)
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
    with storage.transaction() as db:
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
    with storage.transaction() as db:
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


def _check_password(username: str, password: str) -> None:
    if len(password) < 12:
        raise ValueError(f"password for {username!r}: {len(password)} characters; at least 12 needed")


def set_password(db, username: str, password: str,
                 profile: str = settings.default("STAFF_ARGON2_PROFILE")) -> None:
    """Replace the password of `username` and end its open sessions, in the caller's
    transaction `db`.

    Raises ValueError for an unknown username or a short password."""
    _check_password(username, password)
    user = db.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise ValueError(f"username {username!r}: no such staff account")
    user.password_hash = hash_password(password, profile)
    db.execute(update(StaffSession)
               .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
               .values(ended_at=audit.now()))


def add_user(db, username: str, password: str, role: str,
             profile: str = settings.default("STAFF_ARGON2_PROFILE")) -> None:
    """Create a staff account in the caller's transaction `db`. Raises ValueError for a taken
    username or a short password."""
    if not username or len(username) > 64 or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"username {username!r}: use 1-64 letters, digits, '.', '-' or '_'")
    _check_password(username, password)
    if db.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise ValueError(f"username {username!r} exists already")
    db.add(StaffUser(username=username, password_hash=hash_password(password, profile), role=role,
                     active=True, created_at=datetime.utcnow()))
