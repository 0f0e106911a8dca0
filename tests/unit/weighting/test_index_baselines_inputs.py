"""The CBS wijk table behind the unrounded Rotterdam baselines is read by the one table reader:
a Dutch-Excel export reads as a CSV does, and a bad cell names its row and column."""

import pytest

from weighting.errors import InputError
from weighting.index_baselines import read_inhabitants


def test_a_semicolon_export_reads_as_the_comma_file(tmp_path):
    comma = tmp_path / "wijken.csv"
    comma.write_text("wijk_code,inhabitants\n71,12310\n75,435\n", encoding="utf-8")
    excel = tmp_path / "wijken-excel.csv"
    excel.write_bytes("\ufeffwijk_code;inhabitants\r\n71;12310\r\n75;435\r\n".encode("utf-8"))
    assert read_inhabitants(comma).to_dict() == read_inhabitants(excel).to_dict() == {71: 12310.0, 75: 435.0}


@pytest.mark.parametrize("body, where, what", [
    ("wijk,inhabitants\n71,1\n", "row 1", "missing column 'wijk_code'"),
    ("wijk_code,inhabitants\n71,1\nCharlois,2\n", "row 3, column 'wijk_code'", "'Charlois' is not a wijk code"),
    ("wijk_code,inhabitants\n71,-4\n", "row 2, column 'inhabitants'", "'-4' is not a number of inhabitants"),
    ("wijk_code,inhabitants\n71,12.5\n", "row 2, column 'inhabitants'", "'12.5' is not a number of inhabitants"),
    ("wijk_code,inhabitants\n71,\n", "row 2, column 'inhabitants'", "'' is not a number of inhabitants"),
])
def test_a_bad_cell_names_its_row_and_column(tmp_path, body, where, what):
    path = tmp_path / "wijken.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_inhabitants(path)
    message = str(raised.value)
    assert str(path) in message and where in message and what in message
