"""Bulk writes of a demo edition on one DBAPI connection, bypassing the ORM: `executemany` of
100-row INSERTs on SQLite (rows ordered by primary key so that the indexes are appended to)
and `COPY` on PostgreSQL. A seed writes millions of rows; through the ORM that took minutes.

On SQLite the writer's own connection gets settings for the bulk load, put back on `close`
(the connection returns to the app's pool): foreign-key checks off (the rows are consistent
by construction). How it writes depends on who else uses the database:

- by default, one transaction in the database's WAL mode, without spilling the cache
  mid-transaction (a spill to the WAL made every insert after it twice as slow): a failed load
  leaves nothing behind, but another writer waits for the whole load;
- `alone=True` (nothing else has the database open: `wijkprofiel demo run` filling an empty
  folder before it serves): one transaction with the rollback journal kept in memory, the
  pages written once into the database file (WAL mode wrote them to the WAL and then copied
  them again, and held the whole edition, a gigabyte, in the page cache until the commit);
  WAL mode is put back on `close`. If another connection holds the database, the default is
  used instead;
- `short_transactions=True` (the app serves from the same database, `demo run` writing the
  previous edition in the background): a commit every `TRANSACTION_SECONDS` and a pause of
  `PAUSE_SECONDS` after it, so that a respondent's page save waits well under a second for
  the lock instead of for the whole load (SQLite lets one writer in at a time, and a waiting
  writer retries at most every 100 ms). The edition becomes visible as it is written; a
  failed load deletes what it had committed (`abort`).

Durability is untouched (`synchronous` as `survey.storage` sets it for the app) unless the
caller opens the writer with `durable=False`, for a new demo database that holds nothing a
power cut could cost: then the load skips the disk syncs (`synchronous = OFF` on this
connection only; the commit's pages go to the operating system's cache and reach the disk in
the background).
"""

import time
from datetime import datetime

import numpy as np
import pandas as pd

__all__ = ["BulkWriter", "CHUNK", "PAUSE_SECONDS", "TRANSACTION_SECONDS"]

CHUNK = 50_000
ROWS_PER_INSERT = 100  # rows per INSERT statement (SQLite binds up to 32,766 values)
SHORT_CHUNK = 5_000  # rows per executemany between the clock checks of short transactions
TRANSACTION_SECONDS = 0.25
"""With short transactions: how long the writer holds SQLite's write lock before it commits."""
PAUSE_SECONDS = 0.12
"""With short transactions: the pause after each commit, longer than a waiting writer's longest
sleep between its tries (100 ms in SQLite's busy handler), so that it gets the lock."""
_DELETE_BATCH = 2_000  # units (or persons) deleted per statement with short transactions
_ALONE_CACHE_KIB = 256 * 1024  # the page cache of a load alone: it spills to the file


class BulkWriter:
    """Bulk writes on one DBAPI connection: executemany (SQLite) or COPY (PostgreSQL),
    from `open` to `close` (after `commit`) or `abort`."""

    @classmethod
    def open(cls, engine, backend, durable=True, *, alone=False, short_transactions=False,
             references=None):
        """`references` ({table: [(child table, child column, parent column)]}) is needed
        with `short_transactions`: a failed load then deletes its committed rows."""
        if alone and backend == "sqlite":
            # the pool's idle connections keep the database open: the journal mode can only
            # change on the one connection left
            engine.dispose()
        return cls(engine.raw_connection(), backend, durable, alone=alone,
                   short_transactions=short_transactions, references=references)

    def abort(self):
        try:
            self.raw.rollback()
            if self.short and self.edition is not None and self.backend == "sqlite":
                # what the short transactions committed goes again, as a failed one-transaction
                # load leaves nothing
                self.delete_edition(*self.edition, self.references or {})
                self.raw.commit()
        finally:
            self.close()

    def __init__(self, raw, backend, durable=True, *, alone=False, short_transactions=False,
                 references=None):
        self.raw = raw
        self.backend = backend
        self.mark = "?" if backend == "sqlite" else "%s"
        self.cursor = raw.cursor()
        self.restore = []
        self.journal = None  # the journal mode to put back, when changed
        self.short = short_transactions and backend == "sqlite"
        self.references = references
        self.edition = None  # (id, year) once written
        self.began = time.perf_counter()
        if backend != "sqlite":
            return
        settings = [("foreign_keys", "OFF")]
        if alone:
            before = self.cursor.execute("PRAGMA journal_mode").fetchone()[0]
            try:
                now = self.cursor.execute("PRAGMA journal_mode = MEMORY").fetchone()[0]
            except Exception:  # "database is locked": another connection has it open
                now = before
            if now.lower() == "memory":
                self.journal = before
                settings.append(("cache_size", -_ALONE_CACHE_KIB))
        if self.journal is None:
            # the rows are consistent by construction; checking each answer's sample unit
            # would double the write time. Without spilling, the pages written stay in memory
            # until the commit writes them once: a spill to the WAL mid-transaction (a full
            # edition is larger than any sensible cache) made every insert twice as slow.
            settings.append(("cache_spill", "OFF"))
        if not durable:
            settings.append(("synchronous", "OFF"))
        for pragma, value in settings:
            before = self.cursor.execute(f"PRAGMA {pragma}").fetchone()[0]
            self.restore.append((pragma, before))
            self.cursor.execute(f"PRAGMA {pragma} = {value}")

    def close(self):
        try:
            for pragma, value in self.restore:  # the connection goes back to the app's pool
                self.cursor.execute(f"PRAGMA {pragma} = {int(value)}")
            if self.journal is not None:
                try:
                    self.cursor.execute(f"PRAGMA journal_mode = {self.journal}")
                except Exception:  # locked: every new app connection sets WAL mode itself
                    pass
            self.cursor.close()
        finally:
            self.raw.close()

    def scalar(self, sql, params=()):
        self.cursor.execute(sql.replace("?", self.mark), params)
        row = self.cursor.fetchone()
        return row[0] if row else None

    def execute(self, sql, params=()):
        self.cursor.execute(sql.replace("?", self.mark), params)

    def delete_edition(self, edition_id, year, references):
        """Delete edition `edition_id`, every row that hangs off it (at any depth) and its
        demo register. Foreign-key checks, and so ON DELETE CASCADE, are off on this
        connection, so children are deleted explicitly, found in `references` ({table:
        [(child table, child column, parent column)]}, read from the live schema: tables
        added by later migrations are covered too). With short transactions a few thousand
        units (or persons) at a time."""
        others = (
            "id NOT IN (SELECT l.person_id FROM identity_link l JOIN sample_unit u "
            "ON u.id = l.sample_unit_id WHERE u.edition_id <> ?)"
        )
        persons = (f"register_id LIKE ? AND {others}", (f"demo-{year}-%", edition_id))
        if self.short:
            self._delete_in_batches(references, "sample_unit", "edition_id = ?", (edition_id,))
            self._delete_in_batches(references, "identity_person", *persons)
        else:
            self._delete_rows(references, "sample_unit", "edition_id = ?", (edition_id,))
            self._delete_rows(references, "identity_person", *persons)
        self._delete_rows(references, "edition", "id = ?", (edition_id,))

    def _delete_in_batches(self, references, table, condition, params):
        self.execute(f"SELECT id FROM {table} WHERE {condition}", params)
        ids = [row[0] for row in self.cursor.fetchall()]
        for start in range(0, len(ids), _DELETE_BATCH):
            batch = tuple(ids[start:start + _DELETE_BATCH])
            self._delete_rows(references, table, f"id IN ({', '.join('?' * len(batch))})", batch)
            self._yield()

    def _delete_rows(self, references, table, condition, params, depth=0):
        if depth > 5:
            raise RuntimeError(f"foreign keys nest deeper than 5 tables below {table}")
        for child, column, parent_column in references.get(table, []):
            self._delete_rows(
                references,
                child,
                f"{column} IN (SELECT {parent_column} FROM {table} WHERE {condition})",
                params,
                depth + 1,
            )
        self.execute(f"DELETE FROM {table} WHERE {condition}", params)

    def write_edition(self, year, seed, dates):
        """The edition record, its fieldwork period from `dates` (the edition's `calendar`)."""
        now = datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
        sql = (
            "INSERT INTO edition (year, title, fieldwork_start, fieldwork_end, seed, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)"
        )
        params = (
            year,
            f"Wijkprofiel {year} (demo)",
            dates.start.isoformat(),
            dates.end.isoformat(),
            seed % 2**31,
            now,
        )
        self.execute(sql, params)
        edition_id = int(self.scalar("SELECT id FROM edition WHERE year = ?", (year,)))
        self.edition = (edition_id, year)
        return edition_id

    def write_areas(self, wijken):
        self.execute("SELECT wijk_code FROM area")
        present = {row[0] for row in self.cursor.fetchall()}
        new = wijken[~wijken["wijk_code"].isin(present)]
        self.insert(
            "area", {"wijk_code": new["wijk_code"], "wijk": new["wijk"], "gebied": new["gebied"]}
        )
        return len(new)

    def write_margins(self, edition_id, margins):
        self.insert(
            "population_margin",
            {
                "edition_id": np.full(len(margins), edition_id),
                "wijk_code": margins["wijk_code"],
                "variable": margins["variable"],
                "category": margins["category"],
                "total": margins["total"],
            },
        )

    def insert(self, table, columns, progress=None):
        names = list(columns)
        values = [_python_values(columns[c]) for c in names]
        total = len(values[0]) if values else 0
        if total == 0:
            return
        if self.backend == "sqlite":
            row = f"({', '.join('?' * len(names))})"
            head = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
            # ROWS_PER_INSERT rows per statement: a third less CPU than a statement per row
            # (SQLite steps one statement instead of a hundred, Python binds one list)
            many = head + ", ".join([row] * ROWS_PER_INSERT)
            chunk = SHORT_CHUNK if self.short else CHUNK
            for begin in range(0, total, chunk):
                end = min(begin + chunk, total)
                whole = begin + (end - begin) // ROWS_PER_INSERT * ROWS_PER_INSERT
                if whole > begin:
                    block = np.empty((whole - begin, len(names)), dtype=object)
                    for j, column in enumerate(values):
                        block[:, j] = column[begin:whole]
                    self.cursor.executemany(
                        many, block.reshape(-1, len(names) * ROWS_PER_INSERT).tolist())
                if end > whole:
                    self.cursor.executemany(head + row,
                                            zip(*(v[whole:end] for v in values)))
                self._yield()
                if progress:
                    progress(end / total)
        else:
            # COPY's text format built a column at a time: far faster than write_row
            with self.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for begin in range(0, total, CHUNK):
                    copy.write(_copy_text([v[begin:begin + CHUNK] for v in values]))
                    if progress:
                        progress(min(begin + CHUNK, total) / total)
            if table == "identity_person":  # explicit ids: move the serial on past them
                self.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )

    def commit(self):
        self.raw.commit()
        self.began = time.perf_counter()

    def _yield(self):
        """With short transactions: commit once the lock has been held long enough, and
        pause so that a waiting writer gets it."""
        if self.short and time.perf_counter() - self.began >= TRANSACTION_SECONDS:
            self.raw.commit()
            time.sleep(PAUSE_SECONDS)
            self.began = time.perf_counter()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(columns):
    """Rows in PostgreSQL COPY text format: tab-separated, `\\N` for NULL, backslash, tab,
    newline and carriage return escaped. Joined in C (`str.join` over `zip`), which is what
    makes COPY beat `write_row` by far."""
    texts = []
    for values in columns:
        if all(type(v) is str for v in values):
            text, has_null = values, False
        else:
            text = [None if v is None else str(v) for v in values]
            has_null = None in text
        present = [v for v in text if v is not None] if has_null else text
        joined = "".join(present)
        if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
            text = [None if v is None else v.translate(_COPY_ESCAPES) for v in text]
        if has_null:
            text = ["\\N" if v is None else v for v in text]
        texts.append(text)
    return "\n".join(map("\t".join, zip(*texts))) + "\n"


def _python_values(column):
    """A column as a list of plain Python values (None for missing), as DBAPIs want them."""
    if isinstance(column, list):  # already plain (`survey.sampling.units.write_units`)
        return column
    if isinstance(column, pd.Series):
        if isinstance(column.dtype, pd.CategoricalDtype):  # labels taken by code, -1 -> None
            labels = np.append(column.cat.categories.to_numpy(dtype=object), None)
            return labels[column.cat.codes.to_numpy()].tolist()
        if pd.api.types.is_numeric_dtype(column.dtype) and not column.hasnans:
            return column.to_numpy().tolist()
        return column.to_numpy(dtype=object, na_value=None).tolist()
    return np.asarray(column).tolist()  # object arrays built here hold None, never NaN
