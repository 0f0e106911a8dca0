"""Weighting diagnostics per stratum: weight and g ranges, design effect of weighting, n_eff.

Kish's design effect due to unequal weighting is deff_w = n sum(w^2) / (sum w)^2 and the
effective sample size n_eff = (sum w)^2 / sum(w^2) = n / deff_w (Kish 1965, sec. 11.7;
Kish 1992). g = final weight / design weight (Deville & Särndal 1992).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from weighting.design import Design

COLUMNS = ["stratum", "n", "weight_sum", "weight_min", "weight_max", "g_min", "g_max",
           "kish_deff", "n_eff", "method", "iterations", "converged", "max_margin_gap"]


def weight_diagnostics(design: Design) -> pd.DataFrame:
    """One row per stratum plus a last row '(all)' with the whole sample.

    Args:
        design: a (calibrated) design.

    Returns:
        DataFrame with columns stratum, n, weight_sum, weight_min, weight_max, g_min, g_max,
        kish_deff, n_eff, method, iterations, converged, max_margin_gap (the calibration-wide
        values are repeated on every row so the table stands alone in a CSV).

    >>> d = Design(pd.DataFrame({"s": ["a", "a", "b"], "w": [1.0, 3.0, 2.0]}), strata="s", design_weight="w")
    >>> weight_diagnostics(d)[["stratum", "n", "kish_deff"]].to_dict("records")
    [{'stratum': 'a', 'n': 2, 'kish_deff': 1.25}, {'stratum': 'b', 'n': 1, 'kish_deff': 1.0}, {'stratum': '(all)', 'n': 3, 'kish_deff': 1.1666666666666667}]
    """
    w = design.weights
    g = w / design.design_weights
    h = design.stratum_codes
    H = len(design.stratum_labels)
    codes = np.concatenate([h, np.full(len(w), H)])
    ww = np.concatenate([w, w])
    gg = np.concatenate([g, g])
    K = H + 1
    n = np.bincount(codes, minlength=K)
    s1 = np.bincount(codes, weights=ww, minlength=K)
    s2 = np.bincount(codes, weights=ww * ww, minlength=K)
    wmin, wmax = _minmax(codes, ww, K)
    gmin, gmax = _minmax(codes, gg, K)
    with np.errstate(divide="ignore", invalid="ignore"):
        kish = n * s2 / s1**2
        n_eff = s1**2 / s2
    diag = design.diagnostics
    out = pd.DataFrame({
        "stratum": [str(x) for x in design.stratum_labels] + ["(all)"],
        "n": n, "weight_sum": s1, "weight_min": wmin, "weight_max": wmax,
        "g_min": gmin, "g_max": gmax, "kish_deff": kish, "n_eff": n_eff,
        "method": diag.get("method", "none"), "iterations": diag.get("iterations", 0),
        "converged": diag.get("converged", True), "max_margin_gap": diag.get("max_margin_gap", 0.0),
    })
    return out[COLUMNS]


def _minmax(codes, values, K):
    lo = np.full(K, np.inf)
    hi = np.full(K, -np.inf)
    np.minimum.at(lo, codes, values)
    np.maximum.at(hi, codes, values)
    return lo, hi


def margin_file_name(source: str, folder=None) -> str:
    """A margin's name in an output table: its file relative to `folder` (the weighting plan's
    folder, the report's output folder), with '/', so that the table does not change with
    where the folder is and shows no local path. A margin not read from a file inside `folder`
    (or without `folder`) keeps its source as given.

    The file /srv/out/margins/margin_sex.csv in folder /srv/out is 'margins/margin_sex.csv';

    >>> margin_file_name("<margin>", "/srv/out")  # not a file: as given
    '<margin>'
    """
    if folder is None or not Path(source).is_file():
        return source
    try:
        return Path(source).resolve().relative_to(Path(folder).resolve()).as_posix()
    except ValueError:  # outside the folder: the name it was given
        return source


def collapse_log(design: Design, folder=None) -> pd.DataFrame:
    """The sparse cells that calibration merged, one row per merge (empty if none); each
    margin named by `margin_file_name(source, folder)`.

    >>> collapse_log(Design(pd.DataFrame({"x": [1]}))).columns.tolist()
    ['margin', 'variable', 'within', 'merged', 'respondents', 'reason']
    """
    log = pd.DataFrame(design.diagnostics.get("collapsed", []),
                       columns=["margin", "variable", "within", "merged", "respondents", "reason"])
    log["margin"] = [margin_file_name(source, folder) for source in log["margin"]]
    return log


def margin_gaps(design: Design, folder=None) -> pd.DataFrame:
    """Margins that disagree on shared totals (only with on_mismatch='warn'; else an error),
    each named by `margin_file_name(source, folder)`."""
    rows = [dict(margin_a=margin_file_name(g["margin_a"], folder),
                 margin_b=margin_file_name(g["margin_b"], folder),
                 group=", ".join(f"{k}={v}" for k, v in g["group"].items()) or "(all)",
                 total_a=g["total_a"], total_b=g["total_b"], relative_gap=g["relative_gap"])
            for g in design.diagnostics.get("margin_disagreements", [])]
    return pd.DataFrame(rows, columns=["margin_a", "margin_b", "group", "total_a", "total_b", "relative_gap"])
