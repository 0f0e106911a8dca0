"""Calibration weighting and design-based estimation for the Wijkprofiel.

A plain library: it never imports Flask or `survey`. Stages import only earlier ones:
design -> calibration -> estimation / variance -> scores.
"""
