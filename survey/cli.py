"""The `wijkprofiel` command: Flask's CLI with a subcommand for every job.

Every command turns our own errors (`WijkprofielError`) and the database's (`DBAPIError`: no
tables, not reachable) into a one-line message and exit status 1, never a traceback; what the
table reader tells of a file it read (`weighting.tables.ReadNotice`: a Windows-1252 CSV) is a
`warning: ...` line.
"""

import warnings
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
    def invoke(self, ctx):
        try:
            with reader_notices():
                return super().invoke(ctx)
        except WijkprofielError as exc:
            raise click.ClickException(str(exc)) from None
        except (DBAPIError, PandasDatabaseError) as exc:  # no tables, or a database that is down
            raise click.ClickException(
                storage.describe_database_error(exc.__cause__ or exc)) from None


@click.group(cls=WijkprofielGroup, create_app=create_app, add_version_option=False)
def main():
    """Wijkprofiel: survey collection, weighting and scores for Rotterdam."""


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


from survey.questionnaire.commands import questionnaire  # noqa: E402

main.add_command(questionnaire)

from survey.staff.commands import staff  # noqa: E402

main.add_command(staff)

from survey.index_command import index_group  # noqa: E402

main.add_command(index_group)

from survey.letters.commands import letters  # noqa: E402

main.add_command(letters)

from weighting.cli import weight_command  # noqa: E402
main.add_command(weight_command)

from survey.demo.commands import demo  # noqa: E402

main.add_command(demo)

import survey.main_job  # noqa: E402,F401  (adds `demo run`, the main job, to the demo group)


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


register_database_source(_app_transaction)  # `data: db` in weighting plans

from survey.serve import serve_command  # noqa: E402
main.add_command(serve_command)
from survey.privacy import privacy  # noqa: E402
main.add_command(privacy)

from survey.sampling.commands import sample  # noqa: E402
main.add_command(sample)

from survey.report.commands import report_command  # noqa: E402
main.add_command(report_command)

from survey.publish.commands import publish_command  # noqa: E402
main.add_command(publish_command)
