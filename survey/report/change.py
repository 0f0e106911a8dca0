"""Change over editions: per indicator and domain the difference with the previous edition and
whether it is significant, and the subjective Veiligheidsindex per domain with its change.

The two editions are independent samples, so the standard error of a difference is
sqrt(se1^2 + se2^2) and a z test at 5% decides significance (as CBS does for the
Veiligheidsmonitor's year-on-year comparisons). The index follows `weighting.scores` (the 2014
reconstruction, docs/index-reconstruction.md): the survey gives its subjective part, a register
file of police and municipal figures (`weighting.register_indicators`) its objective part.
"""

import numpy as np
import pandas as pd
from scipy import stats

from weighting.scores import aggregate_scores, index_change, indicator_scores, round_scores

KEYS = ["indicator", "level", "domain"]
SUBJECTIVE_PART = "Veiligheidsindex -subjectief"
OBJECTIVE_PART = "Veiligheidsindex -objectief"
THRESHOLD = 5.0  # index points: the college target for the weakest wijken


def indicator_change(current: pd.DataFrame, previous: pd.DataFrame, *,
                     level: float = 0.95) -> pd.DataFrame:
    """`current` with the previous edition's estimate and the change.

    Args:
        current, previous: indicator tables (one row per indicator, level and domain; columns
            as `estimate_indicators`).
        level: confidence level of the test.

    Returns:
        `current` with columns previous, previous_se, previous_n, change, change_se, z, p and
        significant (True/False; missing where either edition lacks the estimate).

    >>> now = pd.DataFrame({"indicator": ["x"], "level": ["stad"], "domain": ["Rotterdam"],
    ...                     "estimate": [0.34], "se": [0.01]})
    >>> before = now.assign(estimate=0.30, se=0.01)
    >>> row = indicator_change(now, before).iloc[0]
    >>> round(row.change, 2), round(row.change_se, 4), round(row.z, 2), bool(row.significant)
    (0.04, 0.0141, 2.83, True)
    """
    old = previous[KEYS + ["estimate", "se", "n"] if "n" in previous else KEYS + ["estimate", "se"]]
    old = old.rename(columns={"estimate": "previous", "se": "previous_se", "n": "previous_n"})
    merged = current.merge(old, on=KEYS, how="left")
    merged["change"] = merged["estimate"] - merged["previous"]
    merged["change_se"] = np.sqrt(merged["se"] ** 2 + merged["previous_se"] ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        merged["z"] = merged["change"] / merged["change_se"]
    merged["p"] = 2 * stats.norm.sf(merged["z"].abs())
    critical = stats.norm.ppf(0.5 + level / 2)
    significant = merged["z"].abs() >= critical
    merged["significant"] = significant.where(merged["z"].notna()).astype("boolean")
    return merged


def score_values(indicators: pd.DataFrame, config, register=None) -> pd.DataFrame:
    """The raw indicator values the index needs, per (level, domain): a questionnaire
    indicator measures the 2014 column whose name equals its label (percentages as 0-100); the
    objective indicators come from `register` (`weighting.register_indicators.area_values`,
    indexed by (level, domain)); a ratio indicator (the 2014 rates per 100 cars or bicycles)
    is already in the export's unit. Columns with neither (the objective ones without a
    register) are NaN."""
    columns = set(config.indicator_columns)
    matched = indicators[indicators["label"].isin(columns)]
    values = matched["estimate"] * np.where(matched["kind"] == "proportion", 100.0, 1.0)
    wide = (matched.assign(value=values)
            .pivot_table(index=["level", "domain"], columns="label", values="value",
                         aggfunc="first", sort=False))
    if register is not None:
        objective = list(register.columns)
        wide = wide.drop(columns=[c for c in objective if c in wide.columns])
        wide = wide.join(register, how="outer", sort=False)
    return wide.reindex(columns=config.indicator_columns)


def veiligheid_scores(indicators: pd.DataFrame, config, register=None) -> pd.DataFrame:
    """Theme, part and index scores of the Veiligheidsindex per (level, domain), unrounded.

    Returns a DataFrame indexed by (level, domain) with config.score_columns,
    `indicators_used` (how many of the subjective indicators had a value) and
    `register_used` (how many objective indicators had a value). Without `register` the
    objective themes, the objective part and the index itself are NaN.
    """
    values = score_values(indicators, config, register)
    scores = aggregate_scores(indicator_scores(values, config, source="indicator estimates"),
                              config, rounded=False)
    scores["indicators_used"] = values[_part_indicators(config, SUBJECTIVE_PART)].notna().sum(axis=1)
    scores["register_used"] = values[_part_indicators(config, OBJECTIVE_PART)].notna().sum(axis=1)
    return scores


def _part_indicators(config, part_column):
    part = next(p for p in config.parts if p.column == part_column)
    return [i.column for t in config.themes if t.column in part.themes for i in t.indicators]


def flagged_score(scores: dict, year: int, previous: int | None, config) -> str:
    """The score whose move is flagged: the full index when both editions have it (register
    data for both), else the subjective part."""
    years = [year] + ([previous] if previous is not None else [])
    if all(scores[y][config.index_column].notna().any() for y in years):
        return config.index_column
    return SUBJECTIVE_PART


def score_table(scores: dict, year: int, previous: int | None, config,
                threshold: float = THRESHOLD) -> pd.DataFrame:
    """One row per (level, domain): the scores of `year` (rounded as published); with a
    `previous` edition its index and parts, their changes (`change <score>`) and the flag for
    moves of `threshold` points or more of `flag_score` (`flagged_score`; the full index when
    both editions have register data), computed by `weighting.scores.index_change` on the
    published, rounded scores."""
    now = scores[year]
    counts = ["indicators_used", "register_used"]
    published = round_scores(now.drop(columns=counts))
    table = published.copy()
    table.insert(0, "edition", year)
    table[counts] = now[counts]
    if previous is not None:
        before = round_scores(scores[previous].drop(columns=counts))
        table["previous_edition"] = previous
        for column in [config.index_column, SUBJECTIVE_PART, OBJECTIVE_PART]:
            moved = index_change(before, published, column=column, threshold=threshold)
            table[f"{column} {previous}"] = moved["before"]
            table[f"change {column}"] = moved["change"]
        flagged = flagged_score(scores, year, previous, config)
        table["flag_score"] = flagged
        table["flag_5_points"] = index_change(before, published, column=flagged,
                                              threshold=threshold)["flagged"]
    return table.reset_index()
