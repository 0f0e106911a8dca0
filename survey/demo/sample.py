"""The stratified sample: per wijk a simple random sample without replacement from the register.

Sample size per wijk (stratum h): a target of net responses, larger in bigger wijken
(420 * (N_h / median N)^0.25), divided by the wijk's expected response rate, scaled so that the
city total is 75,000 * scale and capped at the wijk's population N_h (a tiny wijk such as
Wielewaal is then a census). Within the wijk every resident has inclusion probability
n_h / N_h, so the design weight is N_h / n_h (Horvitz & Thompson 1952).

Each unit gets an opaque id (16 hex characters from the seeded generator), one of the two
questionnaires (half each within every wijk), a wave (60% spring, 40% after the summer, the
ratio of an earlier edition's 72,000 and 48,000 letters) and a personal access code.
"""

import numpy as np
import pandas as pd

from survey.access_codes import code_hash, new_codes

QUESTIONNAIRE_IDS = ("veiligheidsmonitor", "wijkonderzoek")
GROSS_SAMPLE = 75_000
NET_TARGET = 420
WAVE_1_SHARE = 0.6

__all__ = ["QUESTIONNAIRE_IDS", "GROSS_SAMPLE", "allocate", "draw_sample", "net_targets",
           "unit_ids"]


def allocate(population, expected_rate, total) -> np.ndarray:
    """Gross sample size per wijk.

    Args:
        population: N_h per wijk (register persons 15+).
        expected_rate: expected response rate per wijk, in (0, 1].
        total: the city's gross sample size to aim at (sum of n_h, before rounding).
    Returns:
        integer n_h with 1 <= n_h <= N_h (0 where N_h is 0).

    >>> allocate(np.array([10000, 10000, 50]), np.array([0.5, 0.25, 0.4]), 3050).tolist()
    [1000, 2000, 50]
    """
    population = np.asarray(population, dtype=float)
    rate = np.clip(np.asarray(expected_rate, dtype=float), 0.01, 1.0)
    median = np.median(population[population > 0])
    gross = NET_TARGET * (population / median) ** 0.25 / rate
    total = min(float(total), population.sum())
    low, high = 0.0, 1.0
    while np.minimum(high * gross, population).sum() < total:
        high *= 2
    for _ in range(100):  # bisection on the factor that makes the capped sizes add up
        middle = (low + high) / 2
        if np.minimum(middle * gross, population).sum() < total:
            low = middle
        else:
            high = middle
    sizes = np.rint(np.minimum(high * gross, population)).astype(np.int64)
    return np.where(population > 0, np.clip(sizes, 1, population.astype(np.int64)), 0)


def net_targets(sizes, expected_rate) -> np.ndarray:
    """Target net responses per wijk: the completes the gross sample n_h was sized for,
    n_h * r_h rounded (at least 1 where a wijk has a sample). Scales with the sample, so a
    demo at --scale 0.05 aims at about 21 per wijk, not the full edition's 420.

    >>> net_targets(np.array([1000, 2000, 50, 0]), np.array([0.5, 0.25, 0.01, 0.4])).tolist()
    [500, 500, 1, 0]
    """
    sizes = np.asarray(sizes, dtype=float)
    targets = np.rint(sizes * np.asarray(expected_rate, dtype=float)).astype(np.int64)
    return np.where(sizes > 0, np.maximum(targets, 1), 0)


def draw_sample(
    register: pd.DataFrame,
    wijk_codes,
    expected_rate,
    rng: np.random.Generator,
    total: float = GROSS_SAMPLE,
    *,
    sizes=None,
    wave_1_share: float = WAVE_1_SHARE,
    secret_rng: np.random.Generator | None = None,
) -> pd.DataFrame:
    """Draw the sample.

    Args:
        register: from `build_register` (only its `wijk_code` column is read).
        wijk_codes: the wijken in the order of `expected_rate`.
        expected_rate: expected response rate per wijk (unused when `sizes` is given).
        rng: seeded generator: selection, questionnaire and wave.
        total: city gross sample size (unused when `sizes` is given).
        sizes: gross sample size n_h per wijk, already allocated (`survey.sampling.draw` does
            so from targets); each at most the wijk's register population. Default: `allocate`.
        wave_1_share: the share of units in wave 1.
        secret_rng: the generator for the unit ids and access codes. Default `rng` (the demo,
            reproducible to the code); a real draw passes an unseeded one, so that knowing the
            seed never gives the letters' codes.
    Returns:
        DataFrame, one row per unit: `id`, `person_index` (row position in `register`),
        `wijk_code`, `questionnaire_id`, `wave`, `inclusion_probability`, `design_weight`,
        `stratum_population`, `access_code`, `code_hash`, ordered by wijk.
    """
    wijk_codes = np.asarray(list(wijk_codes))
    stratum = pd.Index(wijk_codes).get_indexer(register["wijk_code"])
    population = np.bincount(stratum, minlength=len(wijk_codes))
    if sizes is None:
        sizes = allocate(population, expected_rate, total)
    else:
        sizes = np.asarray(sizes, dtype=np.int64)
        if (sizes > population).any() or (sizes < 0).any():
            raise ValueError("sizes: each n_h must be between 0 and the wijk's population")

    order = np.lexsort((rng.random(len(register)), stratum))
    first = np.concatenate([[0], np.cumsum(population)[:-1]])
    rank = np.empty(len(register), dtype=np.int64)
    rank[order] = np.arange(len(register)) - first[stratum[order]]
    chosen = rank < sizes[stratum]
    person_index = np.flatnonzero(chosen)
    h = stratum[person_index]
    n = len(person_index)

    # the rank within the wijk is a random permutation, so its parity splits each wijk in half;
    # which questionnaire gets the odd one out is drawn per wijk
    flip = rng.integers(0, 2, len(wijk_codes))
    questionnaire = np.array(QUESTIONNAIRE_IDS, dtype=object)[(rank[person_index] + flip[h]) % 2]
    wave = np.where(rng.random(n) < wave_1_share, 1, 2)
    inclusion = sizes[h] / population[h]
    secret_rng = rng if secret_rng is None else secret_rng
    codes = new_codes(secret_rng, n)
    return pd.DataFrame(
        {
            "id": unit_ids(secret_rng, n),
            "person_index": person_index,
            "wijk_code": wijk_codes[h],
            "questionnaire_id": questionnaire,
            "wave": wave,
            "inclusion_probability": inclusion,
            "design_weight": 1.0 / inclusion,
            "stratum_population": population[h],
            "access_code": np.array(codes, dtype=object),
            "code_hash": np.array([code_hash(c) for c in codes], dtype=object),
        }
    )


def unit_ids(rng, n):
    """`n` distinct opaque unit ids: 16 hex characters from `rng`."""
    ids = np.empty(0, dtype=object)
    while len(ids) < n:
        halves = rng.integers(0, 2**32, size=(n - len(ids), 2), dtype=np.uint64)
        value = (halves[:, 0] << np.uint64(32)) | halves[:, 1]
        new = pd.Series(value).map("{:016x}".format).to_numpy(dtype=object)
        ids = pd.unique(np.concatenate([ids, new]))
    return ids
