"""How many persons to draw per wijk (stratum h).

- From targets (the real draw, `survey.sampling.draw`): n_h = ceil(target_h / r_h), capped at
  the wijk's register population N_h (`gross_sizes`).
- From a city total (the demo edition): a target of net responses that is larger in bigger
  wijken (420 * (N_h / median N)^0.25), divided by the wijk's expected response rate, scaled so
  that the city total is 75,000 * scale and capped at N_h, so that a tiny wijk such as
  Wielewaal is a census (`allocate`); the net responses that sample was sized for are
  `net_targets`.
"""

import numpy as np

GROSS_SAMPLE = 75_000
"""Letters in a full edition (domain notes)."""
NET_TARGET = 420
"""Net responses wanted in a wijk of median size."""

__all__ = ["GROSS_SAMPLE", "NET_TARGET", "gross_sizes", "allocate", "net_targets"]


def gross_sizes(target, response_rate, population) -> np.ndarray:
    """Gross sample size per wijk: ceil(target / response rate), at most the population.

    Args:
        target: target net responses per wijk (>= 0).
        response_rate: expected response rate per wijk, in (0, 1].
        population: N_h, register persons 15+ per wijk.
    Returns:
        integer n_h.

    >>> gross_sizes([420, 420, 100], [0.4, 0.35, 0.4], [5000, 5000, 180]).tolist()
    [1050, 1200, 180]
    """
    target = np.asarray(target, dtype=float)
    rate = np.asarray(response_rate, dtype=float)
    population = np.asarray(population, dtype=np.int64)
    # the small tolerance keeps 420 / 0.4 = 1050.0000000000002 at 1050
    wanted = np.ceil(target / rate - 1e-9).astype(np.int64)
    return np.minimum(np.maximum(wanted, 0), population)


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
