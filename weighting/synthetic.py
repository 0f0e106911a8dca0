"""A seeded synthetic Wijkprofiel edition for tests, examples and benchmarks.

Not the demo edition (that one, with questionnaires and the database, belongs to
`wijkprofiel demo seed`): just what weighting needs. Respondents of 71 wijken in 14 gebieden,
a stratified sample with design weights and fpc, response that depends on age and migration
background (so weighting has work to do), two answers (`onveilig`: vaak/soms/nooit, `cijfer`:
1-10), and population margins per wijk for age_group, sex, migration_background and
household_type in the plan's margin format (wijk, <variable>, total).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

CATEGORIES = {
    "age_group": ["15-24", "25-44", "45-64", "65+"],
    "sex": ["man", "vrouw"],
    "migration_background": ["nederlands", "westers", "niet_westers"],
    "household_type": ["alleenstaand", "zonder_kinderen", "met_kinderen"],
}
# response propensity (relative) per category: older and 'nederlands' residents respond more
RESPONSE = {
    "age_group": [0.6, 0.8, 1.1, 1.4],
    "sex": [0.9, 1.1],
    "migration_background": [1.2, 1.0, 0.6],
    "household_type": [0.9, 1.0, 1.1],
}


def _wijken(path, rng):
    if path is not None and Path(path).is_file():
        raw = pd.read_csv(path)
        pop = (raw["inhabitants"] - raw["age_0_14"]).clip(lower=50).to_numpy(dtype=float)
        age = raw[["age_15_24", "age_25_44", "age_45_64", "age_65_plus"]].to_numpy(dtype=float) + 1
        return raw["wijk"].astype(str).tolist(), raw["gebied"].astype(str).tolist(), pop, age / age.sum(1, keepdims=True)
    names = [f"wijk{i:02d}" for i in range(71)]
    gebieden = [f"gebied{i % 14:02d}" for i in range(71)]
    pop = np.round(np.exp(rng.normal(8.8, 0.9, 71))).clip(250, 40000)
    pop[:3] = [260.0, 410.0, 600.0]  # tiny wijken (harbour areas) as in Rotterdam
    age = rng.dirichlet([3, 6, 5, 3], size=71)
    return names, gebieden, pop, age


def synthetic_edition(n_respondents: int = 30_000, *, scale: float = 1.0, seed: int = 2026, wijken_csv=None):
    """A respondents table and per-wijk margins.

    Args:
        n_respondents: target number of respondents (about; allocation rounds per wijk).
        scale: multiply the population by this (use 10 with 300,000 respondents so the
            sampling fractions stay those of a real edition).
        seed: random seed; the same seed gives the same edition.
        wijken_csv: optional CBS table of the 71 wijken (`rotterdam-wijken-2018.csv`) for real
            wijk sizes and age distributions; without it sizes are drawn.

    Returns:
        (respondents, margins): respondents has columns wijk, gebied, dw (design weight), N_h
        (population of the wijk, the fpc), the four weighting variables, onveilig and cijfer;
        margins is a list of four DataFrames (wijk, variable, total).

    >>> resp, margins = synthetic_edition(3000, seed=1)
    >>> sorted(resp.columns)[:4], len(margins), list(margins[1].columns)
    (['N_h', 'age_group', 'cijfer', 'dw'], 4, ['wijk', 'sex', 'total'])
    """
    rng = np.random.default_rng(seed)
    names, gebieden, pop, age_share = _wijken(wijken_csv, rng)
    W = len(names)
    pop = np.round(pop * scale)
    shares = {"age_group": age_share,
              "sex": rng.dirichlet([40, 40], size=W),
              "migration_background": rng.dirichlet([5, 1.2, 3], size=W),
              "household_type": rng.dirichlet([4, 3, 3], size=W)}
    totals = {v: _round_to(pop, s) for v, s in shares.items()}
    # allocation: more than proportional for small wijken (a minimum precision per wijk)
    expected_rate = 0.4
    alloc = np.sqrt(pop) / np.sqrt(pop).sum() * n_respondents / expected_rate
    sampled = np.minimum(np.maximum(np.round(alloc), 20), pop).astype(int)
    dw = pop / sampled
    # respondents: each sampled person responds with a propensity from their characteristics
    wijk_of = np.repeat(np.arange(W), sampled)
    n_s = len(wijk_of)
    person = {}
    propensity = np.ones(n_s)
    for v, cats in CATEGORIES.items():
        p = shares[v][wijk_of]
        u = rng.random(n_s)[:, None]
        code = (u > np.cumsum(p, axis=1)).sum(axis=1).clip(0, len(cats) - 1)
        person[v] = code
        propensity *= np.asarray(RESPONSE[v])[code]
    propensity *= expected_rate / propensity.mean()
    responded = rng.random(n_s) < np.clip(propensity, 0, 1)
    idx = np.flatnonzero(responded)
    w_of = wijk_of[idx]
    frame = pd.DataFrame({
        "respondent": np.arange(idx.size) + 1,
        "wijk": np.asarray(names, dtype=object)[w_of],
        "gebied": np.asarray(gebieden, dtype=object)[w_of],
        "dw": dw[w_of],
        "N_h": pop[w_of],
    })
    for v, cats in CATEGORIES.items():
        frame[v] = np.asarray(cats, dtype=object)[person[v][idx]]
    # answers depend on age, migration background and the wijk
    wijk_effect = rng.normal(0, 0.5, W)[w_of]
    latent = wijk_effect + 0.3 * person["age_group"][idx] - 0.2 * person["migration_background"][idx] + rng.normal(0, 1, idx.size)
    onveilig = np.where(latent < -0.8, "vaak", np.where(latent < 0.3, "soms", "nooit")).astype(object)
    onveilig[rng.random(idx.size) < 0.03] = None
    cijfer = np.clip(np.round(6.8 + 0.8 * latent), 1, 10)
    cijfer[rng.random(idx.size) < 0.05] = np.nan
    frame["onveilig"] = onveilig
    frame["cijfer"] = cijfer
    margins = []
    for v, cats in CATEGORIES.items():
        margins.append(pd.DataFrame({
            "wijk": np.repeat(np.asarray(names, dtype=object), len(cats)),
            v: np.tile(np.asarray(cats, dtype=object), W),
            "total": totals[v].ravel(),
        }))
    return frame, margins


def _round_to(pop, shares):
    """Whole numbers per category that add up to the wijk's population (largest remainder)."""
    raw = pop[:, None] * shares
    base = np.floor(raw)
    short = (pop - base.sum(axis=1)).astype(int)
    order = np.argsort(-(raw - base), axis=1)
    rank = np.argsort(order, axis=1)
    return base + (rank < short[:, None])
