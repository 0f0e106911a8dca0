"""The bad input corpus of the register file (`tests/corpus/register_indicators/`), read by
`wijkprofiel report --register`: each broken file stops the report with one line naming the
file, the row (header = row 1) and the column, before anything is written. The accepted
variants (BOM, decimal commas) are read in `tests/unit/weighting/test_register_indicators.py`."""

import pytest
from click.testing import CliRunner

from survey.cli import main
from survey.demo.seed import seed_edition
from tests.support.bad_input import CORPUS, assert_clean_failure

REGISTER = CORPUS / "register_indicators"
BURGLARY = "column 'Aantal misdrijven van Inbraak woning'"
REGISTER_BROKEN = {
    "empty.csv": ["row 1", "no header: the first row must name the columns"],
    "header_only.csv": ["has a header but no rows"],
    "comma_separated.csv": ["has no column 'wijknr'"],
    "missing_column.csv": ["has no column 'hectare'"],
    "duplicate_column.csv": ["row 1", "the header names 'wijknr' twice (columns 1 and 27)"],
    "duplicate_wijk.csv": ["row 5, column 'wijknr'", "wijknr 71 appears twice (also in row 2)"],
    "unknown_wijk.csv": ["row 4, column 'wijknr'", "wijknr 98 is not a wijk of this edition"],
    "missing_wijk.csv": ["has no row for wijk 75 (Wielewaal)"],
    "gebied_row.csv": ["row 73, column 'wijknr'", "wijknr 4000 is a gebied or Rotterdam"],
    "not_a_number.csv": ["row 3, " + BURGLARY, "'veel' (wijknr 72) is not a number"],
    "point_decimal.csv": ["row 2, column 'hectare'", "'95.5' (wijknr 71) is not a number"],
    "negative.csv": ["row 4, column 'Kleine buitenbranden'", "-3 (wijknr 73) is negative"],
    "zero_denominator.csv": ["row 5, column 'inwoners'", "0 (wijknr 74) is not a number > 0"],
    "empty_denominator.csv": ["row 2, column 'adressen'", "empty (wijknr 71) is not a number > 0"],
    "too_many_cells.csv": ["row 3", "28 values where the header has 26 columns"],
}
REGISTER_ACCEPTED = ["register.csv", "bom.csv", "decimal_comma.csv"]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('register') / 'w.db'}"
    seed_edition(url, seed=5, scale=0.01, year=2024)
    return url


def test_the_register_corpus_is_complete():
    assert {p.name for p in REGISTER.iterdir()} == set(REGISTER_BROKEN) | set(REGISTER_ACCEPTED)


@pytest.mark.parametrize("name", sorted(REGISTER_BROKEN))
def test_broken_register_stops_the_report_cleanly(database, tmp_path, name):
    out = tmp_path / "out"
    result = CliRunner(env={"DATABASE_URL": database}).invoke(
        main, ["report", "--no-pdf", "--register", str(REGISTER / name), "--out", str(out)])
    assert_clean_failure(result, name, REGISTER_BROKEN[name])
    assert not out.exists()


def test_a_register_that_is_not_there_is_a_clean_error(database, tmp_path):
    result = CliRunner(env={"DATABASE_URL": database}).invoke(
        main, ["report", "--no-pdf", "--register", str(tmp_path / "nope.csv"),
               "--out", str(tmp_path / "out")])
    assert_clean_failure(result, "nope.csv", ["file not found"])


def test_a_previous_register_without_a_previous_edition_is_a_clean_error(database, tmp_path):
    result = CliRunner(env={"DATABASE_URL": database}).invoke(
        main, ["report", "--no-pdf", "--register", str(REGISTER / "register.csv"),
               "--previous-register", str(REGISTER / "register.csv"),
               "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--previous-register is given but there is no previous edition" in result.output
