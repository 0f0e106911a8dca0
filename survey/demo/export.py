"""The analysis file of an edition: one row per completed sample unit, one column per variable.

Built from the statistics side only (`sample_unit`, `area`, `answer`): no identity table is
read, so no name, address, phone, register id or access code can end up in it. The weighting
plan's `data: db` reads it.
"""

import numpy as np
import pandas as pd
from sqlalchemy.engine import make_url

from survey import storage
from survey.errors import InputError

UNIT_COLUMNS = [
    "sample_unit_id",
    "wijk_code",
    "wijk",
    "gebied",
    "questionnaire_id",
    "mode",
    "design_weight",
    "stratum_population",
    "age_group",
    "sex",
    "migration_background",
    "household_type",
]
_CHUNK = 500_000

__all__ = ["UNIT_COLUMNS", "answers_frame"]


def answers_frame(url: str, edition_year: int | None = None) -> pd.DataFrame:
    """Completed units with their design, auxiliaries and answers, wide.

    Args:
        url: database URL.
        edition_year: the edition (default: the latest in the database).
    Returns:
        DataFrame ordered by sample_unit_id with `UNIT_COLUMNS`, then one column per answered
        variable in questionnaire order (as the answers were saved). Answers are the stored
        text: a number as its digits, a multiple choice as its values separated by spaces, a
        non-substantive answer such as "weet_niet" as itself; None where a unit has no answer
        (not asked, or skipped). Use `pd.to_numeric` for numbers.
    Raises:
        InputError: the database has no such edition (or none at all).

    >>> frame = answers_frame("sqlite:///instance/wijkprofiel.db")     # doctest: +SKIP
    >>> frame[["wijk", "design_weight", "buurt_cijfer"]].head(1)       # doctest: +SKIP
             wijk  design_weight buurt_cijfer
    0  Spangen       7.81             7
    """
    engine = storage.get_engine(url)
    backend = make_url(url).get_backend_name()
    mark = "?" if backend == "sqlite" else "%s"
    chr_ = "char" if backend == "sqlite" else "chr"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if edition_year is None:
            cursor.execute("SELECT id, year FROM edition ORDER BY year DESC LIMIT 1")
        else:
            cursor.execute(f"SELECT id, year FROM edition WHERE year = {mark}", (edition_year,))
        row = cursor.fetchone()
        if row is None:
            which = "no edition" if edition_year is None else f"no edition {edition_year}"
            raise InputError(
                make_url(url).render_as_string(hide_password=True),
                f"{which}; seed one with `wijkprofiel demo seed`",
            )
        edition_id = row[0]
        cursor.execute(
            "SELECT su.id, su.wijk_code, a.wijk, a.gebied, su.questionnaire_id, su.mode, "
            "su.design_weight, su.stratum_population, su.age_group, su.sex, "
            "su.migration_background, su.household_type "
            "FROM sample_unit su JOIN area a ON a.wijk_code = su.wijk_code "
            f"WHERE su.edition_id = {mark} AND su.status = 'completed' ORDER BY su.id",
            (edition_id,),
        )
        units = pd.DataFrame(cursor.fetchall(), columns=UNIT_COLUMNS, dtype=object)
        unit_index = pd.Index(units["sample_unit_id"])
        aggregate = "group_concat" if backend == "sqlite" else "string_agg"
        cursor.execute(
            f"SELECT an.sample_unit_id, {aggregate}(an.variable || {chr_}(31) || "
            f"COALESCE(an.value, {chr_}(29)), {chr_}(30)) FROM answer an "
            "JOIN sample_unit su ON su.id = an.sample_unit_id "
            f"WHERE su.edition_id = {mark} AND su.status = 'completed' "
            "GROUP BY an.sample_unit_id",
            (edition_id,),
        )
        wide = _pivot(cursor.fetchall(), unit_index)
        if wide is None:  # an answer holds a separator character: take the slow road
            cursor.execute(
                "SELECT an.sample_unit_id, an.variable, an.value FROM answer an "
                "JOIN sample_unit su ON su.id = an.sample_unit_id "
                f"WHERE su.edition_id = {mark} AND su.status = 'completed' ORDER BY an.id",
                (edition_id,),
            )
            wide = _pivot_rows(cursor.fetchall(), unit_index)
        raw.rollback()
    finally:
        raw.close()

    units = units.astype(
        {"wijk_code": np.int64, "design_weight": float, "stratum_population": np.int64}
    )
    return pd.concat([units, wide], axis=1)


_UNIT, _RECORD, _NULL = "\x1f", "\x1e", "\x1d"


def _pivot(aggregated, unit_index):
    """The wide table from one row per unit: its id and its answers as
    `variable US value RS variable US value ...` (ASCII unit/record separators, GS for NULL),
    in saving order. Splitting one long string is far faster than fetching millions of rows.
    Returns None if an answer itself holds a separator (never in practice)."""
    if not aggregated:
        return _wide([], [], [], [], unit_index)
    ids, blobs = zip(*aggregated)
    lengths = np.array([blob.count(_RECORD) + 1 for blob in blobs], dtype=np.int64)
    parts = _RECORD.join(blobs).replace(_RECORD, _UNIT).split(_UNIT)
    if len(parts) != 2 * lengths.sum():
        return None
    variables = parts[0::2]
    values = np.array(parts[1::2], dtype=object)
    values[values == _NULL] = None
    row = np.repeat(unit_index.get_indexer(list(ids)), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    relative = (np.arange(len(row)) - starts) / np.repeat(np.maximum(lengths - 1, 1), lengths)
    return _wide(row, variables, values, relative, unit_index)


def _pivot_rows(rows, unit_index):
    """The same from plain (unit id, variable, value) rows in saving order."""
    if not rows:
        return _wide([], [], [], [], unit_index)
    units, variables, values = (list(c) for c in zip(*rows))
    row = unit_index.get_indexer(units)
    codes = pd.Series(row).groupby(row).cumcount().to_numpy()
    counts = np.bincount(row, minlength=len(unit_index))[row]
    relative = codes / np.maximum(counts - 1, 1)
    return _wide(row, variables, np.array(values, dtype=object), relative, unit_index)


def _wide(row, variables, values, relative, unit_index):
    """Fill a units x variables table in one assignment; columns in the order variables
    come in the units' answer sequences (mean relative position), which is the order of the
    questionnaire."""
    n = len(unit_index)
    codes, names = pd.factorize(np.array(variables, dtype=object))
    matrix = np.full((n, len(names)), None, dtype=object)
    if len(codes):
        matrix[np.asarray(row), codes] = values
    # astype: numpy gives an int array for no answers at all (an edition without completes)
    position = np.bincount(codes, np.asarray(relative, dtype=float),
                           minlength=len(names)).astype(float)
    position /= np.maximum(np.bincount(codes, minlength=len(names)), 1)
    order = np.argsort(position, kind="stable")
    return pd.DataFrame(
        {str(names[k]): matrix[:, k] for k in order}, index=pd.RangeIndex(n), dtype=object
    )
