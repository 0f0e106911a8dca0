"""Bulk writes of a demo edition on one DBAPI connection, bypassing the ORM: `executemany` on
SQLite (one transaction, rows ordered by primary key so that the indexes are appended to) and
`COPY` on PostgreSQL. A seed writes millions of rows; through the ORM that took minutes.

On SQLite the writer's own connection gets settings for the bulk load, put back on `close`
(the connection returns to the app's pool): foreign-key checks off (the rows are consistent
by construction) and no spilling of the cache mid-transaction. Durability is untouched
(`synchronous` as `survey.storage` sets it for the app) unless the caller opens the writer
with `durable=False`, for a new demo database that holds nothing a power cut could cost:
then the load skips the disk syncs (`synchronous = OFF` on this connection only; the
commit's pages go to the operating system's cache and reach the disk in the background).
"""

from datetime import datetime

import numpy as np
import pandas as pd

from survey.demo.responses import FIELDWORK_END, FIELDWORK_START

__all__ = ["BulkWriter", "CHUNK"]

CHUNK = 50_000


class BulkWriter:
    """Bulk writes on one DBAPI connection: executemany (SQLite) or COPY (PostgreSQL),
    from `open` to `close` (after `commit`) or `abort`."""

    @classmethod
    def open(cls, engine, backend, durable=True):
        return cls(engine.raw_connection(), backend, durable)

    def abort(self):
        try:
            self.raw.rollback()
        finally:
            self.close()

    def __init__(self, raw, backend, durable=True):
        self.raw = raw
        self.backend = backend
        self.mark = "?" if backend == "sqlite" else "%s"
        self.cursor = raw.cursor()
        self.restore = []
        if backend == "sqlite":
            # the rows are consistent by construction; checking each answer's sample unit
            # would double the write time. Without spilling, the pages written stay in memory
            # until the commit writes them once: a spill to the WAL mid-transaction (a full
            # edition is larger than any sensible cache) made every insert twice as slow.
            settings = [("foreign_keys", "OFF"), ("cache_spill", "OFF")]
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
        added by later migrations are covered too)."""
        others = (
            "id NOT IN (SELECT l.person_id FROM identity_link l JOIN sample_unit u "
            "ON u.id = l.sample_unit_id WHERE u.edition_id <> ?)"
        )
        self._delete_rows(references, "sample_unit", "edition_id = ?", (edition_id,))
        self._delete_rows(
            references,
            "identity_person",
            f"register_id LIKE ? AND {others}",
            (f"demo-{year}-%", edition_id),
        )
        self._delete_rows(references, "edition", "id = ?", (edition_id,))

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

    def write_edition(self, year, seed):
        now = datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
        sql = (
            "INSERT INTO edition (year, title, fieldwork_start, fieldwork_end, seed, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)"
        )
        params = (
            year,
            f"Wijkprofiel {year} (demo)",
            # other years (tests, a second demo round) get the same months a year earlier
            FIELDWORK_START.replace(year=year - 1).isoformat(),
            FIELDWORK_END.replace(year=year - 1).isoformat(),
            seed % 2**31,
            now,
        )
        self.execute(sql, params)
        return int(self.scalar("SELECT id FROM edition WHERE year = ?", (year,)))

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
            sql = (
                f"INSERT INTO {table} ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))})"
            )
            for begin in range(0, total, CHUNK):
                rows = zip(*(v[begin:begin + CHUNK] for v in values))
                self.cursor.executemany(sql, rows)
                if progress:
                    progress(min(begin + CHUNK, total) / total)
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
