"""The smaller findings of the attack (issue 12, point 7), each as it was found: a traceback
or a 500 before, a clean answer now. YAML bombs and damaged workbooks are in
test_yaml_bombs.py and test_upload_bombs.py."""

import stat
from datetime import datetime

import pytest
from click.testing import CliRunner

from survey import storage
from survey.cli import main
from tests.support import loadclient

from tests.support.bad_input import CORPUS
from tests.support.letters import add_fixture_units
from tests.support.respondent import add_unit
from tests.support.security import staff_client


@pytest.fixture
def app(build_app, sqlite_url):
    return build_app(sqlite_url)


def test_a_10_mb_field_in_returned_letters_is_a_clean_error(app, tmp_path):
    returns = tmp_path / "retour.csv"
    returns.write_text("kenmerk,outcome\n2024-W1-INV-001/00001,onbestelbaar\n"
                       '"' + "x" * 10_000_000 + '",onbestelbaar\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["letters", "returned", str(returns)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "retour.csv row 3: is not a readable CSV file (field larger than field limit" \
        in result.output


def test_weight_into_an_output_it_cannot_write_is_a_clean_error(tmp_path):
    import shutil


    work = tmp_path / "plan"
    shutil.copytree(CORPUS / "weighting", work)
    (work / "out" / "weights.csv").mkdir(parents=True)  # written as root too: not a file
    result = CliRunner().invoke(main, ["weight", str(work / "plan.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "weights.csv: cannot be written" in result.output and "--output" in result.output


@pytest.mark.parametrize("path, query", [
    ("/staff/dashboard", {"wave": "1" * 30}),
    ("/staff/dashboard", {"wave": "²"}),
    ("/staff/dashboard", {"verversen": "9" * 5000}),
    ("/staff/dashboard", {"verversen": "²"}),
    ("/staff/dashboard/export.csv", {"wave": "9" * 30}),
])
def test_huge_or_odd_numbers_in_filters_are_ignored(app, path, query):
    coordinator = staff_client(app, "coordinator")
    assert coordinator.get(path, query_string=query).status_code == 200


def test_a_400_digit_wijk_on_the_call_list(app):
    interviewer = staff_client(app, "interviewer")
    assert interviewer.get("/staff/phone/", query_string={"wijk": "7" * 400}).status_code == 200


@pytest.mark.parametrize("questionnaire", ["mini\r\nX-Injected: 1", "vragenlijst—één", 'a"b'])
def test_the_export_file_name_never_carries_the_raw_filter(app, questionnaire):
    statistician = staff_client(app, "statistician")
    for kind in ("csv", "xlsx"):
        response = statistician.get(f"/staff/export/answers.{kind}",
                                    query_string={"questionnaire": questionnaire})
        assert response.status_code == 200, kind
        disposition = response.headers["Content-Disposition"]
        disposition.encode("latin-1")
        assert "\r" not in disposition and "\n" not in disposition
        assert disposition.count('"') == 2 and "X-Injected" not in response.headers


def test_import_xlsform_refuses_an_out_name_that_can_never_pass(tmp_path):

    for name in ("Buurt.yaml", "buurt-enquete.yaml"):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["questionnaire", "import-xlsform",
                                           str(CORPUS / "xlsform" / "good.xlsx"), "--out", str(out)])
        assert result.exit_code == 1 and not out.exists()
        expected = name.split(".")[0].lower().replace("-", "_") + ".yaml"
        assert f"the file name must be the questionnaire id" in result.output
        assert expected in result.output


def test_printed_letters_and_manifest_are_private(make_app, tmp_path):
    """Names and addresses: 0600 files (the print run's folder 0700), not world-readable."""

    url = f"sqlite:///{tmp_path / 'l.db'}"
    storage.upgrade(url)
    app = make_app(url)
    add_fixture_units(url)
    out = tmp_path / "print"
    result = app.test_cli_runner().invoke(main, [
        "letters", "print", "--kind", "invitation", "--wave", "1", "--out", str(out),
        "--processes", "1"])
    assert result.exit_code == 0, result.output
    files = list(out.iterdir())
    assert any(f.suffix == ".pdf" for f in files) and any(f.suffix == ".csv" for f in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_the_fault_audit_counts_a_screened_out_respondent_as_finished(sqlite_url, tmp_path):
    """benchmarks/faults.py exited 1 on clean data: a respondent whose screening answer ends
    the questionnaire reaches the thanks page, but their unit is screened_out, not completed."""
    import json

    from survey.models import Answer, PageVisit, SampleUnit

    add_unit(sqlite_url, "s1", "HJSY36UY9B", questionnaire_id="veiligheidsmonitor",
             status="screened_out")
    with storage.transaction(sqlite_url) as db:
        db.add(Answer(sample_unit_id="s1", variable="woont_adres", value="nee", page_id="adres",
                      mode="web"))
        db.add(PageVisit(sample_unit_id="s1", page_id="adres", mode="web",
                         submitted_at=datetime(2024, 3, 1)))
    log = tmp_path / "ack.jsonl"
    log.write_text(json.dumps({"code": "HJSY36UY9B", "page": "adres",
                               "values": {"woont_adres": "nee"}}) + "\n"
                   + json.dumps({"code": "HJSY36UY9B", "completed": True}) + "\n")
    result = loadclient.audit(sqlite_url, log, units={"HJSY36UY9B": "s1"})
    assert loadclient.audit_passed(result), result
    assert result["screened_out"] == 1 and result["not_completed"] == 0
    with storage.transaction(sqlite_url) as db:  # a unit screened out without the answer is not
        db.execute(Answer.__table__.update().values(value="ja"))
    assert not loadclient.audit_passed(loadclient.audit(sqlite_url, log, units={"HJSY36UY9B": "s1"}))
