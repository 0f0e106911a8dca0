"""The demo's published story as data: shifts per edition, wijk and index, checked on load."""

import pytest

from survey.demo.story import load_story
from survey.questionnaire import load_all
from weighting.errors import InputError


def test_the_story_file_tells_2022_and_2024():
    story = load_story()
    assert story.latent_shift(2022) > story.latent_shift(2024)  # answers worse in 2024
    city = story.latent_shift(2024) - story.latent_shift(2022)
    for wijk in ("Carnisse", "Hillesluis", "Tussendijken", "Lombardijen"):
        assert story.latent_shift(2024, wijk) - story.latent_shift(2022, wijk) > 0 > city
        assert story.register_factor(wijk, 2024) < story.register_factor(wijk, 2022)
        assert story.latent_shift(2022, wijk) < story.latent_shift(2022)  # low in 2022
    assert story.latent_shift(2024, "Tarwewijk") - story.latent_shift(2022, "Tarwewijk") == pytest.approx(city)
    assert story.register_factor("Tarwewijk", 2024) > story.register_factor("Tarwewijk", 2022)
    for index in ("Sociale index", "Fysieke index"):
        # objective parts hold or rise while the answers behind the subjective parts fall
        assert story.objective_shift(index, 2024) >= story.objective_shift(index, 2022)
        assert story.index_response[index] > 0
    assert story.latent_shift(2016) == 0.0 and story.objective_shift("Sociale index", 2016) == 0.0


def test_answers_behind_the_reconstructed_indices_get_their_own_shift():
    questionnaires = load_all()
    shifts = load_story().variable_shifts(2022, questionnaires)
    story = load_story()
    expected = (story.index_offset["Sociale index"]
                + (story.index_response["Sociale index"] - 1) * story.latent_shift(2022))
    assert shifts["leven_cijfer"] == pytest.approx(expected)
    assert shifts["onveilig_buurt"] == story.answer_offset["onveilig_buurt"]
    assert "tevreden_buurt" not in shifts  # the Veiligheidsindex's answers follow the edition


def test_a_bad_story_names_the_setting(tmp_path):
    path = tmp_path / "story.yaml"
    path.write_text("editions:\n  2024: {wijk_latent_shift: {Carnisse: veel}}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"editions.2024.wijk_latent_shift: expected a mapping"):
        load_story.__wrapped__(path)
