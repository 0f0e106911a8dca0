"""The login rate limit's counts in our own database, shared by every worker and app server.

Flask-Limiter counts through a storage of the `limits` package. Its `memory://` storage counts
in each process, so with 2 app servers of 3 workers a guesser got 6 times the allowed wrong
codes; redis would be shared but is one more service to run. Every app server already shares
the database, so the counts live there: `RATELIMIT_STORAGE_URI = "database://"` (the default,
see `survey.security`) keeps them in the `rate_limit_counter` table of the app's own
`DATABASE_URL`.

It supports the fixed window, Flask-Limiter's default strategy: a key's row holds its count and
when its window ends. `incr` is one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement
(PostgreSQL, and SQLite since 3.35), so concurrent wrong codes on different servers each get
their own count and none is lost. A row whose window has ended counts as absent; each new
window deletes the ended rows, and a right code's count given back to 0 is deleted at once, so
the table holds about one row per address that sent a wrong code in the last window. The key
holds the client address, which is personal data: it is kept no longer.

Times are the app server's `time.time()`, as in the `limits` storages; servers kept in step by
NTP differ by milliseconds, nothing against windows of minutes.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import case, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from survey import storage
from survey.models import RateLimitCounter

SCHEME = "database"

_counter = RateLimitCounter.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class DatabaseStorage(Storage):
    """A `limits` storage in the app's database (fixed window).

    Args:
        uri: `database://`; the database is the app's `DATABASE_URL`, read per call from the
            current Flask app, so that two apps in one process count in their own databases.
        database_url: a database to use instead, outside a Flask app (tests, scripts).

    >>> from limits import parse
    >>> from limits.strategies import FixedWindowRateLimiter
    >>> limiter = FixedWindowRateLimiter(DatabaseStorage(database_url=url))  # doctest: +SKIP
    >>> [limiter.hit(parse("2 per minute"), "198.51.100.7") for _ in range(3)]  # doctest: +SKIP
    [True, True, False]
    """

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 database_url: str | None = None, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.database_url = database_url

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def _engine(self):
        return storage.get_engine(self.database_url or storage.database_url())

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the count of `key` and return the new count; a key without a live
        window starts one that ends `expiry` seconds from now."""
        now = time.time()
        engine = self._engine()
        ended = _counter.c.window_ends_at <= now
        statement = (
            _INSERTS[engine.dialect.name](_counter)
            .values(limit_key=key, hits=amount, window_ends_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[_counter.c.limit_key],
                set_={"hits": case((ended, amount), else_=_counter.c.hits + amount),
                      "window_ends_at": case((ended, now + expiry),
                                             else_=_counter.c.window_ends_at)})
            .returning(_counter.c.hits))
        with engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
        if hits == amount:
            # a window started: forget the ended ones, in a transaction of its own so that
            # the count above is committed (and its row unlocked) first
            with engine.begin() as connection:
                connection.execute(delete(_counter).where(_counter.c.window_ends_at <= now))
        return hits

    def decr(self, key: str, amount: int = 1) -> int:
        """Take `amount` off the live count of `key` (not below 0); returns the new count.
        The login gives back the attempt of a right code this way; a count back at 0 is
        deleted, so an address that only ever logged in with right codes is not kept."""
        now = time.time()
        statement = (
            update(_counter)
            .where(_counter.c.limit_key == key, _counter.c.window_ends_at > now)
            .values(hits=case((_counter.c.hits > amount, _counter.c.hits - amount), else_=0))
            .returning(_counter.c.hits))
        with self._engine().begin() as connection:
            hits = connection.execute(statement).scalar() or 0
            if hits == 0:
                # only while still 0: a wrong code counted meanwhile keeps its row
                connection.execute(delete(_counter).where(_counter.c.limit_key == key,
                                                          _counter.c.hits == 0))
        return hits

    def get(self, key: str) -> int:
        """The count of `key` in its live window, 0 when it has none."""
        return self._live(key, _counter.c.hits) or 0

    def get_expiry(self, key: str) -> float:
        """When the window of `key` ends (now, when it has none)."""
        now = time.time()
        ends = self._live(key, _counter.c.window_ends_at, now)
        return ends if ends is not None else now

    def _live(self, key, column, now=None):
        now = time.time() if now is None else now
        with self._engine().connect() as connection:
            return connection.execute(
                select(column).where(_counter.c.limit_key == key,
                                     _counter.c.window_ends_at > now)).scalar()

    def check(self) -> bool:
        """Whether the database answers (Flask-Limiter asks this to leave its in-memory
        fallback)."""
        try:
            with self._engine().connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int:
        """Forget every count; returns how many keys there were."""
        with self._engine().begin() as connection:
            return connection.execute(delete(_counter)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as connection:
            connection.execute(delete(_counter).where(_counter.c.limit_key == key))
