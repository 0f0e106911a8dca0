"""The production setup: `wijkprofiel serve` migrates the database and runs gunicorn with
several workers; two servers on different ports share one database, and a respondent whose
requests alternate between them (a load balancer without sticky sessions) answers page after
page; SIGTERM stops a server gracefully. Also: the deployment guide documents every option
and setting it claims."""

import asyncio
import re
import secrets
import signal
import time

import pytest
from click.testing import CliRunner

from survey import storage
from survey.paths import PROJECT_ROOT
from survey.cli import main as cli_main
from survey.serve import GUNICORN_CONFIG, _read_config, gunicorn_options, serve_command
from tests.support import loadclient
from tests.support.app_servers import AppServer, free_port
from tests.support.respondent import add_unit

DEPLOY_README = PROJECT_ROOT / "deploy" / "README.md"


def test_command_line_settings_override_the_config_file():
    assert gunicorn_options("0.0.0.0", 8000, workers=3) == {"bind": ["0.0.0.0:8000"],
                                                            "workers": 3}
    assert gunicorn_options("::1", 8001)["bind"] == ["[::1]:8001"]
    config = _read_config(GUNICORN_CONFIG)
    assert config["preload_app"] is False  # each worker opens its own pool after the fork
    assert config["workers"] >= 2 and config["graceful_timeout"] > 0 and config["timeout"] > 0
    assert "%(U)s" in config["access_log_format"]  # the path without the query (the code)


def test_serve_refuses_the_development_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = CliRunner().invoke(cli_main, ["serve", "--port", str(free_port())])
    assert result.exit_code == 1
    assert "SECRET_KEY: is the development default" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_two_servers_on_one_database_serve_one_respondent_in_turn(tmp_path):
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    storage.upgrade(url)
    add_unit(url, "s1", "HJSY36UY9B", questionnaire_id="wijkonderzoek")
    (tmp_path / "logs").mkdir()
    secret = secrets.token_hex(32)  # the same on both servers
    first = AppServer(url, free_port(), 2, secret, tmp_path / "logs")
    second = AppServer(url, free_port(), 2, secret, tmp_path / "logs", migrate=False)
    try:
        first.start()
        second.start()
        assert len(first.worker_pids()) == 2
        assert storage.current_revision(url) is not None
        stats, log = loadclient.Stats(), loadclient.AckLog(tmp_path / "ack.jsonl")
        pool = loadclient.Servers([("127.0.0.1", first.port), ("127.0.0.1", second.port)])
        journey = asyncio.run(loadclient.run_respondent(
            "HJSY36UY9B", pool, stats, log, think=(0, 0), seed=1,
            deadline=time.monotonic() + 4))
        log.close()
        # every other request went to the other server: the session is in the cookie, the
        # answers in the shared database
        assert journey.acknowledged >= 3 and journey.errors == 0, journey
        assert not stats.errors
        result = loadclient.audit(url, tmp_path / "ack.jsonl", units={"HJSY36UY9B": "s1"})
        assert result["pages"] == journey.acknowledged
        assert loadclient.audit_passed(result), result
        # the pages shown by one server were posted to the other, CSRF token and all
        logs = [(tmp_path / "logs" / f"access-{s.port}.log").read_text() for s in (first, second)]
        assert any(re.search(r'"POST /vragenlijst/pagina/[\w-]+ HTTP/1.1" 303', log)
                   for log in logs)
        assert all(re.search(r'"GET /vragenlijst/pagina/[\w-]+ HTTP/1.1" 200', log)
                   or re.search(r'"POST /vragenlijst/pagina/[\w-]+ HTTP/1.1" 303', log)
                   for log in logs)
        assert not any("HJSY36UY9B" in log for log in logs)  # no personal code in the log

        # graceful stop: SIGTERM to the master ends workers and master cleanly
        first.process.send_signal(signal.SIGTERM)
        assert first.process.wait(40) == 0
    finally:
        first.stop()
        second.stop()


def test_the_deployment_guide_documents_every_option_and_setting():
    guide = DEPLOY_README.read_text()
    for parameter in serve_command.params:
        for flag in parameter.opts + parameter.secondary_opts:
            assert flag in guide, f"deploy/README.md does not mention `wijkprofiel serve {flag}`"
    for variable in sorted(set(re.findall(r'environ\.get\("(\w+)"',
                                          GUNICORN_CONFIG.read_text()))):
        assert variable in guide, f"deploy/README.md does not mention {variable}"
    for setting in ("DATABASE_URL", "SECRET_KEY", "SESSION_COOKIE_SECURE", "TRUSTED_PROXIES",
                    "RATELIMIT_STORAGE_URI", "/healthz", "wijkprofiel db upgrade"):
        assert setting in guide, f"deploy/README.md does not mention {setting}"
    page = (PROJECT_ROOT / "docs" / "deployment.md").read_text()
    assert "## Production" in page and "deploy/README.md" in page
    assert "docs/deployment.md" in (PROJECT_ROOT / "README.md").read_text()


def test_each_worker_loads_the_questionnaires_before_its_first_request(make_app, tmp_path):
    """Loading a questionnaire takes a few hundred milliseconds; under load the first
    respondent of every worker waited for it (resume requests over a second)."""
    from survey.questionnaire import loader
    from survey.serve import warm_up

    app = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    loader._cache.clear()
    warm_up(app)
    loaded = {q.id for q in loader._cache.values()}
    assert {"veiligheidsmonitor", "wijkonderzoek"} <= loaded
