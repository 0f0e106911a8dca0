"""Calibration weighting and design-based estimation for the Wijkprofiel.

A plain library: it never imports Flask or `survey`. Stages import only earlier ones:
design -> calibration -> estimation / variance -> scores.

The public names (`from weighting import Design, rake, mean`, or `weighting.rake`) are
imported when first asked for (PEP 562): `weighting.errors`, which every error class of the
project derives from, must not pull in calibration and estimation (scipy.stats, pandas: about
1.3 s), so `survey.errors`, the PDF engine and the web app's start stay light.
"""

import importlib

# public name -> the module that defines it
_LAZY_NAMES = {
    "Design": "weighting.design",
    "Margin": "weighting.calibration",
    "poststratify": "weighting.calibration",
    "rake": "weighting.calibration",
    "calibrate": "weighting.calibration",
    "trim_weights": "weighting.calibration",
    "mean": "weighting.estimation",
    "proportion": "weighting.estimation",
    "total": "weighting.estimation",
    "ratio": "weighting.estimation",
    "weight_diagnostics": "weighting.diagnostics",
    "collapse_log": "weighting.diagnostics",
    "margin_gaps": "weighting.diagnostics",
}

__all__ = list(_LAZY_NAMES)


def __getattr__(name):
    # an AttributeError for any other name lets `from weighting import tables` fall back to
    # importing the submodule, as it does for a package without this hook
    if name not in _LAZY_NAMES:
        raise AttributeError(f"module 'weighting' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    globals()[name] = value  # found directly next time
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
