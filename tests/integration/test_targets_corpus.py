"""The bad-input corpus of the targets file (`tests/corpus/targets/`), read by `wijkprofiel
sample targets FILE` and the draw page's upload: a broken file stops with file, row and
column and stores nothing; the accepted variants (comma, BOM, Windows-1252, wijk by name or
code, rate as 0,4 or 40%) are stored."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey import storage
from survey.models import EditionTarget

from tests.support.bad_input import assert_clean_failure, run_cli

TARGETS = Path(__file__).resolve().parent.parent / "corpus" / "targets"
BROKEN = {
    "empty.csv": ["row 1", "no header"],
    "header_only.csv": ["no data rows"],
    "missing_column.csv": ["row 1", "expected the columns wijk_code and target"],
    "unknown_wijk.csv": ["row 2, column 'wijk'", "'Atlantis' is not a Rotterdam wijk"],
    "duplicate_wijk.csv": ["row 3, column 'wijk'", "wijk 71 (Tarwewijk) is also on row 2"],
    "not_a_number.csv": ["row 2, column 'doel'", "'veel' is not a target"],
    "negative.csv": ["row 2, column 'doel'", "'-5' is not a target"],
    "rate_above_one.csv": ["row 2, column 'respons'", "'1,5' is not a response rate"],
    "formula.csv": ["row 2, column 'doel'", "'=200*2' is not a target"],
    "binary.csv": ["is not a CSV file (it holds binary data)"],
    "not_text.csv": ["row 2", "neither UTF-8 nor Windows-1252"],
}
ACCEPTED = {"good.csv": {71: (200, 0.4), 93: (100, 0.4)}, "comma.csv": {71: (200, None)},
            "bom.csv": {71: (200, None)}, "windows_1252.csv": {72: (200, None)}}


@pytest.fixture
def app(make_app, sqlite_url):

    return make_app(sqlite_url)


def stored(url):
    with storage.transaction(url) as db:
        return {row.wijk_code: (row.target, row.response_rate)
                for row in db.scalars(select(EditionTarget))}


def test_the_targets_corpus_is_complete():
    assert {p.name for p in TARGETS.iterdir()} == set(BROKEN) | set(ACCEPTED)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_targets_store_nothing(app, name):
    result = run_cli(["sample", "targets", TARGETS / name, "--edition", "2024"], app=app)
    assert_clean_failure(result, name, BROKEN[name])
    with storage.transaction(app.config["DATABASE_URL"]) as db:
        assert db.scalar(select(func.count()).select_from(EditionTarget)) == 0


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_targets_are_stored_for_every_wijk(app, name):
    result = run_cli(["sample", "targets", TARGETS / name, "--edition", "2024"], app=app)
    assert result.exit_code == 0, result.output
    targets = stored(app.config["DATABASE_URL"])
    assert len(targets) == 71  # the wijken not in the file get the default of 420
    assert {code: targets[code] for code in ACCEPTED[name]} == ACCEPTED[name]
    assert targets[1] == (420, None)
    assert "wijken are not in the file and get the default target of 420" in result.output
