"""`wijkprofiel sample import|draw` through Flask's CLI runner: errors as lines, not tracebacks."""

from pathlib import Path

from sqlalchemy import func, select

from survey import storage
from survey.cli import main
from survey.models import AuditEvent, IdentityPerson, SampleUnit


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sampling"


def test_import_lists_every_bad_row_then_imports_the_fixed_file_and_draws(make_app, sqlite_url):
    runner = make_app(sqlite_url).test_cli_runner()
    bad = runner.invoke(main, ["sample", "import", str(FIXTURES / "register_bad.csv"),
                               "--edition", "2024"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert bad.output.splitlines() == [
        "Error: register_bad.csv: 3 errors in 3 rows; nothing was imported",
        "register_bad.csv row 4, column 'wijk': missing wijk; expected a wijk code such as 71 "
        "or a name such as Tarwewijk",
        "register_bad.csv row 7, column 'geboortedatum': '31-02-1990' is an impossible date "
        "(no such day); expected a date such as 1980-02-28 or 28-02-1980",
        "register_bad.csv row 11, column 'registernummer': duplicate person: register number "
        "'BRP-0000004' is also on row 5; each person may appear once"]
    good = runner.invoke(main, ["sample", "import", str(FIXTURES / "register.csv"),
                                "--kind", "register", "--edition", "2024"])
    assert good.exit_code == 0, good.output
    assert "12 rows imported as register of edition 2024 (persons added 12" in good.output
    dry = runner.invoke(main, ["sample", "draw", "--edition", "2024", "--seed", "5",
                               "--dry-run"])
    assert "total 12 of 12" in dry.output
    drawn = runner.invoke(main, ["sample", "draw", "--edition", "2024", "--seed", "5",
                                 "--response-rate", "0.5"])
    assert drawn.exit_code == 0, drawn.output
    assert "drew 12 units from 12 persons in 3 wijken (seed 5)" in drawn.output
    with storage.transaction(sqlite_url) as db:
        assert db.scalar(select(func.count()).select_from(SampleUnit)) == 12
        actions = list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["sample_import", "sample_draw"]


def test_map_overrides_the_guess_and_names_unknown_fields(make_app, sqlite_url, tmp_path):
    runner = make_app(sqlite_url).test_cli_runner()
    odd = tmp_path / "odd.csv"
    odd.write_text((FIXTURES / "register.csv").read_text(encoding="utf-8-sig")
                   .replace("geboortedatum", "gd", 1), encoding="utf-8")
    missing = runner.invoke(main, ["sample", "import", str(odd)])
    assert missing.exit_code == 1 and "no column is mapped to birth_date" in missing.output
    unknown = runner.invoke(main, ["sample", "import", str(odd), "--map", "born=gd"])
    assert "Error: --map: born is not a field of a register file" in unknown.output
    shown = runner.invoke(main, ["sample", "import", str(odd), "--map", "birth_date=gd",
                                 "--show-mapping"])
    assert "birth_date             <- gd" in shown.output and "12 rows, no errors" in shown.output
    with storage.transaction(sqlite_url) as db:
        assert db.scalar(select(func.count()).select_from(IdentityPerson)) == 0
    done = runner.invoke(main, ["sample", "import", str(odd), "--map", "birth_date=gd"])
    assert done.exit_code == 0, done.output
    nothing = runner.invoke(main, ["sample", "import", str(tmp_path / "none.csv")])
    assert "none.csv: file not found" in nothing.output and nothing.exit_code == 1
