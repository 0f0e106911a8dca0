"""The one writer of sample units: a drawn or imported sample becomes `sample_unit` rows (one per
invited person: wijk, questionnaire, wave, inclusion probability and design weight, the
stratum's population, the register categories, the access code's hash) and the
`identity_link` rows that tie each unit to its person and personal code.

`survey.sampling.draw`, `survey.sampling.import_file` and the demo seed all write through
`write_units`, so a unit holds the same columns, computed the same way, however its sample came
about. The seed writes hundreds of thousands of rows and its fieldwork is already simulated:
it hands `write_units` its bulk writer (`bulk`) and the outcomes (`outcomes`).
"""

import numpy as np
import pandas as pd
from sqlalchemy import select

from survey.models import IdentityLink, SampleUnit
from survey.population.categories import CATEGORIES

__all__ = ["write_units", "taken_ids"]


OUTCOME_COLUMNS = ("status", "disposition", "mode", "questionnaire_version", "started_at",
                   "completed_at")
"""The columns of a unit's fieldwork, which a unit written as invited leaves at their
defaults."""


def write_units(db, edition_id: int, *, ids, wijk_codes, questionnaire_ids, waves,
                inclusion_probabilities, stratum_populations, categories: dict, code_hashes,
                person_ids, access_codes, outcomes: dict | None = None, bulk=None) -> int:
    """Insert the units of an edition and their identity links, invited and not yet contacted.

    Args:
        db: a session (unused when `bulk` is given).
        ids: the opaque unit ids (`survey.population.selection.unit_ids`), unused so far.
        wijk_codes, questionnaire_ids, waves: per unit.
        inclusion_probabilities: pi per unit; the design weight is 1 / pi.
        stratum_populations: N_h of each unit's wijk (at least 1).
        categories: register variable (`CATEGORIES`) -> per-unit category ('' or None when the
            register did not have it).
        code_hashes, access_codes, person_ids: per unit.
        outcomes: fieldwork already done, {column of `OUTCOME_COLUMNS`: value per unit} (the
            demo's simulated fieldwork); by default every unit is `invited`.
        bulk: a writer with `insert(table, columns, progress=None)` that writes whole columns
            at once (the demo seed's executemany/COPY writer), instead of the session.
    Returns:
        the number of units written.
    """
    unknown = set(outcomes or {}) - set(OUTCOME_COLUMNS)
    if unknown:
        raise ValueError(f"outcomes: {', '.join(sorted(unknown))} is not a fieldwork column; "
                         f"expected {', '.join(OUTCOME_COLUMNS)}")
    n = len(ids)
    if not n:
        return 0
    probability = np.asarray(inclusion_probabilities, dtype=float)
    columns = {
        "id": _plain(ids),
        "edition_id": [int(edition_id)] * n,
        "wijk_code": np.asarray(wijk_codes).astype(int).tolist(),
        "questionnaire_id": _plain(questionnaire_ids),
        "wave": np.asarray(waves).astype(int).tolist(),
        "inclusion_probability": probability.tolist(),
        "design_weight": (1.0 / probability).tolist(),
        "stratum_population": np.maximum(np.asarray(stratum_populations).astype(int), 1).tolist(),
        **{name: _plain(categories[name]) for name in CATEGORIES},
        "code_hash": _plain(code_hashes),
        "status": ["invited"] * n,
        **{name: _plain(values) for name, values in (outcomes or {}).items()},
    }
    links = {"sample_unit_id": columns["id"],
             "person_id": np.asarray(person_ids).astype(int).tolist(),
             "access_code": _plain(access_codes)}
    if bulk is not None:
        bulk.insert(SampleUnit.__tablename__, columns)
        bulk.insert(IdentityLink.__tablename__, links)
        return n
    db.execute(SampleUnit.__table__.insert(), _records(columns))
    db.execute(IdentityLink.__table__.insert(), _records(links))
    return n


def taken_ids(db, ids) -> set[str]:
    """Those of `ids` that are already unit ids (64-bit random ids: practically never)."""
    ids = list(ids)
    taken = set()
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        taken.update(db.scalars(select(SampleUnit.id).where(
            SampleUnit.id.in_(ids[start:start + 900]))))
    return taken


def _plain(values) -> list:
    """Per-unit values as a list, a value pandas holds as missing (NaN) as None (NULL)."""
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=object, na_value=None).tolist()
    return list(values)


def _records(columns: dict) -> list[dict]:
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]
