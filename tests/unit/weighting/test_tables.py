"""The one table reader (`weighting.tables`) that every import reads its file with."""

import doctest
import io

import openpyxl
import pytest

from weighting import tables
from weighting.errors import InputError


def test_the_examples_in_the_docstrings_hold():
    from weighting import errors, io as weighting_io, safe_cells

    for module in (tables, weighting_io, safe_cells, errors):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0 and result.attempted > 0, module.__name__


@pytest.mark.parametrize("content", [
    "wijk;doel\n71;420\n".encode("utf-8"),
    "\ufeffwijk;doel\n71;420\n".encode("utf-8"),
    b"wijk,doel\r\n71,420\r\n",
    b"wijk\tdoel\n71\t420\n",
])
def test_every_excel_csv_reads_as_the_same_table(content):
    table = tables.read_table(content, "doelen.csv")
    assert table.headers == ["wijk", "doel"]
    assert table.data.values.tolist() == [["71", "420"]]
    assert table.row_numbers.tolist() == [2]


def test_a_workbook_reads_as_the_same_table():
    book = openpyxl.Workbook()
    book.active.append(["wijk", "doel"])
    book.active.append([71, 420])
    buffer = io.BytesIO()
    book.save(buffer)
    table = tables.read_table(buffer.getvalue(), "doelen.xlsx")
    assert (table.headers, table.data.values.tolist()) == (["wijk", "doel"], [["71", "420"]])


def test_windows_1252_is_read_with_a_notice_and_a_bad_row_is_named():
    table = tables.read_table("naam;wijk\nÇelik;71\n".encode("cp1252"), "x.csv")
    assert table.data.iat[0, 0] == "Çelik"
    assert table.notices[0].startswith("x.csv is not UTF-8 (row 2 has byte 0xc7)")
    ragged = tables.read_table(b"a;b\n1;2\n1;2;3\n", "x.csv")
    assert [str(e) for e in ragged.errors] == [
        "x.csv row 3: has 3 values where the header has 2 columns; is there a separator "
        "inside a value that is not in quotes?"]


@pytest.mark.parametrize("content, name, message", [
    (b"", "x.csv", "x.csv row 1: no header"),
    (b"a;A\n1;2\n", "x.csv", "x.csv row 1: the header names 'A' twice (columns 1 and 2)"),
    (b"a;b\n\x00\x01\n", "x.csv", "x.csv: is not a CSV file (it holds binary data)"),
    (b"a;b\n1;2\ncaf\x81;3\n", "x.csv", "x.csv row 3: is neither UTF-8 nor Windows-1252"),
    (b"\xd0\xcf\x11\xe0", "x.xls", "x.xls: old Excel format (.xls) is not read"),
])
def test_what_cannot_be_read_is_refused_naming_file_and_row(content, name, message):
    with pytest.raises(InputError) as raised:
        tables.read_table(content, name)
    assert str(raised.value).startswith(message)


def test_weighting_data_find_their_separator_as_every_import_does(tmp_path):
    from weighting.io import read_table as read_data

    frames = []
    for name, text in (("komma.csv", "wijk,cijfer\n71,7.5\n"), ("punt.csv", "wijk;cijfer\n71;7,5\n"),
                       ("tab.csv", "wijk\tcijfer\n71\t7.5\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        frames.append(read_data(tmp_path / name).to_dict("list"))
    assert frames == [{"wijk": [71], "cijfer": [7.5]}] * 3


def test_the_weighting_data_are_read_by_the_same_reader(tmp_path):
    """`weighting.io` reads the weighting data and margins with `tables.read_path`: a BOM is
    dropped as everywhere, a Windows-1252 file is read with the reader's notice (as a
    `tables.ReadNotice` warning), binary data is refused, and a row names the file's row."""
    from weighting.io import read_file

    content = "\ufeffwijk;naam\n71;Çelik\n".encode("utf-8")
    (tmp_path / "bom.csv").write_bytes(content)
    assert read_file(tmp_path / "bom.csv").frame.to_dict("list") == {"wijk": [71], "naam": ["Çelik"]}

    (tmp_path / "windows.csv").write_bytes("wijk;naam\n\n71;Çelik\n".encode("cp1252"))
    with pytest.warns(tables.ReadNotice, match=r"windows.csv is not UTF-8 \(row 3 has byte 0xc7\)"):
        read = read_file(tmp_path / "windows.csv")
    assert read.frame.to_dict("list") == {"wijk": [71], "naam": ["Çelik"]}
    assert read.rows.tolist() == [3]  # the empty line is skipped, the row keeps its number

    (tmp_path / "binary.csv").write_bytes(b"wijk,gewicht\n71,\x001\n")
    with pytest.raises(InputError, match="holds binary data"):
        read_file(tmp_path / "binary.csv")
    (tmp_path / "ragged.csv").write_bytes(b"wijk,gewicht\n71,1\n72,1,3\n")
    with pytest.raises(InputError, match=r"ragged.csv row 3: has 3 values where the header has 2"):
        read_file(tmp_path / "ragged.csv")


def test_weighting_data_are_typed_as_pandas_and_r_type_them(tmp_path):
    """Whole numbers stay integers (floats where a cell is missing), numbers with a decimal
    comma or point are floats, NA and #N/A are missing, True/False are booleans, the rest text;
    an Excel sheet gives the same frame as its CSV."""
    import openpyxl

    from weighting.io import read_table as read_data

    rows = [["id", "dw", "cijfer", "sex", "flag", "leeg"],
            [1, 10, "7,5", "man", True, None], [2, "NA", "#N/A", "vrouw", False, None],
            [3, 12, "8", " x ", True, None]]
    text = "\n".join(";".join("" if c is None else str(c) for c in r) for r in rows) + "\n"
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    frame = read_data(tmp_path / "d.csv")
    assert frame.dtypes.astype(str).tolist() == ["int64", "float64", "float64", "str", "bool",
                                                 "float64"]
    assert frame.to_dict("list") == {"id": [1, 2, 3], "dw": [10.0, pytest.approx(float("nan"), nan_ok=True), 12.0],
                                     "cijfer": [7.5, pytest.approx(float("nan"), nan_ok=True), 8.0],
                                     "sex": ["man", "vrouw", " x "], "flag": [True, False, True],
                                     "leeg": [pytest.approx(float("nan"), nan_ok=True)] * 3}
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append([7.5 if c == "7,5" else c for c in r])
    book.save(tmp_path / "d.xlsx")
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(read_data(tmp_path / "d.xlsx"), frame)
