"""`wijkprofiel questionnaire check`: every kind of problem, with its file and line."""

import re
import shutil

import pytest
from click.testing import CliRunner

from survey.paths import QUESTIONNAIRES_DIR
from survey.cli import main
from survey.questionnaire.check import check_file

# fixture file -> [(line, text the message must contain)], all of them, in line order
EXPECTED = {
    "yaml_syntax.yaml": [(16, "not valid YAML: mapping values are not allowed")],
    "duplicate_key.yaml": [(18, "duplicate key 'text' (first on line 17)")],
    "schema_violation.yaml": [
        (3, 'version must be a quoted string'),
        (10, "answer value False must be snake_case text"),
        (18, "needs exactly one of `scale` or `options`"),
        (22, "unknown key(s) ('scale' was unexpected) for a number question"),
        (31, "'slider' is not one of"),
        (34, "unknown key(s) ('inn' was unexpected)"),
    ],
    "bad_names.yaml": [
        (8, "id 'Buurt_Oordeel' is not kebab-case"),
        (15, "'buurtCijfer' is not snake_case"),
    ],
    "wrong_id.yaml": [(2, "id 'veiligheidsmonitor' differs from the file name; expected id: wrong_id")],
    "unknown_scale.yaml": [
        (18, "question 'q': unknown scale 'ja_neee'"),
        (23, "question 'r': unknown missing scale 'weet_niet'"),
    ],
    "broken_routing.yaml": [
        (24, "goto 'bestaat-niet' is not a page id"),
        (25, "page 'tweede' when: condition names variable 'q3', which is asked on page 'derde'"),
        (28, "question 'q2' when: condition names variable 'onbekend', which no question stores"),
        (35, "goto 'eerste' jumps back (a cycle)"),
        (36, "goto 'tweede' jumps back (a cycle)"),
        (37, "'misschien' is not one of its answers"),
    ],
    "duplicates.yaml": [
        (10, "duplicate value in scale 'ja_nee': 'ja' (first on line 9)"),
        (22, "duplicate question id 'q' (first on line 18)"),
        (22, "duplicate variable 'zelfde' (first on line 18)"),
        (26, "duplicate page id 'p' (first on line 16)"),
        (35, "duplicate row id in question 'r': 'een'"),
        (35, "duplicate variable 'zelfde'"),
    ],
    "bad_values.yaml": [
        (21, "exclusive value 'geen' is not one of its options"),
        (29, "min 10 is greater than max 1"),
        (42, "indicator 'ontbreekt': variable 'bestaat_niet' is not in the questionnaire"),
        (50, "'soms' is not an answer of 'onveilig'"),
        (50, "'weet_niet' is a missing answer of 'onveilig'"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_problem_is_reported_with_file_and_line(name, fixtures):
    result = check_file(fixtures / name)
    found = [(p.line, str(p)) for p in result.problems]
    assert len(found) == len(EXPECTED[name]), "\n".join(m for _, m in found)
    for (line, message), (want_line, want) in zip(found, EXPECTED[name]):
        assert line == want_line, message
        assert want in message
        assert message.startswith(f"{fixtures / name} line {want_line}: ")


def test_the_good_fixture_passes(minimal_path):
    result = check_file(minimal_path)
    assert result.ok, result.problems
    assert result.summary() == (f"OK {minimal_path}: 2 sections, 5 pages, 9 questions, "
                                f"10 variables, 3 indicators")


def test_command_lists_all_problems_and_exits_1(fixtures, minimal_path):
    runner = CliRunner()
    outcome = runner.invoke(main, ["questionnaire", "check", str(minimal_path),
                                   str(fixtures / "broken_routing.yaml"),
                                   str(fixtures / "yaml_syntax.yaml")])
    assert outcome.exit_code == 1
    assert f"OK {minimal_path}: 2 sections" in outcome.output
    assert len(re.findall(r"broken_routing\.yaml line \d+: ", outcome.output)) == 6
    assert "yaml_syntax.yaml line 16: not valid YAML" in outcome.output
    assert "2 of 3 questionnaire file(s) failed the check" in outcome.output
    assert "Traceback" not in outcome.output


def test_command_passes_good_files(minimal_path):
    outcome = CliRunner().invoke(main, ["questionnaire", "check", str(minimal_path)])
    assert outcome.exit_code == 0, outcome.output


def test_missing_file_is_a_clean_error(tmp_path):
    outcome = CliRunner().invoke(main, ["questionnaire", "check", str(tmp_path / "nope.yaml")])
    assert outcome.exit_code == 1
    assert "nope.yaml: file not found" in outcome.output


@pytest.mark.parametrize("name", ["veiligheidsmonitor", "wijkonderzoek"])
def test_real_questionnaire_passes(name):
    path = QUESTIONNAIRES_DIR / f"{name}.yaml"
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    result = check_file(path)
    assert result.ok, "\n".join(map(str, result.problems))


@pytest.mark.parametrize("name", ["veiligheidsmonitor", "wijkonderzoek"])
def test_breaking_a_real_questionnaire_is_caught_at_the_right_line(name, tmp_path):
    source = QUESTIONNAIRES_DIR / f"{name}.yaml"
    if not source.exists():
        pytest.skip(f"{source.name} not written yet")
    lines = source.read_text(encoding="utf-8").splitlines()
    # 1. a variable name that is not snake_case: a schema error on that very line
    variable_line = next(i for i, l in enumerate(lines) if re.match(r"\s+variable: \w+\s*$", l))
    # 2. a scale that does not exist: reported on the line where its question starts
    scale_line = next(i for i, l in enumerate(lines) if re.match(r"\s+scale: \w+\s*$", l))
    question_line = next(i for i in range(scale_line, -1, -1) if re.match(r"\s+- id: ", lines[i]))
    lines[variable_line] = re.sub(r"variable: \w+", "variable: BuurtCijfer", lines[variable_line])
    broken = tmp_path / source.name
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = check_file(broken)
    assert [(p.line, p.source) for p in result.problems] == [(variable_line + 1, str(broken))]
    assert "'BuurtCijfer' is not snake_case" in str(result.problems[0])

    shutil.copy(source, broken)
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[scale_line] = re.sub(r"scale: \w+", "scale: bestaat_niet", lines[scale_line])
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = check_file(broken).problems
    assert problems and all(p.source == str(broken) for p in problems)
    assert (question_line + 1) in [p.line for p in problems if "unknown scale 'bestaat_niet'" in str(p)]


@pytest.mark.parametrize("old, new, expected", [
    ("schema_version: 1", "schema_version: 2",
     [(1, "schema_version 2: this toolkit reads only schema_version 1")]),
    ("when: {all: [{variable: leeftijd, min: 18}, {variable: slachtoffer_fiets, in: [ja]}]}",
     "when: {all: [{variable: leeftijd, minn: 18}, {variable: slachtoffer_fiets, in: ja}]}",
     [(96, "when.all[0]: unknown key(s) ('minn' was unexpected)"),
      (96, "when.all[1].in: 'ja' is not of type 'array'")]),
    ("when: {not: {variable: leeftijd, max: 17}}",
     "when: {variable: leeftijd, all: [{variable: leeftijd, max: 17}]}",
     [(114, "when: a condition is {variable: ..., in/not_in/answered/min/max: ...} or {all: [...]}")]),
    ("    values: [vaak, soms]\n", "    scores: {vaak: 1}\n",
     [(116, "a proportion indicator counts `values` (or, for a number question, answers of at least `min`)"),
      (116, "`scores` belong to a mean indicator")]),
    ("    label: Rapportcijfer buurt\n", "    label: Rapportcijfer buurt\n    variables: [leeftijd]\n",
     [(133, "an indicator needs exactly one of `variable` or `variables`")]),
    ("    rescale: [0, 10]\n", "    rescale: [0, 10]\n    base: all\n",
     [(124, "`base: all` applies to a proportion or ratio indicator")]),
    ("    values: [vaak, soms]\n", "    values: [vaak, soms]\n    base: everyone\n",
     [(121, "base: 'everyone' is not one of")]),
    ("              - {id: thuis,", "              - {id: kennen,",
     [(55, "duplicate row id in question 'cohesie-stellingen': 'kennen'")]),
])
def test_more_problems_in_a_copy_of_the_good_fixture(old, new, expected, minimal_path, tmp_path):
    text = minimal_path.read_text()
    assert old in text
    path = tmp_path / "minimal.yaml"
    path.write_text(text.replace(old, new, 1))
    found = [(p.line, str(p)) for p in check_file(path).problems]
    assert len(found) == len(expected), found
    for (line, message), (want_line, want) in zip(found, expected):
        assert (line, want in message) == (want_line, True), message


@pytest.mark.parametrize("change, expected", [
    ("      - variables: [buurt_cijfer]\n        change: wording\n        series: continues\n"
     "        note: Andere tekst.\n", "a change of wording breaks the series"),
    ("      - variables: [bestaat_niet]\n        change: new\n        series: starts\n"
     "        note: Nieuw.\n", "variable 'bestaat_niet' is not in the questionnaire"),
    ("      - indicators: [buurt_cijfer_gemiddeld_x]\n        change: new\n        series: break\n"
     "        note: Nieuw.\n", "a new item's series starts"),
])
def test_the_version_history_is_held_to_the_file(change, expected, tmp_path):
    from survey.paths import QUESTIONNAIRES_DIR
    text = (QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml").read_text(encoding="utf-8")
    text = text.replace("    changes:\n", "    changes:\n" + change, 1)
    path = tmp_path / "veiligheidsmonitor.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [str(p) for p in check_file(path).problems]
    assert any(expected in m for m in messages), messages
