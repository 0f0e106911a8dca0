"""Margins: the population tables calibration aims at, and the checks they must pass.

A margin is a table: the columns of its variables, then `total`. Categories are compared as
text (`label`), so 1, 1.0 and '1' from CSV, Excel or SPSS all match. Margins that disagree on
the totals they share are reported (`check_margin_totals`); R's `rake` accepts them silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from weighting.errors import MarginError, record_row


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
        rows: the file row of each table row (the header is row 1), for messages; without
            it the first table row is row 1.

    >>> m = Margin(pd.DataFrame({"sex": ["man", "vrouw"], "total": [480, 520]}), "sex.csv")
    >>> m.variables, m.grand_total
    (['sex'], 1000.0)
    """

    table: pd.DataFrame
    source: str = "<margin>"
    rows: np.ndarray | None = field(default=None, repr=False, compare=False)
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
            raise MarginError(self.source, f"total {label(self.table['total'].iloc[i])!r} is not a number >= 0", row=self.row(i), column="total")
        self.table["total"] = totals.astype(float)
        for v in self.variables:
            if self.table[v].isna().any():
                i = int(np.flatnonzero(self.table[v].isna().to_numpy())[0])
                raise MarginError(self.source, "category is missing", row=self.row(i), column=v)
        labels = self.table[self.variables].map(label) if self.variables else None
        if labels is not None and labels.duplicated().any():
            i = int(np.flatnonzero(labels.duplicated().to_numpy())[0])
            raise MarginError(self.source, f"category {self._describe(labels.iloc[i].tolist())} appears twice", row=self.row(i))
        self.labels = labels
        self.label_rows = [tuple(r) for r in labels.itertuples(index=False)] if labels is not None else [()] * len(self.table)

    def row(self, i: int) -> int:
        """The row of table row `i` (from 0) in messages."""
        return record_row(self.rows, i)

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


def describe_group(group: dict) -> str:
    return "the grand total" if not group else "the total for " + ", ".join(f"{k}={v!r}" for k, v in group.items())


def gap_text(g):
    return (f"{g['margin_a']} vs {g['margin_b']} on {describe_group(g['group'])}: "
            f"{g['total_a']:g} vs {g['total_b']:g}")
