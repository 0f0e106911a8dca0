"""The analysis-ready answers of an edition: one row per completed unit, one column per
variable, stored in the database as a columnar snapshot and kept current incrementally.

Why: the answers are stored long (one row per unit and variable, about 4.5 million rows for a
full edition); pivoting them to a wide table took most of the report's time. A completed
unit's answers never change again (the answer store refuses a closed unit, see
`survey.respondent.store`), so the wide table only grows: each read compares the edition's
completed units with the snapshot, pivots just the units completed since (or whose completion
changed, as after a reseed), drops units that are gone, and stores the snapshot again when it
changed. The first read of an edition builds it (a few seconds); later reads decode it.

Snapshot layout (`analysis_snapshot.payload`: NumPy's npz, zlib-compressed, never pickled
objects):
- `unit_ids`, `stamps`: the units (in id order) and the completion time each row was built
  from (ISO text);
- `codes`: units x variables, integer codes into the variable's categories, -1 = no answer;
- `meta`: JSON with the variable names and each variable's categories (the distinct stored
  texts, sorted).

`read_edition` returns the variables as pandas Categoricals of the stored text: exact (the
text is kept) and typed, since a number, a choice or a code list is decided once per distinct
answer instead of once per respondent.
"""

from __future__ import annotations

import io
import json
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select

from survey.models import AnalysisSnapshot, Answer, SampleUnit

FORMAT = 1
"""Raised when the payload's layout changes: an older snapshot is then rebuilt."""
BUILD_UNITS = 4000  # units pivoted at a time
_IN_LIST = 500  # unit ids per IN (...)
_SEP_FIELD, _SEP_RECORD = "\x1f", "\x1e"
# a stored text travels as "t" + text, a NULL as "n", so that no text can pass for a NULL
_TEXT, _NULL = "t", "n"


@dataclass
class WideAnswers:
    """The answers of some units, wide: `codes[i, j]` indexes `categories[j]` (-1: none)."""

    unit_ids: np.ndarray  # str, sorted
    stamps: np.ndarray  # str, completion time per unit
    variables: list
    categories: list  # per variable: list of str, sorted
    codes: np.ndarray  # int32, units x variables

    @classmethod
    def empty(cls) -> "WideAnswers":
        return cls(np.array([], dtype=str), np.array([], dtype=str), [], [],
                   np.zeros((0, 0), dtype=np.int32))

    def take(self, rows: np.ndarray) -> "WideAnswers":
        return WideAnswers(self.unit_ids[rows], self.stamps[rows], self.variables,
                           self.categories, self.codes[rows])

    def column(self, j: int) -> pd.Categorical:
        return pd.Categorical.from_codes(self.codes[:, j], self.categories[j], validate=False)


def read_edition(db, edition_id: int, conditions, unit_ids, stamps, source=None) -> WideAnswers:
    """The wide answers of the edition's completed units, bringing the stored snapshot up to
    date first (rows in unit id order; align by `unit_ids`).

    Args:
        db: a session in a transaction (`storage.transaction`); the snapshot is written in it.
        edition_id: the edition.
        conditions: SQL conditions selecting the completed units (`AnswersQuery.conditions()`).
        unit_ids, stamps: those units' ids and completion times (text), as just selected.
        source: (ids, stamps) -> WideAnswers of those units, for answers already in memory
            (`from_long`, after a bulk write); default: pivot them from the answer table.
    """
    ids = np.asarray(unit_ids, dtype=str)
    stamps = np.asarray(stamps, dtype=str)
    order = np.argsort(ids, kind="stable")
    ids, stamps = ids[order], stamps[order]
    stored = _load(db.scalar(select(AnalysisSnapshot.payload)
                             .where(AnalysisSnapshot.edition_id == edition_id,
                                    AnalysisSnapshot.format == FORMAT)))
    # rows of the snapshot still valid: same unit, same completion
    position = pd.Index(stored.unit_ids).get_indexer(ids)
    valid = position >= 0
    valid[valid] = stored.stamps[position[valid]] == stamps[valid]
    if valid.all() and len(ids) == len(stored.unit_ids):
        return stored  # no unit new, changed or gone: the usual case, with no copy made
    kept = stored.take(position[valid])
    new_ids = ids[~valid]
    # a few thousand units at a time, so that a first build holds no more than that many
    # units' answers as text (all 4.5 million at once took a gigabyte)
    merged, new_stamps = kept, stamps[~valid]
    if source is not None and len(new_ids):
        fresh = source(new_ids, new_stamps)
        # a first build has nothing to merge with (merging copies the whole table)
        merged = fresh if len(merged.unit_ids) == 0 else _merge(merged, fresh)
        new_ids = new_ids[:0]
    for start in range(0, len(new_ids), BUILD_UNITS):
        chunk = new_ids[start:start + BUILD_UNITS]
        merged = _merge(merged, _pivot_units(db, conditions, list(chunk), chunk,
                                             new_stamps[start:start + BUILD_UNITS]))
    db.execute(delete(AnalysisSnapshot).where(AnalysisSnapshot.edition_id == edition_id))
    db.add(AnalysisSnapshot(edition_id=edition_id, format=FORMAT, units=len(merged.unit_ids),
                            payload=_dump(merged)))
    db.flush()
    return merged


def from_long(ids, stamps, units, variables, values) -> WideAnswers:
    """The wide answers of units `ids` (sorted) from long answer columns held in memory (one
    entry per stored answer: unit id, variable, text or None); answers of other units are
    ignored. The same table as pivoting those rows from the database, built by hashing each
    column once instead of a query per few hundred units.

    Units, variables and texts are factorised over the whole columns (a few million entries,
    but only thousands of distinct values), so the per-variable work (sorting a variable's
    texts) runs on the distinct (variable, text) pairs, not on the answers."""
    ids = np.asarray(ids, dtype=str)
    unit_codes, unit_names = pd.factorize(np.asarray(units, dtype=object))
    # the distinct units looked up once; an answer's row follows from its unit's code
    rows = pd.Index(ids, dtype=object).get_indexer(unit_names)[unit_codes] if len(unit_names) \
        else np.zeros(0, dtype=np.int64)
    variables = np.asarray(variables, dtype=object)
    values = np.asarray(values, dtype=object)
    kept = rows >= 0
    if not kept.all():
        rows, variables, values = rows[kept], variables[kept], values[kept]
    variable_codes, names = pd.factorize(variables)
    # the variables sorted, as `_assemble` orders them (sorting the few hundred names, not
    # the millions of codes: `factorize(sort=True)` cost more than the hashing)
    by_name = np.argsort(np.asarray(names, dtype=str), kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(names))
    variable_codes, names = rank[variable_codes], np.asarray(names, dtype=object)[by_name]
    # a NULL answer is no answer (-1), as in `_assemble`
    value_codes, texts = pd.factorize(values)
    stride = len(texts) + 1
    pair_codes, pairs = pd.factorize(variable_codes.astype(np.int64) * stride + value_codes + 1)
    pair_variable, pair_value = pairs // stride, pairs % stride - 1
    # per variable, its texts sorted (as `_assemble` sorts them): a code per pair
    pair_code = np.full(len(pairs), -1, dtype=np.int32)
    categories = []
    by_variable = np.argsort(pair_variable, kind="stable")
    bounds = np.searchsorted(pair_variable[by_variable], np.arange(len(names) + 1))
    for j in range(len(names)):
        members = by_variable[bounds[j]:bounds[j + 1]]
        members = members[pair_value[members] >= 0]
        member_texts = [str(texts[k]) for k in pair_value[members]]
        order = sorted(range(len(members)), key=member_texts.__getitem__)
        categories.append([member_texts[k] for k in order])
        pair_code[members[order]] = np.arange(len(order), dtype=np.int32)
    codes = np.full((len(ids), len(names)), -1, dtype=np.int32)
    codes[rows, variable_codes] = pair_code[pair_codes]
    return WideAnswers(ids, np.asarray(stamps, dtype=str), [str(name) for name in names],
                       categories, codes)


def _pivot_units(db, conditions, only, ids, stamps) -> WideAnswers:
    """The wide answers of units `ids` (sorted; `only`, the same as a list) from the long
    answer table."""
    blobs = {}
    record = func.aggregate_strings(
        Answer.variable + _SEP_FIELD + func.coalesce(_TEXT + Answer.value, _NULL), _SEP_RECORD)
    base = (select(Answer.sample_unit_id, record, func.count())
            .join(SampleUnit, SampleUnit.id == Answer.sample_unit_id).where(*conditions)
            .group_by(Answer.sample_unit_id))
    for i in range(0, len(only), _IN_LIST):
        statement = base.where(Answer.sample_unit_id.in_(only[i:i + _IN_LIST]))
        blobs.update((unit, (blob, count)) for unit, blob, count in db.execute(statement))
    found = [blobs.get(unit, ("", 0)) for unit in ids]
    wide = _pivot_blobs(ids, [blob for blob, _ in found], [count for _, count in found])
    if wide is None:  # an answer holds a separator character: the slow, exact road
        rows = []
        for i in range(0, len(only), _IN_LIST):
            rows += db.execute(select(Answer.sample_unit_id, Answer.variable, Answer.value)
                               .join(SampleUnit, SampleUnit.id == Answer.sample_unit_id)
                               .where(*conditions,
                                      Answer.sample_unit_id.in_(only[i:i + _IN_LIST]))).all()
        wide = _pivot_triples(ids, rows)
    wide.stamps = np.asarray(stamps, dtype=str)
    return wide


def _pivot_blobs(ids, blobs, counts) -> WideAnswers | None:
    """From one `variable US t value RS variable US n ...` text per unit (n: NULL) and its number of
    answers. Each record is factorised whole, so the text is split only for the distinct
    (variable, value) pairs. None when an answer holds a separator: then a unit has more
    records than answers, or a record more than one US."""
    lengths = np.array(counts, dtype=np.int64)
    found = np.array([blob.count(_SEP_RECORD) + 1 if blob else 0 for blob in blobs],
                     dtype=np.int64)
    if not np.array_equal(found, lengths):
        return None
    records = _SEP_RECORD.join(blob for blob in blobs if blob).split(_SEP_RECORD) if lengths.sum() else []
    pair_codes, pairs = pd.factorize(np.array(records, dtype=object))
    split = [pair.split(_SEP_FIELD) for pair in pairs]
    if any(len(parts) != 2 for parts in split):
        return None
    rows = np.repeat(np.arange(len(ids)), lengths)
    pair_variable = [parts[0] for parts in split]
    pair_value = [None if parts[1] == _NULL else parts[1][1:] for parts in split]
    return _assemble(ids, rows, pair_codes, pair_variable, pair_value)


def _pivot_triples(ids, found) -> WideAnswers:
    """The same from plain (unit id, variable, value) rows."""
    if not found:
        return _assemble(ids, np.array([], dtype=np.int64), np.array([], dtype=np.int64), [], [])
    units, variables, values = (list(c) for c in zip(*found))
    rows = pd.Index(ids).get_indexer(units)
    pairs = pd.MultiIndex.from_arrays([variables, [_NULL if v is None else _TEXT + v for v in values]])
    pair_codes, uniques = pd.factorize(pairs)
    pair_variable = list(uniques.get_level_values(0))
    pair_value = [None if v == _NULL else v[1:] for v in uniques.get_level_values(1)]
    return _assemble(ids, rows, pair_codes, pair_variable, pair_value)


def _assemble(ids, rows, pair_codes, pair_variable, pair_value) -> WideAnswers:
    """Scatter the pairs into a units x variables code matrix."""
    variable_codes, variables = pd.factorize(np.array(pair_variable, dtype=object))
    variables = sorted(variables)
    variable_codes = pd.Index(variables).get_indexer(np.array(pair_variable, dtype=object))
    categories, value_codes = [], np.full(len(pair_value), -1, dtype=np.int32)
    for j in range(len(variables)):
        members = np.flatnonzero(variable_codes == j)
        texts = sorted({pair_value[p] for p in members if pair_value[p] is not None})
        categories.append(texts)
        lookup = {text: code for code, text in enumerate(texts)}
        for p in members:
            if pair_value[p] is not None:
                value_codes[p] = lookup[pair_value[p]]
    codes = np.full((len(ids), len(variables)), -1, dtype=np.int32)
    if len(pair_codes):
        codes[rows, variable_codes[pair_codes]] = value_codes[pair_codes]
    return WideAnswers(np.asarray(ids, dtype=str), np.array([""] * len(ids), dtype=str),
                       variables, categories, codes)


def _merge(a: WideAnswers, b: WideAnswers) -> WideAnswers:
    """Rows of both (disjoint units), in unit id order, over the union of their variables and
    categories."""
    variables = sorted(set(a.variables) | set(b.variables))
    categories = []
    for name in variables:
        texts = set()
        for part in (a, b):
            if name in part.variables:
                texts.update(part.categories[part.variables.index(name)])
        categories.append(sorted(texts))
    blocks = []
    for part in (a, b):
        block = np.full((len(part.unit_ids), len(variables)), -1, dtype=np.int32)
        for j, name in enumerate(part.variables):
            target = variables.index(name)
            remap = np.append(pd.Index(categories[target]).get_indexer(part.categories[j]), -1)
            block[:, target] = remap[part.codes[:, j]]  # code -1 picks the appended -1
        blocks.append(block)
    unit_ids = np.concatenate([a.unit_ids, b.unit_ids])
    order = np.argsort(unit_ids, kind="stable")
    return WideAnswers(unit_ids[order], np.concatenate([a.stamps, b.stamps])[order],
                       variables, categories, np.vstack(blocks)[order])


def _dump(wide: WideAnswers) -> bytes:
    meta = json.dumps({"variables": wide.variables, "categories": wide.categories},
                      ensure_ascii=False).encode("utf-8")
    small = all(len(c) < 32000 for c in wide.categories)
    buffer = io.BytesIO()
    np.savez(buffer, unit_ids=wide.unit_ids, stamps=wide.stamps,
                        codes=wide.codes.astype(np.int16 if small else np.int32),
                        meta=np.frombuffer(meta, dtype=np.uint8))
    # zlib level 1: a tenth of the size (mostly -1 and small codes) at a tenth of the
    # default level's time
    return zlib.compress(buffer.getvalue(), 1)


def _load(payload: bytes | None) -> WideAnswers:
    if not payload:
        return WideAnswers.empty()
    with np.load(io.BytesIO(zlib.decompress(payload)), allow_pickle=False) as data:
        meta = json.loads(data["meta"].tobytes().decode("utf-8"))
        return WideAnswers(data["unit_ids"], data["stamps"], meta["variables"],
                           meta["categories"], data["codes"].astype(np.int32))
