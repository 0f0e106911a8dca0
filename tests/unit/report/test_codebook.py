"""The coded, labelled answers of an edition and its codebook, on three respondents of the real
Veiligheidsmonitor coded by hand."""

import numpy as np
import pandas as pd
import pytest

from survey.paths import QUESTIONNAIRES_DIR
from survey.fieldwork.answers import UNIT_COLUMNS
from survey.questionnaire import load_questionnaire
import pyreadstat

from survey.report.codebook import (EDITION_FILES, codebook_table, edition_codebook,
                                   write_edition_files)


@pytest.fixture(scope="module")
def coded():
    vm = load_questionnaire(QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml")
    frame = pd.DataFrame({
        "sample_unit_id": ["a1", "b2", "c3"], "wijk_code": [1, 1, 3],
        "wijk": ["Stadsdriehoek", "Stadsdriehoek", "Oude Westen"],
        "gebied": ["Centrum"] * 3, "questionnaire_id": ["veiligheidsmonitor"] * 3,
        "questionnaire_version": ["2024.1"] * 3, "wave": [1, 1, 2], "status": ["completed"] * 3,
        "disposition": ["1.1"] * 3, "started_at": ["2024-03-07 19:02:11"] * 3,
        "completed_at": ["2024-03-07 19:21:40"] * 3, "inclusion_probability": [0.1, 0.1, 0.08],
        "mode": ["web", "paper", "web"], "design_weight": [10.0, 10.0, 12.5],
        "stratum_population": [4000, 4000, 9000], "age_group": ["15-24", "25-44", "65+"],
        "sex": ["vrouw", "man", "vrouw"], "migration_background": ["nederlands"] * 3,
        "household_type": ["alleen"] * 3,
        "tevreden_buurt": ["tevreden", "weet_niet", None],
        "buurt_cijfer": ["7", "weet_niet", None],
        "verhuisreden": ["woning_te_klein overlast", "anders", None],
    })[UNIT_COLUMNS + ["tevreden_buurt", "buurt_cijfer", "verhuisreden"]]
    data, variables = edition_codebook(frame, np.array([20.0, 30.0, 40.0]),
                                       {"veiligheidsmonitor": vm}, 2024)
    return data, {v.name: v for v in variables}, variables, frame, vm


def _categorical(frame):
    """The frame as `analysis_frame` gives it: answers as Categoricals."""
    typed = frame.copy()
    for name in ("tevreden_buurt", "buurt_cijfer", "verhuisreden"):
        typed[name] = typed[name].astype("category")
    return typed


def test_categorical_answers_are_coded_exactly_as_text(coded):
    data, _, variables, frame, vm = coded
    typed_data, typed_variables = edition_codebook(
        _categorical(frame), np.array([20.0, 30.0, 40.0]), {"veiligheidsmonitor": vm}, 2024)
    pd.testing.assert_frame_equal(typed_data, data, check_exact=True)
    assert [v.__dict__ for v in typed_variables] == [v.__dict__ for v in variables]


def test_edition_files_are_rewritten_only_when_their_input_changed(coded, tmp_path):
    _, _, _, frame, vm = coded
    questionnaires = {"veiligheidsmonitor": vm}
    weights = pd.DataFrame({"weight": [20.0, 30.0, 40.0]})
    paths = write_edition_files(tmp_path, frame, weights, questionnaires, 2024)
    assert [p.name for p in paths] == list(EDITION_FILES)
    for path in paths:
        path.write_bytes(path.read_bytes() + b" ")  # mark: a rewrite would drop it
    write_edition_files(tmp_path, _categorical(frame), weights, questionnaires, 2024)
    assert all(p.read_bytes().endswith(b" ") for p in paths)  # same answers: kept
    write_edition_files(tmp_path, frame, weights * 1.01, questionnaires, 2024)
    assert not any(p.read_bytes().endswith(b" ") for p in paths)  # new weights: rewritten
    read, meta = pyreadstat.read_sav(str(paths[0]))
    assert read["weight"].tolist() == pytest.approx([20.2, 30.3, 40.4])
    changed = frame.assign(buurt_cijfer=["8", "weet_niet", None])
    paths[0].write_bytes(paths[0].read_bytes() + b" ")
    write_edition_files(tmp_path, changed, weights * 1.01, questionnaires, 2024)
    assert not paths[0].read_bytes().endswith(b" ")  # another answer: rewritten


def test_unused_categories_keep_the_files_and_a_changed_design_column_rewrites(coded, tmp_path):
    _, _, _, frame, vm = coded
    questionnaires = {"veiligheidsmonitor": vm}
    weights = pd.DataFrame({"weight": [20.0, 30.0, 40.0]})
    paths = write_edition_files(tmp_path, frame, weights, questionnaires, 2024)
    paths[0].write_bytes(paths[0].read_bytes() + b" ")
    # categories no respondent gave (a snapshot keeps those of units since gone) change nothing
    padded = _categorical(frame)
    padded["buurt_cijfer"] = padded["buurt_cijfer"].cat.add_categories(["1", "99"])
    write_edition_files(tmp_path, padded, weights, questionnaires, 2024)
    assert paths[0].read_bytes().endswith(b" ")
    moved = frame.assign(mode=["web", "web", "web"])
    write_edition_files(tmp_path, moved, weights, questionnaires, 2024)
    assert not paths[0].read_bytes().endswith(b" ")
    read, _ = pyreadstat.read_sav(str(paths[0]))
    assert len(read) == 3


def test_single_choice_is_coded_in_option_order_with_dont_know_negative(coded):
    data, by_name, *_ = coded
    # options: zeer_tevreden 1, tevreden 2, neutraal 3, ontevreden 4, zeer_ontevreden 5;
    # weet_niet (a missing option) -1; not answered: system missing
    assert data["tevreden_buurt"].tolist()[:2] == [2.0, -1.0] and np.isnan(data["tevreden_buurt"][2])
    v = by_name["tevreden_buurt"]
    assert v.value_labels[2] == "Tevreden" and v.value_labels[-1] == "Weet ik niet"
    assert v.stored_values[2] == "tevreden" and v.missing_codes == (-1,)
    version = load_questionnaire(QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml").version
    assert v.questionnaires == f"veiligheidsmonitor {version}" and v.valid == 1


def test_number_keeps_its_value_and_codes_dont_know(coded):
    data, by_name, *_ = coded
    assert data["buurt_cijfer"].tolist()[:2] == [7.0, -1.0]
    assert by_name["buurt_cijfer"].value_labels == {-1: "Weet ik niet"}


def test_multiple_choice_is_one_dummy_per_option(coded):
    data, by_name, *_ = coded
    assert data["verhuisreden_woning_te_klein"].tolist()[:2] == [1.0, 0.0]
    assert data["verhuisreden_overlast"].tolist()[:2] == [1.0, 0.0]
    assert data["verhuisreden_anders"].tolist()[:2] == [0.0, 1.0]
    assert np.isnan(data["verhuisreden_anders"][2])  # not answered
    assert by_name["verhuisreden_anders"].label.endswith(": Een andere reden")


def test_no_identity_columns_and_design_variables_labelled(coded):
    data, by_name, variables, *_ = coded
    assert "sample_unit_id" not in data.columns
    assert data["respondent"].tolist() == [1.0, 2.0, 3.0]
    assert data["weight"].tolist() == [20.0, 30.0, 40.0]
    assert by_name["wijk_code"].value_labels == {1: "Stadsdriehoek", 3: "Oude Westen"}
    # the version answered, as stored with the answers
    assert by_name["questionnaire_version"].value_labels == {1: "versie 2024.1"}
    assert data["questionnaire_version"].tolist() == [1.0, 1.0, 1.0]
    table = codebook_table(variables, 2024)
    assert table["variable"].tolist() == list(data.columns)
    assert (table["edition"] == 2024).all()
    assert "2 = tevreden = Tevreden" in table.set_index("variable").loc["tevreden_buurt", "values"]


def test_the_codebook_says_where_a_series_breaks():
    from survey.report.codebook import series_note
    vm = load_questionnaire(QUESTIONNAIRES_DIR / "veiligheidsmonitor.yaml")
    assert series_note(vm, "cohesie_kennen_nauwelijks").startswith(f"nieuw in {vm.version} (new)")
    assert series_note(vm, "kans_diefstal").startswith(f"breuk in de reeks in {vm.version} (scale)")
    assert series_note(vm, "buurt_cijfer") == ""
