"""The demo's answer targets name real variables and answers, and are hit on average."""

import numpy as np
import pytest

from survey.demo.answers import _aim, answer_targets
from survey.questionnaire import load_all


def test_every_target_names_a_variable_and_its_answers():
    questionnaires = load_all().values()
    for variable, shares in answer_targets().items():
        owners = [q for q in questionnaires if variable in q.variables()]
        assert owners, f"answer_targets.yaml: {variable!r} is in no questionnaire"
        for q in owners:
            options = {o.value for o in q.variable_info(variable).options}
            assert set(shares) <= options, (variable, set(shares) - options)
        assert sum(shares.values()) <= 1.0 + 1e-9, variable


def test_aim_sets_targeted_shares_and_scales_the_rest():
    p = np.array([0.1, 0.3, 0.6])
    aimed = _aim(p, np.array(["vaak", "soms", "nooit"], dtype=object), {"vaak": 0.2})
    assert aimed == pytest.approx([0.2, 0.8 * 0.3 / 0.9, 0.8 * 0.6 / 0.9])
    assert aimed.sum() == pytest.approx(1.0)
