import numpy as np
import pandas as pd
import pytest

from survey.access_codes import code_hash
from survey.demo.register import build_register
from survey.population.allocation import allocate
from survey.population.selection import draw_sample
from survey.population.wijken import load_wijken


def test_allocation_follows_response_rates_and_caps_small_wijken():
    sizes = allocate(np.array([10_000, 10_000, 400]), np.array([0.5, 0.25, 0.4]), 4000)
    assert sizes[1] == pytest.approx(2 * sizes[0], abs=1)  # half the response, twice the letters
    assert sizes[2] == 400  # a census of the tiny wijk
    assert abs(sizes.sum() - 4000) <= 2


def test_sample_design_is_stratified_simple_random_sampling():
    wijken = load_wijken()
    register = build_register(wijken, np.random.default_rng(5), scale=0.05)
    rate = np.full(len(wijken), 0.4)
    sample = draw_sample(register, wijken["wijk_code"], rate, np.random.default_rng(6), 3750)
    assert abs(len(sample) - 3750) <= 40
    population = register.groupby("wijk_code").size()
    n = sample.groupby("wijk_code").size()
    assert (sample["stratum_population"] == sample["wijk_code"].map(population)).all()
    assert np.allclose(sample["design_weight"], sample["wijk_code"].map(population / n))
    assert np.allclose(sample["design_weight"] * sample["inclusion_probability"], 1)
    # the design weights add up to the population of every wijk
    assert np.allclose(sample.groupby("wijk_code")["design_weight"].sum(), population[n.index])
    assert sample["person_index"].is_unique and sample["id"].is_unique
    assert sample["id"].str.fullmatch(r"[0-9a-f]{16}").all()
    split = pd.crosstab(sample["wijk_code"], sample["questionnaire_id"])
    assert (split.max(axis=1) - split.min(axis=1)).max() <= 1
    assert set(sample["wave"]) == {1, 2}
    assert (sample["access_code"].map(code_hash) == sample["code_hash"]).all()
