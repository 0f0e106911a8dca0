"""The bad input corpus (`tests/corpus/<import>/`): for every import, broken files as they come
from real spreadsheets and editors (another encoding, a BOM, semicolons, missing or repeated
columns, duplicates, an empty file, a huge file, a formula in a cell). Each must stop with one
clear line naming the file and, where the defect has one, the row (or line) and column; never
a traceback, and never a partial import or output. A BOM and Dutch Excel's semicolons with
decimal commas are accepted where the format allows it.

The already drawn sample (`--kind sample`) and paper entry (keyed forms) are in
`test_bad_input_corpus_fieldwork.py`. Not covered: the wijken CSV of the demo.
"""

import shutil
from datetime import datetime

import pytest


from tests.support.bad_input import CORPUS, assert_clean_failure, run_cli
from tests.support.staff import StaffActions, add_accounts, csrf_token


# --- weighting: plan, data, margins --------------------------------------------------------

WEIGHTING = CORPUS / "weighting"
WEIGHTING_BROKEN = {
    "data_empty.csv": ["row 1", "no header: the first row must name the columns"],
    "data_missing_column.csv": ["column 'sex'", "not a column of the data"],
    "data_duplicate_column.csv": ["row 1", "the header names 'sex' twice (columns 2 and 5)"],
    "data_formula_category.csv": ["row 4, column 'sex'", "is not in margin"],
    "data_negative_weight.csv": ["row 3, column 'dw'", "must be > 0"],
    "data_text_weight.csv": ["row 3, column 'dw'", "'tien' is not a number"],
    "data_ragged.csv": ["row 3", "6 values where the header has 4 columns"],
    "data_not_excel.xlsx": ["cannot read this Excel data file"],
    # 1.5 KB with one cell at XFD1048576: pandas would fill 17 billion cells
    "data_far_cell.xlsx": ["cannot read this Excel data file", "has a cell in column 16,384"],
    "margin_empty.csv": ["row 1", "no header: the first row must name the columns"],
    "margin_no_total.csv": ["no column 'total'"],
    "margin_duplicate.csv": ["row 4", "sex='man' appears twice"],
    "margin_negative.csv": ["row 2, column 'total'", "'-300' is not a number >= 0"],
    "margin_text_total.csv": ["row 3, column 'total'", "'driehonderd'"],
    "margin_formula.csv": ["category 'man'", "=1+1"],
    "plan_empty.yaml": ["a plan is a mapping"],
    "plan_latin1.yaml": ["line 4", "not UTF-8"],
    "plan_binary.yaml": ["line 1", "not UTF-8"],
    "plan_bad_yaml.yaml": ["line 3", "not valid YAML"],
    "plan_unknown_key.yaml": ["line 4", "methode: unknown key"],
    "plan_duplicate_key.yaml": ["line 3", "duplicate key 'method' (first on line 2); keep one"],
    "plan_missing_key.yaml": ["margins: missing"],
    "plan_formula.yaml": ["line 2", "'=cmd|calc' is not one of"],
    "plan_unknown_variable.yaml": ["line 5", "column 'nope'"],
    "plan_alias_bomb.yaml": ["line 15", "expands to more than 200,000 values"],
    "plan_deep_nesting.yaml": ["line 9", "nested more than 100 levels deep"],
}
WEIGHTING_ACCEPTED = ["data_bom.csv", "data_semicolon.csv", "margin_bom.csv",
                      "margin_semicolon.csv", "plan_bom.yaml", "data_formula_text.csv",
                      "data_latin1.csv", "margin_latin1.csv"]


# data and margins are read by the reader of every import (weighting.tables): a position is a
# row of the file as a spreadsheet shows it, the header row 1, for what is wrong with the file
# (encoding, values, header) and for what is wrong in the data alike; the plan (YAML) names
# lines


def weighting_case(tmp_path, name):
    """A copy of the weighting corpus with a plan that reads `name` (or `name` itself)."""
    work = tmp_path / "plan"
    shutil.copytree(WEIGHTING, work)
    base = (work / "plan.yaml").read_text(encoding="utf-8")
    if name.startswith("data_"):
        plan = work / "case.yaml"
        plan.write_text(base.replace("respondents.csv", name), encoding="utf-8")
    elif name.startswith("margin_"):
        plan = work / "case.yaml"
        plan.write_text(base.replace("margin_sex.csv", name), encoding="utf-8")
    else:
        plan = work / name
    return work, plan


def test_the_weighting_corpus_is_complete():
    names = {p.name for p in WEIGHTING.iterdir()} - {"plan.yaml", "respondents.csv", "margin_sex.csv"}
    assert names == set(WEIGHTING_BROKEN) | set(WEIGHTING_ACCEPTED)


@pytest.mark.parametrize("name", sorted(WEIGHTING_BROKEN))
def test_broken_weighting_input_stops_cleanly(tmp_path, name):
    work, plan = weighting_case(tmp_path, name)
    result = run_cli(["weight", plan])
    assert_clean_failure(result, name, WEIGHTING_BROKEN[name])
    assert not (work / "out").exists()  # nothing written


def test_excel_bom_and_dutch_semicolons_are_read_as_the_plain_file(tmp_path):
    """`data_semicolon.csv` (;, decimal commas) and `data_bom.csv` hold the same rows: same
    weights and estimates; so do the margins with a BOM and with semicolons."""
    outputs = {}
    for name in ("data_bom.csv", "data_semicolon.csv", "margin_bom.csv", "margin_semicolon.csv",
                 "plan_bom.yaml"):
        work, plan = weighting_case(tmp_path / name, name)
        result = run_cli(["weight", plan])
        assert result.exit_code == 0, result.output
        outputs[name] = (work / "out" / "estimates.csv").read_text(encoding="utf-8")
    assert outputs["data_bom.csv"] == outputs["data_semicolon.csv"]
    mean = float(outputs["data_semicolon.csv"].splitlines()[1].split(",")[3])
    assert 6.5 < mean < 8  # 7,5 read as 7.5, not 75
    assert outputs["margin_bom.csv"] == outputs["margin_semicolon.csv"]


@pytest.mark.parametrize("name, row", [("data_latin1.csv", 2), ("margin_latin1.csv", 4)])
def test_windows_1252_data_and_margins_are_read_as_every_import_reads_them(tmp_path, name, row):
    """Dutch Excel's "CSV (gescheiden door lijstscheidingsteken)" is Windows-1252: read with a
    warning naming the file and the first row that is not UTF-8, as the sample import does."""
    work, plan = weighting_case(tmp_path, name)
    result = run_cli(["weight", plan])
    assert result.exit_code == 0, result.output
    assert (f"warning: {work / name} is not UTF-8 (row {row} has byte 0xe9); it was read as "
            "Windows-1252") in result.output
    if name.startswith("data_"):
        with open(work / "out" / "weights.csv", encoding="utf-8") as handle:
            assert "café" in handle.read()


def test_a_windows_1252_file_is_told_even_when_a_later_error_stops_the_plan(tmp_path):
    """The data is read as Windows-1252 (a warning), then the margin has no `total` column
    (an error): the statistician sees both, the warning first."""
    work, plan = weighting_case(tmp_path, "data_latin1.csv")
    plan.write_text(plan.read_text(encoding="utf-8").replace("margin_sex.csv", "margin_no_total.csv"),
                    encoding="utf-8")
    result = run_cli(["weight", plan])
    error = assert_clean_failure(result, "margin_no_total.csv", ["no column 'total'"])
    warning = (f"warning: {work / 'data_latin1.csv'} is not UTF-8 (row 2 has byte 0xe9); it was "
               "read as Windows-1252")
    assert warning in result.output
    assert result.output.index(warning) < result.output.index(error)


def test_a_windows_1252_file_with_a_row_too_long_tells_both(tmp_path):
    """The reader's own error (a row with more values than the header) comes after its
    encoding warning, which is not swallowed by it."""
    work, plan = weighting_case(tmp_path, "data_latin1.csv")
    (work / "data_latin1.csv").write_bytes("id,sex,dw,cijfer,opmerking\n1,man,10,7.5,café\n"
                                           "2,vrouw,10,8,,9\n".encode("cp1252"))
    result = run_cli(["weight", plan])
    assert_clean_failure(result, "data_latin1.csv", ["row 3", "6 values where the header has 5 columns"])
    assert "it was read as Windows-1252" in result.output


def test_formulas_in_the_data_are_written_as_text(tmp_path):
    """weights.csv repeats the data's columns (with `data: db`, the open answers): a cell
    starting with = + - @ gets an apostrophe; numbers stay numbers."""
    import csv

    work, plan = weighting_case(tmp_path, "data_formula_text.csv")
    assert run_cli(["weight", plan]).exit_code == 0
    with open(work / "out" / "weights.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["opmerking"] for row in rows] == [
        "", "'=HYPERLINK(\"http://evil.example\",\"klik\")", "'@SUM(1+1)", "'+31 10 123", "'-1+1"]
    assert rows[4]["cijfer"] == "-2.0"


def test_a_huge_data_file_with_one_bad_row_at_the_end(tmp_path):
    work, plan = weighting_case(tmp_path, "data_huge.csv")
    lines = ["id,sex,dw,cijfer,opmerking"]
    lines += [f"{i},{'man' if i % 2 else 'vrouw'},10,7,x" for i in range(1, 300_001)]
    lines.append("300001,vrouw,tien,7,x")
    (work / "data_huge.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(["weight", plan])
    assert_clean_failure(result, "data_huge.csv", ["row 300002, column 'dw'"])
    assert not (work / "out").exists()


# --- Wijkprofiel export: `wijkprofiel index` ------------------------------------------------

EXPORT = CORPUS / "export"
VERMIJDING = "column 'Gemiddelde score voor vermijdingsgedrag'"
EXPORT_BROKEN = {
    "empty.csv": ["row 1", "no header: the first row must name the columns"],
    "header_only.csv": ["has a header but no rows"],
    "comma_separated.csv": ["has no column 'wijknr'"],
    "missing_column.csv": ["has no column 'Gemiddelde score voor vermijdingsgedrag'"],
    "duplicate_column.csv": ["row 1", "the header names 'wijknr' twice (columns 2 and 72)"],
    "duplicate_wijknr.csv": ["row 4, column 'wijknr'", "wijknr 71 appears twice (also in row 2)"],
    "bad_number.csv": ["row 3, " + VERMIJDING, "'2,0,1' (wijknr 72) is not a number"],
    "point_decimal.csv": ["row 2, " + VERMIJDING, "'2.5'"],
    "quoted_semicolon.csv": ["row 2, " + VERMIJDING, "'2;1'"],
    "formula.csv": ["row 4, " + VERMIJDING, "'=1+1' (wijknr 73) is not a number"],
    "formula_at.csv": ["row 2, " + VERMIJDING, "'@SUM(A1:A9)'"],
    "bad_wijknr.csv": ["row 3, column 'wijknr'", "is not a wijk number"],
    "too_many_cells.csv": ["row 3", "73 values where the header has 71 columns"],
}
EXPORT_ACCEPTED = ["export.csv", "bom.csv", "cp1252.csv"]


def test_the_export_corpus_is_complete():
    assert {p.name for p in EXPORT.iterdir()} == set(EXPORT_BROKEN) | set(EXPORT_ACCEPTED)


@pytest.mark.parametrize("name", sorted(EXPORT_BROKEN))
def test_broken_export_stops_cleanly(tmp_path, name):
    out = tmp_path / "scores.csv"
    result = run_cli(["index", EXPORT / name, "--out", out])
    assert_clean_failure(result, name, EXPORT_BROKEN[name])
    assert not out.exists()


def test_export_with_bom_or_windows_encoding_scores_as_the_plain_file(tmp_path):
    scores = {}
    for name in EXPORT_ACCEPTED:
        out = tmp_path / f"{name}.scores"
        result = run_cli(["index", EXPORT / name, "--out", out])
        assert result.exit_code == 0, result.output
        assert ("warning:" in result.output) == (name == "cp1252.csv"), result.output
        scores[name] = out.read_text(encoding="utf-8")
    assert scores["bom.csv"] == scores["export.csv"] == scores["cp1252.csv"]


def test_a_huge_export_with_one_bad_cell_at_the_end(tmp_path):
    lines = (EXPORT / "export.csv").read_text(encoding="utf-8").splitlines()
    header, row = lines[0], lines[1].split(";")
    body = []
    for number in range(1, 20_001):
        row[1] = str(number)
        body.append(";".join(row))
    body[-1] = body[-1].replace(";52%;", ";52 procent;", 1)
    huge = tmp_path / "huge.csv"
    huge.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    out = tmp_path / "scores.csv"
    result = run_cli(["index", huge, "--out", out])
    assert_clean_failure(result, "huge.csv", ["row 20001", "'52 procent' (wijknr 20000)"])
    assert not out.exists()


# --- outcomes: the coordinator's batch upload at /staff/outcomes/batch ----------------------

OUTCOMES = CORPUS / "outcomes"
OUTCOMES_BROKEN = {  # as the Dutch page says it (the coordinator's pages are Dutch)
    "missing_column.csv": ["rij 1", "moet de kolommen 'outcome'"],
    "empty.csv": ["rij 1", "geen kopregel"],
    "duplicate.csv": ["rij 4, kolom 'sample_unit_id'", "steekproefeenheid s6 staat ook in rij 2"],
    "duplicate_code_and_id.csv": ["rij 3, kolom 'sample_unit_id'", "ook in rij 2"],
    "formula.csv": ["rij 3, kolom 'sample_unit_id'",
                    "geen steekproefeenheid heeft de code, het kenmerk of het steekproefnummer"],
    "unknown_outcome.csv": ["rij 3, kolom 'outcome'", "'geweigerd_per_brief' bestaat niet"],
    "completed_unit.csv": ["rij 3, kolom 'sample_unit_id'", "s1 heeft de vragenlijst ingevuld"],
    "empty_reference.csv": ["rij 3, kolom 'sample_unit_id'", "leeg"],
    "bad_kenmerk.csv": ["rij 2, kolom 'kenmerk'", "'abc/12' is geen kenmerk zoals "
                        "2024-W1-INV-001/00354"],
    "unknown_kenmerk.csv": ["rij 2, kolom 'kenmerk'", "geen brief met kenmerk"],
    "bad_date.csv": ["rij 3, kolom 'date'", "'31-02-2024' is een onmogelijke datum"],
}
OUTCOMES_ACCEPTED = {"bom.csv": {"s6": "2.112"}, "semicolon.csv": {"s6": "2.112", "s7": "2.31"},
                     # Dutch Excel's Windows-1252, read as every import reads it, with a note
                     "latin1.csv": {"s6": "2.112", "s7": "2.112"}}


@pytest.fixture
def coordinator(make_app, sqlite_url):
    from tests.support.fieldwork_data import add_edition

    add_edition(sqlite_url)
    add_accounts(sqlite_url)
    actions = StaffActions(make_app(sqlite_url).test_client())
    actions.login("coordinator")
    return actions.client, sqlite_url


def upload_outcomes(client, name, content):
    import io


    return client.post("/staff/outcomes/batch", data={
        "csrf_token": csrf_token(client, "/staff/outcomes/"),
        "batch": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def outcome_state(url):
    from sqlalchemy import func, select

    from survey import storage
    from survey.models import SampleUnit, UnitOutcome

    with storage.transaction(url) as db:
        return (db.scalar(select(func.count()).select_from(UnitOutcome)),
                {unit: d for unit, d in db.execute(select(SampleUnit.id, SampleUnit.disposition))})


def test_the_outcomes_corpus_is_complete():
    assert {p.name for p in OUTCOMES.iterdir()} == set(OUTCOMES_BROKEN) | set(OUTCOMES_ACCEPTED)


@pytest.mark.parametrize("name", sorted(OUTCOMES_BROKEN))
def test_broken_outcome_batch_records_nothing(coordinator, name):
    import html

    client, url = coordinator
    before = outcome_state(url)
    response = upload_outcomes(client, name, (OUTCOMES / name).read_bytes())
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "Traceback" not in text and "Er is niets vastgelegd" in text
    assert name in text
    for fragment in OUTCOMES_BROKEN[name]:
        assert fragment in text, f"{fragment!r} not on the page"
    assert outcome_state(url) == before  # not even the good rows before the bad one


@pytest.mark.parametrize("name", sorted(OUTCOMES_ACCEPTED))
def test_outcome_batch_with_bom_or_semicolons_is_read(coordinator, name):
    client, url = coordinator
    response = upload_outcomes(client, name, (OUTCOMES / name).read_bytes())
    assert response.status_code == 302, response.text
    count, dispositions = outcome_state(url)
    assert count == len(OUTCOMES_ACCEPTED[name])
    assert {unit: dispositions[unit] for unit in OUTCOMES_ACCEPTED[name]} == OUTCOMES_ACCEPTED[name]
    page = client.get(response.headers["Location"]).text
    assert ("gelezen als Windows-1252" in page) == (name == "latin1.csv")


def test_a_huge_outcome_batch_with_a_bad_row_records_nothing(coordinator):
    client, url = coordinator
    before = outcome_state(url)
    rows = ["sample_unit_id,outcome,note", "s6,refused,ok", "s7,refused," + "x" * 1000]
    rows += ["GEEN-EENHEID,refused," + "y" * 200] * 20_000  # about 4.5 MB
    response = upload_outcomes(client, "groot.csv", ("\n".join(rows) + "\n").encode())
    assert response.status_code == 400
    assert "groot.csv rij 4, kolom &#39;sample_unit_id&#39;" in response.text
    assert outcome_state(url) == before


# --- returned letters: `wijkprofiel letters returned FILE.csv` ------------------------------

RETURNS = CORPUS / "letters_returned"
RETURNS_BROKEN = {
    "missing_column.csv": ["row 1", "expected the columns kenmerk and outcome"],
    "empty.csv": ["row 1", "no header"],
    "duplicate.csv": ["row 4", "letter 2024-W1-INV-001/00001 is already on row 2"],
    "formula.csv": ["row 3, column 'kenmerk'", "'=1+1' is not a kenmerk"],
    "unknown_outcome.csv": ["row 3, column 'outcome'", "'kwijt' is not one of"],
    "bad_date.csv": ["row 2, column 'date'", "'31-02-2024' is an impossible date"],
    "unknown_letter.csv": ["row 3", "no letter 2024-W1-INV-009/00001 was printed"],
    "bad_kenmerk.csv": ["row 3, column 'kenmerk'", "is not a kenmerk"],
}
RETURNS_ACCEPTED = {"bom.csv": {"s6": "3.30"}, "semicolon.csv": {"s6": "3.30", "s7": "3.40"},
                    "dutch_dates.csv": {"s6": "3.30", "s7": "3.40"},
                    # Dutch Excel's Windows-1252, read as every import reads it, with a note
                    "latin1.csv": {"s6": "3.30", "s7": "3.40"}}


@pytest.fixture
def letters_app(make_app, sqlite_url):
    from datetime import datetime

    from survey import storage
    from survey.models import MailedLetter
    from tests.support.fieldwork_data import add_edition

    add_edition(sqlite_url)
    with storage.transaction(sqlite_url) as db:
        for sequence, unit in ((1, "s6"), (2, "s7")):
            db.add(MailedLetter(sample_unit_id=unit, kind="invitation", wave=1,
                                batch="2024-W1-INV-001", sequence=sequence, pages=2,
                                printed_at=datetime(2024, 3, 1)))
    return make_app(sqlite_url)


def returns_state(url):
    from sqlalchemy import select

    from survey import storage
    from survey.models import MailedLetter

    with storage.transaction(url) as db:
        return (outcome_state(url),
                [tuple(r) for r in db.execute(select(MailedLetter.id, MailedLetter.returned_at,
                                       MailedLetter.return_reason))])


def test_the_returns_corpus_is_complete():
    assert {p.name for p in RETURNS.iterdir()} == set(RETURNS_BROKEN) | set(RETURNS_ACCEPTED)


@pytest.mark.parametrize("name", sorted(RETURNS_BROKEN))
def test_broken_returns_file_registers_nothing(letters_app, name):
    url = letters_app.config["DATABASE_URL"]
    before = returns_state(url)
    result = run_cli(["letters", "returned", RETURNS / name], app=letters_app)
    assert_clean_failure(result, name, RETURNS_BROKEN[name])
    assert returns_state(url) == before


@pytest.mark.parametrize("name", sorted(RETURNS_ACCEPTED))
def test_returns_with_bom_or_semicolons_are_read(letters_app, name):
    url = letters_app.config["DATABASE_URL"]
    result = run_cli(["letters", "returned", RETURNS / name], app=letters_app)
    assert result.exit_code == 0, result.output
    (_count, dispositions), letters = returns_state(url)
    assert {unit: dispositions[unit] for unit in RETURNS_ACCEPTED[name]} == RETURNS_ACCEPTED[name]
    assert ("read as Windows-1252" in result.output) == (name == "latin1.csv")
    if name == "dutch_dates.csv":  # the day as typed: 00:00 Rotterdam time, stored as UTC
        assert [returned_at for _id, returned_at, _reason in letters] == [
            datetime(2024, 3, 24, 23, 0), datetime(2024, 4, 4, 22, 0)]


def test_a_huge_returns_file_with_one_bad_row_registers_nothing(letters_app, tmp_path):
    url = letters_app.config["DATABASE_URL"]
    before = returns_state(url)
    rows = ["kenmerk,outcome", "2024-W1-INV-001/00001,onbestelbaar"]
    rows += [f"2024-W1-INV-001/{n:05d},onbestelbaar" for n in range(3, 100_003)]
    rows.append("2024-W1-INV-001/00002,kwijt")
    huge = tmp_path / "retour-groot.csv"
    huge.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli(["letters", "returned", huge], app=letters_app)
    assert_clean_failure(result, "retour-groot.csv", ["row 100003, column 'outcome'"])
    assert returns_state(url) == before


# --- questionnaires: `wijkprofiel questionnaire check` and `import-xlsform` -----------------

QUESTIONNAIRE = CORPUS / "questionnaire"
QUESTIONNAIRE_BROKEN = {
    "latin1.yaml": ["line 125", "not UTF-8 text"],
    "binary.yaml": ["line 1", "not valid YAML"],
    "empty.yaml": ["line 1", "expected a mapping"],
    "semicolon_csv.yaml": ["line 1", "expected a mapping"],
    "tabs.yaml": ["line 24", "not valid YAML"],
    "duplicate_key.yaml": ["line 8", "duplicate key 'title' (first on line 7)"],
    "duplicate_page_id.yaml": ["line 41", "duplicate page id 'woonduur' (first on line 28)"],
    "duplicate_variable.yaml": ["line 118", "duplicate variable 'woonjaren' (first on line 31)"],
    "missing_key.yaml": ["line 3", "'id' is missing"],
    "formula_variable.yaml": ["line 89", "is not snake_case"],
    # a billion values once expanded (took 6 GB in 52 s), and 10,000 nested lists (a
    # RecursionError traceback)
    "alias_bomb.yaml": ["line 8", "YAML too large: expands to more than 200,000 values"],
    "deep_nesting.yaml": ["line 3", "YAML too large: nested more than 100 levels deep"],
}
QUESTIONNAIRE_ACCEPTED = ["bom.yaml"]


def test_the_questionnaire_corpus_is_complete():
    names = {p.name for p in QUESTIONNAIRE.iterdir()}
    assert names == set(QUESTIONNAIRE_BROKEN) | set(QUESTIONNAIRE_ACCEPTED)


@pytest.mark.parametrize("name", sorted(QUESTIONNAIRE_BROKEN))
def test_broken_questionnaire_fails_the_check_by_line(name):
    path = QUESTIONNAIRE / name
    result = run_cli(["questionnaire", "check", path])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "Error: 1 of 1 questionnaire file(s) failed the check" in result.output
    assert f"{name} line " in result.output  # file, then line
    for fragment in QUESTIONNAIRE_BROKEN[name]:
        assert fragment in result.output, f"{fragment!r} not in {result.output!r}"


def test_a_questionnaire_with_a_bom_passes():
    result = run_cli(["questionnaire", "check", QUESTIONNAIRE / "bom.yaml"])
    assert result.exit_code == 0, result.output


def test_a_huge_questionnaire_with_one_bad_question(tmp_path):
    pages = []
    for number in range(2_000):
        variable = "v_1" if number == 1_999 else f"v_{number}"  # the last repeats the second
        pages.append(f"      - id: p-{number}\n        title: Pagina {number}\n        questions:\n"
                     f"          - id: q-{number}\n            variable: {variable}\n"
                     f"            type: text\n            text: Vraag {number}?\n")
    huge = tmp_path / "groot.yaml"
    huge.write_text("schema_version: 1\nid: groot\nversion: '2024.1'\nedition: 2024\n"
                    "title: Groot\nintro: Een grote vragenlijst.\nscales: {}\nsections:\n  - id: s\n    title: S\n    module: kern\n"
                    "    pages:\n" + "".join(pages), encoding="utf-8")
    result = run_cli(["questionnaire", "check", huge])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "duplicate variable 'v_1' (first on line" in result.output


XLSFORM = CORPUS / "xlsform"
XLSFORM_BROKEN = {
    "empty.xlsx": ["not an .xlsx workbook"],
    "not_a_workbook.xlsx": ["not an .xlsx workbook"],
    "semicolon_csv.xlsx": ["not an .xlsx workbook"],
    "no_survey_sheet.xlsx": ["no 'survey' sheet (sheets: vragen, choices, settings)"],
    "missing_type_column.xlsx": ["sheet 'survey' row 2, column 'type'"],
    "duplicate_names.xlsx": ["sheet 'survey' row 5, column 'name'", "'leeftijd' is also on row 3"],
    "formula_label.xlsx": ["sheet 'survey' row 3, column 'label::Nederlands (nl)'", "has no label"],
    "formula_name.xlsx": ["sheet 'survey' row 3, column 'name'", "needs a name"],
    "unknown_type.xlsx": ["sheet 'survey' row 3, column 'type'", "'barcode'"],
    "unknown_choice_list.xlsx": ["sheet 'survey' row 4, column 'type'", "'kleuren'"],
    "far_cell.xlsx": ["not an .xlsx workbook that can be read", "has a cell in column 16,384"],
    "damaged.xlsx": ["not an .xlsx workbook", "not a zip archive"],
}


def test_the_xlsform_corpus_is_complete():
    names = {p.name for p in XLSFORM.iterdir()} - {"build_corpus.py"}
    assert names == set(XLSFORM_BROKEN) | {"good.xlsx"}


@pytest.mark.parametrize("name", sorted(XLSFORM_BROKEN))
def test_broken_xlsform_writes_nothing(tmp_path, name):
    out = tmp_path / "buurt.yaml"
    result = run_cli(["questionnaire", "import-xlsform", XLSFORM / name, "--out", out])
    assert_clean_failure(result, name, XLSFORM_BROKEN[name])
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_good_xlsform_imports(tmp_path):
    out = tmp_path / "buurt.yaml"
    result = run_cli(["questionnaire", "import-xlsform", XLSFORM / "good.xlsx", "--out", out])
    assert result.exit_code == 0, result.output
    assert out.exists() and f"wrote {out}" in result.output


def test_a_huge_xlsform_with_one_bad_row(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label::Nederlands (nl)"])
    for number in range(5_000):
        sheet.append(["begin group", f"g{number}", f"Groep {number}"])
        sheet.append(["text", f"vraag_{number}", f"Vraag {number}?"])
        sheet.append(["end group", None, None])
    sheet.append(["geopoint", "waar", "Waar?"])
    form = tmp_path / "groot.xlsx"
    workbook.save(form)
    out = tmp_path / "groot.yaml"
    result = run_cli(["questionnaire", "import-xlsform", form, "--out", out])
    assert_clean_failure(result, "groot.xlsx", ["sheet 'survey' row 15002, column 'type'"])
    assert not out.exists()


# --- register extract: `wijkprofiel sample import FILE --kind register` ---------------------

REGISTER = CORPUS / "register"
REGISTER_BROKEN = {
    "not_text.csv": ["row 3", "neither UTF-8 nor Windows-1252"],
    "empty.csv": ["row 1", "no header"],
    "header_only.csv": ["no data rows"],
    "missing_column.csv": ["no column is mapped to wijk_code"],
    "duplicate_column.csv": ["row 1", "names 'wijk' twice"],
    "duplicate_register_id.csv": ["row 3, column 'registernummer'", "also on row 2"],
    "formula_wijk.csv": ["row 3, column 'wijk'", "is not a Rotterdam wijk"],
    "ragged.csv": ["row 3", "14 values where the header has 12"],
    "not_excel.xlsx": ["is not a readable Excel workbook"],
    "bad_huisletter.csv": ["row 2, column 'huisletter'", "'ab' is not a huisletter"],
    "bad_toevoeging.csv": ["row 3, column 'huisnummertoevoeging'",
                           "'=1+1' is not a huisnummertoevoeging"],
    "letter_twice.csv": ["row 2, column 'huisnummer'", "'392a' is not a house number"],
    "bad_voorvoegsel.csv": ["row 2, column 'voorvoegsel'", "'v@n' is not a voorvoegsel"],
    "only_children.csv": ["no person of 15 or over"],
    # 1.5 KB claiming the whole sheet with one cell at XFD1048576: 6 GB in 35 s before
    "far_cell.xlsx": ["has a cell in column 16,384"],
    # two cells under a claim of the whole sheet: read as the two cells they are
    "claimed_dimension.xlsx": ["no column is mapped to wijk_code"],
    "damaged.xlsx": ["is not a readable Excel workbook (not a zip archive)"],  # a traceback before
    "corrupted_sheet.xlsx": ["is not a readable Excel workbook (ParseError"],
}
REGISTER_ACCEPTED = ["semicolon.csv", "bom_comma.csv"]
# accepted with a note the command prints: (file, persons stored, note)
REGISTER_NOTED = {
    "latin1.csv": (2, "read as Windows-1252"),
    "under_15.csv": (2, "1 person(s) under 15 on the reference date 2022-01-01 are left out"),
    "plain_brp.csv": (2, "no column for migratieachtergrond and huishoudtype"),
    "dutch_address.csv": (2, None),
}


def identity_counts(url):
    from sqlalchemy import func, select

    from survey import storage
    from survey.models import IdentityPerson, PopulationMargin

    with storage.transaction(url) as db:
        return tuple(db.scalar(select(func.count()).select_from(model))
                     for model in (IdentityPerson, PopulationMargin))


@pytest.fixture
def register_app(make_app, sqlite_url):

    return make_app(sqlite_url)


def test_the_register_corpus_is_complete():
    assert {p.name for p in REGISTER.iterdir()} == (
        set(REGISTER_BROKEN) | set(REGISTER_ACCEPTED) | set(REGISTER_NOTED))


@pytest.mark.parametrize("name", sorted(REGISTER_NOTED))
def test_register_read_with_a_note_says_what_it_did(register_app, name):
    url = register_app.config["DATABASE_URL"]
    result = run_cli(["sample", "import", REGISTER / name, "--kind", "register", "--edition",
                      "2023"], app=register_app)
    persons, note = REGISTER_NOTED[name]
    assert result.exit_code == 0, result.output
    assert identity_counts(url)[0] == persons
    if note:
        assert f"note: " in result.output and note in result.output


@pytest.mark.parametrize("name", sorted(REGISTER_BROKEN))
def test_broken_register_imports_nothing(register_app, name):
    url = register_app.config["DATABASE_URL"]
    result = run_cli(["sample", "import", REGISTER / name, "--kind", "register"], app=register_app)
    assert_clean_failure(result, name, REGISTER_BROKEN[name])
    assert identity_counts(url) == (0, 0)


@pytest.mark.parametrize("name", REGISTER_ACCEPTED)
def test_register_with_semicolons_or_bom_and_commas_is_read(register_app, name):
    url = register_app.config["DATABASE_URL"]
    result = run_cli(["sample", "import", REGISTER / name, "--kind", "register"], app=register_app)
    assert result.exit_code == 0, result.output
    assert identity_counts(url)[0] == 2


def test_a_huge_register_with_one_bad_row_imports_nothing(register_app, tmp_path):
    url = register_app.config["DATABASE_URL"]
    lines = (REGISTER / "semicolon.csv").read_text(encoding="utf-8").splitlines()
    header, row = lines[0], lines[1]
    body = [row.replace("BRP-0000001", f"BRP-{n:07d}") for n in range(1, 50_001)]
    body[-1] = body[-1].replace(";Tarwewijk;", ";Atlantis;")
    huge = tmp_path / "register-groot.csv"
    huge.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    result = run_cli(["sample", "import", huge, "--kind", "register"], app=register_app)
    assert_clean_failure(result, "register-groot.csv", ["row 50001, column 'wijk'"])
    assert identity_counts(url) == (0, 0)
