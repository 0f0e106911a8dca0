"""`wijkprofiel serve`: the production server. It brings the database to the newest Alembic
revision and then runs gunicorn (several worker processes) with `deploy/gunicorn.conf.py`.

    wijkprofiel serve --host 0.0.0.0 --port 8000 --workers 5

The app keeps no state in process memory (the respondent's session is a signed cookie, the
answers are in the database), so two or more of these servers on different machines or ports
can share one PostgreSQL database behind a load balancer; see deploy/README.md.

The settings come from the environment: `DATABASE_URL` (PostgreSQL in production) and
`SECRET_KEY` (the same on every server, or a cookie signed by one is refused by the other).
"""

from __future__ import annotations

from pathlib import Path

import click

from survey.paths import PROJECT_ROOT

GUNICORN_CONFIG = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"


def gunicorn_options(host: str, port: int, workers: int | None = None,
                     threads: int | None = None, access_log: str | None = None) -> dict:
    """The settings given on the command line, which win over the config file.

    >>> gunicorn_options("0.0.0.0", 8000, workers=3)
    {'bind': ['0.0.0.0:8000'], 'workers': 3}
    """
    options = {"bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]}
    if workers is not None:
        options["workers"] = workers
    if threads is not None:
        options["threads"] = threads
    if access_log is not None:
        options["accesslog"] = access_log
    return options


def run_gunicorn(options: dict, config_file: Path | None = GUNICORN_CONFIG,
                 app_factory=None) -> None:
    """Run gunicorn in this process until it is stopped (SIGTERM or SIGINT: graceful).

    Args:
        options: gunicorn settings that override the config file (see `gunicorn_options`).
        config_file: a gunicorn config file; skipped when it does not exist (an installed
            package without the source tree), so the built-in defaults of gunicorn apply.
        app_factory: returns the WSGI app, called in each worker after the fork
            (default: `survey.create_app`).
    """
    from gunicorn.app.base import BaseApplication

    class WijkprofielServer(BaseApplication):
        def load_config(self):
            if config_file is not None and Path(config_file).exists():
                for key, value in _read_config(Path(config_file)).items():
                    if key in self.cfg.settings and value is not None:
                        self.cfg.set(key.lower(), value)
            for key, value in options.items():
                self.cfg.set(key.lower(), value)

        def load(self):
            if app_factory is not None:
                return app_factory()
            from survey import create_app

            # this process was started by `wijkprofiel serve`, a command line: say it serves
            app = create_app(serving=True)
            warm_up(app)
            return app

    WijkprofielServer(prog="wijkprofiel serve").run()


def warm_up(app) -> None:
    """Load the questionnaires in this worker before it takes requests. Parsing and checking
    one takes a few hundred milliseconds; left to the first respondent of each worker, under
    load that showed up as resume requests of over a second."""
    from survey.questionnaire.loader import load_all

    load_all(Path(app.config["QUESTIONNAIRES_DIR"]))


def _read_config(path: Path) -> dict:
    """The settings of a gunicorn config file (a Python file of assignments), as gunicorn's
    own `-c` reads them."""
    namespace = {"__file__": str(path), "__name__": "__config__"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return {key: value for key, value in namespace.items() if not key.startswith("__")}


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: all; behind a load balancer, its network).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: 2 x cores + 1, from deploy/gunicorn.conf.py).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per worker (default 2).")
@click.option("--access-log", default=None,
              help="File for the access log ('-': standard output, the default).")
@click.option("--migrate/--no-migrate", default=True, show_default=True,
              help="Apply the Alembic migrations before serving. With several servers on one "
                   "database, let one do it (or run `wijkprofiel db upgrade` in the deploy).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help=f"gunicorn config file (default: {GUNICORN_CONFIG.relative_to(PROJECT_ROOT)}).")
def serve_command(host, port, workers, threads, access_log, migrate, config_file):
    """Run the production server: migrations, then gunicorn with several workers."""
    from survey import create_app, storage

    # refuses a weak SECRET_KEY or debug mode here, before the migrations (and again in
    # every worker)
    app = create_app(serving=True)
    url = app.config["DATABASE_URL"]
    if migrate:
        storage.upgrade(url)
        click.echo(f"database {storage.display_url(url)} "
                   f"at revision {storage.current_revision(url)}")
    # the workers are forked from this process: they must not share its connections
    storage.get_engine(url).dispose()
    run_gunicorn(gunicorn_options(host, port, workers, threads, access_log),
                 Path(config_file) if config_file else GUNICORN_CONFIG)
