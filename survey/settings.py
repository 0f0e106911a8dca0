"""Every setting the toolkit reads, with its default and what it means: the one table.

An app's settings come, later winning, from
1. the defaults in `SETTINGS` (`defaults`);
2. `instance/config.py`, or the mapping an app for tests is built with;
3. the environment, for the settings marked `environment=OVERRIDES` (a deployment needs no
   file): it wins over the config file, but not over a key an app for tests is given.
A setting with the default `UNSET` stays out of the config unless it is set; its reader says
what that means (FIELDWORK_TARGETS: the database's own targets file, else 420 per wijk).
A few settings are read from the environment only (`source=ENVIRONMENT`, e.g. the report's
publication rule): they are listed here too, so that this table is the whole list.

Each value is checked where it is used, as before (a bad FIELDWORK_TARGETS names its file and
row, a bad STAFF_ARGON2_PROFILE fails at start-up, a LETTER_* setting that is no text fails the
print run); `tests/unit/test_settings.py` walks this table against every setting the code reads.
`markdown()` prints it for the docs:

    python3 -c "from survey import settings; print(settings.markdown())"
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from survey.paths import PROJECT_ROOT, QUESTIONNAIRES_DIR, TRANSLATIONS_DIR


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()
"""The default of a setting that stays out of the config unless it is set."""

INSTANCE_DATABASE = "sqlite:///<instance>/wijkprofiel.db"
"""DATABASE_URL's default: the SQLite file in the app's instance folder."""

OVERRIDES, FALLBACK = "overrides", "fallback"
CONFIG, ENVIRONMENT, FIXED = "config", "environment", "fixed"


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    kind: type | tuple
    """The type(s) a value has (the environment gives text; the reader converts it)."""
    meaning: str
    group: str
    environment: str | None = None
    """OVERRIDES: an environment variable of the same name wins over the config file;
    FALLBACK: read from the environment when the config does not set it."""
    source: str = CONFIG
    """CONFIG: app config; ENVIRONMENT: the environment only (no app needed); FIXED: set by
    the app itself, listed because code reads it, not to be configured."""


MiB = 1024 * 1024

SETTINGS: tuple[Setting, ...] = (
    # ------------------------------------------------------------------- the app
    Setting("DATABASE_URL", INSTANCE_DATABASE, str,
            "the database: sqlite:///path or postgresql://user@host/db", "app",
            environment=OVERRIDES),
    Setting("SECRET_KEY", "dev-only-change-me", str,
            "signs the session cookies; a server for the public refuses this default and any "
            "weak key (survey.security.check_production)", "app", environment=OVERRIDES),
    Setting("EDITION_YEAR", 2024, int,
            "the edition the staff pages show and letters are printed for; else the newest",
            "app"),
    Setting("QUESTIONNAIRES_DIR", QUESTIONNAIRES_DIR, (str, Path),
            "where `<questionnaire_id>.yaml` is read for a unit", "app"),
    Setting("TRANSLATIONS_DIR", TRANSLATIONS_DIR, (str, Path),
            "the `.po` catalogues, compiled into `<instance>/translations/` at start", "app"),
    Setting("BABEL_DEFAULT_LOCALE", "nl", str,
            "the language of a visitor who chose none and whose browser asks for none we have",
            "app"),
    Setting("BABEL_TRANSLATION_DIRECTORIES", UNSET, str,
            "the compiled catalogues: set by survey.i18n from TRANSLATIONS_DIR", "app",
            source=FIXED),
    # ------------------------------------------------------------------- respondents, security
    Setting("SESSION_COOKIE_SECURE", True, bool,
            "send the session cookie over https only; off for plain-http tests", "security"),
    Setting("SESSION_COOKIE_SAMESITE", "Lax", str, "the session cookie's SameSite", "security"),
    Setting("SESSION_COOKIE_NAME", "session", str,
            "the session cookie's name (Flask's own default); the start page looks for it to "
            "tell a browser that refuses cookies", "security"),
    Setting("SESSION_COOKIE_HTTPONLY", True, bool,
            "scripts never read the session cookie: always on (survey.security)", "security",
            source=FIXED),
    Setting("LOGIN_RATE_LIMIT", "20 per 10 minutes", str,
            # 50-bit codes: 20 guesses per 10 minutes from even 10,000 addresses for a month
            # find one of 75,000 live codes with probability under 0.1; mobile carriers put
            # many honest phones behind one address, so the limit is not tighter
            "failed code entries allowed per client address", "security",
            environment=OVERRIDES),
    Setting("RATELIMIT_STORAGE_URI", "database://", str,
            "where the limiter counts: database:// is the app's database, shared by every "
            "worker and server; memory:// per process, for tests", "security",
            environment=OVERRIDES),
    Setting("RATELIMIT_STRATEGY", "fixed-window", str,
            "how the limiter counts; the database store supports the fixed window only",
            "security"),
    Setting("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True, bool,
            "count in each worker's memory while the database cannot be reached", "security"),
    Setting("RATELIMIT_SWALLOW_ERRORS", True, bool,
            "a failing count is logged, never an error page", "security"),
    Setting("RATELIMIT_HEADERS_ENABLED", True, bool,
            "send X-RateLimit-* headers with limited responses", "security"),
    Setting("TRUSTED_PROXIES", 0, (int, str),
            "reverse proxies in front of the app, whose X-Forwarded-* headers are believed",
            "security", environment=OVERRIDES),
    Setting("WTF_CSRF_TIME_LIMIT", None, (int, type(None)),
            "seconds a form's CSRF token lives; None: as long as the session", "security"),
    Setting("MAX_CONTENT_LENGTH", 1 * MiB, int,
            "the largest request body on every route but the uploads; larger gets 413 before "
            "it is read", "security"),
    Setting("MAX_UPLOAD_LENGTH", 210 * MiB, int,
            # a register extract of 535,000 persons is about 60 MB as CSV; 200 MB leaves room
            # for a wide Excel export of it (survey.sampling.uploads.MAX_BYTES) and the form
            "the largest body of the register upload, /staff/sample/upload "
            "(survey.security.UPLOAD_ROUTES)", "security"),
    Setting("MAX_CSV_UPLOAD_LENGTH", 20 * MiB, int,
            "the largest body of the outcomes batch and targets uploads (one line per sample "
            "unit or wijk)", "security"),
    # ------------------------------------------------------------------- staff
    Setting("STAFF_SESSION_LIFETIME", 8 * 3600, int,
            "seconds a staff session lasts after login (8 hours)", "staff"),
    Setting("STAFF_IDLE_TIMEOUT", 30 * 60, int,
            "seconds without a request that end a staff session", "staff"),
    Setting("STAFF_LOGIN_MAX_FAILURES", 5, int,
            "failed logins per username in 15 minutes before the username is locked", "staff"),
    Setting("STAFF_LOGIN_RATE_LIMIT", "30 per 15 minutes", str,
            # the lock per username does not stop one address trying a password on every
            # account
            "sign-ins per client address, whatever the username, in the shared limiter store",
            "staff", environment=OVERRIDES),
    Setting("STAFF_ARGON2_PROFILE", "RFC_9106_LOW_MEMORY", str,
            "the argon2 parameters of staff passwords (a name of argon2.profiles); a wrong "
            "name fails at start-up", "staff"),
    # ------------------------------------------------------------------- fieldwork
    Setting("FIELDWORK_TARGETS", UNSET, (int, str),
            "target net responses per wijk: a number, or a CSV file `wijk_code,target`; "
            "unset, the database's own file that `demo seed` writes, if any, else 420 per wijk",
            "fieldwork"),
    Setting("FIELDWORK_PARTIAL_MIN_ANSWERS", 20, int,
            "answers a started unit needs to count as partial (AAPOR 1.2)", "fieldwork"),
    Setting("PAPER_DOUBLE_ENTRY", True, bool,
            "every paper form is keyed twice by different people", "fieldwork"),
    Setting("PHONE_MAX_ATTEMPTS", 5, int,
            "calls to a unit before it leaves the call list (appointments stay)", "fieldwork"),
    # ------------------------------------------------------------------- letters
    Setting("LETTER_BASE_URL", "https://wijkprofiel.rotterdam.nl", str,
            "the site; the letter shows `<base>/start`, the QR code `<base>/start?code=<CODE>`",
            "letters"),
    Setting("LETTER_HELPDESK_PHONE", "14 010", str, "helpdesk number on the letter", "letters"),
    Setting("LETTER_HELPDESK_HOURS", "maandag tot en met vrijdag van 9.00 tot 17.00 uur", str,
            "when the helpdesk answers", "letters"),
    Setting("LETTER_RETURN_ADDRESS", "Postbus 70012, 3000 KP Rotterdam", str,
            "return address in the window and sender block", "letters"),
    Setting("LETTER_PRIVACY_EMAIL", "privacy@rotterdam.nl", str,
            "privacy contact in the privacy statement", "letters"),
    Setting("LETTER_SIGNATORY", "Onderzoek en Business Intelligence", str,
            "who signs the letter", "letters"),
    Setting("LETTER_IDENTITY_RETENTION", "uiterlijk drie maanden na het einde van het veldwerk",
            str, "when name, address and code are deleted", "letters"),
    Setting("WIJKPROFIEL_FONT_DIR", UNSET, str,
            "a folder with the DejaVu fonts for letters; else Debian's fonts-dejavu-core, else "
            "matplotlib's copy", "letters", source=ENVIRONMENT),
    # ------------------------------------------------------------------- report, publishing
    Setting("PUBLIC_SITE_DIR", UNSET, str,
            "the public site served under /wijkprofiel/ (the main job sets it)", "publishing",
            environment=FALLBACK),
    Setting("PUBLISHED_SCORES_DIR", UNSET, str,
            "where published editions are stored; unset, `published/` in the instance folder",
            "publishing"),
    Setting("REPORT_MIN_N", 30, int,
            "fewer respondents than this: a figure is not published", "publishing",
            source=ENVIRONMENT),
    Setting("REPORT_INDICATIVE_N", 100, int,
            "fewer respondents than this (and at least REPORT_MIN_N): indicative", "publishing",
            source=ENVIRONMENT),
    Setting("REPORT_MULTIPLE_TESTING", "fdr", str,
            "differences marked with Benjamini-Hochberg (fdr) or without correction (none)",
            "publishing", source=ENVIRONMENT),
    Setting("REPORT_INDEX_REPLICATES", 100, int,
            "replicates for an index's confidence interval (0: none)", "publishing",
            source=ENVIRONMENT),
    Setting("REPORT_LONELY_PSU", "fail", str,
            "a wijk with one respondent: fail (stop and name it), remove, certainty or adjust "
            "(R's survey.lonely.psu)", "publishing", source=ENVIRONMENT),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}


def default(name: str):
    """The default of setting `name` (KeyError for a name not in the table)."""
    return BY_NAME[name].default


def defaults(instance_path) -> dict:
    """The defaults of the app config: every configurable setting that has one."""
    values = {}
    for setting in SETTINGS:
        if setting.source != CONFIG or setting.default is UNSET:
            continue
        value = setting.default
        if value == INSTANCE_DATABASE:
            value = f"sqlite:///{Path(instance_path) / 'wijkprofiel.db'}"
        values[setting.name] = value
    return values


def load(config, instance_path, test_config=None, environ=None) -> None:
    """Fill the app `config`: the defaults, then `instance/config.py` (or `test_config`),
    then the environment for the settings it may override."""
    environ = os.environ if environ is None else environ
    config.from_mapping(defaults(instance_path))
    if test_config is None:
        config.from_pyfile("config.py", silent=True)
    else:
        config.from_mapping(test_config)
    for setting in SETTINGS:
        if setting.environment != OVERRIDES or not environ.get(setting.name):
            continue
        if test_config is None or setting.name not in test_config:
            config[setting.name] = environ[setting.name]


def markdown(group: str | None = None) -> str:
    """The table as Markdown (name, default, meaning), for the docs."""
    lines = ["| setting | default | meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        if group is not None and setting.group != group:
            continue
        shown = ("unset" if setting.default is UNSET else
                 setting.default.relative_to(PROJECT_ROOT).as_posix() + "/"
                 if isinstance(setting.default, Path) else setting.default)
        where = {ENVIRONMENT: " (environment variable)",
                 FIXED: " (set by the app)"}.get(setting.source, "")
        if setting.environment == OVERRIDES:
            where = " (the environment variable wins over the config file)"
        elif setting.environment == FALLBACK:
            where = " (config, else the environment variable)"
        lines.append(f"| {setting.name} | {shown} | {setting.meaning}{where} |")
    return "\n".join(lines)
