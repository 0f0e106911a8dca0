"""Calibration: post-stratification, raking, linear (GREG) and logit calibration, trimming.

Every function takes a `Design` and returns a new `Design` whose weights meet the population
margins and whose `steps` carry what variance estimation needs, the way R survey's
`postStratify`, `rake` (`R/surveyrep.R`, `R/survey.R`) and `calibrate` (`R/grake.R`) append to
`design$postStrata` (Lumley 2010, ch. 7; Deville & Särndal 1992).

Margins are tables: the columns of their variables, then `total`. A margin that contains the
stratum variable (say `wijk, age_group, total`) calibrates within each stratum, exactly as R's
`rake(design, list(~wijk + age_group, ...))`.

Speed: every calibration runs on the distinct *patterns* of margin cells (a wijk has at most
4 x 2 x 3 x 3 of them), not on respondents, because units that fall in the same cell of every
margin always get the same adjustment. Per-stratum systems are one sparse block-diagonal solve.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.special import expit
from scipy.sparse.csgraph import connected_components

from weighting.design import Design
from weighting.errors import (
    ConvergenceError,
    EmptyCellError,
    InfeasibleBoundsError,
    MarginCategoryError,
    MarginError,
    MarginTotalsError,
)

CALFUNS = ("linear", "raking", "logit")


# --------------------------------------------------------------------------------------------
# Margins


def label(value) -> str:
    """The text form of a category, so that 1, 1.0 and '1' from CSV, Excel or SPSS all match.

    >>> label(3.0), label("15-24"), label(True)
    ('3', '15-24', 'True')
    """
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return str(value)


@dataclass
class Margin:
    """A population margin: variable columns and a `total` column.

    Args:
        table: DataFrame with the variable columns, then `total`. A table with only `total`
            is the population size (an intercept).
        source: name for error messages, e.g. the file name.

    >>> m = Margin(pd.DataFrame({"sex": ["man", "vrouw"], "total": [480, 520]}), "sex.csv")
    >>> m.variables, m.grand_total
    (['sex'], 1000.0)
    """

    table: pd.DataFrame
    source: str = "<margin>"
    variables: list = field(init=False)

    def __post_init__(self):
        if not isinstance(self.table, pd.DataFrame):
            raise MarginError(self.source, "a margin must be a table (DataFrame) with a 'total' column")
        cols = [str(c) for c in self.table.columns]
        if "total" not in cols:
            raise MarginError(self.source, f"no column 'total' (columns: {', '.join(cols)}); a margin lists its variables, then 'total'")
        self.table = self.table.reset_index(drop=True)
        self.table.columns = cols
        self.variables = [c for c in cols if c != "total"]
        totals = pd.to_numeric(self.table["total"], errors="coerce")
        bad = np.flatnonzero(~np.isfinite(totals.to_numpy(dtype=float)) | (totals.to_numpy(dtype=float) < 0))
        if bad.size:
            i = int(bad[0])
            raise MarginError(self.source, f"total {self.table['total'].iloc[i]!r} is not a number >= 0", row=i + 1, column="total")
        self.table["total"] = totals.astype(float)
        for v in self.variables:
            if self.table[v].isna().any():
                i = int(np.flatnonzero(self.table[v].isna().to_numpy())[0])
                raise MarginError(self.source, "category is missing", row=i + 1, column=v)
        labels = self.table[self.variables].map(label) if self.variables else None
        if labels is not None and labels.duplicated().any():
            i = int(np.flatnonzero(labels.duplicated().to_numpy())[0])
            raise MarginError(self.source, f"category {self._describe(labels.iloc[i].tolist())} appears twice", row=i + 1)
        self.labels = labels
        self.label_rows = [tuple(r) for r in labels.itertuples(index=False)] if labels is not None else [()] * len(self.table)

    @property
    def grand_total(self) -> float:
        return float(self.table["total"].sum())

    def _describe(self, values) -> str:
        return ", ".join(f"{v}={x!r}" for v, x in zip(self.variables, values))

    @classmethod
    def coerce(cls, margin, index: int) -> "Margin":
        if isinstance(margin, Margin):
            return margin
        return cls(margin, f"margin {index + 1}")


def check_margin_totals(margins, tolerance=1e-6):
    """Gaps between margins on the totals they share (overall, or per value of common variables).

    R's `rake` accepts margins that disagree (the last one wins and the others stay off); we
    report them. Two margins share the partition of their common variables (none: the grand
    total); their totals over it must agree within `tolerance` (relative).

    Returns:
        A list of dicts (margin_a, margin_b, group, total_a, total_b, relative_gap), worst first.

    >>> a = Margin(pd.DataFrame({"sex": ["m", "v"], "total": [48, 52]}), "a")
    >>> b = Margin(pd.DataFrame({"age": ["y", "o"], "total": [60, 50]}), "b")
    >>> [round(g["relative_gap"], 3) for g in check_margin_totals([a, b])]
    [0.091]
    """
    gaps = []
    for j in range(len(margins)):
        for k in range(j + 1, len(margins)):
            a, b = margins[j], margins[k]
            common = [v for v in a.variables if v in b.variables]
            ta, tb = _sum_by(a, common), _sum_by(b, common)
            for key in sorted(set(ta) | set(tb)):
                x, y = ta.get(key, 0.0), tb.get(key, 0.0)
                rel = abs(x - y) / max(abs(x), abs(y), 1e-12)
                if rel > tolerance:
                    gaps.append(dict(margin_a=a.source, margin_b=b.source, group=dict(zip(common, key)),
                                     total_a=float(x), total_b=float(y), relative_gap=float(rel)))
    gaps.sort(key=lambda g: -g["relative_gap"])
    return gaps


def _sum_by(m: Margin, common) -> dict:
    """Totals of a margin per combination of the `common` variables (text labels)."""
    idx = [m.variables.index(c) for c in common]
    out = {}
    for row, t in zip(m.label_rows, m.table["total"].to_numpy()):
        key = tuple(row[i] for i in idx)
        out[key] = out.get(key, 0.0) + t
    return out


def _describe_group(group: dict) -> str:
    return "the grand total" if not group else "the total for " + ", ".join(f"{k}={v!r}" for k, v in group.items())


# --------------------------------------------------------------------------------------------
# Coding the sample into margin cells


@dataclass
class CodedMargin:
    """A margin matched to the sample: a cell per respondent and a population total per cell."""

    margin: Margin
    cells: np.ndarray  # int per respondent
    pop: np.ndarray  # total per cell
    count: np.ndarray  # respondents per cell
    names: list  # text description per cell
    var_codes: np.ndarray  # (cells x variables) category code of each cell; -1 after a merge


def _code_margin(design: Design, margin: Margin, collapse_min: int | None, log: list, cache=None) -> CodedMargin:
    frame = design.frame
    cache = {} if cache is None else cache
    n = design.n
    sizes, row_codes, table_codes, cats_per_var = [], [], [], []
    for v in margin.variables:
        if v not in frame.columns:
            raise MarginError(margin.source, f"variable {v!r} is not a column of the data {design.source}", column=v)
        cats = pd.Index(pd.unique(margin.labels[v]))
        col = frame[v]
        missing = col.isna().to_numpy()
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise MarginCategoryError(design.source, f"value is missing but margin {margin.source} needs it to weight this respondent ({int(missing.sum())} respondents)", row=i + 1, column=v)
        if v not in cache:
            # respondents' categories are factorised once per column, then matched as text
            cache[v] = pd.factorize(col)
        uniq_codes, uniq = cache[v]
        idx = cats.get_indexer([label(u) for u in uniq])
        if (idx < 0).any():
            u = int(np.flatnonzero(idx < 0)[0])
            rows = np.flatnonzero(uniq_codes == u)
            raise MarginCategoryError(
                design.source,
                f"category {label(uniq[u])!r} ({rows.size} respondents) is not in margin {margin.source}; its categories are {', '.join(cats)}",
                row=int(rows[0]) + 1, column=v)
        row_codes.append(idx[uniq_codes])
        table_codes.append(cats.get_indexer(margin.labels[v]))
        sizes.append(len(cats))
        cats_per_var.append(cats)
    K = int(np.prod(sizes)) if sizes else 1
    cell = np.zeros(n, dtype=np.int64)
    tcell = np.zeros(len(margin.table), dtype=np.int64)
    for size, rc, tc in zip(sizes, row_codes, table_codes):
        cell = cell * size + rc
        tcell = tcell * size + tc
    pop = np.full(K, np.nan)
    pop[tcell] = margin.table["total"].to_numpy()
    count = np.bincount(cell, minlength=K)

    def cell_name(c):
        vals, rest = [], c
        for size, cats in zip(reversed(sizes), reversed(cats_per_var)):
            vals.append(cats[rest % size])
            rest //= size
        return margin._describe(list(reversed(vals))) if vals else "(all)"

    absent = np.flatnonzero(np.isnan(pop) & (count > 0))
    if absent.size:
        c = int(absent[0])
        raise MarginCategoryError(margin.source, f"the sample has {count[c]} respondents with {cell_name(c)}, but the margin has no row for it", row=int(np.flatnonzero(cell == c)[0]) + 1)
    zero_pop = np.flatnonzero((pop == 0) & (count > 0))
    if zero_pop.size:
        c = int(zero_pop[0])
        raise MarginCategoryError(margin.source, f"{cell_name(c)} has population total 0 but {count[c]} respondents in the sample")

    used = np.flatnonzero((count > 0) | (pop > 0))
    remap = np.full(K, -1, dtype=np.int64)
    remap[used] = np.arange(used.size)
    cells = remap[cell]
    var_codes = np.zeros((used.size, len(sizes)), dtype=np.int64)
    rest = used.copy()
    for j in range(len(sizes) - 1, -1, -1):
        var_codes[:, j] = rest % sizes[j]
        rest //= sizes[j]
    coded = CodedMargin(margin, cells, pop[used], count[used].astype(float), [cell_name(int(c)) for c in used], var_codes)
    if collapse_min:
        coded = _collapse(coded, design, collapse_min, log, cats_per_var)
    empty = np.flatnonzero((coded.count == 0) & (coded.pop > 0))
    if empty.size:
        c = int(empty[0])
        raise EmptyCellError(margin.source, f"{coded.names[c]} has population total {coded.pop[c]:g} but no respondents; "
                             f"collapse it with a neighbouring category (collapse_min) or drop it from the margins")
    return coded


def _collapse(coded: CodedMargin, design: Design, k: int, log: list, cats_per_var) -> CodedMargin:
    """Merge cells with fewer than `k` respondents into a neighbouring category.

    The collapsed variable is the margin's last variable that is not the stratum variable (so a
    sparse age group in a tiny wijk merges with the next age group in the same wijk). The
    neighbour is the adjacent category (in the margin file's order) with fewer respondents,
    the usual rule for ordered categories (Kalton & Flores-Cervantes 2003, sec. 6). Every merge
    is written to `log`.
    """
    variables = coded.margin.variables
    cand = [j for j, v in enumerate(variables) if v != design.strata_column]
    if not cand:
        return coded
    jc = cand[-1]
    others = [j for j in range(len(variables)) if j != jc]
    group_key = pd.MultiIndex.from_arrays([coded.var_codes[:, j] for j in others]) if others else None
    groups = (pd.Series(np.arange(len(coded.pop))).groupby(group_key.to_flat_index() if others else np.zeros(len(coded.pop))).indices)
    new_of_old = np.arange(len(coded.pop))
    count, names, var_codes = list(coded.count), list(coded.names), coded.var_codes.copy()
    cat_names = cats_per_var[jc]
    for _, members in groups.items():
        # members ordered by category order; each entry is a list of old cells merged together
        members = sorted(members, key=lambda c: coded.var_codes[c, jc])
        blocks = [[int(c)] for c in members]
        while len(blocks) > 1:
            counts = [sum(count[c] for c in b) for b in blocks]
            i = int(np.argmin(counts))
            if counts[i] >= k:
                break
            if i == 0:
                j = 1
            elif i == len(blocks) - 1:
                j = i - 1
            else:
                j = i - 1 if counts[i - 1] <= counts[i + 1] else i + 1
            lo, hi = min(i, j), max(i, j)
            label_lo = "+".join(cat_names[coded.var_codes[c, jc]] for c in blocks[lo])
            label_hi = "+".join(cat_names[coded.var_codes[c, jc]] for c in blocks[hi])
            where = ", ".join(f"{variables[o]}={cats_per_var[o][coded.var_codes[blocks[i][0], o]]!r}" for o in others)
            log.append(dict(margin=coded.margin.source, variable=variables[jc], within=where,
                            merged=f"{label_lo} + {label_hi}", respondents=f"{counts[lo]:g} + {counts[hi]:g}",
                            reason=f"fewer than {k} respondents"))
            blocks[lo] = blocks[lo] + blocks[hi]
            del blocks[hi]
        for b in blocks:
            if len(b) > 1:
                for c in b[1:]:
                    new_of_old[c] = b[0]
    keep = np.flatnonzero(new_of_old == np.arange(len(new_of_old)))
    if keep.size == len(new_of_old):
        return coded
    remap = np.full(len(new_of_old), -1)
    remap[keep] = np.arange(keep.size)
    final = remap[new_of_old]
    new_pop = np.bincount(final, weights=coded.pop, minlength=keep.size)
    new_count = np.bincount(final, weights=coded.count, minlength=keep.size)
    new_var = var_codes[keep].copy()
    merged = np.bincount(final, minlength=keep.size) > 1
    new_var[merged, jc] = -1
    new_names = []
    for i, c in enumerate(keep):
        members = np.flatnonzero(final == i)
        if members.size == 1:
            new_names.append(names[c])
        else:
            cats = "+".join(cat_names[coded.var_codes[m, jc]] for m in members)
            parts = [f"{variables[o]}={cats_per_var[o][coded.var_codes[c, o]]!r}" if o != jc else f"{variables[jc]}={cats!r}" for o in range(len(variables))]
            new_names.append(", ".join(parts))
    return CodedMargin(coded.margin, final[coded.cells], new_pop, new_count, new_names, new_var)


def _code_margins(design, margins, collapse_min, tolerance, on_mismatch):
    margins = [Margin.coerce(m, i) for i, m in enumerate(margins)]
    if not margins:
        raise MarginError("<margins>", "no margins given")
    gaps = check_margin_totals(margins, tolerance)
    if gaps and on_mismatch == "error":
        g = gaps[0]
        raise MarginTotalsError(
            g["margin_b"],
            f"disagrees with margin {g['margin_a']} on {_describe_group(g['group'])}: "
            f"{g['total_b']:g} here, {g['total_a']:g} there ({100 * g['relative_gap']:.3g}% apart, "
            f"tolerance {tolerance:g}); margins must describe the same population")
    if gaps:
        warnings.warn(f"{len(gaps)} margin totals disagree; worst: {g_text(gaps[0])}", stacklevel=3)
    log = []
    cache = {}
    coded = [_code_margin(design, m, collapse_min, log, cache) for m in margins]
    return coded, gaps, log


def g_text(g):
    return (f"{g['margin_a']} vs {g['margin_b']} on {_describe_group(g['group'])}: "
            f"{g['total_a']:g} vs {g['total_b']:g}")


# --------------------------------------------------------------------------------------------
# Patterns: respondents that share every margin cell share every adjustment


def _patterns(cell_arrays):
    """Distinct combinations of cell codes: (pattern per unit, cell codes per pattern).

    Combines one margin at a time and renumbers the combinations that occur, by counting
    rather than sorting, so it stays linear in the respondents.
    """
    n = len(cell_arrays[0])
    key = np.zeros(n, dtype=np.int64)
    P = 1
    for c in cell_arrays:
        size = int(c.max()) + 1 if len(c) else 1
        key = key * size + c
        present = np.bincount(key, minlength=P * size) > 0
        index = np.cumsum(present) - 1
        key = index[key]
        P = int(present.sum())
    first = np.zeros(P, dtype=np.int64)
    first[key] = np.arange(n)
    return key, [c[first] for c in cell_arrays]


# --------------------------------------------------------------------------------------------
# Calibration steps: what variance estimation needs (cf. design$postStrata in R survey)


class Step:
    """One calibration, as recorded on the calibrated design."""

    components: np.ndarray  # connected component per respondent (see `weighting.variance`)

    def residualize(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def recalibrate(self, W: np.ndarray) -> np.ndarray:
        """Replicate weights (n x R) calibrated as this step calibrated the weights, as R's
        `postStratify`/`rake`/`calibrate` do for a design with replicate weights."""
        raise NotImplementedError


def _safe_factor(target, achieved):
    """target / achieved, 1 where a replicate left the cell empty (nothing to scale)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(achieved > 0, target / achieved, 1.0)


def _rows_to(codes, W, K):
    """Column sums of W (n x R) per code: K x R."""
    ind = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(K, len(codes)))
    return np.asarray(ind @ W)


def _cell_means(cells, values, K):
    """Unweighted mean of each column of `values` per cell (R's `ave`)."""
    counts = np.bincount(cells, minlength=K)
    if values.ndim == 1:
        return np.bincount(cells, weights=values, minlength=K) / counts
    ind = sp.csr_matrix((np.ones(len(cells)), (cells, np.arange(len(cells)))), shape=(K, len(cells)))
    return (ind @ values) / counts[:, None]


def _bcast(w, x):
    return w if x.ndim == 1 else w[:, None]


class PostStratStep(Step):
    """Post-stratification: residuals from the weighted post-stratum means.

    As R's `svyrecvar` for a `postStratify`d design (`R/multistage.R`): with `psw` the new and
    `oldw` the old weights, x - psw * [sum_c(x oldw / psw) / sum_c(oldw)].
    """

    def __init__(self, cells, psw, oldw):
        self.cells, self.psw, self.oldw = cells, psw, oldw
        self.K = int(cells.max()) + 1
        self.components = cells

    def residualize(self, x):
        ratio = x * _bcast(self.oldw / self.psw, x)
        if x.ndim == 1:
            num = np.bincount(self.cells, weights=ratio, minlength=self.K)
        else:
            ind = sp.csr_matrix((np.ones(len(self.cells)), (self.cells, np.arange(len(self.cells)))), shape=(self.K, len(self.cells)))
            num = ind @ ratio
        den = np.bincount(self.cells, weights=self.oldw, minlength=self.K)
        means = num / (den if x.ndim == 1 else den[:, None])
        return x - means[self.cells] * _bcast(self.psw, x)

    def recalibrate(self, W):
        pop = np.bincount(self.cells, weights=self.psw, minlength=self.K)
        return W * _safe_factor(pop[:, None], _rows_to(self.cells, W, self.K))[self.cells]


class RakingStep(Step):
    """Raking: iterated projections on the margins, as R's `svyrecvar` for a `rake`d design.

    R (`R/multistage.R`, class "raking") repeats, 10 times, for each margin of the last raking
    pass: x <- x - psw * ave(x / psw, margin), with psw the weights after that margin's
    adjustment. We do the same so the standard errors equal R's; this is an approximation to
    the exact GREG projection that `calibrate(calfun="raking")` uses (they differ in the 4th
    significant digit on `apistrat`).

    Speed: after k projections x = x0 - sum_j psw_j * A_j[cell_j], and psw_j / psw_k depends
    only on the respondent's pattern of cells, so the 10 rounds run on cell and pattern sums
    (a few thousand numbers); respondents are touched once to sum and once to subtract.
    `residualize_direct` is R's loop over respondents, kept to check the fast form.
    """

    ITERATIONS = 10

    def __init__(self, w0, pattern, pcells, factors, components):
        self.w0 = w0  # weights before raking, per respondent
        self.pattern = pattern  # pattern per respondent
        self.pcells = pcells  # per margin: cell of each pattern
        self.factors = factors  # per margin: psw / w0 of each pattern (weights after that margin)
        self.Ks = [int(c.max()) + 1 for c in pcells]
        self.P = len(pcells[0])
        self.n_pattern = np.bincount(pattern, minlength=self.P).astype(float)
        self.cell_count = [np.bincount(pc, weights=self.n_pattern, minlength=K) for pc, K in zip(pcells, self.Ks)]
        self.components = components

    @property
    def margin_cells(self):
        return [pc[self.pattern] for pc in self.pcells]

    @property
    def margin_weights(self):
        return [self.w0 * f[self.pattern] for f in self.factors]

    def residualize(self, x):
        x = np.asarray(x, dtype=float)
        M = len(self.pcells)
        cols = None if x.ndim == 1 else x.shape[1]
        shape = (lambda K: (K,)) if cols is None else (lambda K: (K, cols))
        # B_j[c] = sum over cell c of margin j of x0 / psw_j (one pass over respondents)
        xw = x / _bcast(self.w0, x)
        if cols is None:
            pattern_sum = np.bincount(self.pattern, weights=xw, minlength=self.P)
        else:
            ind = sp.csr_matrix((np.ones(len(self.pattern)), (self.pattern, np.arange(len(self.pattern)))), shape=(self.P, len(self.pattern)))
            pattern_sum = np.asarray(ind @ xw)
        B = [_agg(pc, pattern_sum / _bcast(f, pattern_sum), K) for pc, f, K in zip(self.pcells, self.factors, self.Ks)]
        A = [np.zeros(shape(K)) for K in self.Ks]
        # the subtracted part seen by margin j, per pattern: sum_k (F_k / F_j) A_k[cell_k]
        for _ in range(self.ITERATIONS):
            for j in range(M):
                sub = np.zeros(shape(self.P))
                for k in range(M):
                    ratio = self.n_pattern * self.factors[k] / self.factors[j]
                    sub += _bcast(ratio, sub) * A[k][self.pcells[k]]
                sums = B[j] - _agg(self.pcells[j], sub, self.Ks[j])
                A[j] = A[j] + sums / _bcast(self.cell_count[j], sums)
        out = x.copy()
        for k in range(M):
            per_pattern = _bcast(self.factors[k], A[k][self.pcells[k]]) * A[k][self.pcells[k]]
            out -= _bcast(self.w0, x) * per_pattern[self.pattern]
        return out

    def recalibrate(self, W):
        """Each replicate raked for as many passes as the weights were (R's `rake` post-stratifies
        the replicates in the same loop)."""
        Wu = _rows_to(self.pattern, W, self.P)
        Wu0 = Wu.copy()
        for _ in range(self.passes):
            for pc, pop, K in zip(self.pcells, self.pops, self.Ks):
                Wu = Wu * _safe_factor(pop[:, None], _rows_to(pc, Wu, K))[pc]
        return W * _safe_factor(Wu, Wu0)[self.pattern]

    def residualize_direct(self, x):
        """R's loop: 10 rounds of x <- x - psw * ave(x / psw, margin), per respondent."""
        x = np.array(x, dtype=float, copy=True)
        for _ in range(self.ITERATIONS):
            for cells, psw, K in zip(self.margin_cells, self.margin_weights, self.Ks):
                w = _bcast(psw, x)
                x = x - w * _cell_means(cells, x / w, K)[cells]
        return x


def _agg(codes, values, K):
    """Sum of values (length P, or P x k) per code."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=K)
    out = np.zeros((K, values.shape[1]))
    np.add.at(out, codes, values)
    return out


class GregStep(Step):
    """Calibration (linear, raking or logit distance): residuals of the calibration regression.

    As R's `svyrecvar` for a `calibrate`d design (`R/grake.R`, class "greg_calibration"): with
    design weights d, g-weights g and model matrix X, x <- x - (g d) * X b where
    b = (X' D X)^- X' (x / g) (Deville & Särndal 1992; Lumley 2010 sec. 7.4).
    """

    def __init__(self, pattern, Xu, du, g, components):
        self.pattern = pattern  # pattern per unit
        self.Xu = Xu.tocsr()  # model matrix per pattern
        self.g = g  # g per unit
        self.final = None
        self.components = components
        self.solver = _Solver(self.Xu.T @ sp.diags(du) @ self.Xu)
        self.P = int(Xu.shape[0])

    def residualize(self, x):
        xg = x / _bcast(self.g, x)
        if x.ndim == 1:
            psum = np.bincount(self.pattern, weights=xg, minlength=self.P)
        else:
            ind = sp.csr_matrix((np.ones(len(self.pattern)), (self.pattern, np.arange(len(self.pattern)))), shape=(self.P, len(self.pattern)))
            psum = ind @ xg
        rhs = self.Xu.T @ psum
        b = self.solver.solve(rhs)
        fitted = self.Xu @ b
        return x - _bcast(self.final, x) * fitted[self.pattern]

    def recalibrate(self, W):
        """Each replicate calibrated to the same totals by the same distance (R's
        `calibrate.svyrep.design`: `grake`, or `regcalibrate` for linear without bounds)."""
        calfun, lo, hi, maxit, epsilon = self.settings
        out = np.empty_like(W)
        for r in range(W.shape[1]):
            du = np.bincount(self.pattern, weights=W[:, r], minlength=self.P)
            if calfun == "linear" and not (np.isfinite(lo) or np.isfinite(hi)):
                lam = _Solver(self.Xu.T @ sp.diags(du) @ self.Xu).solve(self.target - self.Xu.T @ du)
                gu = 1 + self.Xu @ lam
            else:
                gu, _, _, _ = _grake(self.Xu, du, self.target, calfun, lo, hi, maxit, epsilon)
            out[:, r] = W[:, r] * gu[self.pattern]
        return out


class _Solver:
    """Solves A z = r for a symmetric positive semi-definite sparse A.

    Columns with a zero diagonal (a cell whose units all sit at a bound in bounded calibration)
    get z = 0, as a generalised inverse gives them. The rest goes to a sparse LU (the matrix is
    block-diagonal by stratum for margins per wijk); if that is singular too (aliased margins we
    could not detect, or a nearly infeasible bounded calibration), the minimum-norm solution, as
    R's `MASS::ginv` in `grake`: exactly by an eigen decomposition for up to 500 columns, by a
    ridge of 1e-12 beyond.
    """

    def __init__(self, A):
        A = sp.csc_matrix(A)
        diag = A.diagonal()
        self.p = A.shape[0]
        self.keep = np.flatnonzero(diag > diag.max(initial=0.0) * 1e-14)
        A = A[self.keep][:, self.keep].tocsc() if self.keep.size < self.p else A
        self.lu = None
        self.pinv = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                self.lu = spla.splu(A)
            z = self.lu.solve(np.ones(A.shape[0]))
            if not np.all(np.isfinite(z)) or np.linalg.norm(A @ z - 1) > 1e-6 * np.sqrt(A.shape[0]):
                self.lu = None
        except (RuntimeError, Warning):
            self.lu = None
        if self.lu is None and A.shape[0] <= 500:
            vals, vecs = np.linalg.eigh(A.toarray())
            keep = vals > vals.max() * A.shape[0] * np.finfo(float).eps * 256
            self.pinv = (vecs[:, keep] / vals[keep]) @ vecs[:, keep].T
        elif self.lu is None:
            # large and singular: a tiny ridge gives the minimum-norm solution to about 1e-12
            # relative for right-hand sides in the range of A, without a dense decomposition
            ridge = 1e-12 * float(A.diagonal().max())
            self.lu = spla.splu((A + ridge * sp.identity(A.shape[0], format="csc")).tocsc())

    def solve(self, r):
        r = np.asarray(r, dtype=float)
        sub = r[self.keep]
        z_sub = self.lu.solve(sub) if self.lu is not None else self.pinv @ sub
        if self.keep.size == self.p:
            return z_sub
        z = np.zeros((self.p,) + r.shape[1:])
        z[self.keep] = z_sub
        return z


def _components_from(pattern, Xu):
    """Connected component per unit of the graph linking units through shared model columns."""
    P, p = Xu.shape
    B = sp.csr_matrix(Xu != 0, dtype=np.int8)
    graph = sp.bmat([[None, B], [B.T, None]], format="csr")
    _, comp = connected_components(graph, directed=False)
    return comp[:P][pattern]


# --------------------------------------------------------------------------------------------
# Post-stratification


def poststratify(design: Design, margin, *, collapse_min: int | None = None) -> Design:
    """Post-stratify: scale the weights in each cell to the population total, as R's `postStratify`.

    Args:
        design: the design (design weights, or an earlier calibration).
        margin: a `Margin` or table with the post-stratum variables and `total`.
        collapse_min: merge cells with fewer respondents into a neighbour (logged in
            `design.diagnostics['collapsed']`).

    Returns:
        The post-stratified design.

    Raises:
        MarginCategoryError, EmptyCellError, MarginError.

    >>> d = Design(pd.DataFrame({"sex": ["m", "m", "v"]}))
    >>> poststratify(d, pd.DataFrame({"sex": ["m", "v"], "total": [10, 20]})).weights.tolist()
    [5.0, 5.0, 20.0]
    """
    coded, gaps, log = _code_margins(design, [margin], collapse_min, 1e-6, "error")
    cm = coded[0]
    w = design.weights
    K = len(cm.pop)
    sample = np.bincount(cm.cells, weights=w, minlength=K)
    factor = cm.pop / sample
    new = w * factor[cm.cells]
    step = PostStratStep(cm.cells, new, w)
    return design.with_weights(new, step, _cal_diagnostics("poststratify", 1, True, coded, new, log, gaps))


# --------------------------------------------------------------------------------------------
# Raking


def rake(design: Design, margins, *, epsilon: float = 1e-10, maxit: int = 100,
         collapse_min: int | None = None, tolerance: float = 1e-6, on_mismatch: str = "error",
         on_nonconvergence: str = "error") -> Design:
    """Rake (iterative proportional fitting) to several margins, as R's `rake`.

    Each pass post-stratifies to every margin in turn. As R, the raking stops when no margin
    cell changes by more than `epsilon` between passes (an `epsilon` below 1 is relative to the
    sum of the design weights, as R's `control$epsilon`).

    Args:
        design: the design.
        margins: list of `Margin`s or tables (variables then `total`). A margin containing the
            stratum variable rakes within each stratum.
        epsilon: convergence criterion (R's default is 1; we use 1e-10 of the weight sum).
        maxit: iteration cap (passes over all margins).
        collapse_min: merge sparse cells (fewer respondents than this) into a neighbour category.
        tolerance: relative tolerance for margins that disagree on shared totals.
        on_nonconvergence: 'error' (default) stops when raking does not converge; 'warn' warns
            (R's behaviour), keeps the last pass and reports the gaps in the diagnostics.
        on_mismatch: 'error' (default) stops on disagreeing margins; 'warn' warns, rakes as R
            would (the last margin wins) and puts the gaps in the diagnostics.

    Returns:
        The raked design; `design.diagnostics` has iterations, convergence, margin gaps and the
        collapse log.

    Raises:
        MarginCategoryError, EmptyCellError, MarginTotalsError, ConvergenceError (naming the
        margin cell with the largest remaining change).

    >>> d = Design(pd.DataFrame({"a": ["x", "x", "y"], "b": ["p", "q", "q"]}))
    >>> m = [pd.DataFrame({"a": ["x", "y"], "total": [60, 40]}), pd.DataFrame({"b": ["p", "q"], "total": [30, 70]})]
    >>> [round(float(v), 6) for v in rake(d, m).weights]
    [30.0, 30.0, 40.0]
    """
    if on_mismatch not in ("error", "warn"):
        raise MarginError("<rake>", f"on_mismatch: {on_mismatch!r} is not 'error' or 'warn'")
    _check_choice("on_nonconvergence", on_nonconvergence)
    if maxit < 1 or not epsilon > 0:
        raise ConvergenceError("<rake>", f"maxit ({maxit}) must be at least 1 and epsilon ({epsilon}) above 0")
    coded, gaps, log = _code_margins(design, margins, collapse_min, tolerance, on_mismatch)
    pattern, pcells = _patterns([c.cells for c in coded])
    w0 = design.weights
    P = len(pcells[0])
    wu = np.bincount(pattern, weights=w0, minlength=P)
    wu0 = wu.copy()
    eps = epsilon * w0.sum() if epsilon < 1 else epsilon
    old = [np.bincount(pc, weights=wu, minlength=len(c.pop)) for pc, c in zip(pcells, coded)]
    converged = False
    it = 0
    factors_last = None
    while it < maxit:
        it += 1
        after_margin = []
        for pc, c in zip(pcells, coded):
            tab = np.bincount(pc, weights=wu, minlength=len(c.pop))
            wu = wu * (c.pop / tab)[pc]
            after_margin.append(wu.copy())
        new = [np.bincount(pc, weights=wu, minlength=len(c.pop)) for pc, c in zip(pcells, coded)]
        deltas = [np.abs(a - b) for a, b in zip(new, old)]
        factors_last = after_margin
        if max(float(d.max()) for d in deltas) < eps:
            converged = True
            break
        old = new
    if not converged:
        j = int(np.argmax([d.max() for d in deltas]))
        c = int(np.argmax(deltas[j]))
        _fail(on_nonconvergence, ConvergenceError(
            coded[j].margin.source,
            f"raking did not converge in {maxit} iterations; the largest change in the last pass "
            f"was {deltas[j][c]:g} for {coded[j].names[c]} (criterion {eps:g}); raise maxit or "
            f"collapse sparse cells"))
    ratio = wu / wu0
    new_w = w0 * ratio[pattern]
    comp = _components_from(pattern, _pattern_matrix(pcells, [len(c.pop) for c in coded]))
    step = RakingStep(w0, pattern, pcells, [a / wu0 for a in factors_last], comp)
    step.pops, step.passes = [c.pop for c in coded], it
    return design.with_weights(new_w, step, _cal_diagnostics("raking", it, converged, coded, new_w, log, gaps))


def _check_choice(name, value):
    if value not in ("error", "warn"):
        raise MarginError("<calibration>", f"{name}: {value!r} is not 'error' or 'warn'")


def _fail(mode, error):
    """Raise `error`, or with mode 'warn' only warn (what R does) and carry on."""
    if mode == "error":
        raise error
    warnings.warn(str(error), stacklevel=3)


def _pattern_matrix(pcells, sizes):
    """Indicator matrix (patterns x all margin cells)."""
    P = len(pcells[0])
    blocks = [sp.csr_matrix((np.ones(P), (np.arange(P), pc)), shape=(P, K)) for pc, K in zip(pcells, sizes)]
    return sp.hstack(blocks).tocsr()


def _cal_diagnostics(method, iterations, converged, coded, w, log, gaps):
    worst = None
    for c in coded:
        achieved = np.bincount(c.cells, weights=w, minlength=len(c.pop))
        gap = np.abs(achieved - c.pop)
        i = int(np.argmax(gap))
        if worst is None or gap[i] > worst[0]:
            worst = (float(gap[i]), c.margin.source, c.names[i])
    return dict(method=method, iterations=iterations, converged=converged,
                max_margin_gap=worst[0] if worst else 0.0,
                worst_margin=f"{worst[1]}: {worst[2]}" if worst else "",
                margin_disagreements=gaps, collapsed=log)


# --------------------------------------------------------------------------------------------
# Calibration (Deville & Särndal 1992) with linear, raking or logit distance


def _F(calfun, u, lo, hi):
    """g - 1 as a function of x'eta, and its derivative, as R's cal.linear/cal.raking/cal.logit."""
    if calfun == "linear":
        g = np.clip(u + 1, lo, hi) - 1
        d = ((u < hi - 1) & (u > lo - 1)).astype(float)
    elif calfun == "raking":
        with np.errstate(over="ignore"):
            e = np.exp(u)
        g = np.clip(e, lo, hi) - 1
        d = np.where((u < hi - 1) & (u > lo - 1), e, 0.0)
    else:
        # logit calibration (Deville & Särndal 1992, case 6): g in (L, U). R's cal.logit writes
        # g = (L(U-1) + U(1-L)e^{Au}) / (U-1 + (1-L)e^{Au}); that is L + (U-L) expit(Au + c) with
        # c = log((1-L)/(U-1)), which we use because it cannot overflow.
        A = (hi - lo) / ((hi - 1) * (1 - lo))
        s = expit(A * u + np.log((1 - lo) / (hi - 1)))
        g = lo + (hi - lo) * s - 1
        d = (hi - lo) * A * s * (1 - s)
    return g, d


def calibrate(design: Design, margins=(), *, totals: dict | None = None, calfun: str = "linear",
              bounds=None, maxit: int = 50, epsilon: float = 1e-7, collapse_min: int | None = None,
              tolerance: float = 1e-6, on_mismatch: str = "error", on_nonconvergence: str = "error") -> Design:
    """Calibrate to margins and numeric totals with a linear, raking or logit distance.

    The calibration estimator of Deville & Särndal (1992), solved by Newton's method as R's
    `calibrate`/`grake` (`R/grake.R`): g = 1 + F(X eta), eta updated by a generalised inverse of
    X' D F'(X eta) X. Linear calibration without bounds is GREG (Särndal, Swensson & Wretman
    1992), one solve as R's `regcalibrate`.

    Args:
        design: the design.
        margins: categorical margins (variables then `total`); a table with only `total` is the
            population size. A margin containing the stratum variable calibrates per stratum.
        totals: population totals of numeric variables, e.g. {'enroll': 3811472}.
        calfun: 'linear', 'raking' or 'logit'.
        bounds: (lower, upper) bounds on g = final / design weight; required for 'logit'.
        maxit, epsilon: Newton iteration cap and criterion max|misfit| / (1 + |total|), as R.
        collapse_min, tolerance, on_mismatch, on_nonconvergence: as in `rake` (R's `calibrate`
            only warns when bounded calibration fails; we stop unless asked to warn).

    Returns:
        The calibrated design.

    Raises:
        MarginCategoryError, EmptyCellError, MarginTotalsError, MarginError,
        InfeasibleBoundsError (bounded calibration that cannot meet the margins: R only warns),
        ConvergenceError.

    >>> d = Design(pd.DataFrame({"a": ["x", "x", "y"], "z": [1.0, 2.0, 3.0]}))
    >>> cal = calibrate(d, [pd.DataFrame({"a": ["x", "y"], "total": [20, 10]})], calfun="linear")
    >>> cal.weights.tolist()
    [10.0, 10.0, 10.0]
    """
    if calfun not in CALFUNS:
        raise MarginError("<calibrate>", f"calfun: {calfun!r} is not one of {', '.join(CALFUNS)}")
    if on_mismatch not in ("error", "warn"):
        raise MarginError("<calibrate>", f"on_mismatch: {on_mismatch!r} is not 'error' or 'warn'")
    _check_choice("on_nonconvergence", on_nonconvergence)
    lo, hi = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if calfun == "logit" and not (np.isfinite(lo) and np.isfinite(hi)):
        raise InfeasibleBoundsError("<calibrate>", "logit calibration needs finite bounds on g, e.g. bounds=(0.7, 1.7)")
    if not lo < 1 < hi:
        raise InfeasibleBoundsError("<calibrate>", f"bounds ({lo:g}, {hi:g}) must contain 1 (g = 1 leaves a weight unchanged)")
    coded, gaps, log = _code_margins(design, list(margins), collapse_min, tolerance, on_mismatch) if len(margins) else ([], [], [])
    totals = dict(totals or {})
    n = design.n
    w0 = design.weights

    # model matrix: indicator columns per margin cell, minus aliased ones, then numeric columns
    blocks, target, names = [], [], []
    cell_arrays = [c.cells for c in coded]
    if totals:
        pattern = np.arange(n)
        pcells = cell_arrays
    else:
        pattern, pcells = _patterns(cell_arrays)
    P = len(pattern) if totals else len(pcells[0])
    nested = True
    for k, c in enumerate(coded):
        keep = np.ones(len(c.pop), dtype=bool)
        if k > 0:
            drop, ok = _aliased_cells(coded, k)
            nested &= ok
            keep[drop] = False
        cols = np.flatnonzero(keep)
        remap = np.full(len(c.pop), -1)
        remap[cols] = np.arange(cols.size)
        pc = remap[pcells[k]]
        rows = np.flatnonzero(pc >= 0)
        blocks.append(sp.csr_matrix((np.ones(rows.size), (rows, pc[rows])), shape=(P, cols.size)))
        target.extend(c.pop[cols])
        names.extend(f"{c.margin.source}: {c.names[i]}" for i in cols)
    for var, tot in totals.items():
        if var not in design.frame.columns:
            raise MarginError("<totals>", f"numeric variable {var!r} is not a column of the data {design.source}", column=var)
        vals = pd.to_numeric(design.frame[var], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            raise MarginError(design.source, f"{design.frame[var].iloc[int(bad[0])]!r} is not a number; calibration variables cannot be missing", row=int(bad[0]) + 1, column=var)
        blocks.append(sp.csr_matrix(vals[:, None]))
        target.append(float(tot))
        names.append(f"total of {var}")
    if not blocks:
        raise MarginError("<calibrate>", "no margins or totals to calibrate to")
    Xu = sp.hstack(blocks).tocsr()
    T = np.asarray(target, dtype=float)
    du = np.bincount(pattern, weights=w0, minlength=P) if not totals else w0.copy()

    sample_total = Xu.T @ du
    if calfun == "linear" and bounds is None:
        # GREG in one solve, as R's regcalibrate
        solver = _Solver(Xu.T @ sp.diags(du) @ Xu)
        lam = solver.solve(T - sample_total)
        gu = 1 + Xu @ lam
        it, converged = 1, True
        misfit = T - Xu.T @ (du * gu)
    else:
        gu, it, converged, misfit = _grake(Xu, du, T, calfun, lo, hi, maxit, epsilon)
    if not converged:
        rel = np.abs(misfit) / (1 + np.abs(T))
        i = int(np.argmax(rel))
        cls = InfeasibleBoundsError if np.isfinite(lo) or np.isfinite(hi) else ConvergenceError
        what = (f"calibration with bounds ({lo:g}, {hi:g}) on g cannot meet the margins" if cls is InfeasibleBoundsError
                else f"{calfun} calibration did not converge")
        _fail(on_nonconvergence, cls(
            names[i].split(": ")[0], f"{what} in {maxit} iterations: {names[i].split(': ', 1)[-1]} is still "
            f"{misfit[i]:g} off its total {T[i]:g} (relative {rel[i]:.3g}, criterion {epsilon:g}); "
            f"widen the bounds or collapse sparse cells"))
    if np.any(gu <= 0) and calfun == "linear":
        warnings.warn("linear calibration produced weights <= 0; consider bounds or logit calibration", stacklevel=2)
    g = gu[pattern]
    new_w = w0 * g
    step = GregStep(pattern, Xu, du, g, _components_from(pattern, Xu))
    step.final = new_w
    step.target, step.settings = T, (calfun, lo, hi, maxit, epsilon)
    step.keeps_replicate_df = not (calfun == "linear" and bounds is None)  # as R, see Replicates.recalibrated
    diag = _cal_diagnostics(calfun, it, converged, coded, new_w, log, gaps) if coded else dict(method=calfun, iterations=it, converged=converged, collapsed=log, margin_disagreements=gaps)
    diag["aliased_margins_nested"] = nested
    return design.with_weights(new_w, step, diag)


def _aliased_cells(coded, k):
    """Cells of margin k to drop so the model matrix has full rank.

    Margin k's indicators sum, within each group of the variables it shares with an earlier
    margin, to that group's indicator, which the earlier margin already spans (R's
    model.matrix drops the same reference levels). When the shared sets are nested we drop one
    cell per group of the largest; otherwise `_Solver` falls back to a generalised inverse.
    """
    c = coded[k]
    variables = c.margin.variables
    shared = [set(variables) & set(coded[j].margin.variables) for j in range(k)]
    largest = max(shared, key=len)
    ok = all(s <= largest for s in shared)
    idx = [variables.index(v) for v in variables if v in largest]
    if idx and (c.var_codes[:, idx] < 0).any():
        return np.array([], dtype=int), False
    if idx:
        key = pd.MultiIndex.from_arrays([c.var_codes[:, j] for j in idx]).to_flat_index()
        first = pd.Series(np.arange(len(c.pop))).groupby(key).first().to_numpy()
    else:
        first = np.array([0])
    return first, ok


def _grake(Xu, du, T, calfun, lo, hi, maxit, epsilon):
    """Newton iterations of R's `grake` (`R/grake.R`), on patterns."""
    p = Xu.shape[1]
    eta = np.zeros(p)
    sample_total = Xu.T @ du
    scale = None
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = T / sample_total
    if np.all(np.isfinite(scales)) and scales.min() > 20:
        # R's pre-scaling for weights far below the population (e.g. all 1)
        scale = float(np.mean(scales))
        du = du * scale
        sample_total = sample_total * scale
    xeta = Xu @ eta
    Fm, dF = _F(calfun, xeta, lo, hi)
    it = 1
    XT = Xu.T.tocsr()
    while True:
        Tmat = XT @ sp.diags(du * dF) @ Xu
        misfit = T - sample_total - XT @ (du * Fm)
        deta = _Solver(Tmat).solve(misfit)
        eta = eta + deta
        xeta = Xu @ eta
        Fm, dF = _F(calfun, xeta, lo, hi)
        while it < maxit and not (np.all(np.isfinite(Fm)) and np.all(np.isfinite(dF))):
            it += 1
            deta = deta / 2
            eta = eta - deta
            xeta = Xu @ eta
            Fm, dF = _F(calfun, xeta, lo, hi)
        new_misfit = T - sample_total - XT @ (du * Fm)
        # Where R takes the full Newton step always (and can run off to NaN on hard problems),
        # we halve the step while it makes the misfit worse; a step that improves is R's step.
        halvings = 0
        while halvings < 30 and not (np.linalg.norm(new_misfit) <= np.linalg.norm(misfit)):
            halvings += 1
            deta = deta / 2
            eta = eta - deta
            xeta = Xu @ eta
            Fm, dF = _F(calfun, xeta, lo, hi)
            new_misfit = T - sample_total - XT @ (du * Fm)
        misfit = new_misfit
        if np.all(np.abs(misfit) / (1 + np.abs(T)) < epsilon):
            converged = True
            break
        it += 1
        if it > maxit:
            converged = False
            break
    g = 1 + Fm
    if scale is not None:
        g = g * scale
    return g, it, converged, misfit


# --------------------------------------------------------------------------------------------
# Trimming


def trim_weights(design: Design, lower: float = -np.inf, upper: float = np.inf, *, strict: bool = False) -> Design:
    """Trim weights to [lower, upper] and share the trimmed amount over the untrimmed units.

    As R's `trimWeights` (`R/grake.R`): weights outside the limits are set to the limit and the
    total trimmed is added equally to every other unit, so the weight sum is kept; with
    `strict`, repeated until no weight is outside. Calibration steps are kept, as in R.

    Raises:
        InfeasibleBoundsError: the limits cannot hold the weight sum (every unit trimmed).

    >>> d = Design(pd.DataFrame({"w": [1.0, 1.0, 10.0]}), design_weight="w")
    >>> trim_weights(d, upper=6).weights.tolist()
    [3.0, 3.0, 6.0]
    """
    pw = design.weights.copy()
    has_trimmed = np.zeros(len(pw), dtype=bool)
    outside = (pw < lower) | (pw > upper)
    rounds = 0
    while outside.any():
        rounds += 1
        new = np.clip(pw, lower, upper)
        trimmings = pw - new
        can = ~outside & ~has_trimmed
        if not can.any():
            raise InfeasibleBoundsError(design.source, f"trimming to [{lower:g}, {upper:g}] failed: no untrimmed weights left to take {trimmings.sum():g}")
        new[can] += trimmings.sum() / can.sum()
        has_trimmed |= outside
        pw = new
        if not strict or rounds > 1000:
            break
        outside = (pw < lower - 1e-12) | (pw > upper + 1e-12)
    trimmed = design.with_weights(pw, None, dict(trimmed=int(has_trimmed.sum())))
    if design.replicates is not None:
        # R's trimWeights trims every replicate too
        W = np.column_stack([trim_weights(design.without_replicates().with_weights(design.replicates.weights[:, r]),
                                          lower, upper, strict=strict).weights
                             for r in range(design.replicates.count)])
        trimmed.replicates = design.replicates.with_weights(W)
    return trimmed
