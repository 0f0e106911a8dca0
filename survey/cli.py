"""The `wijkprofiel` command: Flask's CLI with a subcommand for every job.

Every command turns our own errors (`WijkprofielError`) and the database's (`DBAPIError`: no
tables, not reachable) into a one-line message and exit status 1, never a traceback; what the
table reader tells of a file it read (`weighting.tables.ReadNotice`: a Windows-1252 CSV) is a
`warning: ...` line.

Importing this module is cheap (no pandas, SQLAlchemy or command module): `wijkprofiel --help`
lists the commands from the short help texts stated in `SUBCOMMANDS`, and a command's modules
load when it is run or its own help is asked for.
"""

import importlib
import sys
import warnings
from collections.abc import MutableMapping
from contextlib import contextmanager
from typing import NamedTuple

import click
from flask.cli import FlaskGroup, with_appcontext

from survey import create_app
from weighting.errors import WijkprofielError


@contextmanager
def reader_notices():
    """Warnings of the table reader printed as `warning: ...` lines on stderr, each time; other
    warnings are shown as Python shows them."""
    from weighting.tables import ReadNotice  # pandas: a command is about to run

    with warnings.catch_warnings():
        python_show = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, ReadNotice):
                click.echo(f"warning: {message}", err=True)
            else:
                python_show(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        warnings.simplefilter("always", ReadNotice)
        yield


def _database_errors() -> tuple[type, ...]:
    """The database errors a command may raise: SQLAlchemy's and pandas' (`read_sql`), of the
    libraries loaded; one never imported cannot have raised, so none is imported here."""
    found = []
    for module, name in (("sqlalchemy.exc", "DBAPIError"), ("pandas.errors", "DatabaseError")):
        if module in sys.modules:
            found.append(getattr(sys.modules[module], name))
    return tuple(found)


class WijkprofielGroup(FlaskGroup):
    def get_command(self, ctx, name):
        if name == "weight":
            # `data: db` in a weighting plan reads the app's database. Registered here, not at
            # import: it imports the weighting plan and with it scipy.stats (about 0.8 s), which
            # no other command's start needs
            from survey.edition_data import register_database_source

            register_database_source(_app_transaction)
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        """Ours, Flask's (`run`, `shell`, `routes`) and the plugins' (`limiter`). Unlike
        FlaskGroup, without building the app to ask for its own commands: ours adds none
        (tests/unit/test_cli_help.py), and building it costs a second."""
        self._load_plugin_commands()
        return sorted(self.commands)

    def format_commands(self, ctx, formatter):
        """The list of `wijkprofiel --help`, as click writes it, from each command's short help;
        for a command not yet imported, from the text `SUBCOMMANDS` states for it."""
        shown = [(name, self.commands.listed(name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in shown if not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)  # as click's
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit))
                                for name, command in shown])

    def invoke(self, ctx):
        try:
            with reader_notices():
                return super().invoke(ctx)
        except WijkprofielError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            if not isinstance(exc, _database_errors()):
                raise
            # no tables, or a database that is down
            from survey import storage

            raise click.ClickException(
                storage.describe_database_error(exc.__cause__ or exc)) from None


class LazyCommand(NamedTuple):
    """Where a command is and what `wijkprofiel --help` says of it before it is imported."""

    modules: tuple[str, ...]  # to import in turn: the last holds the command, others add to it
    attribute: str  # the last module's attribute that is the command
    # the command's short help, its docstring's first sentence (as click.Command's
    # get_short_help_str gives it); tests/unit/test_cli_help.py checks that they agree
    short_help: str


class LazyCommands(MutableMapping):
    """A group's commands, each imported when first asked for: `wijkprofiel report` imports
    the report's modules, not the letters' PDF toolkit, the demo or the sampling commands.
    `listed` gives what the group's help needs without importing any."""

    def __init__(self, commands: dict, where: dict):
        self._commands = dict(commands)
        self._where = {name: spec for name, spec in where.items() if name not in commands}

    def __getitem__(self, name):
        if name not in self._commands:
            if name not in self._where:
                raise KeyError(name)
            where = self._where[name]
            for module in where.modules:
                found = importlib.import_module(module)
            self._commands[name] = getattr(found, where.attribute)
            del self._where[name]
        return self._commands[name]

    def __setitem__(self, name, command):
        self._where.pop(name, None)
        self._commands[name] = command

    def __delitem__(self, name):
        if name in self._where:
            del self._where[name]
        else:
            del self._commands[name]

    def __iter__(self):
        yield from self._commands
        yield from self._where

    def __len__(self):
        return len(self._commands) + len(self._where)

    def __contains__(self, name):
        return name in self._commands or name in self._where

    def listed(self, name) -> click.Command:
        """The command `name` if imported, else a stand-in with its stated short help, which
        click shortens to the width of the list as it would the command's own."""
        if name in self._commands:
            return self._commands[name]
        return click.Command(name, help=self._where[name].short_help)


SUBCOMMANDS = {
    "questionnaire": LazyCommand(("survey.questionnaire.commands",), "questionnaire",
                                 "Questionnaire files: check them, import an XLSForm."),
    "staff": LazyCommand(("survey.staff.commands",), "staff",
                         "Staff accounts for the /staff pages."),
    "index": LazyCommand(("survey.index_command",), "index_group",
                         "Index scores (Veiligheidsindex, Sociale index, Fysieke index)."),
    "letters": LazyCommand(("survey.letters.commands",), "letters",
                           "Invitation and reminder letters: print, and register returns."),
    "weight": LazyCommand(("weighting.cli",), "weight_command",
                          "Weight respondents and estimate as the weighting plan PLAN (YAML) "
                          "says."),
    # survey.main_job adds `demo run`, the main job, to the demo group
    "demo": LazyCommand(("survey.main_job", "survey.demo.commands"), "demo",
                        "The demo edition: a realistic synthetic Wijkprofiel 2024."),
    "serve": LazyCommand(("survey.serve",), "serve_command",
                         "Run the production server: migrations, then gunicorn with several "
                         "workers."),
    "privacy": LazyCommand(("survey.privacy",), "privacy",
                           "Privacy (AVG): delete identity after fieldwork."),
    "sample": LazyCommand(("survey.sampling.commands",), "sample",
                          "The sample: import a register or a drawn sample, or draw one from "
                          "the register."),
    "report": LazyCommand(("survey.report.commands",), "report_command",
                          "Weight an edition, estimate every indicator per wijk, gebied and "
                          "city, score the Veiligheidsindex (objective part from --register), "
                          "compare with the previous edition, and write the report (HTML, PDF), "
                          "its tables (CSV, Excel, SPSS) and a labelled SPSS file with codebook "
                          "per edition."),
    "publish": LazyCommand(("survey.publish.commands",), "publish_command",
                           "Write the public Wijkprofiel site: pages for Rotterdam, every gebied "
                           "and every wijk in Dutch and English, open data and a factsheet per "
                           "wijk."),
}


@click.group(cls=WijkprofielGroup, create_app=create_app, add_version_option=False)
def main():
    """Wijkprofiel: survey collection, weighting and scores for Rotterdam."""


main.commands = LazyCommands(main.commands, SUBCOMMANDS)


@main.group()
def db():
    """The database: migrations."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision):
    """Apply the Alembic migrations to DATABASE_URL."""
    from survey import storage

    url = storage.database_url()
    storage.upgrade(url, revision)
    click.echo(f"database at revision {storage.current_revision(url)}")


@contextmanager
def _app_transaction():
    """A transaction on the app's database, for `data: db` in a weighting plan: `weight` runs
    with or without an app context."""
    from flask import has_app_context

    from survey import storage

    if has_app_context():
        with storage.transaction() as db:
            yield db
        return
    # reading answers serves no requests: no production check of the secret key
    with create_app(serving=False).app_context(), storage.transaction() as db:
        yield db

