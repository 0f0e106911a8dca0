"""Spreadsheet and zip bombs at every import that reads a workbook, on the web and on the
command line. Before: a 1.5 KB .xlsx with one cell at XFD1048576 grew a worker past 3 GB at
/staff/sample/upload (500 after 14 s) and the command line to 6 GB in 35 s; a 1 MB zip bomb
was accepted (302) and its check page then gave a MemoryError 500 on every view. Now each is
refused before it is unpacked or filled, with the file and the limit named, and nothing kept.
The same files as corpus entries: tests/corpus/register/, weighting/, xlsform/."""

import io
import os
import resource
import subprocess
import sys

import pytest

from survey.paths import PROJECT_ROOT
from survey.sampling import uploads
from tests.support import bombs
from tests.support.security import staff_client
from tests.support.staff import csrf_token
from weighting import safe_read, tables
from weighting.errors import InputError

BOMBS = {
    "far_cell.xlsx": (bombs.far_cell_xlsx, "has a cell in column 16,384"),
    "far_cell_unclaimed.xlsx": (lambda: bombs.far_cell_xlsx(claim=False),
                                "has a cell in column 16,384"),
    "zip_bomb.xlsx": (bombs.zip_bomb_xlsx, "unpacks 1,0"),
    "damaged.xlsx": (bombs.damaged_xlsx, "is not a readable Excel workbook (not a zip archive)"),
    "corrupted_sheet.xlsx": (bombs.corrupted_sheet_xlsx, "is not a readable Excel workbook"),
}


@pytest.fixture(scope="module")
def files():
    return {name: make() for name, (make, _) in BOMBS.items()}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_the_register_reader_refuses_before_reading(files, name):
    with pytest.raises(InputError) as caught:
        tables.read_table(files[name], name)
    assert str(caught.value).startswith(f"{name}: ")
    assert BOMBS[name][1] in str(caught.value)


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_the_web_upload_refuses_and_keeps_nothing(build_app, sqlite_url, files, name):
    app = build_app(sqlite_url)
    client = staff_client(app, "coordinator")
    kept = set(uploads._folder(app.instance_path).glob("*.bin"))
    response = client.post("/staff/sample/upload", data={
        "csrf_token": csrf_token(client, "/staff/sample/"), "kind": "register",
        "edition": "2024", "upload": (io.BytesIO(files[name]), name)},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert name in response.text and "Er is niets geïmporteerd" in response.text
    assert set(uploads._folder(app.instance_path).glob("*.bin")) == kept


def test_an_upload_kept_before_the_limits_is_discarded_not_a_500(build_app, sqlite_url, files):
    """The zip bomb that was accepted before: its check page now says why and drops it."""
    app = build_app(sqlite_url)
    client = staff_client(app, "coordinator")
    token = uploads.save(app.instance_path, files["zip_bomb.xlsx"], "bom.xlsx", "register",
                         2024, "coordinator")
    response = client.get(f"/staff/sample/check?upload={token}")
    assert response.status_code == 400 and "bom.xlsx" in response.text
    assert "unpacks" in response.text
    assert uploads.load(app.instance_path, token, "coordinator") is None


def test_a_claimed_dimension_is_read_only_as_far_as_the_cells_reach():
    """Two cells under a `<dimension>` claiming the whole sheet: openpyxl alone would fill 17
    billion cells; the register reader reads the two. Where pandas reads the workbook (the
    weighting data), the claim itself is refused."""
    table = tables.read_table(bombs.claimed_dimension_xlsx(), "register.xlsx")
    assert table.headers == ["registernummer"] and len(table.data) == 1
    with pytest.raises(InputError, match="claims 1,048,576 rows x 16,384 columns"):
        safe_read.check_xlsx(bombs.claimed_dimension_xlsx(), "data.xlsx")


def test_limits_on_cells_present_and_members():
    """What a reader would really hold: the cells present, and the archive's file count."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["registernummer"])
    book.active.append(["BRP-1"])
    buffer = io.BytesIO()
    book.save(buffer)
    real = buffer.getvalue()
    assert safe_read.check_xlsx(real, "ok.xlsx")["xl/worksheets/sheet1.xml"] == (2, 1, 2)
    small = safe_read.SpreadsheetLimits(max_cells=1)
    with pytest.raises(InputError, match="claims 2 rows x 1 columns"):
        safe_read.check_xlsx(real, "ok.xlsx", small)
    unclaimed = safe_read.SpreadsheetLimits(max_cells=1)
    without_dimension = bombs.far_cell_xlsx(claim=False)
    with pytest.raises(InputError, match="more than 1 cells"):
        safe_read.check_xlsx(without_dimension, "x.xlsx", unclaimed)
    with pytest.raises(InputError, match=r"holds \d+ files in its archive"):
        safe_read.check_xlsx(real, "ok.xlsx", safe_read.SpreadsheetLimits(max_members=3))
    with pytest.raises(InputError, match="unpacks to"):
        safe_read.check_xlsx(real, "ok.xlsx", safe_read.SpreadsheetLimits(max_unpacked_bytes=100))


def test_an_old_excel_file_is_named_not_read():
    with pytest.raises(InputError, match=r"Excel 97-2003 workbook \(\.xls\)"):
        safe_read.check_xlsx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "oud.xlsx")


def _limit_memory():
    limit = 1536 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("name", ["far_cell.xlsx", "zip_bomb.xlsx"])
def test_the_command_line_refuses_within_a_memory_limit(tmp_path, files, name):
    """`wijkprofiel sample import` in its own process under a 1.5 GB address-space limit:
    a clean one-line error in seconds (before: 6 GB in 35 s)."""
    path = tmp_path / name
    path.write_bytes(files[name])
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
           "PYTHONPATH": str(PROJECT_ROOT), "OPENBLAS_NUM_THREADS": "1"}
    subprocess.run([sys.executable, "-m", "survey", "db", "upgrade"], env=env, check=True,
                   capture_output=True, timeout=120)
    result = subprocess.run([sys.executable, "-m", "survey", "sample", "import", str(path),
                             "--kind", "register"], env=env, capture_output=True, text=True,
                            timeout=60, preexec_fn=_limit_memory)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: {name}: ") or f"Error: {path}" in result.stderr
    assert BOMBS[name][1] in result.stderr


def test_weighting_and_xlsform_refuse_the_zip_bomb(tmp_path, files):
    from click.testing import CliRunner

    from survey.cli import main

    bomb = tmp_path / "data.xlsx"
    bomb.write_bytes(files["zip_bomb.xlsx"])
    (tmp_path / "plan.yaml").write_text(
        "data: data.xlsx\nmethod: poststratify\nmargins: [m.csv]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["weight", str(tmp_path / "plan.yaml")])
    assert result.exit_code == 1 and "unpacks 1,0" in result.output, result.output
    result = CliRunner().invoke(main, ["questionnaire", "import-xlsform", str(bomb),
                                       "--out", str(tmp_path / "f.yaml")])
    assert result.exit_code == 1 and "unpacks 1,0" in result.output, result.output
    assert not (tmp_path / "f.yaml").exists()
