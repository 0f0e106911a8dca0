"""The loader: YAML with lines -> schema -> frozen dataclasses."""

import dataclasses
import shutil

import pytest

from survey.errors import QuestionnaireError
from survey.questionnaire import load_all, load_questionnaire
from survey.paths import QUESTIONNAIRES_DIR
from weighting.yaml_lines import read_yaml

REAL = [QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml", QUESTIONNAIRES_DIR / "wijkonderzoek.yaml"]


def test_minimal_questionnaire_is_built(minimal_path):
    q = load_questionnaire(minimal_path)
    assert (q.id, q.version, q.edition) == ("minimal", "2024.1", 2024)
    assert [s.id for s in q.sections] == ["buurt", "veiligheid"]
    assert [p.id for p in q.pages] == ["over-u", "cohesie", "slachtoffer", "fiets-aangifte", "oordeel"]
    assert q.page("oordeel").section_id == "veiligheid"
    assert q.page("cohesie").module == "kern"
    assert [qq.id for qq in q.questions][:3] == ["leeftijd", "buurt-rapportcijfer", "cohesie-stellingen"]
    # one variable per question, grid rows expanded in place of the grid
    assert q.variables() == ["leeftijd", "buurt_cijfer", "cohesie_kennen", "cohesie_thuis", "hulp",
                             "slachtoffer_fiets", "aangifte_fiets", "aangifte_datum",
                             "onveilig_buurt", "toelichting"]


def test_options_are_resolved_from_scales_and_missing(minimal_path):
    q = load_questionnaire(minimal_path)
    fiets = q.question("fietsdiefstal")
    assert [o.value for o in fiets.options] == ["ja", "nee"]
    assert [(o.value, o.label) for o in fiets.missing_options] == [("weet_niet", "Weet ik niet")]
    hulp = q.question("hulp")
    assert hulp.exclusive == ("geen",) and [o.label for o in hulp.options][-1] == "Van niemand"
    assert q.question("toelichting").max_length == 500
    assert q.question("leeftijd").required is True and q.question("hulp").required is False
    assert q.question("leeftijd").line == 28  # the line of "- id: leeftijd"


def test_variable_info_for_grid_row_and_number(minimal_path):
    q = load_questionnaire(minimal_path)
    info = q.variable_info("cohesie_thuis")
    assert info.question.id == "cohesie-stellingen" and info.row.id == "thuis"
    assert info.type == "single"
    assert info.labels == {"eens": "Eens", "neutraal": "Neutraal", "oneens": "Oneens",
                           "weet_niet": "Weet ik niet"}
    assert info.missing_values == ["weet_niet"]
    assert info.label.endswith("Ik voel me thuis in deze buurt.")
    number = q.variable_info("buurt_cijfer")
    assert number.row is None and number.labels == {"weet_niet": "Weet ik niet"}
    with pytest.raises(KeyError):
        q.variable_info("cohesie")  # the grid's own name stores nothing


def test_routing_and_indicators(minimal_path):
    q = load_questionnaire(minimal_path)
    (rule,) = q.page("slachtoffer").routing
    assert rule.goto == "oordeel" and rule.when == {"variable": "slachtoffer_fiets", "not_in": ["ja"]}
    assert type(rule.when) is dict
    cohesie = q.indicator("sociale_cohesie")
    assert cohesie.variables == ("cohesie_kennen", "cohesie_thuis") and cohesie.combine == "any"
    assert cohesie.scores == {"eens": 2, "neutraal": 1, "oneens": 0}
    assert q.indicator("onveilig_eigen_buurt").variable == "onveilig_buurt"


def test_dataclasses_are_frozen(minimal_path):
    q = load_questionnaire(minimal_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.questions[0].text = "anders"


def test_cache_follows_the_file(minimal_path, tmp_path):
    path = tmp_path / "minimal.yaml"
    shutil.copy(minimal_path, path)
    first = load_questionnaire(path)
    assert load_questionnaire(path) is first
    text = path.read_text().replace("title: Kleine testvragenlijst", "title: Nieuwe titel")
    path.write_text(text)
    import os
    os.utime(path, ns=(1, 10**18))
    assert load_questionnaire(path).title == "Nieuwe titel"


def test_broken_file_raises_with_file_line_and_count(fixtures):
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(fixtures / "broken_routing.yaml")
    assert info.value.source.endswith("broken_routing.yaml") and info.value.line is not None
    assert "more problem" in str(info.value)


def test_missing_file():
    with pytest.raises(QuestionnaireError, match="file not found"):
        load_questionnaire("does/not/exist.yaml")


def test_lines_are_kept_for_mappings_and_items(minimal_path):
    data = read_yaml(minimal_path)
    assert data.key_lines["sections"] == 20
    assert data["sections"].item_lines[1] == 65
    assert data["sections"][1].line == 65


def test_load_all_reads_every_questionnaire(fixtures, tmp_path):
    shutil.copy(fixtures / "minimal.yaml", tmp_path / "minimal.yaml")
    assert list(load_all(tmp_path)) == ["minimal"]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_questionnaires_load(path):
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    q = load_questionnaire(path)
    assert q.id == path.stem and q.variables()


def test_other_yaml_files_in_the_directory_are_not_questionnaires(fixtures, tmp_path):
    shutil.copy(fixtures / "minimal.yaml", tmp_path / "minimal.yaml")
    (tmp_path / "index_veiligheid.yaml").write_text("kind: index_scores\nid: index_veiligheid\n")
    (tmp_path / "kapot.yaml").write_text("schema_version: 1\nid: [unclosed\n")
    from survey.questionnaire.loader import questionnaire_files
    assert [p.name for p in questionnaire_files(tmp_path)] == ["kapot.yaml", "minimal.yaml"]
    with pytest.raises(QuestionnaireError, match="kapot.yaml line 3: not valid YAML"):
        load_all(tmp_path)


def test_merge_keys_may_be_overridden_but_keys_not_repeated(tmp_path):
    path = tmp_path / "anchors.yaml"
    path.write_text("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n")
    assert read_yaml(path)["x"] == {"a": 1, "b": 3}
    path.write_text("x:\n  a: 1\n  b: 2\n  a: 3\n")
    with pytest.raises(QuestionnaireError, match=r"anchors.yaml line 4: duplicate key 'a' \(first on line 2\); keep one"):
        read_yaml(path, QuestionnaireError)
