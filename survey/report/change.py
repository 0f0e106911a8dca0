"""Change over editions: per indicator and domain the difference with the previous edition and
whether it is significant, and the subjective Veiligheidsindex per domain with its change.

The two editions are independent samples, so the standard error of a difference is
sqrt(se1^2 + se2^2) and a z test at 5% decides significance (as CBS does for the
Veiligheidsmonitor's year-on-year comparisons). The index follows `weighting.scores` (the 2014
reconstruction, docs/index-reconstruction.md); the survey gives only its subjective part.
"""

import numpy as np
import pandas as pd
from scipy import stats

from weighting.scores import aggregate_scores, index_change, indicator_scores, round_scores

KEYS = ["indicator", "level", "domain"]
SUBJECTIVE_PART = "Veiligheidsindex -subjectief"
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


def score_values(indicators: pd.DataFrame, config) -> pd.DataFrame:
    """The raw indicator values the index needs, per (level, domain): a questionnaire
    indicator measures the 2014 column whose name equals its label. Percentages as 0-100.
    Columns without a matching indicator (the objective ones, and the 2014 rates per car or
    bicycle that a resident survey cannot measure) are NaN."""
    columns = set(config.indicator_columns)
    matched = indicators[indicators["label"].isin(columns)]
    values = matched["estimate"] * np.where(matched["kind"] == "proportion", 100.0, 1.0)
    wide = (matched.assign(value=values)
            .pivot_table(index=["level", "domain"], columns="label", values="value",
                         aggfunc="first", sort=False))
    return wide.reindex(columns=config.indicator_columns)


def veiligheid_scores(indicators: pd.DataFrame, config) -> pd.DataFrame:
    """Theme and part scores of the Veiligheidsindex per (level, domain), unrounded.

    Returns a DataFrame indexed by (level, domain) with config.score_columns and
    `indicators_used` (how many of the subjective indicators had a value). The objective
    themes, the objective part and the index itself are NaN without register data.
    """
    values = score_values(indicators, config)
    scores = aggregate_scores(indicator_scores(values, config, source="indicator estimates"),
                              config, rounded=False)
    part = next(p for p in config.parts if p.column == SUBJECTIVE_PART)
    columns = [i.column for t in config.themes if t.column in part.themes for i in t.indicators]
    scores["indicators_used"] = values[columns].notna().sum(axis=1)
    return scores


def score_table(scores: dict, year: int, previous: int | None,
                threshold: float = THRESHOLD) -> pd.DataFrame:
    """One row per (level, domain): the scores of `year` (rounded as published), the
    subjective part of `previous`, its change and the flag for moves of `threshold` points or
    more (`weighting.scores.index_change` on the published, rounded scores)."""
    now = scores[year]
    published = round_scores(now.drop(columns="indicators_used"))
    table = published.copy()
    table.insert(0, "edition", year)
    table["indicators_used"] = now["indicators_used"]
    if previous is not None:
        before = round_scores(scores[previous].drop(columns="indicators_used"))
        moved = index_change(before, published, column=SUBJECTIVE_PART, threshold=threshold)
        table["previous_edition"] = previous
        table[f"{SUBJECTIVE_PART} {previous}"] = moved["before"]
        table["change"] = moved["change"]
        table["flag_5_points"] = moved["flagged"]
    return table.reset_index()
