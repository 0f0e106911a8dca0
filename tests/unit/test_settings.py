"""The one table of settings (`survey.settings`), walked against the code: every setting the
code reads is in it, every entry is read (by our code or by Flask and its extensions), every
entry is documented with a default of its type, and an app gets exactly those defaults, with
the environment's say where the table gives it one."""

import re
from pathlib import Path

import pytest

from survey import create_app, settings

ROOT = Path(__file__).resolve().parents[2]

READS = [
    re.compile(r"""config\[\s*["']([A-Z][A-Z0-9_]+)["']\s*\]"""),
    re.compile(r"""config\.(?:get|setdefault)\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""["']([A-Z][A-Z0-9_]+)["']\s+(?:not\s+)?in\s+\w*config"""),
    re.compile(r"""environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""getenv\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
]

NOT_SETTINGS = {"FLASK_RUN_FROM_CLI"}
"""Read by the code but no setting: Flask's own marker that its command line built the app."""

READ_BY_FLASK_AND_EXTENSIONS = {
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_HTTPONLY",
    "MAX_CONTENT_LENGTH", "BABEL_DEFAULT_LOCALE", "BABEL_TRANSLATION_DIRECTORIES",
    "RATELIMIT_STORAGE_URI", "RATELIMIT_STRATEGY", "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
    "RATELIMIT_SWALLOW_ERRORS", "RATELIMIT_HEADERS_ENABLED", "WTF_CSRF_TIME_LIMIT",
}
"""Table entries that our code only sets, for Flask, Flask-Babel, Flask-Limiter, Flask-WTF."""


def names_read_by_the_code() -> dict[str, set[str]]:
    """setting name -> the files (relative) that read it."""
    from survey.letters.compose import SETTING_KEYS
    from survey.security import UPLOAD_ROUTES

    found: dict[str, set[str]] = {}
    for folder in ("survey", "weighting"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for pattern in READS:
                for name in pattern.findall(text):
                    found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    # read through a table of names rather than by a literal
    for name in SETTING_KEYS:
        found.setdefault(name, set()).add("survey/letters/compose.py")
    for name in UPLOAD_ROUTES.values():
        found.setdefault(name, set()).add("survey/security.py")
    return found


def test_every_setting_the_code_reads_is_in_the_table():
    read = names_read_by_the_code()
    missing = {name: sorted(files) for name, files in read.items()
               if name not in settings.BY_NAME and name not in NOT_SETTINGS}
    assert missing == {}, "add these to survey/settings.py with a default and a meaning"


def test_every_entry_is_read_by_the_code_or_by_flask():
    read = set(names_read_by_the_code())
    unread = set(settings.BY_NAME) - read - READ_BY_FLASK_AND_EXTENSIONS
    assert unread == set()


def test_every_entry_is_documented_with_a_default_of_its_type():
    assert len(settings.BY_NAME) == len(settings.SETTINGS), "a setting is listed twice"
    groups = {"app", "security", "staff", "fieldwork", "letters", "publishing"}
    for setting in settings.SETTINGS:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", setting.name)
        assert len(setting.meaning.split()) >= 3, setting.name
        assert setting.group in groups, setting.name
        assert setting.source in (settings.CONFIG, settings.ENVIRONMENT, settings.FIXED)
        assert setting.environment in (None, settings.OVERRIDES, settings.FALLBACK)
        if setting.default is not settings.UNSET:
            assert isinstance(setting.default, setting.kind), setting.name
    table = settings.markdown()
    for setting in settings.SETTINGS:
        assert f"| {setting.name} |" in table


def test_an_app_gets_the_defaults_of_the_table_and_nothing_for_an_unset_one(monkeypatch):
    for setting in settings.SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    app = create_app({"TESTING": True}, serving=False)
    for setting in settings.SETTINGS:
        if setting.source != settings.CONFIG:
            continue
        if setting.default is settings.UNSET:
            assert setting.name not in app.config, setting.name
        elif setting.name == "DATABASE_URL":
            assert app.config["DATABASE_URL"] == \
                f"sqlite:///{Path(app.instance_path) / 'wijkprofiel.db'}"
        else:
            assert app.config[setting.name] == setting.default, setting.name


def test_the_config_file_or_test_config_replaces_a_default():
    app = create_app({"TESTING": True, "PHONE_MAX_ATTEMPTS": 2, "EDITION_YEAR": 2026},
                     serving=False)
    assert (app.config["PHONE_MAX_ATTEMPTS"], app.config["EDITION_YEAR"]) == (2, 2026)


@pytest.mark.parametrize("name", [s.name for s in settings.SETTINGS
                                  if s.environment == settings.OVERRIDES])
def test_the_environment_wins_over_the_config_file_but_not_over_a_test_config(name, monkeypatch):
    value, given = {
        "DATABASE_URL": ("sqlite:////tmp/from-the-environment.db", "sqlite:////tmp/given.db"),
        "SECRET_KEY": ("from the environment", "given"),
        "TRUSTED_PROXIES": ("1", 2),
        "RATELIMIT_STORAGE_URI": ("memory://", "database://"),
    }.get(name, ("3 per minute", "4 per hour"))
    monkeypatch.setenv(name, value)
    assert create_app({"TESTING": True}, serving=False).config[name] == value
    assert create_app({"TESTING": True, name: given}, serving=False).config[name] == given


def test_the_code_keeps_no_default_of_its_own_that_differs_from_the_table():
    """Constants that stay in their modules (a function's default argument, the source
    language) must say what the table says."""
    from survey import i18n, rate_limit_storage, security
    from survey.fieldwork import dispositions
    from survey.letters.compose import SETTING_KEYS, LetterSettings
    from survey.population.targets import DEFAULT_TARGET
    from survey.report.publication import PublicationRule

    assert security.MAX_CONTENT_LENGTH == settings.default("MAX_CONTENT_LENGTH")
    assert security.DEVELOPMENT_SECRET_KEY == settings.default("SECRET_KEY")
    assert settings.default("RATELIMIT_STORAGE_URI") == f"{rate_limit_storage.SCHEME}://"
    assert i18n.DEFAULT_LANGUAGE == settings.default("BABEL_DEFAULT_LOCALE")
    assert dispositions.DEFAULT_PARTIAL_MIN_ANSWERS == \
        settings.default("FIELDWORK_PARTIAL_MIN_ANSWERS")
    assert f"{DEFAULT_TARGET} per wijk" in settings.BY_NAME["FIELDWORK_TARGETS"].meaning
    rule = PublicationRule()
    assert (rule.min_n, rule.indicative_n, rule.multiple_testing, rule.index_replicates) == (
        settings.default("REPORT_MIN_N"), settings.default("REPORT_INDICATIVE_N"),
        settings.default("REPORT_MULTIPLE_TESTING"), settings.default("REPORT_INDEX_REPLICATES"))
    for key, field in SETTING_KEYS.items():
        assert getattr(LetterSettings, field) == settings.default(key), key
