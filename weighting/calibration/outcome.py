"""What a calibration reports: its options checked, failures raised or warned, diagnostics."""

from __future__ import annotations

import warnings

import numpy as np

from weighting.errors import MarginError


def check_choice(name, value):
    if value not in ("error", "warn"):
        raise MarginError("<calibration>", f"{name}: {value!r} is not 'error' or 'warn'")


def fail(mode, error):
    """Raise `error`, or with mode 'warn' only warn (what R does) and carry on."""
    if mode == "error":
        raise error
    warnings.warn(str(error), stacklevel=3)


def calibration_diagnostics(method, iterations, converged, coded, w, log, gaps):
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
