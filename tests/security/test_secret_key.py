"""The secret key signs the respondents' session cookies: with the development default (or any
guessable key) an attacker forges a cookie holding a unit id and opens that resident's
questionnaire. Every production start path of the deploy guide refuses such a key, and debug
mode: `wijkprofiel serve` (also what the systemd unit runs), and plain gunicorn on
`survey:create_app()`. Commands, tests and the development server keep working without one."""

import os
import secrets
import subprocess
import sys

import pytest
from click.testing import CliRunner
from flask.sessions import SecureCookieSessionInterface

from survey import create_app
from survey.paths import PROJECT_ROOT
from survey.cli import main as cli_main
from survey.errors import ConfigError
from survey.security import DEVELOPMENT_SECRET_KEY, secret_key_problem

WEAK_KEYS = ["a", DEVELOPMENT_SECRET_KEY, "shared-secret-of-both-servers",
             "passwordpasswordpasswordpassword", "a" * 64, "ab" * 20 + "c"]


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    """The environment of a production start: not run by a command line, no key set."""
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    return monkeypatch


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_the_app_factory_refuses_a_weak_key_in_production(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY: "):
        create_app()


def test_the_app_factory_refuses_a_missing_key_in_production(production_env):
    with pytest.raises(ConfigError, match="SECRET_KEY: is the development default"):
        create_app()


def test_a_random_key_starts_and_debug_does_not(production_env):
    production_env.setenv("SECRET_KEY", secrets.token_hex(32))
    assert create_app().config["SECRET_KEY"]
    production_env.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="DEBUG: debug mode is on"):
        create_app()


def test_generated_keys_always_pass():
    # 128 random bits as hex (the shortest key the guide's command gives) up to 256
    for _ in range(2000):
        assert secret_key_problem(secrets.token_hex(16)) is None
        assert secret_key_problem(secrets.token_urlsafe(32)) is None


def test_tests_and_commands_need_no_key(production_env, tmp_path):
    assert create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"})
    result = CliRunner().invoke(cli_main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("key", ["a", DEVELOPMENT_SECRET_KEY])
def test_serve_refuses_a_weak_key(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    result = CliRunner().invoke(cli_main, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "Error: SECRET_KEY: " in result.output and "Traceback" not in result.output


def test_serve_refuses_debug(production_env):
    production_env.setenv("SECRET_KEY", secrets.token_hex(32))
    result = CliRunner().invoke(cli_main, ["--debug", "serve", "--port", "1"])
    assert result.exit_code == 1
    assert "Error: DEBUG: debug mode is on" in result.output


@pytest.mark.slow
def test_plain_gunicorn_with_the_default_key_does_not_start(tmp_path):
    """The deploy guide's second start path, as an operator would type it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "FLASK_RUN_FROM_CLI", "FLASK_DEBUG")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'g.db'}", WIJKPROFIEL_WORKERS="1",
               WIJKPROFIEL_BIND="127.0.0.1:0", PYTHONPATH=str(PROJECT_ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
         "survey:create_app()"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
        timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY: is the development default" in result.stdout + result.stderr


def test_a_cookie_forged_with_the_default_key_opens_nothing(build_app, sqlite_url):
    """The attack: sign {'unit': 'm1'} with the public default key. It opens the resident's
    questionnaire on an app that runs with that key, and not on one with its own key."""
    from sqlalchemy import select

    from survey import storage
    from survey.models import SampleUnit
    from survey.respondent.session import GENERATION_KEY, UNIT_KEY

    own_key = build_app(sqlite_url, SECRET_KEY=secrets.token_hex(32))
    default_key = create_app({**own_key.config, "SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    with storage.transaction(sqlite_url) as db:
        generation = db.scalar(select(SampleUnit.session_generation)
                               .where(SampleUnit.id == "m1"))
    serializer = SecureCookieSessionInterface().get_signing_serializer(default_key)
    forged = serializer.dumps({UNIT_KEY: "m1", GENERATION_KEY: generation, "lang": "nl"})
    opened = {}
    for name, app in (("default", default_key), ("own", own_key)):
        client = app.test_client()
        client.set_cookie("session", forged)
        resume = client.get("/vragenlijst/")
        opened[name] = "/vragenlijst/pagina/" in resume.headers.get("Location", "")
    assert opened == {"default": True, "own": False}
