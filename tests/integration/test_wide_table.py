"""The analysis frame comes from the edition's wide snapshot, which is built once and then
follows the fieldwork: a unit that completes later joins it, a unit that is gone leaves it,
and the frame always equals a fresh pivot of the long answer table."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, func, select, update

from survey import storage
from survey.fieldwork import wide_table
from survey.fieldwork.answers import UNIT_COLUMNS, analysis_frame, answers_frame
from survey.models import AnalysisSnapshot, Answer, SampleUnit
from tests.support.fieldwork_data import add_edition, read_at


def _long_pivot(url):
    """The answers of the completed units pivoted the plain way, as the reference."""
    with storage.transaction(url) as db:
        rows = db.execute(select(Answer.sample_unit_id, Answer.variable, Answer.value)
                          .join(SampleUnit, SampleUnit.id == Answer.sample_unit_id)
                          .where(SampleUnit.status == "completed")).all()
    table = pd.DataFrame(rows, columns=["unit", "variable", "value"])
    return table.pivot(index="unit", columns="variable", values="value")


def _answers(frame):
    return (frame.set_index("sample_unit_id")[list(frame.columns[len(UNIT_COLUMNS):])]
            .astype(object).where(lambda f: f.notna(), None).sort_index(axis=1))


def _snapshot_units(url):
    with storage.transaction(url) as db:
        return db.scalar(select(AnalysisSnapshot.units))


def _add(db, unit, variable, value, page="p9"):
    db.add(Answer(sample_unit_id=unit, variable=variable, value=value, page_id=page,
                  mode="web", saved_at=datetime(2023, 3, 10)))


def test_snapshot_is_built_once_and_follows_completions(database_url):
    add_edition(database_url)
    with storage.transaction(database_url) as db:
        _add(db, "s1", "opmerking", "tekst met spaties, komma's en é")
        _add(db, "s2", "opmerking", None)  # a stored NULL: the column exists, no answer
    first = read_at(answers_frame, database_url, 2024)
    assert _snapshot_units(database_url) == 5
    expected = _long_pivot(database_url)
    got = _answers(first)
    assert list(got.index) == sorted(expected.index)
    assert got.to_dict() == expected.reindex(columns=got.columns).astype(object).where(
        expected.notna(), None).to_dict()
    assert got.loc["s1", "opmerking"] == "tekst met spaties, komma's en é"
    assert got.loc["s2", "opmerking"] is None

    # a started unit completes later with a new variable: it joins, the others stay
    with storage.transaction(database_url) as db:
        _add(db, "s5", "nieuw", "ja")
        db.execute(update(SampleUnit).where(SampleUnit.id == "s5")
                   .values(status="completed", completed_at=datetime(2023, 3, 20, 8)))
    second = _answers(read_at(answers_frame, database_url, 2024))
    assert _snapshot_units(database_url) == 6
    assert second.loc["s5", "nieuw"] == "ja" and second.loc["s1", "nieuw"] is None
    assert second.loc["s5", "rapportcijfer-buurt"] == "7"

    # a unit that is gone leaves; a unit completed anew (another completion time, as after a
    # reseed) is read again from the long table
    with storage.transaction(database_url) as db:
        db.execute(delete(Answer).where(Answer.sample_unit_id == "s4"))
        db.execute(delete(SampleUnit).where(SampleUnit.id == "s4"))
        db.execute(update(Answer).where(Answer.sample_unit_id == "s3",
                                        Answer.variable == "veilig-buurt").values(value="4"))
        db.execute(update(SampleUnit).where(SampleUnit.id == "s3")
                   .values(completed_at=datetime(2023, 4, 1, 9)))
    third = _answers(read_at(answers_frame, database_url, 2024))
    assert "s4" not in third.index and _snapshot_units(database_url) == 5
    assert third.loc["s3", "veilig-buurt"] == "4"
    expected = _long_pivot(database_url)
    assert third.to_dict() == expected.reindex(columns=third.columns).astype(object).where(
        expected.notna(), None).to_dict()


def test_typed_frame_holds_categoricals_of_the_stored_text(database_url):
    add_edition(database_url)
    frame = read_at(analysis_frame, database_url, 2024)
    column = frame["rapportcijfer-buurt"]
    assert isinstance(column.dtype, pd.CategoricalDtype)
    assert list(column.cat.categories) == ["7"] and column.notna().all()
    assert frame["design_weight"].dtype == float and frame["wijk_code"].dtype == np.int64


@pytest.mark.parametrize("text", ["a\x1fb\x1ec", "x\x1ey\x1fz", "p\x1fq", "r\x1es", "\x1d"])
def test_an_answer_holding_a_separator_takes_the_exact_road(database_url, text):
    add_edition(database_url)
    with storage.transaction(database_url) as db:
        _add(db, "s1", "opmerking", text)
    got = _answers(read_at(answers_frame, database_url, 2024))
    assert got.loc["s1", "opmerking"] == text
    assert set(got.columns) == {"opmerking", "rapportcijfer-buurt", "veilig-buurt"}


def test_a_snapshot_of_an_older_format_is_rebuilt(database_url, monkeypatch):
    add_edition(database_url)
    read_at(answers_frame, database_url, 2024)
    monkeypatch.setattr(wide_table, "FORMAT", wide_table.FORMAT + 1)
    with storage.transaction(database_url) as db:
        db.execute(update(Answer).where(Answer.sample_unit_id == "s1",
                                        Answer.variable == "veilig-buurt").values(value="3"))
    # the old snapshot is not read (it would still say 2)
    assert _answers(read_at(answers_frame, database_url, 2024)).loc["s1", "veilig-buurt"] == "3"
    with storage.transaction(database_url) as db:
        assert db.scalar(select(AnalysisSnapshot.format)) == wide_table.FORMAT


@pytest.mark.parametrize("year", [2031])
def test_no_such_edition_is_a_clear_error(database_url, year):
    from survey.errors import InputError

    add_edition(database_url)
    with pytest.raises(InputError, match=f"no edition {year}"):
        read_at(answers_frame, database_url, year)


def test_the_seed_stores_the_snapshot_a_pivot_of_its_answers_would_build(sqlite_url):
    # the demo seed builds the edition's wide snapshot from the answers it has just written
    # (wide_table.from_long); it equals the snapshot pivoted from the answer table
    from survey.demo.seed import seed_edition
    from survey.models import Edition

    seed_edition(sqlite_url, seed=5, scale=0.01, year=2024)
    with storage.transaction(sqlite_url) as db:
        edition_id = db.scalar(select(Edition.id).where(Edition.year == 2024))
        seeded = wide_table._load(db.scalar(select(AnalysisSnapshot.payload)))
        completed = db.scalar(select(func.count()).select_from(SampleUnit)
                              .where(SampleUnit.status == "completed"))
    assert len(seeded.unit_ids) == completed > 100
    seeded_frame = read_at(analysis_frame, sqlite_url, 2024)  # reads the stored snapshot as it is

    with storage.transaction(sqlite_url) as db:
        db.execute(delete(AnalysisSnapshot).where(AnalysisSnapshot.edition_id == edition_id))
    rebuilt_frame = read_at(analysis_frame, sqlite_url, 2024)  # pivots the answer table
    with storage.transaction(sqlite_url) as db:
        rebuilt = wide_table._load(db.scalar(select(AnalysisSnapshot.payload)))
    np.testing.assert_array_equal(seeded.unit_ids, rebuilt.unit_ids)
    np.testing.assert_array_equal(seeded.stamps, rebuilt.stamps)
    assert seeded.variables == rebuilt.variables and len(seeded.variables) > 100
    assert seeded.categories == rebuilt.categories
    np.testing.assert_array_equal(seeded.codes, rebuilt.codes)
    pd.testing.assert_frame_equal(seeded_frame, rebuilt_frame)
