"""Survey designs: who was sampled, how, and with which weights.

A `Design` is the Python counterpart of R survey's `svydesign(id=, strata=, weights=, fpc=)`
(`R/survey.R`, `R/multistage.R`, Lumley 2010): stratified element sampling, an unstratified
sample, a cluster sample or a multistage sample (clusters, then units within them, ...), with
design weights and an optional finite population correction per stage. It is immutable; calibration (`weighting.calibration`) returns a new
`Design` whose weights are the calibrated ones and whose `steps` record the calibration, so that
`weighting.variance` can take the calibration into account exactly as R's `svyrecvar` does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd

from weighting.errors import DesignError, record_row, shown
from weighting.replicates import VARIANCE_METHODS, make_replicates

LONELY_PSU_RULES = ("fail", "remove", "certainty", "adjust")


@dataclass
class Stage:
    """One sampling stage: its strata and units (PSUs at stage 1), per row and per stratum.

    At stage k > 1 the strata are the units of stage k-1 (as R's `svydesign` nests them), and a
    stratum's variance counts times `scale`, the product of the earlier stages' sampling
    fractions n/N (R's `multistage`).
    """

    stratum_codes: np.ndarray  # per row
    stratum_labels: pd.Index
    psu_codes: np.ndarray  # per row, unique over the stage
    psu_stratum: np.ndarray  # stratum of each unit
    n_psu: np.ndarray  # sampled units per stratum
    pop_psu: np.ndarray  # population units per stratum (inf without fpc)
    scale: np.ndarray | None = None  # per row: product of earlier sampling fractions

    def fpc_factor(self) -> np.ndarray:
        """Per stratum 1 - n/N (1 without fpc), as R's `onestrat`."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(np.isinf(self.pop_psu), 1.0, (self.pop_psu - self.n_psu) / self.pop_psu)

    def lonely_strata(self) -> np.ndarray:
        """The strata with a single PSU that a variance must decide about (the lonely-PSU
        rule): a stratum sampled completely (f = 1) adds nothing, lonely or not."""
        return np.flatnonzero((self.n_psu == 1) & (self.fpc_factor() > 1e-7))

    def stratum_scale(self) -> np.ndarray:
        """The `scale` of each stratum (constant within a stratum)."""
        out = np.ones(len(self.stratum_labels))
        out[self.stratum_codes] = self.scale
        return out


class Design:
    """A survey design over the rows of `frame`, as R's `svydesign`.

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
        stages: one `Stage` per sampling stage that adds to the variance (the first holds the
            attributes above; later ones only with an fpc for every stage).
        steps: calibration steps, oldest first (see `weighting.calibration`).
        variance: 'taylor' (linearisation, default), 'jackknife' or 'bootstrap'; with the latter
            two `replicates` holds the replicate weights (`weighting.replicates`), recalibrated
            by every calibration, and standard errors come from them.
        source: name used in error messages (a file name or '<data>').

    >>> d = Design(pd.DataFrame({"s": ["a", "a", "b", "b"], "w": [2.0, 2.0, 5.0, 5.0]}), strata="s", design_weight="w")
    >>> d.n, d.df, float(d.weights.sum())
    (4, 2, 14.0)
    """

    def __init__(self, frame, *, design_weight=None, strata=None, fpc=None, cluster=None,
                 lonely_psu="fail", source="<data>", variance="taylor", replicates=None, seed=None,
                 replicate_factors=None, mse=False, rows=None):
        self.__dict__.update(_build(frame, design_weight=design_weight, strata=strata, fpc=fpc,
                                    cluster=cluster, lonely_psu=lonely_psu, source=source,
                                    rows=rows))
        self.steps = ()
        self.diagnostics = {}
        self.variance = variance
        self.replicates = None
        if variance not in VARIANCE_METHODS:
            raise DesignError(source, f"variance: {variance!r} is not one of {', '.join(VARIANCE_METHODS)}")
        if variance == "taylor":
            if replicates is not None or replicate_factors is not None:
                raise DesignError(source, "replicates: only with variance: jackknife or bootstrap")
        else:
            self.replicates = make_replicates(self, variance, replicates, seed, replicate_factors, mse)

    @property
    def n(self) -> int:
        """Number of respondents (rows)."""
        return len(self.weights)

    def row(self, i: int) -> int:
        """The row of respondent `i` (from 0) in messages: its file row when the data came from
        a file, else i + 1."""
        return record_row(getattr(self, "rows", None), i)

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
        if self.replicates is not None and step is not None:
            new.replicates = self.replicates.recalibrated(step.recalibrate(self.replicates.weights),
                                                          getattr(step, "keeps_replicate_df", False))
        return new

    def without_replicates(self) -> "Design":
        """A copy that uses linearisation (its replicates dropped)."""
        new = copy.copy(self)
        new.replicates = None
        new.variance = "taylor"
        return new

    def fpc_factor(self) -> np.ndarray:
        """Per stratum 1 - n_h/N_h (1 without fpc), as R's `onestrat` (`R/multistage.R`)."""
        return self.stages[0].fpc_factor()

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


def _names(value, role, source) -> list:
    """A column name or a list of them (one per sampling stage) as a list."""
    if value is None:
        return []
    names = [value] if isinstance(value, str) else list(value)
    if not names or not all(isinstance(v, str) for v in names):
        raise DesignError(source, f"{role}: give a column name or a list of column names, one per stage")
    return names


def _build(
    frame: pd.DataFrame,
    *,
    design_weight: str | None = None,
    strata: str | None = None,
    fpc=None,
    cluster=None,
    lonely_psu: str = "fail",
    source: str = "<data>",
    rows=None,
) -> dict:
    """Build and check a design, like R's `svydesign(id=~c1+c2, strata=, weights=, fpc=~f1+f2)`.

    Args:
        frame: one row per respondent.
        design_weight: column with design weights (> 0). Without it the weight is the product
            over stages of population / sample size from `fpc` (as R), or 1 without `fpc`.
        strata: optional first-stage stratum column (e.g. 'wijk').
        fpc: optional column, or list with one column per stage, with the population size of
            the stratum at that stage (number of its PSUs in the population), or, if every
            value is <= 1, the sampling fraction; as R's `fpc=`.
        cluster: optional cluster column, or a list of them for a multistage design (first
            stage first, e.g. ['dnum', 'snum']); without it each row is its own PSU. Later
            stages count only with an fpc for every stage, as in R's `svyrecvar`.
        lonely_psu: what a stratum with one PSU contributes to a variance, as R's
            `options(survey.lonely.psu=)`: 'fail' (an error when a variance is asked),
            'remove'/'certainty' (nothing), 'adjust' (centred at zero, R 4.1.1's rule).
        source: name of the data in error messages.
        rows: the file row of each respondent (the header is row 1), for messages; without
            it the first respondent is row 1.

    Returns:
        The attributes of a `Design`.

    Raises:
        DesignError: a missing column, a missing/non-positive/non-numeric weight, an fpc that
            varies within a stratum or is smaller than the sample, a PSU in two strata, an fpc
            for some stages only.

    >>> d = _build(pd.DataFrame({"s": ["a", "a", "b"], "w": [2.0, 2.0, 5.0]}), strata="s", design_weight="w")
    >>> d["n_psu"].tolist(), float(d["weights"].sum())
    ([2.0, 1.0], 9.0)
    """
    if not isinstance(frame, pd.DataFrame):
        raise DesignError(source, "data must be a pandas DataFrame")
    if lonely_psu not in LONELY_PSU_RULES:
        raise DesignError(source, f"lonely_psu: {lonely_psu!r} is not one of {', '.join(LONELY_PSU_RULES)}")
    clusters = _names(cluster, "cluster", source)
    fpcs = _names(fpc, "fpc", source)
    columns = [("design_weight", design_weight), ("strata", strata)]
    columns += [("cluster", c) for c in clusters] + [("fpc", f) for f in fpcs]
    for role, col in columns:
        if col is not None and col not in frame.columns:
            raise DesignError(source, f"{role}: column {col!r} is not in the data (columns: {', '.join(map(str, frame.columns))})", column=col)
    if fpcs and len(fpcs) != max(len(clusters), 1):
        raise DesignError(source, f"fpc: {len(fpcs)} columns for {max(len(clusters), 1)} sampling stage(s); "
                          f"give one fpc per cluster column, first stage first", column=fpcs[0])
    n = len(frame)
    if n == 0:
        raise DesignError(source, "the data has no rows")
    frame = frame.reset_index(drop=True)

    if design_weight is not None:
        w = _numeric_column(frame, design_weight, source, rows)
        bad = np.flatnonzero(~(w > 0))
        if bad.size:
            i = int(bad[0])
            raise DesignError(source, f"{frame[design_weight].iloc[i]} is not a positive number; design weights must be > 0", row=record_row(rows, i), column=design_weight)

    for role, col in [("strata", strata)] + [("cluster", c) for c in clusters]:
        if col is not None and frame[col].isna().any():
            i = int(np.flatnonzero(frame[col].isna().to_numpy())[0])
            raise DesignError(source, f"{role} value is missing", row=record_row(rows, i), column=col)

    if strata is None:
        s_codes, s_labels = np.zeros(n, dtype=np.int64), pd.Index(["(all)"])
    else:
        s_codes, s_labels = _codes(frame[strata])

    # stage by stage, as R's svydesign: the units of stage k are the clusters of column k
    # nested in those of stage k-1, and the strata of stage k > 1 are the units of stage k-1
    stages = []
    unit_labels = [None] * len(clusters)
    stratum, labels = s_codes, s_labels
    for k in range(max(len(clusters), 1)):
        col = clusters[k] if clusters else None
        if col is None:
            psu = np.arange(n, dtype=np.int64)
        else:
            c_codes, _ = _codes(frame[col])
            pair = pd.MultiIndex.from_arrays([c_codes, stratum])
            psu, uniq = pd.factorize(pair, sort=True)
            psu = psu.astype(np.int64)
            if k == 0:
                # a first-stage PSU is identified within its stratum, as R with nest=TRUE; a
                # PSU label that reappears in another stratum is an error
                cl_of_psu = uniq.get_level_values(0).to_numpy()
                if len(np.unique(cl_of_psu)) != len(cl_of_psu):
                    dup = pd.Series(cl_of_psu).duplicated()
                    label_ = frame[col].iloc[int(np.flatnonzero(c_codes == cl_of_psu[int(np.flatnonzero(dup.to_numpy())[0])])[0])]
                    raise DesignError(source, f"cluster {label_!r} appears in more than one stratum; a PSU must lie in one stratum", column=col)
        H = len(labels)
        psu_stratum = np.zeros(int(psu.max()) + 1, dtype=np.int64)
        psu_stratum[psu] = stratum
        n_psu = np.bincount(psu_stratum, minlength=H).astype(float)
        pop_psu = np.full(H, np.inf)
        if fpcs:
            pop_psu = _population_sizes(frame, fpcs[k], stratum, labels, n_psu, k, source, rows)
        stages.append(Stage(stratum, labels, psu, psu_stratum, n_psu, pop_psu))
        if col is not None:
            names = frame[clusters[:k + 1]].astype(str).agg("/".join, axis=1) if k else frame[col].astype(str)
            unit_labels[k] = names
            # the next stage's strata are this stage's units
            stratum = psu
            first = np.zeros(len(psu_stratum), dtype=np.int64)
            first[psu] = np.arange(n)
            labels = pd.Index(np.asarray(names)[first])

    if design_weight is None:
        if fpcs:
            # R: without weights the probabilities come from the fpc, stage by stage
            w = np.ones(n)
            for stage in stages:
                w = w * (stage.pop_psu / stage.n_psu)[stage.stratum_codes]
        else:
            w = np.ones(n)
    # a later stage adds to the variance only with an fpc at every stage (R's multistage)
    stages = stages if fpcs else stages[:1]
    scale = 1.0
    for k, stage in enumerate(stages):
        stage.scale = np.broadcast_to(scale, (n,)).copy() if np.ndim(scale) == 0 else scale
        if k + 1 < len(stages):
            # the variance of stage k+1 within a unit counts times the sampling fraction n/N of
            # every earlier stage (R: multistage(...) * nPSUs / fpcs)
            scale = stage.scale * (stage.n_psu / stage.pop_psu)[stage.stratum_codes]
    first = stages[0]
    return dict(
        frame=frame,
        rows=None if rows is None else np.asarray(rows),
        weights=w.copy(),
        design_weights=w.copy(),
        stratum_codes=s_codes,
        stratum_labels=s_labels,
        psu_codes=first.psu_codes,
        psu_stratum=first.psu_stratum,
        n_psu=first.n_psu,
        pop_psu=first.pop_psu,
        stages=tuple(stages),
        strata_column=strata,
        cluster_column=clusters[0] if clusters else None,
        cluster_columns=tuple(clusters),
        weight_column=design_weight,
        fpc_column=fpcs[0] if fpcs else None,
        fpc_columns=tuple(fpcs),
        lonely_psu=lonely_psu,
        source=str(source),
    )


def _population_sizes(frame, column, stratum, labels, n_psu, k, source, rows) -> np.ndarray:
    """Population PSUs per stratum of one stage from its fpc column (sizes or fractions)."""
    H = len(labels)
    f = _numeric_column(frame, column, source, rows)
    lo = np.full(H, np.inf)
    hi = np.full(H, -np.inf)
    np.minimum.at(lo, stratum, f)
    np.maximum.at(hi, stratum, f)
    where = "stratum" if k == 0 else f"stage-{k + 1} stratum (unit of stage {k})"
    varying = np.flatnonzero(hi - lo > 1e-9 * np.maximum(1.0, np.abs(hi)))
    if varying.size:
        raise DesignError(source, f"fpc varies within {where} {labels[varying[0]]!r} ({lo[varying[0]]:g} to {hi[varying[0]]:g}); it must be one value per stratum", column=column)
    if np.all(f <= 1):
        # sampling fractions, as R: population size = n_h / fraction
        if np.any(lo <= 0):
            h = int(np.flatnonzero(lo <= 0)[0])
            raise DesignError(source, f"sampling fraction {lo[h]:g} in {where} {shown(labels[h])} must be > 0", column=column)
        return n_psu / lo
    small = np.flatnonzero(lo < n_psu)
    if small.size:
        h = int(small[0])
        raise DesignError(source, f"{where} {shown(labels[h])}: population size {lo[h]:g} is smaller than the {int(n_psu[h])} sampled units", column=column)
    return lo


def _numeric_column(frame: pd.DataFrame, column: str, source: str, rows=None) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise DesignError(source, f"{frame[column].iloc[i]!r} is not a number", row=record_row(rows, i), column=column)
    return values
