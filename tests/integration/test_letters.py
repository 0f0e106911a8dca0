"""`wijkprofiel letters print` and `letters returned` against a real database: the PDFs and
manifest the print house gets, the `letter` rows, and who is skipped."""

import csv

import pypdf
import pytest
from sqlalchemy import select

from survey import storage
from survey.cli import main
from survey.letters.commands import MANIFEST_COLUMNS
from survey.models import (AuditEvent, IdentityLink, IdentityPerson, MailedLetter, SampleUnit,
                           UnitOutcome)
from tests.support.letters import CODES, add_fixture_units


@pytest.fixture
def fieldwork_db(app):
    url = app.config["DATABASE_URL"]
    add_fixture_units(url)
    return url


def read_manifest(folder):
    [manifest] = folder.glob("*-manifest.csv")
    with manifest.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def letters_in_db(url):
    with storage.transaction(url) as session:
        return sorted((l.sample_unit_id, l.kind, l.batch, l.sequence)
                      for l in session.scalars(select(MailedLetter)))


def test_invitations_go_to_every_unit_of_the_wave_in_batches(runner, fieldwork_db, tmp_path):
    out = tmp_path / "print"
    result = runner.invoke(main, args=["letters", "print", "--kind", "invitation", "--wave", "1",
                                 "--batch-size", "2", "--out", str(out), "--processes", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        "2024-W1-INV-001.pdf", "2024-W1-INV-002.pdf", "2024-W1-INV-003.pdf"]
    rows = read_manifest(out)
    assert tuple(rows[0]) == MANIFEST_COLUMNS
    # one row per letter, wave 1 only, by postcode
    assert [r["sample_unit_id"] for r in rows] == [
        "u-started", "u-complete", "u-refused", "u-deceased", "u-invited"]
    assert [(r["batch"], r["sequence"]) for r in rows] == [
        ("2024-W1-INV-001", "1"), ("2024-W1-INV-001", "2"), ("2024-W1-INV-002", "1"),
        ("2024-W1-INV-002", "2"), ("2024-W1-INV-003", "1")]
    assert {r["pages"] for r in rows} == {"2"}
    # every PDF holds its letters, with the code of the unit in that place
    first = pypdf.PdfReader(out / "2024-W1-INV-001.pdf")
    assert len(first.pages) == 4
    assert "36UY-9B" not in first.pages[0].extract_text()  # u-started has CODES[1]
    assert "VFAU-AFNK-42" in first.pages[0].extract_text()
    assert "Naam1 Achternaam1" in first.pages[0].extract_text()
    assert len(letters_in_db(fieldwork_db)) == 5
    with storage.transaction(fieldwork_db) as session:
        [event] = session.scalars(select(AuditEvent)).all()
    assert event.action == "print_letters" and event.target == str(out.resolve())
    assert "5 invitation letters, wave 1" in event.detail


def test_manifest_carries_no_answers_codes_or_names(runner, fieldwork_db, tmp_path):
    runner.invoke(main, args=["letters", "print", "--kind", "invitation", "--wave", "1",
                        "--out", str(tmp_path)])
    [manifest] = tmp_path.glob("*-manifest.csv")
    text = manifest.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(MANIFEST_COLUMNS)
    for secret in (*CODES, "Naam0", "Achternaam0", "1.1", "completed"):
        assert secret not in text


def test_reminders_skip_completed_refused_deceased_and_uninvited(runner, fieldwork_db,
                                                                  tmp_path):
    # before any invitation was printed, nobody gets a reminder
    result = runner.invoke(main, args=["letters", "print", "--kind", "reminder1", "--wave", "1",
                                 "--out", str(tmp_path / "r0")])
    assert result.exit_code == 0 and "no reminder1 letters" in result.output
    runner.invoke(main, args=["letters", "print", "--kind", "invitation", "--wave", "1",
                        "--out", str(tmp_path / "inv")])
    result = runner.invoke(main, args=["letters", "print", "--kind", "reminder1", "--wave", "1",
                                 "--out", str(tmp_path / "r1")])
    assert result.exit_code == 0, result.output
    assert [r["sample_unit_id"] for r in read_manifest(tmp_path / "r1")] == [
        "u-started", "u-invited"]
    assert "1 completed the questionnaire" in result.output
    assert "2 final disposition" in result.output
    text = pypdf.PdfReader(tmp_path / "r1" / "2024-W1-HR1-001.pdf").pages[0].extract_text()
    assert "Herinnering" in text and "VFAU-AFNK-42" in text
    # the same reminder again prints nothing
    result = runner.invoke(main, args=["letters", "print", "--kind", "reminder1", "--wave", "1",
                                 "--out", str(tmp_path / "r1b")])
    assert "1 had this letter already" not in result.output
    assert "2 had this letter already" in result.output
    assert not (tmp_path / "r1b").exists()


def test_a_unit_that_completes_gets_no_second_reminder(runner, fieldwork_db, tmp_path):
    for kind in ("invitation", "reminder1"):
        runner.invoke(main, args=["letters", "print", "--kind", kind, "--wave", "1",
                            "--out", str(tmp_path / kind)])
    with storage.transaction(fieldwork_db) as session:
        session.get(SampleUnit, "u-started").status = "completed"
    result = runner.invoke(main, args=["letters", "print", "--kind", "reminder2", "--wave", "1",
                                 "--out", str(tmp_path / "r2")])
    assert result.exit_code == 0, result.output
    assert [r["sample_unit_id"] for r in read_manifest(tmp_path / "r2")] == ["u-invited"]


def test_existing_files_are_not_overwritten(runner, fieldwork_db, tmp_path):
    (tmp_path / "2024-W1-INV-001.pdf").write_text("earlier export")
    result = runner.invoke(main, args=["letters", "print", "--kind", "invitation", "--wave", "1",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "2024-W1-INV-001.pdf already exists" in result.output
    assert "Traceback" not in result.output
    assert letters_in_db(fieldwork_db) == []


@pytest.mark.parametrize("args, message", [
    (["--kind", "invitation", "--wave", "7"], "--wave: edition 2024 has no sample units in wave 7"),
    (["--kind", "invitation", "--wave", "1", "--year", "2030"], "no edition 2030"),
    (["--kind", "reminder3", "--wave", "1"], "'reminder3' is not one of"),
])
def test_bad_options_are_named(runner, fieldwork_db, tmp_path, args, message):
    result = runner.invoke(main, args=["letters", "print", *args, "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_returned_letters_set_the_disposition_and_keep_completes(runner, fieldwork_db,
                                                                 tmp_path):
    runner.invoke(main, args=["letters", "print", "--kind", "invitation", "--wave", "1",
                        "--out", str(tmp_path / "inv")])
    rows = {r["sample_unit_id"]: f"{r['batch']}/{int(r['sequence']):05d}"
            for r in read_manifest(tmp_path / "inv")}
    returns = tmp_path / "retour.csv"
    returns.write_text("kenmerk,outcome,date\n"
                       f"{rows['u-invited']},undeliverable,2024-03-20\n"
                       f"{rows['u-started']},Verhuisd,\n"
                       f"{rows['u-complete']},undeliverable,\n", encoding="utf-8")
    result = runner.invoke(main, args=["letters", "returned", str(returns)])
    assert result.exit_code == 0, result.output
    assert "3 returned letter(s) registered" in result.output
    with storage.transaction(fieldwork_db) as session:
        assert session.get(SampleUnit, "u-invited").disposition == "3.30"
        assert session.get(SampleUnit, "u-started").disposition == "3.40"
        assert session.get(SampleUnit, "u-complete").disposition == "1.1"
        history = session.scalars(select(UnitOutcome.sample_unit_id)).all()
        assert sorted(history) == ["u-invited", "u-started"]
        returned = session.scalars(
            select(MailedLetter).where(MailedLetter.returned_at.is_not(None))).all()
        assert len(returned) == 3
    # undeliverable and moved get no reminder
    result = runner.invoke(main, args=["letters", "print", "--kind", "reminder1", "--wave", "1",
                                 "--out", str(tmp_path / "r1")])
    assert "no reminder1 letters" in result.output
    # the same file again changes nothing
    result = runner.invoke(main, args=["letters", "returned", str(returns)])
    assert result.exit_code == 0 and "3 were registered before" in result.output


def test_bad_returns_file_names_every_bad_row_and_registers_nothing(runner, fieldwork_db,
                                                                    tmp_path):
    runner.invoke(main, args=["letters", "print", "--kind", "invitation", "--wave", "1",
                        "--out", str(tmp_path / "inv")])
    good = read_manifest(tmp_path / "inv")[0]
    kenmerk = f"{good['batch']}/{int(good['sequence']):05d}"
    returns = tmp_path / "retour.csv"
    returns.write_text("kenmerk,outcome\n"
                       f"{kenmerk},undeliverable\n"
                       f"{kenmerk},verhuist\n"
                       "2024-W1-INV-001,undeliverable\n"
                       "2024-W1-INV-009/00001,deceased\n", encoding="utf-8")
    result = runner.invoke(main, args=["letters", "returned", str(returns)])
    assert result.exit_code == 1
    assert "retour.csv row 3, column 'outcome': 'verhuist' is not one of" in result.output
    assert "retour.csv row 4, column 'kenmerk'" in result.output
    assert "Traceback" not in result.output
    with storage.transaction(fieldwork_db) as session:
        assert session.get(SampleUnit, good["sample_unit_id"]).disposition in (None, "1.2",
                                                                              "1.1", "2.112",
                                                                              "2.31")
        assert session.scalars(select(UnitOutcome)).all() == []
    # once the form is right, an unknown letter is still named
    returns.write_text("kenmerk,outcome\n2024-W1-INV-009/00001,deceased\n", encoding="utf-8")
    result = runner.invoke(main, args=["letters", "returned", str(returns)])
    assert result.exit_code == 1
    assert "row 2: no letter 2024-W1-INV-009/00001 was printed" in result.output


def test_returns_file_without_the_columns_is_refused(runner, fieldwork_db, tmp_path):
    returns = tmp_path / "retour.csv"
    returns.write_text("code;reden\nHJSY36UY9B;retour\n", encoding="utf-8")
    result = runner.invoke(main, args=["letters", "returned", str(returns)])
    assert result.exit_code == 1
    assert "retour.csv row 1: expected the columns kenmerk and outcome" in result.output


def test_print_and_audit_on_each_database_backend(make_app, database_url, tmp_path):
    add_fixture_units(database_url)
    runner = make_app(database_url).test_cli_runner()
    for kind in ("invitation", "reminder1"):
        result = runner.invoke(main, args=["letters", "print", "--kind", kind, "--wave", "1",
                                           "--out", str(tmp_path / kind), "--processes", "1"])
        assert result.exit_code == 0, result.output
    assert len(read_manifest(tmp_path / "reminder1")) == 2
    result = runner.invoke(main, args=["letters", "sent"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "2024-W1-INV-001" in lines[1] and lines[1].split()[3] == "5"
    assert "2024-W1-HR1-001" in lines[2] and lines[2].split()[3] == "2"


def test_units_without_a_usable_address_are_skipped_and_counted(runner, fieldwork_db,
                                                                 tmp_path):
    with storage.transaction(fieldwork_db) as session:
        link = session.get(IdentityLink, "u-invited")
        session.get(IdentityPerson, link.person_id).postcode = " "
        session.delete(session.get(IdentityLink, "u-refused"))
    result = runner.invoke(main, args=["letters", "print", "--kind", "invitation", "--wave",
                                       "1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 incomplete address" in result.output
    assert "1 no name and address" in result.output
    assert [r["sample_unit_id"] for r in read_manifest(tmp_path)] == [
        "u-started", "u-complete", "u-deceased"]
