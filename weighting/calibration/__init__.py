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

The package, one seam per module (each imports only those above it):
    margins      `Margin`, `label`, `check_margin_totals`: the population tables and their checks
    cells        the sample coded into margin cells, sparse cells collapsed, patterns of cells
    newton       the distance functions, R's `grake` Newton steps, the sparse solver
    steps        what each calibration records for variance and replicate weights
    outcome      option checks, error-or-warn, the diagnostics every method returns
    raking       `poststratify`, `rake`
    distances    `calibrate` (linear, raking or logit distance)
    trimming     `trim_weights`
"""

from weighting.calibration.cells import CodedMargin
from weighting.calibration.distances import CALFUNS, calibrate
from weighting.calibration.margins import Margin, check_margin_totals, label
from weighting.calibration.raking import poststratify, rake
from weighting.calibration.steps import GregStep, PostStratStep, RakingStep, Step
from weighting.calibration.trimming import trim_weights

__all__ = [
    "CALFUNS", "CodedMargin", "GregStep", "Margin", "PostStratStep", "RakingStep", "Step",
    "calibrate", "check_margin_totals", "label", "poststratify", "rake", "trim_weights",
]
