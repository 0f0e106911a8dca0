"""Importing an XLSForm: a small form built here with openpyxl, converted, checked, evaluated."""

import openpyxl
import pytest
from click.testing import CliRunner

from survey.cli import main
from survey.questionnaire import Router, load_questionnaire
from survey.questionnaire.check import check_file
from survey.questionnaire.xlsform import convert_xlsform, translate_relevant

SURVEY = [
    ["type", "name", "label", "label::Nederlands (nl)", "hint::Nederlands (nl)", "required",
     "relevant", "constraint"],
    ["start", "start", None, None, None, None, None, None],
    ["begin group", "over_u", "About you", "Over u", None, None, None, None],
    ["integer", "leeftijd", "Age", "Wat is uw leeftijd?", "In jaren", "yes", None,
     ". >= 15 and . <= 120"],
    ["select_one ja_nee", "woont_buurt", "Lives here", "Woont u in deze buurt?", None, None, None, None],
    ["end group", None, None, None, None, None, None, None],
    ["begin group", "veiligheid", "Safety", "Veiligheid", None, None, None, None],
    ["begin group", "slachtoffer", "Victim", "Slachtofferschap", None, None, None, None],
    ["select_multiple delicten", "delicten", "Crimes", "Waarvan was u slachtoffer?", None, None,
     None, None],
    ["end group", None, None, None, None, None, None, None],
    ["begin group", "aangifte", "Report", "Aangifte", None, None,
     "selected(${delicten}, 'fietsdiefstal') and ${leeftijd} > 17", None],
    ["date", "datum", "Date", "Wanneer?", None, None, None, ". >= date('2023-01-01') and . <= today()"],
    ["decimal", "schade", "Damage", "Hoeveel schade (euro)?", None, None, "${woont_buurt} != 'nee'",
     ". >= 0 and . <= 10000"],
    ["text", "toelichting", "Explain", "Toelichting", None, None, "not(${woont_buurt} = '')",
     "string-length(.) <= 300"],
    ["end group", None, None, None, None, None, None, None],
    ["end group", None, None, None, None, None, None, None],
    ["select_one ja_nee", "contact", "Contact", "Mogen we u benaderen?", None, None, None, None],
]
CHOICES = [
    ["list_name", "name", "label", "label::Nederlands (nl)"],
    ["ja_nee", "ja", "Yes", "Ja"],
    ["ja_nee", "nee", "No", "Nee"],
    ["delicten", "fietsdiefstal", "Bike theft", "Fietsdiefstal"],
    ["delicten", "inbraak", "Burglary", "Inbraak"],
    ["delicten", "geen", "None", "Geen van deze"],
]
SETTINGS = [["form_title", "form_id", "version"], ["Buurtonderzoek", "buurtonderzoek", "2024.1"]]


def write_form(path, survey=SURVEY, choices=CHOICES, settings=SETTINGS):
    workbook = openpyxl.Workbook()
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        sheet = workbook.active if name == "survey" else workbook.create_sheet(name)
        sheet.title = name
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_form_converts_to_a_questionnaire_that_passes_check(tmp_path):
    form = write_form(tmp_path / "buurt.xlsx")
    result = convert_xlsform(form)
    assert result.problems == []
    assert result.notes and "metadata field 'start'" in result.notes[0]
    out = tmp_path / "buurtonderzoek.yaml"
    out.write_text(result.yaml_text)
    assert check_file(out).ok, check_file(out).problems
    q = load_questionnaire(out)
    assert (q.id, q.version, q.edition, q.title) == ("buurtonderzoek", "2024.1", 2024, "Buurtonderzoek")
    # groups of questions are pages; a group of groups is a section; a loose question a page
    assert [p.id for p in q.pages] == ["over-u", "slachtoffer", "aangifte", "contact"]
    assert [s.id for s in q.sections] == ["deel-1", "veiligheid", "deel-3"]
    assert q.sections[1].title == "Veiligheid"
    leeftijd = q.question("leeftijd")
    assert (leeftijd.type, leeftijd.min, leeftijd.max, leeftijd.required) == ("number", 15, 120, True)
    assert leeftijd.text == "Wat is uw leeftijd?" and leeftijd.help == "In jaren"   # Dutch column
    assert [o.label for o in q.question("delicten").options] == ["Fietsdiefstal", "Inbraak", "Geen van deze"]
    assert q.question("delicten").type == "multiple"
    datum = q.question("datum")
    assert (datum.type, datum.min, datum.max) == ("date", "2023-01-01", "today")
    assert (q.question("schade").decimals, q.question("toelichting").max_length) == (2, 300)


def test_relevant_becomes_conditions_with_the_same_meaning(tmp_path):
    form = write_form(tmp_path / "buurt.xlsx")
    out = tmp_path / "buurtonderzoek.yaml"
    out.write_text(convert_xlsform(form).yaml_text)
    router = Router(load_questionnaire(out))
    victim = {"leeftijd": "30", "delicten": "inbraak fietsdiefstal", "woont_buurt": "ja"}
    assert [p.id for p in router.path(victim)] == ["over-u", "slachtoffer", "aangifte", "contact"]
    assert "aangifte" not in [p.id for p in router.path(dict(victim, leeftijd="17"))]
    # `${woont_buurt} != 'nee'` holds for an unanswered question too, as in XPath
    shown = [q.id for q in router.visible_questions("aangifte", dict(victim, woont_buurt=None))]
    assert shown == ["datum", "schade"]
    shown = [q.id for q in router.visible_questions("aangifte", dict(victim, woont_buurt="nee"))]
    assert shown == ["datum", "toelichting"]


@pytest.mark.parametrize("expression, expected", [
    ("${a} = 'ja'", {"variable": "a", "in": ["ja"]}),
    ("${a} != 'ja'", {"not": {"variable": "a", "in": ["ja"]}}),
    ("selected(${a}, 'buren')", {"variable": "a", "in": ["buren"]}),
    ("${a} = ''", {"variable": "a", "answered": False}),
    ("${age} >= 18", {"variable": "age", "min": 18}),
    ("18 <= ${age}", {"variable": "age", "min": 18}),
    ("${age} < 65", {"all": [{"variable": "age", "max": 65}, {"not": {"variable": "age", "min": 65}}]}),
    ("${a} = 'x' or ${b} = 'y' or ${c} = 'z'",
     {"any": [{"variable": "a", "in": ["x"]}, {"variable": "b", "in": ["y"]}, {"variable": "c", "in": ["z"]}]}),
    ("not(${a} = 'x' and (${b} = 'y'))",
     {"not": {"all": [{"variable": "a", "in": ["x"]}, {"variable": "b", "in": ["y"]}]}}),
])
def test_translate_relevant(expression, expected):
    assert translate_relevant(expression) == expected


def test_what_cannot_be_translated_is_reported_with_row_and_column(tmp_path):
    survey = SURVEY[:4] + [
        ["note", "uitleg", "Note", "Lees dit", None, None, None, None],
        ["integer", "kinderen", "Children", "Hoeveel kinderen?", None, None,
         "count-selected(${delicten}) > 1", ". > 0"],
        ["calculate", "som", None, None, None, None, None, None],
        ["select_one onbekend", "kleur", "Colour", "Welke kleur?", None, "${leeftijd} > 20", None, None],
    ] + SURVEY[5:]
    result = convert_xlsform(write_form(tmp_path / "kapot.xlsx", survey=survey))
    found = {(p.row, p.column): p.detail for p in result.problems}
    assert (5, "type") not in found  # a note is the hint of the question after it
    assert "the function count-selected() has no counterpart" in found[(6, "relevant")]
    assert any("row 6: number question 'kinderen' has no max" in n for n in result.notes)
    assert "type 'calculate' has no counterpart" in found[(7, "type")]
    assert "choice list 'onbekend' is not on the choices sheet" in found[(8, "type")]
    assert "only yes/no" in found[(8, "required")]
    assert all(str(p).startswith(f"{tmp_path / 'kapot.xlsx'} sheet 'survey' row ") for p in result.problems)


def test_command_writes_checked_yaml_or_refuses(tmp_path):
    runner = CliRunner()
    out = tmp_path / "buurtonderzoek.yaml"
    outcome = runner.invoke(main, ["questionnaire", "import-xlsform",
                                   str(write_form(tmp_path / "buurt.xlsx")), "--out", str(out)])
    assert outcome.exit_code == 0, outcome.output
    assert f"OK {out}: 3 sections, 4 pages" in outcome.output
    assert check_file(out).ok
    again = runner.invoke(main, ["questionnaire", "import-xlsform", str(tmp_path / "buurt.xlsx"),
                                 "--out", str(out)])
    assert again.exit_code == 1 and "exists already" in again.output

    survey = SURVEY + [["calculate", "som", None, None, None, None, None, None]]
    bad = runner.invoke(main, ["questionnaire", "import-xlsform",
                               str(write_form(tmp_path / "kapot.xlsx", survey=survey)),
                               "--out", str(tmp_path / "kapot.yaml")])
    assert bad.exit_code == 1
    assert "row 18, column 'type': type 'calculate' has no counterpart" in bad.output
    assert not (tmp_path / "kapot.yaml").exists()
    assert "Traceback" not in bad.output


def test_not_a_workbook_is_a_clean_error(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_text("no workbook")
    outcome = CliRunner().invoke(main, ["questionnaire", "import-xlsform", str(path)])
    assert outcome.exit_code == 1 and "not an .xlsx workbook" in outcome.output


def test_partial_writes_what_translated_and_still_fails(tmp_path):
    survey = SURVEY + [["calculate", "som", None, None, None, None, None, None]]
    out = tmp_path / "deels.yaml"
    outcome = CliRunner().invoke(main, ["questionnaire", "import-xlsform", "--partial",
                                        str(write_form(tmp_path / "deels.xlsx", survey=survey)),
                                        "--out", str(out)])
    assert outcome.exit_code == 1
    assert "type 'calculate' has no counterpart" in outcome.output
    assert "written without the 1 part(s)" in outcome.output
    assert check_file(out).ok and load_questionnaire(out).id == "deels"


def test_section_relevant_reaches_its_pages_and_label_nl_is_dutch(tmp_path):
    survey = [list(row) for row in SURVEY]
    survey[0] = [c.replace("label::Nederlands (nl)", "label::nl").replace("hint::Nederlands (nl)", "hint::nl")
                 for c in survey[0]]
    veiligheid = next(row for row in survey if row[1] == "veiligheid")
    veiligheid[6] = "${leeftijd} >= 18"
    result = convert_xlsform(write_form(tmp_path / "buurt.xlsx", survey=survey))
    assert result.problems == []
    out = tmp_path / "buurtonderzoek.yaml"
    out.write_text(result.yaml_text)
    q = load_questionnaire(out)
    assert q.question("leeftijd").text == "Wat is uw leeftijd?"
    assert q.page("slachtoffer").when == {"variable": "leeftijd", "min": 18}
    assert q.page("aangifte").when["all"][0] == {"variable": "leeftijd", "min": 18}
    router = Router(q)
    assert [p.id for p in router.path({"leeftijd": "16"})] == ["over-u", "contact"]
