"""The stratified draw: per wijk a simple random sample without replacement from the register.

The sample size n_h per wijk (stratum h) comes from `survey.population.allocation`. Within the
wijk every resident has inclusion probability n_h / N_h, so the design weight is N_h / n_h
(Horvitz & Thompson 1952). The real draw (`survey.sampling.draw`) and the demo both draw here,
so that the same register and seed give the same persons.

Each unit gets an opaque id (16 hex characters from the seeded generator), one of the two
questionnaires (half each within every wijk), a wave (60% spring, 40% after the summer, the
ratio of an earlier edition's 72,000 and 48,000 letters) and a personal access code.
"""

import numpy as np
import pandas as pd

from survey.access_codes import code_hash, new_codes
from survey.population.allocation import GROSS_SAMPLE, allocate

QUESTIONNAIRE_IDS = ("veiligheidsmonitor", "wijkonderzoek")
WAVE_1_SHARE = 0.6

__all__ = ["QUESTIONNAIRE_IDS", "WAVE_1_SHARE", "draw_sample", "unit_ids"]


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
        register: one row per person (only its `wijk_code` column is read).
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
