"""Survey designs: who was sampled, how, and with which weights.

A `Design` is the Python counterpart of R survey's `svydesign(id=, strata=, weights=, fpc=)`
(`R/survey.R`, `R/multistage.R`, Lumley 2010): one-stage stratified element sampling, an
unstratified sample, or a first-stage cluster sample, with design weights and an optional finite
population correction. It is immutable; calibration (`weighting.calibration`) returns a new
`Design` whose weights are the calibrated ones and whose `steps` record the calibration, so that
`weighting.variance` can take the calibration into account exactly as R's `svyrecvar` does.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from weighting.errors import DesignError

LONELY_PSU_RULES = ("fail", "remove", "certainty", "adjust")


class Design:
    """A one-stage survey design over the rows of `frame`, as R's `svydesign`.

    `Design(frame, design_weight=, strata=, fpc=, cluster=)` checks the input (see
    `make_design` for the arguments and errors). Treat it as immutable: calibration returns a
    new `Design` whose `weights` are the calibrated ones and whose `steps` record the calibration.

    Attributes:
        frame: the respondents, one row each, in their original order.
        weights: the current weights (design weights, or calibrated weights after calibration).
        design_weights: the weights before any calibration.
        stratum_codes: int code per row, 0..H-1; `stratum_labels` maps codes to values.
        psu_codes: int code per row, 0..P-1, unique over the whole design (a PSU never spans strata).
        psu_stratum: stratum code of each PSU.
        n_psu: sampled PSUs per stratum (length H).
        pop_psu: population PSUs per stratum (length H, `inf` without fpc).
        steps: calibration steps, oldest first (see `weighting.calibration`).
        source: name used in error messages (a file name or '<data>').

    >>> d = Design(pd.DataFrame({"s": ["a", "a", "b", "b"], "w": [2.0, 2.0, 5.0, 5.0]}), strata="s", design_weight="w")
    >>> d.n, d.df, float(d.weights.sum())
    (4, 2, 14.0)
    """

    def __init__(self, frame, *, design_weight=None, strata=None, fpc=None, cluster=None,
                 lonely_psu="fail", source="<data>"):
        self.__dict__.update(_build(frame, design_weight=design_weight, strata=strata, fpc=fpc,
                                    cluster=cluster, lonely_psu=lonely_psu, source=source))
        self.steps = ()
        self.diagnostics = {}

    @property
    def n(self) -> int:
        """Number of respondents (rows)."""
        return len(self.weights)

    @property
    def is_calibrated(self) -> bool:
        return bool(self.steps)

    @property
    def df(self) -> int:
        """Residual degrees of freedom as R's `degf`: PSUs minus strata, over rows with weight > 0."""
        inset = self.weights != 0
        return int(len(np.unique(self.psu_codes[inset])) - len(np.unique(self.stratum_codes[inset])))

    def with_weights(self, weights, step=None, diagnostics=None) -> "Design":
        """A copy with new weights and, if given, one more calibration step."""
        new = copy.copy(self)
        new.weights = np.asarray(weights, dtype=float)
        new.steps = self.steps + ((step,) if step is not None else ())
        new.diagnostics = {**self.diagnostics, **(diagnostics or {})}
        new.diagnostics.pop("_components", None)  # a cache of the old calibration (variance.py)
        return new

    def fpc_factor(self) -> np.ndarray:
        """Per stratum 1 - n_h/N_h (1 without fpc), as R's `onestrat` (`R/multistage.R`)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(np.isinf(self.pop_psu), 1.0, (self.pop_psu - self.n_psu) / self.pop_psu)

    def __repr__(self):
        kind = "calibrated " if self.steps else ""
        return (f"<{kind}Design of {self.n} rows, {len(self.stratum_labels)} strata, "
                f"{len(self.psu_stratum)} PSUs from {self.source}>")


def _codes(values: pd.Series):
    codes, labels = pd.factorize(values, sort=True)
    return codes.astype(np.int64), pd.Index(labels)


def make_design(frame, **kwargs) -> Design:
    """Same as `Design(frame, **kwargs)`."""
    return Design(frame, **kwargs)


def _build(
    frame: pd.DataFrame,
    *,
    design_weight: str | None = None,
    strata: str | None = None,
    fpc: str | None = None,
    cluster: str | None = None,
    lonely_psu: str = "fail",
    source: str = "<data>",
) -> dict:
    """Build and check a design, like R's `svydesign(id=~cluster or ~1, strata=, weights=, fpc=)`.

    Args:
        frame: one row per respondent.
        design_weight: column with design weights (> 0); without it every weight is 1.
        strata: optional stratum column (e.g. 'wijk').
        fpc: optional column with the population size of the stratum (number of PSUs in the
            population), or, if every value is <= 1, the sampling fraction; as R's `fpc=`.
        cluster: optional first-stage cluster (PSU) column; without it each row is its own PSU.
        lonely_psu: what a stratum with one PSU contributes to a variance, as R's
            `options(survey.lonely.psu=)`: 'fail' (an error when a variance is asked),
            'remove'/'certainty' (nothing), 'adjust' (centred at the grand mean).
        source: name of the data in error messages.

    Returns:
        The attributes of a `Design`.

    Raises:
        DesignError: a missing column, a missing/non-positive/non-numeric weight, an fpc that
            varies within a stratum or is smaller than the sample, a PSU in two strata.

    >>> d = _build(pd.DataFrame({"s": ["a", "a", "b"], "w": [2.0, 2.0, 5.0]}), strata="s", design_weight="w")
    >>> d["n_psu"].tolist(), float(d["weights"].sum())
    ([2.0, 1.0], 9.0)
    """
    if not isinstance(frame, pd.DataFrame):
        raise DesignError(source, "data must be a pandas DataFrame")
    if lonely_psu not in LONELY_PSU_RULES:
        raise DesignError(source, f"lonely_psu: {lonely_psu!r} is not one of {', '.join(LONELY_PSU_RULES)}")
    for role, col in (("design_weight", design_weight), ("strata", strata), ("fpc", fpc), ("cluster", cluster)):
        if col is not None and col not in frame.columns:
            raise DesignError(source, f"{role}: column {col!r} is not in the data (columns: {', '.join(map(str, frame.columns))})", column=col)
    n = len(frame)
    if n == 0:
        raise DesignError(source, "the data has no rows")
    frame = frame.reset_index(drop=True)

    if design_weight is None:
        w = np.ones(n)
    else:
        w = _numeric_column(frame, design_weight, source)
        bad = np.flatnonzero(~(w > 0))
        if bad.size:
            i = int(bad[0])
            raise DesignError(source, f"{frame[design_weight].iloc[i]} is not a positive number; design weights must be > 0", row=i + 1, column=design_weight)

    for role, col in (("strata", strata), ("cluster", cluster)):
        if col is not None and frame[col].isna().any():
            i = int(np.flatnonzero(frame[col].isna().to_numpy())[0])
            raise DesignError(source, f"{role} value is missing", row=i + 1, column=col)

    if strata is None:
        s_codes, s_labels = np.zeros(n, dtype=np.int64), pd.Index(["(all)"])
    else:
        s_codes, s_labels = _codes(frame[strata])
    H = len(s_labels)

    if cluster is None:
        psu = np.arange(n, dtype=np.int64)
    else:
        # a PSU is identified within its stratum, as R does with nest=TRUE; a PSU label that
        # reappears in another stratum is an error unless the data are nested that way.
        c_codes, _ = _codes(frame[cluster])
        pair = pd.MultiIndex.from_arrays([c_codes, s_codes])
        psu, uniq = pd.factorize(pair, sort=True)
        psu = psu.astype(np.int64)
        cl_of_psu = uniq.get_level_values(0).to_numpy()
        if len(np.unique(cl_of_psu)) != len(cl_of_psu):
            dup = pd.Series(cl_of_psu).duplicated()
            label = frame[cluster].iloc[int(np.flatnonzero(c_codes == cl_of_psu[int(np.flatnonzero(dup.to_numpy())[0])])[0])]
            raise DesignError(source, f"cluster {label!r} appears in more than one stratum; a PSU must lie in one stratum", column=cluster)
    n_psu_total = int(psu.max()) + 1
    psu_stratum = np.zeros(n_psu_total, dtype=np.int64)
    psu_stratum[psu] = s_codes
    n_psu = np.bincount(psu_stratum, minlength=H).astype(float)

    pop_psu = np.full(H, np.inf)
    if fpc is not None:
        f = _numeric_column(frame, fpc, source)
        lo = np.full(H, np.inf)
        hi = np.full(H, -np.inf)
        np.minimum.at(lo, s_codes, f)
        np.maximum.at(hi, s_codes, f)
        varying = np.flatnonzero(hi - lo > 1e-9 * np.maximum(1.0, np.abs(hi)))
        if varying.size:
            raise DesignError(source, f"fpc varies within stratum {s_labels[varying[0]]!r} ({lo[varying[0]]:g} to {hi[varying[0]]:g}); it must be one value per stratum", column=fpc)
        if np.all(f <= 1):
            # sampling fractions, as R: population size = n_h / fraction
            if np.any(lo <= 0):
                h = int(np.flatnonzero(lo <= 0)[0])
                raise DesignError(source, f"sampling fraction {lo[h]:g} in stratum {s_labels[h]!r} must be > 0", column=fpc)
            pop_psu = n_psu / lo
        else:
            pop_psu = lo
            small = np.flatnonzero(pop_psu < n_psu)
            if small.size:
                h = int(small[0])
                raise DesignError(source, f"stratum {s_labels[h]!r}: population size {pop_psu[h]:g} is smaller than the {int(n_psu[h])} sampled units", column=fpc)

    return dict(
        frame=frame,
        weights=w.copy(),
        design_weights=w.copy(),
        stratum_codes=s_codes,
        stratum_labels=s_labels,
        psu_codes=psu,
        psu_stratum=psu_stratum,
        n_psu=n_psu,
        pop_psu=pop_psu,
        strata_column=strata,
        cluster_column=cluster,
        weight_column=design_weight,
        fpc_column=fpc,
        lonely_psu=lonely_psu,
        source=str(source),
    )


def _numeric_column(frame: pd.DataFrame, column: str, source: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise DesignError(source, f"{frame[column].iloc[i]!r} is not a number", row=i + 1, column=column)
    return values
