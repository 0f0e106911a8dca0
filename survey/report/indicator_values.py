"""Turn a questionnaire's indicator definitions into one value per respondent, ready for
design-based estimation: 1/0 for a proportion, a number for a mean, NaN where the respondent
is outside the indicator's base (not asked, skipped, or answered "weet niet").

Estimating the mean of these values over a domain, with NaN as "not in the base", is the
indicator: R's `svymean(~x, design, na.rm=TRUE)` does the same by dropping the NaN units from
the domain while keeping them in the design.

A ratio indicator has two values per respondent: the numerator (`indicator_values`, e.g. the
household's bicycle thefts in the own buurt) and the denominator (`denominator_values`, the
household's bicycles); the indicator is the ratio of their weighted totals, R's
`svyratio(~y, ~x, design, na.rm=TRUE)`, times the indicator's multiplier.

The analysis frame's answers are Categoricals (`survey.fieldwork.answers.analysis_frame`): a
rule is then applied once per distinct answer and spread by the codes, with the very
functions that a plain text column goes through row by row, so both give the same values.
"""

import numpy as np
import pandas as pd

from survey.questionnaire.model import Indicator, Questionnaire
from survey.questionnaire.rules import evaluate_frame, variables_in

DENOMINATOR_SUFFIX = "__noemer"
"""A ratio indicator's denominator column is its id with this suffix."""


def _per_category(series: pd.Series, rule, missing, memo=None, key=None) -> np.ndarray:
    """`rule` (from a Series of answers to a numpy array) applied once per distinct answer of
    a categorical column and spread to the rows by its codes; `missing` for no answer. Other
    columns get `rule` row by row.

    `memo` (a dict shared by the indicators of one frame) keeps the per-answer result under
    (`key`, the column's categories): a variable read by several indicators, or a filter
    checked for each of its follow-ups, is decided once."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        column = series.array
        found = None if memo is None else memo.get((key, series.dtype))
        if found is None:
            per_category = np.asarray(rule(pd.Series(column.categories, dtype=object)))
            found = np.append(per_category, missing)
            if memo is not None:
                memo[(key, series.dtype)] = found
        return found[column.codes]
    return np.asarray(rule(series))


def _chosen(series: pd.Series, values, memo=None) -> np.ndarray:
    """True where the stored answer is one of `values` (for multiple choice: any chosen)."""
    return _per_category(series, lambda s: _chosen_rows(s, values), False, memo,
                         ("chosen", tuple(values))).astype(bool)


def _chosen_rows(series: pd.Series, values) -> np.ndarray:
    wanted = set(values)
    text = series.fillna("").astype(str)
    result = text.isin(wanted).to_numpy(dtype=bool, copy=True)
    # only multiple-choice answers hold several values; split just those (a Python loop over
    # every respondent for every indicator was the slow part at 30,000 respondents)
    several = text.str.contains(" ", regex=False).to_numpy(dtype=bool)
    if several.any():
        tokens = text[several].str.split()
        result[several] = np.fromiter((not wanted.isdisjoint(t) for t in tokens), dtype=bool,
                                      count=int(several.sum()))
    return result


def _substantive(series: pd.Series, missing_values, memo=None) -> np.ndarray:
    def rule(s):
        text = s.astype("string")
        return (text.notna() & ~text.isin(list(missing_values))).to_numpy(dtype=bool)

    return _per_category(series, rule, False, memo,
                         ("substantive", tuple(missing_values))).astype(bool)


def _scored(series: pd.Series, scores: dict, memo=None) -> np.ndarray:
    return _per_category(series, lambda s: s.map(lambda v: scores.get(v, np.nan))
                         .to_numpy(dtype=float), np.nan, memo,
                         ("scored", tuple(scores.items()))).astype(float)


def _numbers(series: pd.Series, memo=None) -> np.ndarray:
    return _per_category(series, lambda s: pd.to_numeric(s, errors="coerce")
                         .to_numpy(dtype=float), np.nan, memo, ("numbers",)).astype(float)


def indicator_values(indicator: Indicator, questionnaire: Questionnaire,
                     frame: pd.DataFrame, memo: dict | None = None) -> pd.Series:
    """The indicator's value per row of `frame` (one column per stored variable); `memo`, a
    dict kept over the indicators of the same `frame`, saves deciding an answer twice.

    Raises KeyError naming the variable when `frame` lacks one of the indicator's variables.

    >>> # share who feel unsafe in their own buurt: vaak or soms -> 1, zelden/nooit -> 0,
    >>> # weet niet or not asked -> NaN
    """
    columns = []
    for variable in indicator.variables:
        if variable not in frame.columns:
            raise KeyError(f"indicator {indicator.id!r}: no column {variable!r} in the answers")
        info = questionnaire.variable_info(variable)
        series = frame[variable]
        answered = _substantive(series, info.missing_values, memo)
        if indicator.kind == "proportion" and indicator.minimum is not None:
            number = np.where(answered, _numbers(series, memo), np.nan)
            value = np.where(np.isnan(number), np.nan, (number >= indicator.minimum).astype(float))
            if indicator.base == "all":
                value[routed_past(questionnaire, info.question, frame, memo)] = 0.0
        elif indicator.kind == "proportion":
            value = np.where(answered, _chosen(series, indicator.values, memo).astype(float), np.nan)
            if indicator.base == "all":
                value[routed_past(questionnaire, info.question, frame, memo)] = 0.0
        elif indicator.kind == "ratio":
            value = np.where(answered, _numbers(series, memo), np.nan)
            if indicator.base == "all":  # not asked because the filter said no: none happened
                value[routed_past(questionnaire, info.question, frame, memo)] = 0.0
        elif indicator.scores:
            value = _scored(series, indicator.scores, memo)
            value[~answered] = np.nan
            if variable in indicator.reversed:  # a negatively worded item counts the other way
                value = min(indicator.scores.values()) + max(indicator.scores.values()) - value
        else:
            value = np.where(answered, _numbers(series, memo), np.nan)
        columns.append(value)
    matrix = np.column_stack(columns)
    if indicator.kind == "proportion":
        any_answered = ~np.all(np.isnan(matrix), axis=1)
        if indicator.combine == "all":
            hit = np.all(matrix == 1, axis=1)
        else:
            hit = np.any(matrix == 1, axis=1)
        result = np.where(any_answered, hit.astype(float), np.nan)
    elif indicator.kind == "ratio":
        # the numerator is the sum of the counts; one unknown count makes it unknown
        result = matrix.sum(axis=1)
    else:
        # a scale score needs at least half of its items answered, as usual for sum scores, or
        # all of them (`items_needed: all`, as CBS computes its Veiligheidsmonitor scales)
        answered_items = np.sum(~np.isnan(matrix), axis=1)
        item_sum = np.nansum(matrix, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            result = item_sum / answered_items
        needed = matrix.shape[1] if indicator.items_needed == "all" else matrix.shape[1] / 2
        result = np.where((answered_items > 0) & (answered_items >= needed), result, np.nan)
        if indicator.rescale and indicator.scores:
            low, high = min(indicator.scores.values()), max(indicator.scores.values())
            new_low, new_high = indicator.rescale
            result = new_low + (result - low) * (new_high - new_low) / (high - low)
    return pd.Series(result, index=frame.index, name=indicator.id)


def denominator_values(indicator: Indicator, questionnaire: Questionnaire,
                       frame: pd.DataFrame, memo: dict | None = None) -> pd.Series:
    """A ratio indicator's denominator per row of `frame` (e.g. the household's cars): the
    number answered, NaN where it was not answered or answered "weet niet"."""
    name = indicator.denominator
    if name not in frame.columns:
        raise KeyError(f"indicator {indicator.id!r}: no column {name!r} in the answers")
    series = frame[name]
    answered = _substantive(series, questionnaire.variable_info(name).missing_values, memo)
    return pd.Series(np.where(answered, _numbers(series, memo), np.nan), index=frame.index, name=f"{indicator.id}{DENOMINATOR_SUFFIX}")


def routed_past(questionnaire: Questionnaire, question, frame: pd.DataFrame,
                memo: dict | None = None) -> np.ndarray:
    """True where a `when` condition (of the question or its page) kept the question from the
    respondent although every variable the condition names was answered substantively: the
    filter question said "no", so the follow-up counts as "no" in a `base: all` indicator."""
    page = questionnaire.page(question.page_id)
    conditions = [c for c in (page.when, question.when) if c]
    if not conditions:
        return np.zeros(len(frame), dtype=bool)
    asked = np.ones(len(frame), dtype=bool)
    filters_answered = np.ones(len(frame), dtype=bool)
    for condition in conditions:
        asked &= evaluate_frame(condition, frame)
        for name in variables_in(condition):
            if name not in frame.columns:
                return np.zeros(len(frame), dtype=bool)
            missing = questionnaire.variable_info(name).missing_values
            filters_answered &= _substantive(frame[name], missing, memo)
    return ~asked & filters_answered
