"""Change over editions: per indicator and domain the difference with the previous edition and
whether it is significant, and the subjective Veiligheidsindex per domain with its change.

The two editions are independent samples: a proportion's change is tested by Newcombe's hybrid
score interval on effective sample sizes, a mean's by a z test on sqrt(se1^2 + se2^2); flags
follow the publication rule (`survey.report.publication`: Benjamini-Hochberg per level). The index follows `weighting.scores` (the 2014
reconstruction, docs/index-reconstruction.md): the survey gives its subjective part, a register
file of police and municipal figures (`weighting.register_indicators`) its objective part.
"""

import numpy as np
import pandas as pd
from scipy import stats

from survey.report.publication import PublicationRule, flag_changes
from weighting.scores import aggregate_scores, index_change, indicator_scores, round_scores

KEYS = ["indicator", "level", "domain"]
SUBJECTIVE_PART = "Veiligheidsindex -subjectief"
OBJECTIVE_PART = "Veiligheidsindex -objectief"
THRESHOLD = 5.0  # index points: the college target for the weakest wijken


CHANGE_TESTS = {
    "proportion": "Newcombe-Wilson (effectieve n)",
    "mean": "z (Taylor-se)",
    "ratio": "z (Taylor-se)",
}


def indicator_change(current: pd.DataFrame, previous: pd.DataFrame, *,
                     level: float = 0.95, rule: PublicationRule | None = None,
                     kish: dict | None = None) -> pd.DataFrame:
    """`current` with the previous edition's estimate, the change and its test.

    The editions are independent samples. A proportion's change is tested by Newcombe's (1998,
    method 10) hybrid score interval for a difference, built from the two Wilson intervals on
    the effective sample sizes n_eff = p (1 - p) / se^2 (Korn & Graubard 1998), or n / deff
    (Kish's design effect of the area's weights) at 0% or 100%, where se = 0: unlike the z test
    it holds at the boundary and in small samples (2 of 20 against 0 of 21 is not significant,
    as Fisher's exact test says). The p-value is the level at which that interval just touches
    0, and `z` the normal quantile of that p. A mean's or ratio's change is a z test on
    sqrt(se1^2 + se2^2) (as CBS does for the Veiligheidsmonitor). There is no test, and no flag,
    where either estimate is not published (`publication.apply_small_cells`) or a mean has
    standard error 0. Flags follow `rule` (`publication.flag_changes`: Benjamini-Hochberg per
    level by default).

    Args:
        current, previous: published indicator tables (one row per indicator, level and
            domain; columns as `estimate_indicators` plus `suppressed`).
        level: confidence level of the test.
        rule: the publication rule (default `PublicationRule()`).
        kish: {"current": Series, "previous": Series} of Kish's deff per (level, domain).

    Returns:
        `current` with previous, previous_se, previous_n, change, change_se, change_ci_low,
        change_ci_high, z, p, q, change_test and significant (empty without a test).

    >>> now = pd.DataFrame({"indicator": ["x"], "level": ["stad"], "domain": ["Rotterdam"],
    ...                     "kind": ["proportion"], "estimate": [0.34], "se": [0.01], "n": [2000]})
    >>> before = now.assign(estimate=0.30, se=0.01)
    >>> row = indicator_change(now, before).iloc[0]
    >>> round(float(row.change), 2), round(float(row.change_se), 4), row.change_test, bool(row.significant)
    (0.04, 0.0141, 'Newcombe-Wilson (effectieve n)', True)
    """
    rule = rule or PublicationRule()
    columns = KEYS + ["estimate", "se"] + (["n"] if "n" in previous else [])
    old = previous[columns].rename(columns={"estimate": "previous", "se": "previous_se", "n": "previous_n"})
    old["_in_previous"] = True
    merged = current.merge(old, on=KEYS, how="left")
    merged["change"] = merged["estimate"] - merged["previous"]
    merged["change_se"] = np.sqrt(merged["se"] ** 2 + merged["previous_se"] ** 2)
    z_level = stats.norm.ppf(0.5 + level / 2)
    proportion = (merged["kind"] == "proportion").to_numpy() if "kind" in merged else np.zeros(len(merged), bool)
    both = merged["estimate"].notna() & merged["previous"].notna()
    with np.errstate(divide="ignore", invalid="ignore"):
        wald_ok = both & (merged["change_se"] > 0) & ~proportion
        z = np.where(wald_ok, merged["change"] / merged["change_se"], np.nan)
        p = 2 * stats.norm.sf(np.abs(z))
        low = np.where(wald_ok, merged["change"] - z_level * merged["change_se"], np.nan)
        high = np.where(wald_ok, merged["change"] + z_level * merged["change_se"], np.nan)
    prop_ok = (both & proportion).to_numpy().copy()
    if prop_ok.any():
        kish = kish or {}
        n1 = _effective_n(merged, "estimate", "se", "n", kish.get("current"))
        n2 = _effective_n(merged, "previous", "previous_se", "previous_n", kish.get("previous"))
        prop_ok &= (n1 > 0) & (n2 > 0)
        rows = np.flatnonzero(prop_ok)
        p1 = merged["estimate"].to_numpy(float)[rows]
        p2 = merged["previous"].to_numpy(float)[rows]
        lo, hi = newcombe_interval(p1, n1[rows], p2, n2[rows], z_level)
        low[rows], high[rows] = lo, hi
        zstar = _newcombe_z(p1, n1[rows], p2, n2[rows])
        z[rows] = np.sign(p1 - p2) * zstar
        p[rows] = 2 * stats.norm.sf(zstar)
    tested = wald_ok.to_numpy() | prop_ok
    merged["change_ci_low"] = low
    merged["change_ci_high"] = high
    merged["z"] = np.where(tested, z, np.nan)
    merged["p"] = np.where(tested, p, np.nan)
    kinds = merged["kind"] if "kind" in merged else pd.Series("mean", index=merged.index)
    merged["change_test"] = np.where(tested, kinds.map(CHANGE_TESTS).fillna(CHANGE_TESTS["mean"]), "")
    has_previous = merged.pop("_in_previous").fillna(False).astype(bool)
    reason = np.where(merged["estimate"].isna() | merged["previous"].isna(),
                      "geen toets: een van beide schattingen niet gepubliceerd",
                      "geen toets: standaardfout 0")
    merged["change_test"] = np.where(~tested & has_previous, reason, merged["change_test"])
    merged.loc[~tested, "change"] = np.where(both[~tested], merged.loc[~tested, "change"], np.nan)
    return flag_changes(merged, rule)


def _effective_n(table, estimate, se, n, kish):
    """p (1 - p) / se^2 inside (0, 1); at 0 or 1, n / Kish deff of the area's weights."""
    p = table[estimate].to_numpy(float)
    s = table[se].to_numpy(float)
    count = table[n].to_numpy(float) if n in table else np.full(len(table), np.nan)
    deff = np.ones(len(table))
    if kish is not None:
        deff = kish.reindex(pd.MultiIndex.from_frame(table[["level", "domain"]])).fillna(1.0).clip(lower=1.0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = (p > 0) & (p < 1) & (s > 0)
        return np.where(inside, p * (1 - p) / s**2, count / deff)


def wilson(p, n, z):
    """Wilson's score interval for a share p on n (effective) respondents."""
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def newcombe_interval(p1, n1, p2, n2, z):
    """Newcombe's (1998, method 10) hybrid score interval for p1 - p2.

    >>> [round(float(v[0]), 3) for v in newcombe_interval(np.array([0.1]), np.array([20.0]), np.array([0.0]), np.array([21.0]), 1.96)]
    [-0.071, 0.301]
    """
    l1, u1 = wilson(p1, n1, z)
    l2, u2 = wilson(p2, n2, z)
    d = p1 - p2
    return d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _newcombe_z(p1, n1, p2, n2):
    """The z at which Newcombe's interval just reaches 0 (bisection; 0 when p1 = p2)."""
    lo = np.zeros(len(p1))
    hi = np.full(len(p1), 40.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        low, high = newcombe_interval(p1, n1, p2, n2, mid)
        excludes = (low > 0) | (high < 0)
        lo = np.where(excludes, mid, lo)
        hi = np.where(excludes, hi, mid)
    return np.where(p1 == p2, 0.0, (lo + hi) / 2)


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
                threshold: float = THRESHOLD, uncertainty: dict | None = None,
                level: float = 0.95) -> pd.DataFrame:
    """One row per (level, domain): the scores of `year` (rounded as published); with
    `uncertainty` ({year: `weighting.score_uncertainty.score_uncertainty` table}) each score's
    `<column> se`, `<column> ci_low` and `<column> ci_high` (one decimal); with a `previous`
    edition its index and parts, their changes (`change <score>`) and the flag for moves of
    `threshold` points or more of `flag_score` (`flagged_score`; the full index when both
    editions have register data), computed by `weighting.scores.index_change` on the
    published, rounded scores. With the uncertainty of both editions a move is flagged only
    where its interval, change ± z sqrt(se1^2 + se2^2) (independent samples), excludes 0;
    the interval is in `change <score> ci_low` / `ci_high`, and `moved_5_points` keeps the
    plain size rule."""
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
    return with_uncertainty(table.reset_index(), uncertainty or {}, year, previous,
                            flagged_score(scores, year, previous, config) if previous is not None else None,
                            level=level)


def with_uncertainty(table: pd.DataFrame, uncertainty: dict, year: int, previous: int | None,
                     flagged: str | None, *, level: float = 0.95) -> pd.DataFrame:
    """A score table (one row per level and domain, columns `change <score>` and
    `flag_5_points` as `score_table` or `survey.report.indices.score_table` make them) with the
    uncertainty of `year` joined (`<column> se`, `ci_low`, `ci_high`, one decimal) and, when both
    editions have it, the 5-point flag kept only where the move's interval,
    change ± z sqrt(se1^2 + se2^2) (independent samples), excludes 0; the interval goes to
    `change <score> ci_low` / `ci_high` and the plain size rule to `moved_5_points`."""
    if year not in uncertainty:
        return table
    keyed = table.set_index(["level", "domain"])
    extra = uncertainty[year].round(1)
    keyed = keyed.join(extra[[c for c in extra.columns if c not in keyed.columns]], how="left")
    if flagged is not None and "flag_5_points" in keyed:
        moved = keyed["flag_5_points"].fillna(False).astype(bool)
        keyed["moved_5_points"] = moved
        if previous in uncertainty and f"{flagged} se" in uncertainty[year]:
            se = np.sqrt(uncertainty[year][f"{flagged} se"] ** 2 + uncertainty[previous][f"{flagged} se"] ** 2)
            se = se.reindex(keyed.index)
            z = stats.norm.ppf(0.5 + level / 2)
            change = keyed[f"change {flagged}"]
            low, high = change - z * se, change + z * se
            keyed[f"change {flagged} ci_low"] = low.round(1)
            keyed[f"change {flagged} ci_high"] = high.round(1)
            keyed["flag_5_points"] = moved & ((low > 0) | (high < 0)).fillna(False)
    return keyed.reset_index()
