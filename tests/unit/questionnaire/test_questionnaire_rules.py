"""Conditions: the scalar and the vectorised evaluator agree, and both follow the format doc."""

import random

import numpy as np
import pandas as pd
import pytest

from survey.questionnaire.rules import evaluate, evaluate_frame, variables_in

VARIABLES = ["a", "b", "c", "d"]
VALUES = ["ja", "nee", "vaak", "soms", "weet_niet", "3", "0"]
ANSWERS = [None, "", " ", "ja", "nee", "ja nee", "vaak soms", " soms ", "weet_niet", "3", "3.0",
           " 12 ", "-1.5", "2e1", ".5", "5.", "1_000", "nan", "inf", "1,5", "٣", "17", "18",
           "ja\tweet_niet", "ja\x1cnee", "ja\u00a0nee", "x.y", "+4", 3, 18.0, 2.5, float("nan")]


@pytest.mark.parametrize("condition, answers, expected", [
    ({"variable": "a", "in": ["ja"]}, {"a": "ja"}, True),
    ({"variable": "a", "in": ["ja"]}, {"a": "nee"}, False),
    ({"variable": "a", "in": ["ja"]}, {}, False),
    ({"variable": "a", "in": ["buren"]}, {"a": "familie buren"}, True),      # multiple: any chosen
    ({"variable": "a", "not_in": ["nee", "weet_niet"]}, {"a": "ja"}, True),
    ({"variable": "a", "not_in": ["nee", "weet_niet"]}, {"a": "weet_niet"}, False),
    ({"variable": "a", "not_in": ["nee"]}, {"a": None}, False),              # answered, and ...
    ({"variable": "a", "not_in": ["nee"]}, {"a": "  "}, False),              # blank is unanswered
    ({"variable": "a", "answered": True}, {"a": "0"}, True),
    ({"variable": "a", "answered": False}, {"a": ""}, True),
    ({"variable": "a", "min": 18}, {"a": "18"}, True),                         # inclusive
    ({"variable": "a", "min": 18}, {"a": "17"}, False),
    ({"variable": "a", "max": 17}, {"a": "weet_niet"}, False),
    ({"variable": "a", "min": 1, "max": 10}, {"a": "10"}, True),
    ({"variable": "a", "min": 1, "max": 10}, {"a": "11"}, False),
    ({"variable": "a", "in": [3]}, {"a": "3"}, True),                          # values compare as text
    ({"variable": "a", "in": [3]}, {"a": 3.0}, True),
    ({"all": [{"variable": "a", "in": ["ja"]}, {"variable": "b", "min": 18}]},
     {"a": "ja", "b": "20"}, True),
    ({"any": [{"variable": "a", "in": ["ja"]}, {"variable": "b", "min": 18}]},
     {"a": "nee", "b": "2"}, False),
    ({"not": {"variable": "a", "in": ["ja"]}}, {}, True),
])
def test_documented_semantics(condition, answers, expected):
    assert evaluate(condition, answers) is expected
    frame = pd.DataFrame([answers], columns=sorted(set(answers) | {"a"}))
    assert evaluate_frame(condition, frame).tolist() == [expected]


def _random_condition(rng, depth=0):
    if depth < 3 and rng.random() < 0.35:
        kind = rng.choice(["all", "any", "not"])
        if kind == "not":
            return {"not": _random_condition(rng, depth + 1)}
        return {kind: [_random_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    leaf = {"variable": rng.choice(VARIABLES + ["absent"])}
    for key in rng.sample(["in", "not_in", "answered", "min", "max"], rng.randint(1, 2)):
        if key in ("in", "not_in"):
            leaf[key] = rng.sample(VALUES, rng.randint(1, 3)) + ([3] if rng.random() < 0.1 else [])
        elif key == "answered":
            leaf[key] = rng.random() < 0.5
        else:
            leaf[key] = rng.choice([0, 1, 3, 17.5, 18, -2])
    return leaf


def test_scalar_and_vectorised_agree_on_random_cases():
    rng = random.Random(20241125)
    rows = [{v: rng.choice(ANSWERS) for v in VARIABLES} for _ in range(300)]
    frames = [pd.DataFrame(rows, dtype=object), pd.DataFrame(rows)]
    odd = [{v: rng.choice(ANSWERS + [True, False, 1, 0, pd.NA]) for v in VARIABLES} for _ in range(200)]
    numeric = pd.DataFrame({v: rng.choice([None, 0, 3, 17, 18, 18.5, np.nan]) for v in VARIABLES}
                           for _ in range(100))
    for _ in range(400):
        condition = _random_condition(rng)
        for frame in frames:
            expected = [evaluate(condition, r) for r in rows]
            assert evaluate_frame(condition, frame).tolist() == expected, condition
        expected = [evaluate(condition, r) for r in numeric.to_dict("records")]
        assert evaluate_frame(condition, numeric).tolist() == expected, condition
        expected = [evaluate(condition, r) for r in odd]
        assert evaluate_frame(condition, pd.DataFrame(odd, dtype=object)).tolist() == expected


def test_frame_result_is_a_bool_array_per_row():
    frame = pd.DataFrame({"leeftijd": ["17", "18", None, "weet_niet"]})
    result = evaluate_frame({"variable": "leeftijd", "min": 18}, frame)
    assert isinstance(result, np.ndarray) and result.dtype == bool
    assert result.tolist() == [False, True, False, False]


def test_variables_in():
    condition = {"all": [{"variable": "a", "answered": True},
                         {"any": [{"not": {"variable": "b", "in": ["x"]}},
                                  {"variable": "c", "min": 1}]}]}
    assert variables_in(condition) == {"a", "b", "c"}
    assert variables_in(None) == set()


def test_a_dict_that_is_not_a_condition_is_refused():
    with pytest.raises(ValueError, match="not a condition"):
        evaluate({"variable": "a", "inn": ["ja"]}, {})
    with pytest.raises(ValueError, match="not a condition"):
        evaluate_frame({"variable": "a"}, pd.DataFrame({"a": ["ja"]}))
