"""Import a register extract or an already drawn sample from CSV or Excel.

Three steps, which the command line and the staff pages share:

1. `weighting.tables.read_table(content, source)`: a CSV file (UTF-8 with or without BOM, or
   Windows-1252; comma, semicolon or tab, detected from the header line) or an Excel workbook
   (.xlsx, the first sheet), header in the first row. Row numbers count the header as row 1,
   as a spreadsheet shows them.
2. `survey.sampling.fields.guess_mapping(headers, kind)`: which of the file's columns holds each of our fields,
   guessed from common Dutch and English header names (`FIELDS`); the caller may change it.
3. `survey.sampling.checks.check(table, mapping, kind, context)`: every row checked, every error kept (file, row,
   column, what is wrong and what was expected): a missing or unknown wijk, an impossible
   birth date, a duplicate person, an unknown category... `store(db, result, ...)` (this
   module) then writes it in the caller's transaction; `import_file` does all of it and stores nothing
   unless the whole file is valid.

A register extract (kind `register`) becomes the persons of `identity_person` (a person
already there, by register id, is updated: a newer extract has the newer address) and the
frame of the edition (`identity_frame_member`), from which `survey.sampling.draw` draws; its
margins per wijk are written to `population_margin`. An already drawn sample (kind `sample`)
also needs the questionnaire, optionally the wave, and the inclusion probability of each
person; each row becomes a sample unit with design weight 1/inclusion probability, a fresh
access code and an identity link.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, func, select

from survey.access_codes import code_hash, new_codes
from survey.errors import InputError
from survey.models import (Area, IdentityFrameMember, IdentityPerson, PopulationMargin,
                           SampleBatch, SampleUnit)
from survey.population.categories import CATEGORIES
from survey.population.selection import unit_ids
from survey.editions import edition_for
from survey.population.wijken import load_wijken
from survey.sampling import units
from survey.sampling.checks import CheckResult, FileErrors, check, load_context
from survey.sampling.fields import fields_for, guess_mapping
from survey.sampling.frame import write_margins
from weighting.tables import read_path, read_table

__all__ = ["ImportSummary", "store", "import_file", "add_areas"]


@dataclass
class ImportSummary:
    batch_id: int
    kind: str
    edition_year: int
    rows: int
    persons_added: int
    persons_updated: int
    units: int
    margins: int
    left_out_young: int = 0
    contacts_updated: int = 0
    notices: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- storing


def store(db, result: CheckResult, edition_year: int, *, reference_date: date,
          created_by: str | None = None, secret_rng: np.random.Generator | None = None
          ) -> ImportSummary:
    """Write a checked file in the caller's transaction (see the module docstring).

    Raises:
        FileErrors: `result` has errors (nothing is written).
    """
    if not result.ok:
        raise FileErrors(result)
    frame = result.frame
    edition = edition_for(db, edition_year)
    if result.kind == "contact":
        return _store_contacts(db, result, edition, reference_date, created_by)
    secret_rng = secret_rng or np.random.default_rng(secrets.randbits(128))
    units_now = db.scalar(select(func.count()).select_from(SampleUnit)
                          .where(SampleUnit.edition_id == edition.id))
    if result.kind == "register" and units_now:
        # checked before too; here again, since a draw may have happened since the check
        raise InputError(result.source, f"edition {edition_year} already has a sample of "
                         f"{units_now} units; a new register extract would replace its margins. "
                         "Import phone numbers and corrected addresses as contact data")
    add_areas(db, set(frame["wijk_code"].tolist()))

    person_ids, added, updated = _upsert_persons(db, frame)
    batch = SampleBatch(edition_id=edition.id, kind=result.kind, source_name=result.source[:200],
                        sha256=result.sha256 or None, rows=len(frame),
                        reference_date=reference_date, created_by=created_by)
    db.add(batch)
    db.flush()
    units = margins = 0
    if result.kind == "register":
        _insert_rows(db, IdentityFrameMember.__table__,
                     {"batch_id": [batch.id] * len(person_ids),
                      "person_id": person_ids.astype(int).tolist()})
        margins = write_margins(db, edition.id, frame)
    else:
        units = _write_units(db, edition.id, frame, person_ids, secret_rng)
    batch.detail = (f"persons added {added}, updated {updated}; units {units}; "
                    f"margins {margins}; under 15 left out {result.left_out_young}")
    return ImportSummary(batch.id, result.kind, edition_year, len(frame), added, updated,
                         units, margins, result.left_out_young, 0, list(result.notices))


def _store_contacts(db, result, edition, reference_date, created_by) -> ImportSummary:
    """Update phone and address of drawn persons; nothing else (no frame, no margins)."""
    frame = result.frame
    ids = _existing_ids(db, frame["register_id"].tolist())
    table = IdentityPerson.__table__
    mapped = {name for name, header in result.mapping.items() if header}
    changed = 0
    for record in frame.to_dict("records"):
        values = {}
        if "phone" in mapped and record["phone"] is not None:
            values["phone"] = record["phone"]
        if record.get("_address"):
            for name in ("street", "house_number", "postcode"):
                values[name] = record[name]
            # a corrected address replaces the old one whole: no stale huisletter or woonplaats
            for name in ("house_letter", "house_number_addition", "city"):
                values[name] = record[name]
        if values:
            db.execute(table.update().where(table.c.id == ids[record["register_id"]])
                       .values(values))
            changed += 1
    batch = SampleBatch(edition_id=edition.id, kind="contact", source_name=result.source[:200],
                        sha256=result.sha256 or None, rows=len(frame),
                        reference_date=reference_date, created_by=created_by,
                        detail=f"contact data of {changed} drawn persons; margins untouched")
    db.add(batch)
    db.flush()
    return ImportSummary(batch.id, "contact", edition.year, len(frame), 0, changed, 0, 0, 0,
                         changed, list(result.notices))


def add_areas(db, codes):
    """Add the CBS wijken among `codes` that the area table does not have yet."""
    present = set(db.scalars(select(Area.wijk_code)))
    missing = codes - present
    if missing:
        cbs = load_wijken().set_index("wijk_code")
        for code in sorted(missing):
            db.add(Area(wijk_code=int(code), wijk=cbs.at[code, "wijk"],
                        gebied=cbs.at[code, "gebied"]))
        db.flush()


_PERSON_COLUMNS = ["given_name", "name_prefix", "family_name", "street", "house_number",
                   "house_letter", "house_number_addition", "postcode", "city", "phone",
                   "wijk_code", "birth_date", "sex", "migration_background", "household_type"]


def _insert_rows(db, table, columns: dict[str, list]) -> None:
    """INSERT through the driver's executemany: a full register (535,000 persons) is written
    in seconds, where SQLAlchemy's parameter handling per row would take half a minute. Dates
    go as ISO text, which both SQLite (SQLAlchemy's own format) and PostgreSQL accept."""
    connection = db.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    values = [[v.isoformat() if isinstance(v, date) else v for v in column]
              if any(isinstance(v, date) for v in column[:1]) else column
              for column in columns.values()]
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    connection.exec_driver_sql(sql, list(zip(*values)))


def _existing_ids(db, register_ids) -> dict[str, int]:
    """{register id: person id} of those already in `identity_person`."""
    if len(register_ids) > 5000:  # one scan beats hundreds of IN (...) queries
        wanted = set(register_ids)
        rows = db.connection().exec_driver_sql("SELECT register_id, id FROM identity_person")
        return {r: i for r, i in rows if r in wanted}
    found = {}
    for begin in range(0, len(register_ids), 900):
        chunk = register_ids[begin:begin + 900]
        found.update(db.execute(select(IdentityPerson.register_id, IdentityPerson.id)
                                .where(IdentityPerson.register_id.in_(chunk))).all())
    return found


def _upsert_persons(db, frame):
    register_ids = frame["register_id"].tolist()
    existing = _existing_ids(db, register_ids)
    names = ["register_id", *_PERSON_COLUMNS]
    columns = {name: frame[name].tolist() for name in names}
    columns["wijk_code"] = [int(code) for code in columns["wijk_code"]]
    records = [dict(zip(names, row)) for row in zip(*(columns[name] for name in names))]
    new = [r for r in records if r["register_id"] not in existing]
    old = [{**r, "b_id": existing[r["register_id"]]} for r in records
           if r["register_id"] in existing]
    table = IdentityPerson.__table__
    if new:
        _insert_rows(db, table, {name: [r[name] for r in new] for name in names})
    if old:
        db.execute(table.update().where(table.c.id == bindparam("b_id"))
                   .values({name: bindparam(name) for name in _PERSON_COLUMNS}), old)
    ids = _existing_ids(db, register_ids) if new else existing
    return np.array([ids[r] for r in register_ids], dtype=np.int64), len(new), len(old)


def _write_units(db, edition_id, frame, person_ids, secret_rng):
    n = len(frame)
    probability = frame["inclusion_probability"].to_numpy(dtype=float)
    wijk = frame["wijk_code"].to_numpy()
    # N_h: the register margins' count where a register of this edition was imported, else
    # the Horvitz-Thompson estimate sum(1/pi) of the wijk's units in this file (= n_h/pi_h, the
    # population, when pi is the same within the wijk as in a stratified SRS)
    registered = dict(db.execute(
        select(PopulationMargin.wijk_code, func.sum(PopulationMargin.total))
        .where(PopulationMargin.edition_id == edition_id,
               PopulationMargin.variable == "age_group")
        .group_by(PopulationMargin.wijk_code)).all())
    estimate = pd.Series(1 / probability).groupby(wijk).sum()
    population = {int(h): int(round(registered.get(int(h)) or estimate[h])) for h in estimate.index}
    candidates = unit_ids(secret_rng, n + 8)
    taken = units.taken_ids(db, candidates)
    ids = [i for i in candidates if i not in taken][:n]
    codes = new_codes(secret_rng, n)
    return units.write_units(
        db, edition_id, ids=ids, wijk_codes=wijk, questionnaire_ids=frame["questionnaire_id"],
        waves=frame["wave"], inclusion_probabilities=probability,
        stratum_populations=[population[int(h)] for h in wijk],
        categories={name: frame[name].tolist() for name in CATEGORIES},
        code_hashes=[code_hash(c) for c in codes], person_ids=person_ids, access_codes=codes)


def import_file(db, path, kind: str, edition_year: int, *, mapping=None,
                reference_date: date | None = None, created_by: str | None = None,
                source: str | None = None, content: bytes | None = None) -> ImportSummary:
    """Read, check and store a file in the caller's transaction: all of it or nothing (the
    caller's block rolls back on FileErrors).

    Args:
        db: a session.
        path: the file (or give `content` and `source`).
        kind: `register` or `sample`.
        edition_year: the edition it belongs to (created if new).
        mapping: {field: header} overriding the guessed mapping for those fields.
        reference_date: the register's date, for ages (default 1 January of the year before).
        created_by: who, for the batch row.
    Returns:
        an `ImportSummary`.
    Raises:
        InputError: the file cannot be read; FileErrors: rows with errors (all listed).
    """
    table = read_table(content, source) if content is not None else read_path(path)
    guessed = guess_mapping(table.headers, kind)
    guessed.update({k: v for k, v in (mapping or {}).items()})
    unknown = set(mapping or {}) - {f.name for f in fields_for(kind)}
    if unknown:
        raise InputError("--map", f"{', '.join(sorted(unknown))} is not a field of a {kind} "
                         f"file; the fields are {', '.join(f.name for f in fields_for(kind))}")
    context = load_context(db, kind, edition_year, reference_date)
    result = check(table, guessed, kind, context)
    if not result.ok:
        raise FileErrors(result)
    return store(db, result, edition_year, reference_date=context.reference_date,
                 created_by=created_by)
