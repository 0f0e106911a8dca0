"""Database access: one engine per database URL, sessions, and migrations.

SQLite is the embedded default (WAL so readers never block the writer, foreign keys on);
PostgreSQL is chosen by `DATABASE_URL`. The schema is only ever changed by Alembic migrations
in `survey/migrations/`, never by `create_all`.

A Flask extension too (`init_app`): inside an app context (a request, a command) the app's
database is implied, so views and commands write `with storage.transaction() as db:` and pass
`db` to the domain functions, which take a session and never a URL. Each app context has one
session (`session()`), closed when the context ends (teardown), so nothing stays open after a
request, even one that failed. A long job that commits in steps of its own (a print run, the
report) takes the session idle and runs each step in `with db.begin():`. Code without an app
(tests, benchmarks, the demo seeding the database it is given, a command's `--database-url`)
opens its session from the URL here, once (`session_at(url)`, `transaction(url)`), and hands it
down.
"""

from contextlib import contextmanager
from pathlib import Path

from flask import current_app, g, has_app_context

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from survey.errors import ConfigError, WijkprofielError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_engines: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """The process-wide engine for `url`, created on first use."""
    if url not in _engines:
        _engines[url] = _create_engine(url)
    return _engines[url]


def _check_url(url: str):
    """The parsed `url`; ConfigError when it cannot be parsed or names another database."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise ConfigError(f"DATABASE_URL: cannot parse {url!r} ({exc})") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL: backend {parsed.get_backend_name()!r} is not supported; "
            "use sqlite:///path or postgresql://user@host/db"
        )
    return parsed


def _create_engine(url: str) -> Engine:
    parsed = _check_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        sqlite = create_engine(url, connect_args={"timeout": 30})
        event.listen(sqlite, "connect", _sqlite_pragmas)
        return sqlite
    if parsed.drivername == "postgresql":  # plain postgresql:// means psycopg 3 here
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


def init_app(app) -> None:
    """Register the extension: the app context's session is closed at teardown. The URL is
    checked when the database is first used (a command such as `--help` needs none)."""
    app.extensions["storage"] = _SESSION_KEY
    app.teardown_appcontext(_close_session)


_SESSION_KEY = "_storage_session"


def database_url() -> str:
    """The database of the current app (`DATABASE_URL`)."""
    return current_app.config["DATABASE_URL"]


def engine() -> Engine:
    """The engine of the current app's database."""
    return get_engine(database_url())


def session() -> Session:
    """The current app context's session (one per request or command), opened on first use
    and closed at teardown. Prefer `transaction()`, which commits or rolls back its block."""
    current = g.get(_SESSION_KEY)
    if current is None:
        current = session_factory(database_url())()
        setattr(g, _SESSION_KEY, current)
    return current


def _close_session(_exception=None) -> None:
    current = g.pop(_SESSION_KEY, None)
    if current is not None:
        current.close()  # rolls back whatever was left uncommitted


@contextmanager
def transaction(url: str | None = None):
    """A session that commits when the block ends and rolls back if it raises.

    Without `url`: the current app's database, on the app context's session. Each block is a
    transaction of its own, committed before the block's caller goes on (so a view answers
    only after its page is stored), and the objects it loaded stay readable after it, as
    with a closed session. A block opened inside another block gets a session of its own,
    as with a URL."""
    if url is None:
        current = session()
        if not current.in_transaction():
            try:
                with current.begin():
                    yield current
            finally:
                # the next block reads afresh, as a new session would; the loaded objects
                # stay usable, detached
                current.expunge_all()
            return
        url = database_url()
    with session_factory(url).begin() as independent:
        yield independent


@contextmanager
def session_at(url: str | None = None):
    """A session outside any transaction: the current app context's when `url` is None or the
    app's own database (teardown closes it), else a new one on the database at `url`, closed
    when the block ends. For a job that commits in steps of its own (`with db.begin():` per
    step) and for code without an app, which names its database once, here."""
    if url is None or (has_app_context() and url == database_url()):
        yield session()
        return
    with session_factory(url)() as independent:
        yield independent


def alembic_config(url: str):
    """Alembic's Config for the database at `url` (Alembic loads only to migrate: the report
    and the web app's requests never need it)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` with the Alembic migrations."""
    from alembic import command

    config = alembic_config(url)
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_fieldwork_tables(db: Session) -> None:
    """A clear error for a database without the fieldwork tables (a wrong DATABASE_URL, or a
    database never migrated), before a command reads from it with the session `db`."""
    url = db.get_bind().url
    try:
        tables = set(inspect(db.get_bind()).get_table_names())
    except SQLAlchemyError as exc:
        raise WijkprofielError(
            f"{display_url(url)}: cannot open the database ({getattr(exc, 'orig', None) or exc})"
        ) from None
    if not {"edition", "sample_unit", "answer", "area"} <= tables:
        raise WijkprofielError(
            f"{display_url(url)}: not a Wijkprofiel fieldwork database (no edition tables); "
            "check DATABASE_URL, or run `wijkprofiel db upgrade` and `wijkprofiel demo seed`")


def describe_database_error(exc: Exception) -> str:
    """One line for a command's user when the database itself fails: a database without our
    tables (never migrated, or the wrong file) says how to make it; anything else names the
    database and the driver's first line, never a traceback. The database named is the one
    the process opened (a command opens one)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    first_line = text.splitlines()[0] if text else type(exc).__name__
    where = ", ".join(display_url(url) for url in _engines) or "(none opened)"
    lowered = first_line.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return (f"database {where} has no Wijkprofiel tables ({first_line}): "
                "run `wijkprofiel db upgrade` for an empty database, or point DATABASE_URL "
                "(or --database-url) at the edition's database")
    return f"database {where}: {first_line}"


def display_url(url) -> str:
    """The URL (text or SQLAlchemy's URL) without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL SQLAlchemy cannot parse is shown as given
        return url

