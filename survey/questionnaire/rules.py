"""Conditions: routing as data, evaluated one respondent at a time or a whole frame at once.

A condition is a plain dict, as in `questionnaires/README.md`:

    {variable: v, in: [a, b]}       answered, and one of its space-separated values is a or b
    {variable: v, not_in: [a, b]}   answered, and none of its values is a or b
    {variable: v, answered: true}   answered (false: not answered)
    {variable: v, min: 18, max: 65} answered with a number, min <= number <= max (inclusive)
    {all: [...]}  {any: [...]}  {not: ...}

A leaf may combine several tests (`min` with `max`, say); all must hold. An answer is the stored
text (multiple choice: the chosen values separated by spaces; a number: its digits), and
"answered" means present and not blank. Values in `in`/`not_in` compare as text, so `in: [3]`
matches the stored answer "3". A number is plain decimal notation ("12", "-1.5", "2e3"); any
other text, such as "weet_niet", fails both `min` and `max`.

`evaluate` and `evaluate_frame` give the same result for the same answers: the frame version
decides each leaf once per distinct answer with the same code and spreads the result over the
rows with numpy. The tests check the agreement on many random cases.

>>> evaluate({"variable": "leeftijd", "min": 18}, {"leeftijd": "34"})
True
>>> evaluate({"any": [{"variable": "hulp", "in": ["buren"]}]}, {"hulp": "familie buren"})
True
>>> evaluate({"variable": "hulp", "not_in": ["geen"]}, {"hulp": None})
False
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

import numpy as np
import pandas as pd

__all__ = ["evaluate", "evaluate_frame", "variables_in", "answer_text", "parse_number"]

_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LEAF_KEYS = {"variable", "in", "not_in", "answered", "min", "max"}


def answer_text(value: Any) -> str | None:
    """The stored text of an answer: None stays None (as do NaN and pandas' NA), text stays as
    it is, a number becomes its plain digits (3.0 becomes "3", as a whole-number answer is
    stored).

    >>> answer_text(3.0), answer_text(2.5), answer_text(None), answer_text("ja")
    ('3', '2.5', None, 'ja')
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def parse_number(text: str | None) -> float | None:
    """The number in a stored answer, or None if it is not plain decimal notation.

    >>> parse_number(" 12 "), parse_number("1,5"), parse_number("weet_niet")
    (12.0, None, None)
    """
    if text is None:
        return None
    text = text.strip()
    return float(text) if _NUMBER_RE.fullmatch(text) else None


def _check_leaf(condition):
    unknown = set(condition) - _LEAF_KEYS
    if unknown or len(condition) < 2:
        raise ValueError(f"not a condition: {condition!r}")


def _leaf_holds(condition: Mapping, text: str | None) -> bool:
    """Whether a leaf condition holds for one stored answer text (or None)."""
    answered = text is not None and text.strip() != ""
    if "answered" in condition and answered != bool(condition["answered"]):
        return False
    if "in" in condition or "not_in" in condition:
        tokens = set(text.split()) if answered else set()
        if "in" in condition and not (answered and tokens & {answer_text(v) for v in condition["in"]}):
            return False
        if "not_in" in condition and not (
                answered and not tokens & {answer_text(v) for v in condition["not_in"]}):
            return False
    if "min" in condition or "max" in condition:
        number = parse_number(text)
        if number is None:
            return False
        if "min" in condition and not number >= condition["min"]:
            return False
        if "max" in condition and not number <= condition["max"]:
            return False
    return True


def evaluate(condition: Mapping, answers: Mapping[str, Any]) -> bool:
    """Whether `condition` holds for one respondent.

    Args:
        condition: a condition dict (see the module docstring).
        answers: variable -> stored answer text (or None); a variable not in it is unanswered.

    Returns: True or False. Raises ValueError for a dict that is not a condition.

    >>> evaluate({"variable": "slachtoffer", "in": ["ja"]}, {"slachtoffer": "ja"})
    True
    """
    if "all" in condition:
        return all(evaluate(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    _check_leaf(condition)
    return _leaf_holds(condition, answer_text(answers.get(condition["variable"])))


class _Columns:
    """The frame's columns factorised once per variable: row codes into a list of distinct
    stored texts. A leaf is then decided once per distinct answer (with the very code that
    `evaluate` runs) and spread to the rows by numpy indexing; answers to survey questions have
    few distinct values, so this is fast as well as exactly `evaluate`'s semantics."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.n = len(frame)
        self._factors: dict = {}

    def factors(self, variable) -> tuple[np.ndarray, list]:
        if variable not in self._factors:
            if variable in self.frame.columns and isinstance(self.frame[variable].dtype,
                                                             pd.CategoricalDtype):
                # the analysis frame's columns are factorised already
                column = self.frame[variable].array
                texts = [answer_text(c) for c in column.categories] + [None]
                codes = np.where(column.codes < 0, len(texts) - 1, column.codes)
            elif variable in self.frame.columns:
                column = self.frame[variable]
                codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
                if column.dtype == object and any(
                        not isinstance(u, str) and (u is True or u is False or u == 0 or u == 1)
                        for u in uniques):
                    # True == 1 and False == 0 share a code in a mixed column, but their stored
                    # texts differ ("true" / "1"): factorise the texts instead
                    texts_per_row = [answer_text(v) for v in column.to_numpy(dtype=object)]
                    codes, uniques = pd.factorize(np.array(texts_per_row, dtype=object),
                                                  use_na_sentinel=True)
                texts = [answer_text(u) for u in uniques] + [None]
                codes = np.where(codes < 0, len(texts) - 1, codes)
            else:
                codes, texts = np.zeros(self.n, dtype=np.intp), [None]
            self._factors[variable] = (codes, texts)
        return self._factors[variable]

    def leaf(self, condition) -> np.ndarray:
        codes, texts = self.factors(condition["variable"])
        holds = np.fromiter((_leaf_holds(condition, t) for t in texts), dtype=bool, count=len(texts))
        return holds[codes]


def _evaluate_columns(condition, columns: _Columns) -> np.ndarray:
    if "all" in condition:
        result = np.ones(columns.n, dtype=bool)
        for c in condition["all"]:
            result &= _evaluate_columns(c, columns)
        return result
    if "any" in condition:
        result = np.zeros(columns.n, dtype=bool)
        for c in condition["any"]:
            result |= _evaluate_columns(c, columns)
        return result
    if "not" in condition:
        return ~_evaluate_columns(condition["not"], columns)
    _check_leaf(condition)
    return columns.leaf(condition)


def evaluate_frame(condition: Mapping, frame: pd.DataFrame) -> np.ndarray:
    """`evaluate` for every row of a frame at once, with exactly the same semantics.

    Args:
        condition: a condition dict.
        frame: one row per respondent, one column per variable (stored text, None/NaN for
            unanswered; numeric columns are read as their stored text). A missing column means
            nobody answered it.

    Returns: a numpy bool array, one entry per row. Raises ValueError for a non-condition.

    >>> frame = pd.DataFrame({"leeftijd": ["17", "18", None, "weet_niet"]})
    >>> evaluate_frame({"variable": "leeftijd", "min": 18}, frame).tolist()
    [False, True, False, False]
    """
    return _evaluate_columns(condition, _Columns(frame))


def variables_in(condition: Mapping | None) -> set[str]:
    """The variables a condition names.

    >>> sorted(variables_in({"all": [{"variable": "a", "answered": True},
    ...                              {"not": {"variable": "b", "in": ["x"]}}]}))
    ['a', 'b']
    """
    if not condition:
        return set()
    if "all" in condition:
        return set().union(*(variables_in(c) for c in condition["all"]))
    if "any" in condition:
        return set().union(*(variables_in(c) for c in condition["any"]))
    if "not" in condition:
        return variables_in(condition["not"])
    return {condition["variable"]} if "variable" in condition else set()
