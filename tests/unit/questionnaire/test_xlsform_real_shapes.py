"""XLSForms as ODK's own tools write them (the shapes of pyxform's test forms, built here
with openpyxl; none of their files is copied): before, none of nine such forms converted.
`label::English` and `label:English` columns, upper-case sheet and column names,
`select one from list`, a `list name` header, field-lists, integers without bounds, notes,
a duplicate choice name. Every converted form must pass `questionnaire check`."""

import openpyxl
import pytest
from click.testing import CliRunner

from survey.cli import main
from survey.questionnaire import load_questionnaire
from survey.questionnaire.check import check_file
from survey.questionnaire.xlsform import convert_xlsform
from survey.questionnaire.xlsform.sheets import column_key, parse_type


def workbook(path, **sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def converted(tmp_path, name, **sheets):
    """(result, loaded questionnaire) after writing, converting and checking the form."""
    result = convert_xlsform(workbook(tmp_path / f"{name}.xlsx", **sheets))
    out = tmp_path / f"{result.questionnaire_id}.yaml"
    out.write_text(result.yaml_text, encoding="utf-8")
    checked = check_file(out)
    assert checked.ok, [str(p) for p in checked.problems]
    return result, load_questionnaire(out)


def test_upper_case_sheets_and_columns_with_label_colon_colon_en(tmp_path):
    result, q = converted(
        tmp_path, "hoofdletters",
        SURVEY=[["TYPE", "NAME", "LABEL::EN", "HINT::EN", "REQUIRED"],
                ["select_one yes_no", "good", "Are you well?", "Say yes or no", "TRUE"]],
        CHOICES=[["LIST_NAME", "NAME", "LABEL::EN"], ["yes_no", "yes", "Yes"],
                 ["yes_no", "no", "No"]],
        SETTINGS=[["FORM_TITLE", "FORM_ID", "DEFAULT_LANGUAGE"], ["Well", "WellBeing", "EN"]])
    assert result.problems == [] and result.questionnaire_id == "wellbeing"
    good = q.question("good")
    assert (good.text, good.help, good.required) == ("Are you well?", "Say yes or no", True)
    assert [o.label for o in q.scales["yes_no"].options] == ["Yes", "No"]
    assert any("no Dutch label column" in n and "'LABEL::EN'" in n for n in result.notes)


def test_one_colon_labels_groups_and_integers_without_bounds(tmp_path):
    result, q = converted(
        tmp_path, "groep",
        survey=[["type", "name", "label:English (en)"],
                ["text", "family_name", "What is your family name?"],
                ["begin group", "father", "Father"],
                ["int", "age", "How old is your father?"],
                ["decimal", "height", "How tall (m)?"],
                ["end group"]])
    assert result.problems == []
    assert q.question("family-name").text == "What is your family name?"
    age = q.question("age")
    assert (age.type, age.min, age.max) == ("number", 0, 999999)
    assert q.page("father").title == "Father"
    assert [n for n in result.notes if "number question 'age' has no min and no max" in n]


def test_select_one_from_and_the_list_name_header(tmp_path):
    result, q = converted(
        tmp_path, "ja_of_nee",
        survey=[["type", "name", "label:english"],
                ["select one from yes_or_no", "good_day", "Have you had a good day?"],
                ["select all that apply from meals", "meals", "What did you eat?"]],
        choices=[["list name", "name", "label:english"], ["yes_or_no", "yes", "yes"],
                 ["yes_or_no", "no", "no"], ["meals", "breakfast", "breakfast"],
                 ["meals", "lunch", "lunch"]])
    assert result.problems == []
    assert (q.question("good-day").type, q.question("good-day").scale) == ("single", "yes_or_no")
    assert q.question("meals").type == "multiple"


def test_field_list_group_with_several_languages(tmp_path):
    """The survey has `label::english`; the choices `label` and `label::chinese`: the default
    column wins where there is no Dutch one."""
    result, q = converted(
        tmp_path, "veldlijst",
        survey=[["type", "name", "label::english", "hint", "appearance"],
                ["begin group", "tabel", "Table", None, "field-list"],
                ["select_one yes_no", "q1", "First question", "a hint"],
                ["select_one yes_no", "q2", "Second question"],
                ["end group"]],
        choices=[["list_name", "name", "label", "image", "label::chinese"],
                 ["yes_no", "yes", "Yes", None, "是"], ["yes_no", "no", "No", None, "没有"]])
    assert result.problems == []
    page = q.page("tabel")
    assert [question.id for question in page.questions] == ["q1", "q2"]
    assert [o.label for o in q.scales["yes_no"].options] == ["Yes", "No"]


def test_the_dutch_column_wins_and_constraints_bound_numbers(tmp_path):
    result, q = converted(
        tmp_path, "buurt",
        survey=[["type", "name", "label::English", "label::Nederlands", "constraint"],
                ["integer", "leeftijd", "Age", "Leeftijd?", ". > 14 and . < 121"],
                ["decimal", "cijfer", "Mark", "Rapportcijfer?", ". >= 1 and . <= 10"]])
    assert result.problems == [] and not [n for n in result.notes if "Dutch" in n]
    assert (q.question("leeftijd").text, q.question("leeftijd").min,
            q.question("leeftijd").max) == ("Leeftijd?", 15, 120)
    assert (q.question("cijfer").min, q.question("cijfer").max) == (1, 10)


def test_a_note_is_the_hint_of_the_question_after_it(tmp_path):
    result, q = converted(
        tmp_path, "notitie",
        survey=[["type", "name", "label"],
                ["note", "intro", "The next questions are about your street."],
                ["text", "street", "Which street?"],
                ["note", "calc", "You live in ${street}"],
                ["text", "house", "House number?"]])
    assert q.question("street").help == "The next questions are about your street."
    [problem] = result.problems
    assert (problem.row, problem.column) == (4, "type") and "calculated value" in problem.detail


def test_a_duplicate_choice_name_is_named_and_partial_writes_the_rest(tmp_path):
    form = workbook(tmp_path / "dubbel.xlsx",
                    survey=[["type", "name", "label"], ["select_one kleur", "kleur", "Kleur?"]],
                    choices=[["list_name", "name", "label"], ["kleur", "rood", "Rood"],
                             ["kleur", "blauw", "Blauw"], ["kleur", "rood", "Rood (nog eens)"]])
    result = convert_xlsform(form)
    [problem] = result.problems
    assert str(problem).startswith(f"{form} sheet 'choices' row 4, column 'name': choice 'rood' "
                                   "is also in list 'kleur' on row 2")
    out = tmp_path / "dubbel.yaml"
    outcome = CliRunner().invoke(main, ["questionnaire", "import-xlsform", str(form), "--out",
                                        str(out)])
    assert outcome.exit_code == 1 and not out.exists()
    outcome = CliRunner().invoke(main, ["questionnaire", "import-xlsform", str(form), "--out",
                                        str(out), "--partial"])
    assert out.exists() and check_file(out).ok
    assert [o.value for o in load_questionnaire(out).scales["kleur"].options] == ["rood", "blauw"]


def test_what_cannot_convert_is_named_with_sheet_row_and_column(tmp_path):
    result = convert_xlsform(workbook(
        tmp_path / "rest.xlsx",
        survey=[["type", "name", "label", "choice_filter"],
                ["select_one kleur or_other", "kleur", "Kleur?"],
                ["select_one kleur", "pastel", "Pastel?", "pastel=ja"],
                ["phone number", "telefoon", "Telefoon?"],
                ["begin repeat", "kind", "Kind"], ["text", "naam", "Naam?"], ["end repeat"]],
        choices=[["list name", "name", "label", "pastel"], ["kleur", "rood", "Rood", "nee"]]))
    found = {(p.row, p.column) for p in result.problems}
    assert found == {(2, "type"), (3, "choice_filter"), (4, "type"), (5, "type"), (7, "type")}


@pytest.mark.parametrize("raw, expected", [
    ("select_one yes_no", ("select_one", "yes_no", False)),
    ("select one yes_no", ("select_one", "yes_no", False)),
    ("select one from yes_no", ("select_one", "yes_no", False)),
    ("select_multiple m or_other", ("select_multiple", "m", True)),
    ("select all that apply from m", ("select_multiple", "m", False)),
    ("Begin Group", ("begin_group", None, False)),
    ("end_group", ("end_group", None, False)),
    ("string", ("text", None, False)),
])
def test_type_spellings(raw, expected):
    assert parse_type(raw) == expected


def test_column_spellings():
    assert [column_key(h) for h in ("Label::English (en)", "label:English", "List Name",
                                    "constraint_message::english")] == [
        "label::English (en)", "label::English", "list_name", "constraint_message::english"]
