"""The demo's answer targets name real variables and answers, and are hit on average."""

import numpy as np
import pandas as pd
import pytest

from survey.demo.answers import _aim, _number_from_target, answer_targets
from survey.questionnaire import load_all


def test_every_target_names_a_variable_and_its_answers():
    questionnaires = load_all().values()
    for variable, shares in answer_targets().items():
        owners = [q for q in questionnaires if variable in q.variables()]
        assert owners, f"answer_targets.yaml: {variable!r} is in no questionnaire"
        if set(shares) == {"mean"}:  # a mark's city mean (number questions)
            assert all(q.variable_info(variable).options == [] or
                       {o.value for o in q.variable_info(variable).options} <= {"weet_niet", "geen_antwoord"}
                       for q in owners), variable
            assert 1 <= shares["mean"] <= 10, variable
            continue
        for q in owners:
            info = q.variable_info(variable)
            if info.type == "number":  # a count: {number: share} inside the question's range
                assert all(isinstance(k, int) for k in shares), variable
                assert min(shares) >= info.question.min and max(shares) <= info.question.max
                assert sum(shares.values()) == pytest.approx(1.0), variable
                continue
            options = {o.value for o in info.options}
            assert set(shares) <= options, (variable, set(shares) - options)
        assert sum(shares.values()) <= 1.0 + 1e-9, variable


def test_a_mark_is_aimed_at_its_mean():
    from survey.demo.answers import Respondents, generate_answers
    from survey.questionnaire import load_all as questionnaires

    wijkonderzoek = questionnaires()["wijkonderzoek"]
    n = 4000
    rng = np.random.default_rng(1)
    respondents = Respondents(latent=rng.standard_normal(n), mode=np.full(n, "web", dtype=object),
                              page_limit=np.full(n, 10_000),
                              answered_on=np.full(n, np.datetime64("2023-05-01")))
    answers = generate_answers(wijkonderzoek, respondents, rng).answers_frame()
    marks = answers.loc[answers["variable"] == "leven_cijfer", "value"]
    marks = pd.to_numeric(marks, errors="coerce").dropna()
    assert marks.mean() == pytest.approx(answer_targets()["leven_cijfer"]["mean"], abs=0.15)


def test_a_count_with_a_target_is_drawn_from_it():
    questionnaire = load_all()["veiligheidsmonitor"]
    question = questionnaire.variable_info("aantal_autos").question
    rng = np.random.default_rng(7)
    latent = rng.standard_normal(20_000)
    drawn = _number_from_target(question, {0: 0.45, 1: 0.43, 2: 0.10, 3: 0.02},
                                np.arange(20_000), latent, rng)
    shares = {k: float(np.mean(drawn == str(k))) for k in range(4)}
    assert shares == pytest.approx({0: 0.45, 1: 0.43, 2: 0.10, 3: 0.02}, abs=0.015)
    # cars go with the latent score (better off, more cars), as the generator intends
    assert latent[drawn == "2"].mean() > latent[drawn == "0"].mean()


def test_aim_sets_targeted_shares_and_scales_the_rest():
    p = np.array([0.1, 0.3, 0.6])
    aimed = _aim(p, np.array(["vaak", "soms", "nooit"], dtype=object), {"vaak": 0.2})
    assert aimed == pytest.approx([0.2, 0.8 * 0.3 / 0.9, 0.8 * 0.6 / 0.9])
    assert aimed.sum() == pytest.approx(1.0)
