"""CSV injection (OWASP): every file we hand to someone who opens it in a spreadsheet, walked
in one go. Hostile text is put where it can really come from (a wijk and gebied renamed in the
area table, an open answer, a postcode in the register), then every export is made: the
statistician's answers (CSV, Excel), the fieldwork dashboard (CSV, Excel), the print house's
manifest, and the report's tables (indicators, index scores, weights, diagnostics, collapsed
cells, codebooks). No text cell of any of them may start with = + - @ or a tab or carriage
return unless an apostrophe neutralises it; numbers (a negative change) stay numbers.

The phone call list is a staff page only (no file); the weighting command's outputs are
covered by tests/integration/test_bad_input_corpus.py.
"""

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select, update

from survey import storage
from survey.cli import main
from survey.demo.seed import seed_edition
from survey.models import Answer, Area, IdentityPerson, SampleUnit

from tests.support.letters import add_fixture_units
from tests.support.security import FORMULA, staff_client
from tests.support.staff import add_accounts

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_GEBIED = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_POSTCODE = "-3071SH+cmd"


def is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def dangerous_cells(name: str, content: bytes) -> list[str]:
    """The cells of a CSV or Excel file that a spreadsheet would run as a formula."""
    found = []
    if name.endswith(".xlsx"):
        workbook = load_workbook(io.BytesIO(content))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (isinstance(cell.value, str)
                                                 and cell.value.startswith(FORMULA_PREFIXES)):
                        found.append(f"{name} {sheet.title}!{cell.coordinate}: {cell.value!r}")
        return found
    text = content.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") \
        else ","
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        for cell in row:
            if cell.startswith(FORMULA_PREFIXES) and not is_number(cell):
                found.append(f"{name} row {number}: {cell!r}")
    return found


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.suffix in (".csv", ".xlsx")}


@pytest.fixture(scope="module")
def hostile_edition(tmp_path_factory):
    """A small demo edition with a wijk and its gebied renamed to formulas and a formula in
    an open answer of a completed unit."""
    root = tmp_path_factory.mktemp("injection")
    url = f"sqlite:///{root / 'w.db'}"
    seed_edition(url, seed=31, scale=0.02, year=2024)
    with storage.transaction(url) as db:
        wijk_code, gebied = db.execute(select(Area.wijk_code, Area.gebied)
                                       .order_by(Area.wijk_code)).first()
        db.execute(update(Area).where(Area.wijk_code == wijk_code).values(wijk=FORMULA))
        db.execute(update(Area).where(Area.gebied == gebied).values(gebied=HOSTILE_GEBIED))
        unit_id = db.scalar(select(SampleUnit.id).where(
            SampleUnit.status == "completed", SampleUnit.questionnaire_id == "veiligheidsmonitor",
            SampleUnit.wijk_code == wijk_code))
        db.add(Answer(sample_unit_id=unit_id, variable="opmerking_buurt", value=FORMULA,
                      page_id="opmerkingen", mode="web"))
    add_accounts(url)
    return {"url": url, "root": root}


def test_every_export_writes_formulas_as_text(make_app, hostile_edition, tmp_path):
    url = hostile_edition["url"]
    exported: dict[str, bytes] = {}

    # the statistician's answers and the dashboard tables, as staff download them
    app = make_app(url)
    statistician = staff_client(app, "statistician")
    for kind in ("csv", "xlsx"):
        response = statistician.get(f"/staff/export/answers.{kind}")
        assert response.status_code == 200
        exported[f"answers.{kind}"] = response.data
    coordinator = staff_client(app, "coordinator")
    for kind in ("csv", "xlsx"):
        response = coordinator.get(f"/staff/dashboard/export.{kind}")
        assert response.status_code == 200
        exported[f"dashboard.{kind}"] = response.data

    # the statistician's report: every table it writes
    report = tmp_path / "report"
    result = CliRunner(env={"DATABASE_URL": url}).invoke(
        main, ["report", "--no-pdf", "--no-previous", "--out", str(report)])
    assert result.exit_code == 0, result.output
    exported.update({f"report/{name}": content for name, content in files_in(report).items()})

    # the print house's manifest, from a register whose postcode and wijk name are hostile
    letters_url = f"sqlite:///{tmp_path / 'letters.db'}"
    storage.upgrade(letters_url)
    add_fixture_units(letters_url)
    with storage.transaction(letters_url) as db:
        db.execute(update(Area).where(Area.wijk_code == 1).values(wijk=FORMULA))
        db.execute(update(IdentityPerson).where(IdentityPerson.register_id == "r0")
                   .values(postcode=HOSTILE_POSTCODE))
    letters = tmp_path / "letters"
    result = CliRunner(env={"DATABASE_URL": letters_url}).invoke(
        main, ["letters", "print", "--kind", "invitation", "--wave", "1", "--processes", "1",
               "--out", str(letters)])
    assert result.exit_code == 0, result.output
    exported.update({f"letters/{name}": content for name, content in files_in(letters).items()})

    expected = {"answers.csv", "answers.xlsx", "dashboard.csv", "dashboard.xlsx",
                "report/indicators.csv", "report/indicators.xlsx", "report/index_scores.csv",
                "report/index_scores.xlsx", "report/diagnostics.csv",
                "report/editions/2024/codebook.csv"}
    assert expected <= set(exported), sorted(exported)
    assert any(name.endswith("-manifest.csv") for name in exported)

    dangerous = {name: cells for name, content in exported.items()
                 if (cells := dangerous_cells(name, content))}
    assert dangerous == {}, "\n".join(f"{name}: {len(cells)} cells, e.g. {cells[:2]}"
                                       for name, cells in dangerous.items())
    # the hostile text did reach each file that shows areas or answers, neutralised
    for name in ("answers.csv", "dashboard.csv", "report/indicators.csv",
                 "report/index_scores.csv"):
        assert "'" + FORMULA.replace('"', '""') in exported[name].decode("utf-8-sig") \
            or "'" + FORMULA in exported[name].decode("utf-8-sig"), name
    manifest = next(content for name, content in exported.items() if name.endswith("manifest.csv"))
    assert "'" + HOSTILE_POSTCODE in manifest.decode("utf-8")
