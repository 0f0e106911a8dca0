"""The `wijkprofiel` command: Flask's CLI with a subcommand for every job.

Every command turns our own errors (`WijkprofielError`) and the database's (`DBAPIError`: no
tables, not reachable) into a one-line message and exit status 1, never a traceback; what the
table reader tells of a file it read (`weighting.tables.ReadNotice`: a Windows-1252 CSV) is a
`warning: ...` line.
"""

import importlib
import warnings
from collections.abc import MutableMapping
from contextlib import contextmanager

import click
from flask.cli import FlaskGroup, with_appcontext
from pandas.errors import DatabaseError as PandasDatabaseError
from sqlalchemy.exc import DBAPIError

from survey import create_app, storage
from survey.edition_data import register_database_source
from weighting.errors import WijkprofielError
from weighting.tables import ReadNotice


@contextmanager
def reader_notices():
    """Warnings of the table reader printed as `warning: ...` lines on stderr, each time; other
    warnings are shown as Python shows them."""
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


class WijkprofielGroup(FlaskGroup):
    def get_command(self, ctx, name):
        if name == "weight":
            # `data: db` in a weighting plan reads the app's database. Registered here, not at
            # import: it imports the weighting plan and with it scipy.stats (about 0.8 s), which
            # no other command's start needs
            register_database_source(_app_transaction)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            with reader_notices():
                return super().invoke(ctx)
        except WijkprofielError as exc:
            raise click.ClickException(str(exc)) from None
        except (DBAPIError, PandasDatabaseError) as exc:  # no tables, or a database that is down
            raise click.ClickException(
                storage.describe_database_error(exc.__cause__ or exc)) from None


class LazyCommands(MutableMapping):
    """A group's commands, each imported when first asked for: `wijkprofiel report` imports
    the report's modules, not the letters' PDF toolkit, the demo or the sampling commands.
    `wijkprofiel --help` still lists (and so imports) them all."""

    def __init__(self, commands: dict, where: dict):
        self._commands = dict(commands)
        self._where = {name: spec for name, spec in where.items() if name not in commands}

    def __getitem__(self, name):
        if name not in self._commands:
            if name not in self._where:
                raise KeyError(name)
            modules, attribute = self._where[name]
            for module in modules:  # the last holds the command; the others add to it
                found = importlib.import_module(module)
            self._commands[name] = getattr(found, attribute)
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


# name: (modules to import, the last one's attribute that is the command)
SUBCOMMANDS = {
    "questionnaire": (("survey.questionnaire.commands",), "questionnaire"),
    "staff": (("survey.staff.commands",), "staff"),
    "index": (("survey.index_command",), "index_group"),
    "letters": (("survey.letters.commands",), "letters"),
    "weight": (("weighting.cli",), "weight_command"),
    # survey.main_job adds `demo run`, the main job, to the demo group
    "demo": (("survey.main_job", "survey.demo.commands"), "demo"),
    "serve": (("survey.serve",), "serve_command"),
    "privacy": (("survey.privacy",), "privacy"),
    "sample": (("survey.sampling.commands",), "sample"),
    "report": (("survey.report.commands",), "report_command"),
    "publish": (("survey.publish.commands",), "publish_command"),
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
    url = storage.database_url()
    storage.upgrade(url, revision)
    click.echo(f"database at revision {storage.current_revision(url)}")


@contextmanager
def _app_transaction():
    """A transaction on the app's database, for `data: db` in a weighting plan: `weight` runs
    with or without an app context."""
    from flask import has_app_context

    if has_app_context():
        with storage.transaction() as db:
            yield db
        return
    # reading answers serves no requests: no production check of the secret key
    with create_app(serving=False).app_context(), storage.transaction() as db:
        yield db

