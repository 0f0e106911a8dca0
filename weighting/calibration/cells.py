"""Coding the sample into margin cells, collapsing sparse cells, and patterns.

Each respondent gets one cell per margin (`code_margin`); cells with too few respondents merge
with a neighbouring category (`collapse_min`, Kalton & Flores-Cervantes 2003, sec. 6).

Patterns: respondents that share every margin cell share every adjustment, so every
calibration runs on the distinct *patterns* of margin cells (a wijk has at most 4 x 2 x 3 x 3
of them), not on respondents (`patterns`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from weighting.calibration.margins import Margin, check_margin_totals, describe_group, gap_text, label
from weighting.design import Design
from weighting.errors import EmptyCellError, MarginCategoryError, MarginError, MarginTotalsError


@dataclass
class CodedMargin:
    """A margin matched to the sample: a cell per respondent and a population total per cell."""

    margin: Margin
    cells: np.ndarray  # int per respondent
    pop: np.ndarray  # total per cell
    count: np.ndarray  # respondents per cell
    names: list  # text description per cell
    var_codes: np.ndarray  # (cells x variables) category code of each cell; -1 after a merge


def code_margin(design: Design, margin: Margin, collapse_min: int | None, log: list, cache=None) -> CodedMargin:
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
            raise MarginCategoryError(design.source, f"value is missing but margin {margin.source} needs it to weight this respondent ({int(missing.sum())} respondents)", row=design.row(i), column=v)
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
                row=design.row(int(rows[0])), column=v)
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
        first = design.row(int(np.flatnonzero(cell == c)[0]))
        raise MarginCategoryError(margin.source, f"the sample has {count[c]} respondents with {cell_name(c)} (the first in "
                                  f"row {first} of {design.source}), but the margin has no row for it")
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


def code_margins(design, margins, collapse_min, tolerance, on_mismatch):
    margins = [Margin.coerce(m, i) for i, m in enumerate(margins)]
    if not margins:
        raise MarginError("<margins>", "no margins given")
    gaps = check_margin_totals(margins, tolerance)
    if gaps and on_mismatch == "error":
        g = gaps[0]
        raise MarginTotalsError(
            g["margin_b"],
            f"disagrees with margin {g['margin_a']} on {describe_group(g['group'])}: "
            f"{g['total_b']:g} here, {g['total_a']:g} there ({100 * g['relative_gap']:.3g}% apart, "
            f"tolerance {tolerance:g}); margins must describe the same population")
    if gaps:
        warnings.warn(f"{len(gaps)} margin totals disagree; worst: {gap_text(gaps[0])}", stacklevel=3)
    log = []
    cache = {}
    coded = [code_margin(design, m, collapse_min, log, cache) for m in margins]
    return coded, gaps, log


def patterns(cell_arrays):
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
