"""Protection of the respondent pages: CSRF tokens, response headers and rate limits.

- Every form carries a CSRF token (Flask-WTF `CSRFProtect`). The token lives in the signed
  session cookie, so any worker can check it; it has no time limit of its own, because a
  respondent may leave a page open for hours and must not lose that page's answers.
- A strict Content-Security-Policy: the pages use no JavaScript, no inline style and nothing
  from other origins, so everything but our own stylesheet and images is refused.
- The session cookie is HttpOnly, SameSite=Lax and Secure (`SESSION_COOKIE_SECURE`, default
  on; tests over plain http turn it off). It holds only the sample unit's id and the language.
- Wrong personal codes are rate limited per client address (Flask-Limiter, fixed window:
  the count starts at the first wrong code and is forgotten when the window ends, so the real
  owner is never locked out for good). Every attempt is counted when it arrives and a right
  code gives its attempt back (`survey.routes.start`), so many guesses sent at once cannot
  slip past the limit. The counts are kept in the app's own database (`database://`, see
  `survey.rate_limit_storage`), which every worker and app server shares; `memory://` counts
  per process and is for tests only.
- When the database cannot be reached for counting, each worker counts in memory until it
  answers again (Flask-Limiter's in-memory fallback, checked again after 1, 2, 4 ... 32 s),
  and a failure after the response is logged, not shown: a database restart must not turn
  logins into error pages, and a login needs the database anyway to find the code, so an
  attacker gains nothing while it is away.
- Behind a reverse proxy set `TRUSTED_PROXIES` to the number of proxies in front of the app,
  so that the client address (and https) is read from their X-Forwarded-* headers; otherwise
  every respondent would share the proxy's address and its limit.

- Staff sign-in is limited the same way per client address, whatever the username
  (`STAFF_LOGIN_RATE_LIMIT`, a staff setting in `survey.staff.auth`), beside the lock per
  username, so one address cannot try a password on every account.
- Request bodies are small everywhere (`MAX_CONTENT_LENGTH`, 1 MiB: a questionnaire page or a
  staff form is a few kB) and larger only on the routes that take a file (`UPLOAD_ROUTES`), so
  nobody can make a worker hold hundreds of megabytes through the start page. A body over the
  limit is refused (413) from its Content-Length before it is read.
- Control characters never reach a handler (`clean_control_characters`, before every view):
  PostgreSQL refuses a NUL in text (a 500 on ten inputs), and Excel's XML any C0 control (the
  answers export failed for a whole edition on one `\x0b`). In every form field and query
  value a vertical tab or form feed (Word's line and page break, pasted) becomes a line break
  and every other control character but tab, line feed and carriage return is removed; the page
  then says so (`control_characters_removed`). A path with one is not found (404).
- In production (`check_production`, called by `create_app` when the app will serve requests)
  the app refuses to start with a missing, short, low-entropy or development `SECRET_KEY`, or
  with Flask's debug mode on: a key anyone can guess lets them forge a respondent's cookie.

`TRUSTED_PROXIES`, `LOGIN_RATE_LIMIT`, `STAFF_LOGIN_RATE_LIMIT` and `RATELIMIT_STORAGE_URI` may
also come from the environment, which wins over the config file (as `DATABASE_URL` does).

The settings, their defaults and which the environment may set: `survey.settings`.
"""

import math
import re
from collections import Counter

from flask import abort, flash, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.datastructures import ImmutableMultiDict
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from survey import rate_limit_storage  # noqa: F401 (registers the database:// limiter store)
from survey import settings
from survey.errors import ConfigError

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # the letter's QR link carries the personal code in the address: never pass it on
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

MAX_CONTENT_LENGTH = settings.default("MAX_CONTENT_LENGTH")
"""Largest request body on every route but `UPLOAD_ROUTES` (setting MAX_CONTENT_LENGTH)."""

UPLOAD_ROUTES = {
    "sample.upload": "MAX_UPLOAD_LENGTH",
    "sample.targets_submit": "MAX_CSV_UPLOAD_LENGTH",
    "outcomes.record_batch": "MAX_CSV_UPLOAD_LENGTH",
}
"""The endpoints that take a file, and the setting that limits their request body."""

DEVELOPMENT_SECRET_KEY = settings.default("SECRET_KEY")
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_BITS = 88
"""A key's entropy as estimated from its own characters (length x Shannon entropy of their
frequencies): `secrets.token_hex(16)`, 128 random bits, scores 92 to 130 (116 typically, over
200,000 draws); `'a' * 64` scores 0. A key that repeats one short text is refused too."""

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app):
    # the settings read here have their defaults, and the environment its say, in
    # survey.settings (applied by create_app)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = NoSessionCookieOnStaticFiles()
    # before CSRFProtect's own hook, which reads the form and so the body
    app.before_request(_allow_upload_body)
    app.before_request(clean_control_characters)
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    csrf.init_app(app)
    limiter.init_app(app)
    app.register_error_handler(413, request_too_large)
    app.after_request(add_security_headers)


class NoSessionCookieOnStaticFiles(SecureCookieSessionInterface):
    """Flask's cookie session, except that a static file never sets the cookie. A permanent
    session (staff, respondents) is otherwise sent again with every response, stylesheets
    and icons included, as it was when that request began: a stylesheet answered after a
    form's post could put back the cookie from before the post and lose what the post added
    (a flashed "saved" message). A static file never changes the session, and a response
    that sets a cookie should not be cached anyway."""

    def should_set_cookie(self, app, session) -> bool:
        if request.endpoint == "static":
            return False
        return super().should_set_cookie(app, session)


CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
"""Removed from input: C0 controls but tab, line feed, carriage return (and VT, FF below)."""
LINE_BREAK_CONTROLS = re.compile("[\x0b\x0c]")
"""Vertical tab and form feed: Word's manual line break and page break, when text is pasted."""


def clean_text(value: str) -> str:
    r"""`value` without control characters; a vertical tab or form feed becomes a line break.

    >>> clean_text("regel\x0bnog een\x00\x1b[31m")
    'regel\nnog een[31m'
    """
    return CONTROL_CHARACTERS.sub("", LINE_BREAK_CONTROLS.sub("\n", value))


def control_character_line(text: str) -> tuple[int, str] | None:
    r"""(line, character as \xNN) of the first control character in an uploaded text file, or
    None. Files are refused rather than cleaned: a NUL there means a binary or damaged file.

    >>> control_character_line("a,b\nc\x00,d\n")
    (2, '\\x00')
    """
    match = CONTROL_CHARACTERS.search(text) or LINE_BREAK_CONTROLS.search(text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + 1, f"\\x{ord(match.group()):02x}"


def _cleaned(data):
    """(cleaned MultiDict, names of the fields that changed) or (None, []) when clean."""
    changed = [key for key, value in data.items(multi=True)
               if CONTROL_CHARACTERS.search(value) or LINE_BREAK_CONTROLS.search(value)
               or CONTROL_CHARACTERS.search(key)]
    if not changed:
        return None, []
    items = [(clean_text(key), clean_text(value)) for key, value in data.items(multi=True)]
    return ImmutableMultiDict(items), sorted(set(changed))


def clean_control_characters():
    """Before every view: the form and the query without control characters (see the module
    docstring), and a note on the page when any were taken out."""
    if request.view_args and any(isinstance(v, str) and CONTROL_CHARACTERS.search(v)
                                 for v in request.view_args.values()):
        abort(404)
    changed = []
    args, names = _cleaned(request.args)
    if args is not None:
        request.args = args
        changed += names
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        form, names = _cleaned(request.form)
        if form is not None:
            request.form = form
            changed += names
    if changed:
        from survey.forms.error_messages import message

        g.control_characters_removed = changed
        flash(message("control_characters_removed"), "notice")


def _allow_upload_body():
    setting = UPLOAD_ROUTES.get(request.endpoint)
    if setting is not None:
        from flask import current_app

        request.max_content_length = int(current_app.config[setting])


def request_too_large(error):
    """413 with a page that says what happened, in place of werkzeug's bare one. The body was
    not read, so nothing of it was stored."""
    from html import escape

    limit = request.max_content_length or MAX_CONTENT_LENGTH
    size = f"{limit / 2**20:.0f} MB" if limit >= 2**20 else f"{limit // 1024} kB"
    body = ("<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\">"
            "<title>Te groot</title></head><body><main><h1>Te groot om te versturen</h1>"
            f"<p>Wat u verstuurde is groter dan {escape(size)}; er is niets opgeslagen. "
            "Ga terug en probeer het opnieuw met minder tekst of een kleiner bestand.</p>"
            f"<p lang=\"en\">Request larger than {escape(size)}; nothing was saved.</p>"
            "</main></body></html>")
    return body, 413, {"Content-Type": "text/html; charset=utf-8"}


def secret_key_problem(key) -> str | None:
    """What makes `key` unfit to sign production cookies, or None.

    >>> secret_key_problem("a")
    'is 1 characters long; use at least 32'
    >>> secret_key_problem(secrets.token_hex(32)) is None      # doctest: +SKIP
    True
    """
    if not key:
        return "is not set"
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    key = str(key)
    if key == DEVELOPMENT_SECRET_KEY:
        return "is the development default"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"is {len(key)} characters long; use at least {MIN_SECRET_KEY_LENGTH}"
    for period in range(1, len(key) // 2 + 1):
        if key == (key[:period] * (len(key) // period + 1))[:len(key)]:
            return f"repeats {key[:period]!r}; use a random string"
    counts = Counter(key)
    per_character = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    bits = max(per_character * len(key), 0.0)
    if bits < MIN_SECRET_KEY_BITS:
        return (f"looks guessable (about {bits:.0f} bits from {len(counts)} different "
                f"characters; at least {MIN_SECRET_KEY_BITS} expected)")
    return None


def check_production(app) -> None:
    """Refuse settings that must never serve the public: a weak `SECRET_KEY` (it signs the
    respondents' session cookies: whoever knows it can open any resident's questionnaire) and
    Flask's debug mode (its error pages show code and settings).

    Raises:
        ConfigError: naming the setting, what is wrong and how to fix it.
    """
    problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem:
        raise ConfigError(
            f"SECRET_KEY: {problem}; set the environment variable SECRET_KEY to a long random "
            "string, the same on every app server, e.g. "
            "python3 -c 'import secrets; print(secrets.token_hex(32))'")
    if app.debug:
        raise ConfigError(
            "DEBUG: debug mode is on (FLASK_DEBUG, --debug or DEBUG in the config); it must "
            "never serve the public: its error pages show the code and the settings")


def login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


def staff_login_limit() -> str:
    from flask import current_app

    return current_app.config["STAFF_LOGIN_RATE_LIMIT"]


def give_back_attempt() -> None:
    """A successful sign-in does not count against its limit: take the attempt the limiter
    counted on arrival off the count again. A store that fails here (the database went away
    since the count) leaves the attempt counted, which only costs the address one attempt."""
    from flask import current_app

    attempt = limiter.current_limit
    if attempt is None:  # the limiter is off (RATELIMIT_ENABLED false)
        return
    try:
        limiter.limiter.storage.decr(attempt.key, 1)
    except Exception:  # noqa: BLE001 (any store's error: the login itself succeeded)
        current_app.logger.exception("could not give back the attempt of a successful login")


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        # answers on a shared computer must not come back from the browser's cache, and the
        # back button must show the page as it is stored now
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
