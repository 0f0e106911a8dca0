"""The index configuration checker: every problem of a file, each with file and line."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from survey.cli import main
from weighting.errors import InputError
from weighting.index_check import check_index_file, index_files
from weighting.scores import load_index_configs, load_score_config

INDICES = Path(__file__).resolve().parents[3] / "indices"

GOOD = """\
kind: index_scores
id: proef
index: Proefindex
baseline_edition: 2014
register:
  denominators:
    inwoners: inhabitants
parts:
  - column: Proefindex -subjectief
    kind: subjectief
    themes: [Beleving]
  - column: Proefindex -objectief
    kind: objectief
    themes: [Misdrijven]
themes:
  - column: Beleving
    indicators:
      - column: "% tevreden"
        survey: tevreden_met_buurt
        direction: higher_is_better
        baseline: 76
        sd: 11.5
  - column: Misdrijven
    indicators:
      - column: Misdrijven per duizend inwoners
        register: {count: Misdrijven, per: inwoners, multiplier: 1000}
        direction: higher_is_worse
        transform: sqrt
        baseline: 60
        sd: 1.5
        changes:
          - edition: 2018
            change: BVI-telregels
"""


def write(tmp_path, text, name="proef.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_configurations_are_clean():
    assert [p.name for p in index_files()] == ["fysieke_index.yaml", "sociale_index.yaml",
                                               "veiligheidsindex.yaml"]
    assert {p.name: check_index_file(p) for p in index_files()} == {
        p.name: [] for p in index_files()}
    configs = load_index_configs()
    assert list(configs) == ["Veiligheidsindex", "Sociale index", "Fysieke index"]
    for config in configs.values():
        assert [p.kind for p in config.parts] == ["subjectief", "objectief"]


def test_a_good_file_loads_with_its_break(tmp_path):
    config = load_score_config(write(tmp_path, GOOD))
    assert config.index_column == "Proefindex"
    assert config.indicators[0].survey == "tevreden_met_buurt"
    assert list(config.breaks()) == [2018]


def test_every_problem_is_reported_with_file_and_line(tmp_path):
    text = (GOOD.replace("direction: higher_is_better", "direction: hoger_is_beter")  # line 20
            .replace("        sd: 11.5\n", "        sd: 11.5\n        colour: red\n"))  # in the item of line 18
    path = write(tmp_path, text)
    problems = check_index_file(path)
    assert [(p.line, p.source) for p in problems] == [(18, str(path)), (20, str(path))]
    assert "unknown key(s) ('colour' was unexpected)" in problems[0].detail
    assert "'hoger_is_beter' is not one of" in problems[1].detail


@pytest.mark.parametrize("old, new, line, message", [
    ("themes: [Misdrijven]", "themes: [Misdrijf]", 14,
     "part 'Proefindex -objectief': theme 'Misdrijf' is not one of the themes"),
    ("per: inwoners", "per: adressen", 26,
     "register.per 'adressen' is not one of the denominators (inwoners)"),
    ("baseline: 60", "baseline: -1", 29, "baseline -1 is outside the domain of sqrt"),
    ("edition: 2018", "edition: 2012", 32, "definition change in 2012 must come after 2014"),
    ("column: Misdrijven per duizend inwoners", 'column: "% tevreden"', 25, "appears twice (first on line 18)"),
    ("baseline_edition: 2014\n", "baseline_edition: 2014\nbaselines:\n  from_scores: [\"% tevrede\"]\n", 6,
     "baselines.from_scores: '% tevrede' is not one of the indicators"),
])
def test_cross_reference_problems_name_the_line(tmp_path, old, new, line, message):
    path = write(tmp_path, GOOD.replace(old, new))
    problems = check_index_file(path)
    assert (problems[0].line, message in problems[0].detail) == (line, True), problems


def test_a_theme_in_no_part_and_bad_yaml(tmp_path):
    problems = check_index_file(write(tmp_path, GOOD.replace("themes: [Misdrijven]", "themes: [Beleving]")))
    assert [p.detail for p in problems] == [
        "part 'Proefindex -objectief': theme 'Beleving' is already in part 'Proefindex -subjectief'",
        "theme 'Misdrijven' belongs to no part"]
    assert [p.line for p in problems] == [14, 23]
    broken = check_index_file(write(tmp_path, GOOD.replace("  - column: Beleving", "  - column: [Beleving")))
    assert len(broken) == 1 and broken[0].line is not None and broken[0].detail.startswith("not valid YAML: ")


def test_loading_a_bad_file_names_the_first_problem_and_counts_the_rest(tmp_path):
    path = write(tmp_path, GOOD.replace("baseline: 76", "baseline: veel").replace("sd: 1.5", "sd: 0"))
    with pytest.raises(InputError) as caught:
        load_score_config(path)
    assert str(caught.value).startswith(f"{path} line 21: ")
    assert "(and 1 more problem(s); run `wijkprofiel index check" in str(caught.value)


def test_index_check_command_lists_problems_and_fails(tmp_path):
    good = write(tmp_path, GOOD, "good.yaml")
    bad = write(tmp_path, GOOD.replace("kind: index_scores", "kind: questionnaire"), "bad.yaml")
    outcome = CliRunner().invoke(main, ["index", "check", str(good), str(bad)])
    assert outcome.exit_code == 1
    assert f"{good}: ok" in outcome.output
    assert f"{bad} line 1: kind: kind must be index_scores" in outcome.output
    assert "1 problem(s) in 2 file(s)" in outcome.output
    assert CliRunner().invoke(main, ["index", "check"]).exit_code == 0


def test_reconstructed_indices_document_every_indicator_with_definition_and_source():
    documented = (INDICES.parent / "docs" / "index-reconstruction.md").read_text(encoding="utf-8")
    register_doc = (INDICES.parent / "docs" / "register-indicators.md").read_text(encoding="utf-8")
    for name in ("Sociale index", "Fysieke index"):
        config = load_index_configs()[name]
        assert config.status == "reconstructed" and "gereconstrueerd" in config.note
        for indicator in config.indicators:
            assert indicator.definition and indicator.source, indicator.column
            assert f"| {indicator.column} | {indicator.definition} | {indicator.source} |" in documented
            if indicator.register is not None:
                assert f"`{indicator.register.count}`" in register_doc


def test_reconstructed_indices_use_existing_questionnaire_indicators_outside_the_2024_modules():
    from survey.questionnaire import load_all

    module_of, indicators = {}, {}
    for questionnaire in load_all().values():
        for section in questionnaire.sections:
            for page in section.pages:
                for variable in page.variables():
                    module_of[variable] = section.module
        indicators.update({i.id: i for i in questionnaire.indicators})
    used = 0
    for config in load_index_configs().values():
        for indicator in config.indicators:
            if indicator.survey:
                assert indicator.survey in indicators, indicator.survey
                modules = {module_of[v] for v in indicators[indicator.survey].variables}
                assert modules == {"kern"}, (indicator.survey, modules)
                used += 1
    assert used == 39
