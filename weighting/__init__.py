"""Calibration weighting and design-based estimation for the Wijkprofiel.

A plain library: it never imports Flask or `survey`. Stages import only earlier ones:
design -> calibration -> estimation / variance -> scores.
"""

from weighting.calibration import Margin, calibrate, poststratify, rake, trim_weights  # noqa: E402
from weighting.design import Design  # noqa: E402
from weighting.diagnostics import collapse_log, margin_gaps, weight_diagnostics  # noqa: E402
from weighting.estimation import mean, proportion, ratio, total  # noqa: E402

__all__ = [
    "Design", "Margin", "poststratify", "rake", "calibrate", "trim_weights",
    "mean", "proportion", "total", "ratio",
    "weight_diagnostics", "collapse_log", "margin_gaps",
]
