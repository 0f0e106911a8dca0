"""Weighting plans: a small YAML file that says what to weight, how, and what to estimate.

```yaml
data: respondents.csv          # CSV, Excel or SPSS .sav; relative to the plan; or `db`
strata: wijk                   # optional
design_weight: dw              # optional (1 for everyone)
fpc: N_h                       # optional; population size of the stratum ([fpc1, fpc2]: per stage)
cluster: dnum                  # optional ([dnum, snum]: a two-stage sample)
method: raking                 # poststratify | raking | linear | logit
bounds: [0.7, 1.7]             # logit (required) or linear/raking: bounds on g
margins: [m1.csv, m2.csv]      # each: the columns of its variables, then `total`
estimates:
  - {name: onveilig, variable: onveilig, kind: proportion, values: [vaak, soms], by: [wijk], ci: logit}
  - {name: cijfer, variable: cijfer, kind: mean, by: [wijk]}
output: out/
```

Optional keys: `totals` (numeric calibration totals, linear/logit/raking calibration),
`epsilon`, `maxit`, `collapse_min` (merge cells with fewer respondents), `tolerance` and
`on_mismatch` (error | warn) for margins that disagree, `on_nonconvergence` (error | warn),
`lonely_psu`, `trim` ({lower, upper}), `level` (confidence level), `variance` (taylor |
jackknife | bootstrap) with `replicates` and `seed` for the bootstrap. See `SETTINGS`.

`data: db` takes the respondents from `DATA_SOURCES["db"]`, a function of the plan that the
`survey` package registers (this library cannot import it).
"""

from __future__ import annotations

import copy
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from weighting import calibration, estimation
from weighting.design import Design
from weighting.diagnostics import collapse_log, margin_gaps, weight_diagnostics
from weighting.errors import InputError, PlanError, WijkprofielError
from weighting.io import read_file, read_margin
from weighting.safe_cells import spreadsheet_safe
from weighting.yaml_lines import LineList, plain, read_yaml

METHODS = ("poststratify", "raking", "linear", "logit")
KINDS = ("mean", "proportion", "total", "ratio")
ESTIMATE_COLUMNS = ["name", "domain_var", "domain", "estimate", "se", "ci_low", "ci_high", "n", "deff"]

#: Every key a plan may have, with what it means (documented in README.md, section Weighting).
SETTINGS = {
    "data": "respondents: CSV, Excel or SPSS file relative to the plan, or `db`",
    "strata": "stratum column (optional)",
    "design_weight": "design weight column (optional; 1 for everyone)",
    "fpc": "population size of the stratum, or sampling fraction (optional); a list for a multistage design, one per stage",
    "cluster": "cluster column (optional); a list for a multistage design, e.g. [dnum, snum]",
    "method": "poststratify | raking | linear | logit",
    "bounds": "[lower, upper] bounds on g = final / design weight (logit: required)",
    "margins": "list of margin files: variable columns, then `total`",
    "totals": "population totals of numeric variables, e.g. {enroll: 3811472} (linear, logit, raking)",
    "estimates": "list of estimates: name, variable, kind, values, denominator, by, ci, "
                 "missing (answers such as weet_niet that leave a respondent out of the base)",
    "output": "output directory relative to the plan (default out/)",
    "epsilon": "convergence criterion (raking: 1e-10 of the weight sum; calibrate: 1e-7)",
    "maxit": "iteration cap (raking 100, calibrate 50)",
    "collapse_min": "merge margin cells with fewer respondents into a neighbour category",
    "tolerance": "relative tolerance for margins that disagree on shared totals (1e-6)",
    "on_mismatch": "error | warn: what disagreeing margins do (default error)",
    "on_nonconvergence": "error | warn: what calibration that does not converge does (default error)",
    "lonely_psu": "fail | remove | certainty | adjust: strata with a single PSU",
    "trim": "{lower, upper}: trim the final weights, redistributing the excess",
    "level": "confidence level of the intervals (0.95)",
    "variance": "taylor | jackknife | bootstrap: linearisation (default) or replicate weights, recalibrated per replicate",
    "replicates": "bootstrap replicates (default 200)",
    "seed": "seed of the bootstrap's draws (same seed, same replicates)",
}
ESTIMATE_KEYS = {"name", "variable", "kind", "values", "denominator", "by", "ci", "level", "missing"}

#: Sources for `data: <name>` other than files, e.g. "db" (registered by the survey package).
DATA_SOURCES: dict[str, Callable[["Plan"], pd.DataFrame]] = {}


@dataclass
class Plan:
    """A parsed and checked weighting plan; `path` is the YAML file, `lines` the line of each key."""

    path: Path
    data: str
    method: str
    margins: list
    strata: str | None = None
    design_weight: str | None = None
    fpc: str | list | None = None
    cluster: str | list | None = None
    bounds: tuple | None = None
    totals: dict = field(default_factory=dict)
    estimates: list = field(default_factory=list)
    output: str = "out"
    epsilon: float | None = None
    maxit: int | None = None
    collapse_min: int | None = None
    tolerance: float = 1e-6
    on_mismatch: str = "error"
    on_nonconvergence: str = "error"
    lonely_psu: str = "fail"
    trim: dict | None = None
    level: float = 0.95
    variance: str = "taylor"
    replicates: int | None = None
    seed: int | None = None
    lines: dict = field(default_factory=dict)

    @property
    def base(self) -> Path:
        return self.path.parent

    def error(self, key, message, line=None):
        return PlanError(self.path, f"{key}: {message}", line=line or self.lines.get(key))


def load_plan(path) -> Plan:
    """Read and check a weighting plan.

    Args:
        path: the YAML file.

    Returns:
        A `Plan`.

    Raises:
        PlanError: unreadable YAML (`weighting.yaml_lines`), unknown or missing key, bad value
            (with its line).

    >>> load_plan("nope.yaml")
    Traceback (most recent call last):
    ...
    weighting.errors.PlanError: nope.yaml: file not found
    """
    path = Path(path)
    raw = read_yaml(path, PlanError)
    if not isinstance(raw, dict):
        raise PlanError(path, "a plan is a mapping of keys (data, method, margins, estimates, ...)")
    lines = dict(raw.key_lines)
    if isinstance(raw.get("estimates"), LineList):
        lines.update((f"estimates[{i}]", line) for i, line in enumerate(raw["estimates"].item_lines))
    raw = plain(raw)

    def err(key, message):
        return PlanError(path, f"{key}: {message}", line=lines.get(key))

    unknown = sorted(set(raw) - set(SETTINGS))
    if unknown:
        raise err(unknown[0], f"unknown key; the keys are {', '.join(SETTINGS)}")
    for key in ("data", "method", "margins"):
        if key not in raw:
            raise PlanError(path, f"{key}: missing; a plan needs data, method and margins")
    method = raw["method"]
    if method not in METHODS:
        raise err("method", f"{method!r} is not one of {', '.join(METHODS)}")
    margins = raw["margins"]
    if isinstance(margins, str):
        margins = [margins]
    if not isinstance(margins, list) or not margins or not all(isinstance(m, str) for m in margins):
        raise err("margins", "give a list of margin files, e.g. [age.csv, sex.csv]")
    if method == "poststratify" and len(margins) != 1:
        raise err("margins", f"poststratify takes one margin table (cross the variables in it), not {len(margins)}")
    for key in ("strata", "design_weight", "data", "output"):
        if key in raw and raw[key] is not None and not isinstance(raw[key], str):
            raise err(key, f"{raw[key]!r} should be a name (text)")
    for key in ("fpc", "cluster"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str) and not (
                isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise err(key, f"{value!r} should be a column name, or a list of them, one per stage (e.g. [dnum, snum])")
    if isinstance(raw.get("fpc"), list) and len(raw["fpc"]) != len(raw["cluster"] if isinstance(raw.get("cluster"), list) else [0]):
        raise err("fpc", f"{len(raw['fpc'])} columns for {len(raw['cluster']) if isinstance(raw.get('cluster'), list) else 1} "
                  f"sampling stage(s); give one fpc per cluster column, first stage first")
    bounds = raw.get("bounds")
    if bounds is not None:
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, (int, float)) for b in bounds)) or not bounds[0] < 1 < bounds[1]:
            raise err("bounds", f"{bounds!r} should be [lower, upper] with lower < 1 < upper, e.g. [0.7, 1.7]")
        if method == "poststratify":
            raise err("bounds", "poststratify has no bounds; use linear or logit calibration")
        bounds = (float(bounds[0]), float(bounds[1]))
    if method == "logit" and bounds is None:
        raise PlanError(path, "bounds: logit calibration needs bounds on g, e.g. bounds: [0.7, 1.7]", line=lines.get("method"))
    totals = raw.get("totals") or {}
    if not isinstance(totals, dict) or not all(isinstance(v, (int, float)) for v in totals.values()):
        raise err("totals", "give numeric totals per variable, e.g. {enroll: 3811472}")
    if totals and method == "poststratify":
        raise err("totals", "poststratify cannot use numeric totals; use linear calibration")
    plan = Plan(path=path, data=str(raw["data"]), method=method, margins=margins, strata=raw.get("strata"),
                design_weight=raw.get("design_weight"), fpc=raw.get("fpc"), cluster=raw.get("cluster"),
                bounds=bounds, totals=totals, output=str(raw.get("output") or "out"), lines=lines)
    for key, kind in (("epsilon", float), ("tolerance", float), ("level", float), ("maxit", int), ("collapse_min", int)):
        if raw.get(key) is not None:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or (kind is int and value != int(value)):
                raise err(key, f"{value!r} should be a positive {'whole ' if kind is int else ''}number")
            setattr(plan, key, kind(value))
    if not plan.level < 1:
        raise err("level", f"{plan.level} should be below 1, e.g. 0.95")
    for key in ("on_mismatch", "on_nonconvergence"):
        if key in raw:
            if raw[key] not in ("error", "warn"):
                raise err(key, f"{raw[key]!r} is not 'error' or 'warn'")
            setattr(plan, key, raw[key])
    if "lonely_psu" in raw:
        from weighting.design import LONELY_PSU_RULES

        if raw["lonely_psu"] not in LONELY_PSU_RULES:
            raise err("lonely_psu", f"{raw['lonely_psu']!r} is not one of {', '.join(LONELY_PSU_RULES)}")
        plan.lonely_psu = raw["lonely_psu"]
    if "variance" in raw:
        from weighting.replicates import VARIANCE_METHODS

        if raw["variance"] not in VARIANCE_METHODS:
            raise err("variance", f"{raw['variance']!r} is not one of {', '.join(VARIANCE_METHODS)}")
        plan.variance = raw["variance"]
    for key in ("replicates", "seed"):
        if raw.get(key) is not None:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < (2 if key == "replicates" else 0):
                raise err(key, f"{value!r} should be a whole number{' of at least 2' if key == 'replicates' else ' (0 or more)'}")
            if plan.variance != "bootstrap":
                raise err(key, f"only with variance: bootstrap (the jackknife makes one replicate per PSU; taylor none)")
            setattr(plan, key, value)
    if "trim" in raw:
        trim = raw["trim"]
        if not isinstance(trim, dict) or not set(trim) <= {"lower", "upper"} or not all(isinstance(v, (int, float)) for v in trim.values()):
            raise err("trim", "give {lower: ..., upper: ...} limits for the final weights")
        plan.trim = trim
    plan.estimates = [_check_estimate(item, i, path, lines) for i, item in enumerate(raw.get("estimates") or [])]
    return plan


def _check_estimate(item, i, path, lines):
    key = f"estimates[{i}]"

    def err(message):
        return PlanError(path, f"{key}: {message}", line=lines.get(key))

    if not isinstance(item, dict):
        raise err("an estimate is a mapping: {name: ..., variable: ..., kind: ...}")
    unknown = sorted(set(item) - ESTIMATE_KEYS)
    if unknown:
        raise err(f"unknown key {unknown[0]!r}; the keys are {', '.join(sorted(ESTIMATE_KEYS))}")
    for k in ("name", "variable", "kind"):
        if k not in item:
            raise err(f"missing {k!r}")
    if item["kind"] not in KINDS:
        raise err(f"kind {item['kind']!r} is not one of {', '.join(KINDS)}")
    if item["kind"] == "proportion" and not item.get("values"):
        raise err("a proportion needs values: the answers that count, e.g. values: [vaak, soms]")
    if item["kind"] == "ratio" and not item.get("denominator"):
        raise err("a ratio needs a denominator variable")
    if "ci" in item:
        if item["kind"] != "proportion":
            raise err("ci is for proportions only (means, totals and ratios get estimate ± z se)")
        if item["ci"] not in estimation.CI_METHODS:
            raise err(f"ci {item['ci']!r} is not one of {', '.join(estimation.CI_METHODS)}")
    by = item.get("by") or []
    if isinstance(by, str):
        by = [by]
    if not isinstance(by, list) or not all(isinstance(b, str) for b in by):
        raise err("by should be a list of column names, e.g. by: [wijk]")
    values = item.get("values")
    if values is not None and not isinstance(values, list):
        values = [values]
    missing = item.get("missing") or []
    if not isinstance(missing, list):
        missing = [missing]
    return dict(item, by=by, values=values, missing=[str(m) for m in missing], line=lines.get(key))


@dataclass
class PlanResult:
    """What running a plan produces."""

    design: Design
    weights: pd.DataFrame
    estimates: pd.DataFrame
    diagnostics: pd.DataFrame
    collapsed: pd.DataFrame
    margin_gaps: pd.DataFrame
    warnings: list


def load_data(plan: Plan) -> tuple[pd.DataFrame, str, np.ndarray | None]:
    """The respondents of a plan, their name for messages and, read from a file, the file row
    of each (for messages)."""
    if plan.data in DATA_SOURCES:
        frame = DATA_SOURCES[plan.data](plan)
        if not isinstance(frame, pd.DataFrame):
            raise plan.error("data", f"the {plan.data!r} source did not return a table")
        return frame, f"<{plan.data}>", None
    if plan.data == "db":
        raise plan.error("data", "'db' (the fieldwork database) is not available here: nothing registered it; "
                         "run `wijkprofiel weight` with the survey app installed, or give a CSV, Excel or SPSS file")
    path = plan.base / plan.data
    read = read_file(path)
    return read.frame, str(path), read.rows


def run_plan(plan: Plan) -> PlanResult:
    """Weight the data of a plan and make its estimates.

    Returns:
        A `PlanResult`: the calibrated design, the data with a `weight` column, the estimates
        (columns `ESTIMATE_COLUMNS`) and the per-stratum diagnostics.

    Raises:
        InputError (and its subclasses): anything wrong with the plan, data or margins; its
            `warnings_before` holds the warnings given before it.
    """
    with warnings.catch_warnings(record=True) as caught, _told_with_error(caught):
        warnings.simplefilter("always")
        frame, source, rows = load_data(plan)  # a file read as Windows-1252 warns
        design = Design(frame, design_weight=plan.design_weight, strata=plan.strata, fpc=plan.fpc,
                        cluster=plan.cluster, lonely_psu=plan.lonely_psu, source=source, rows=rows,
                        variance=plan.variance, replicates=plan.replicates, seed=plan.seed)
        margins = [read_margin(plan.base / m) for m in plan.margins]
        common = dict(collapse_min=plan.collapse_min)
        if plan.method == "poststratify":
            cal = calibration.poststratify(design, margins[0], **common)
        elif plan.method == "raking" and not plan.totals and plan.bounds is None:
            cal = calibration.rake(design, margins, tolerance=plan.tolerance, on_mismatch=plan.on_mismatch,
                                   on_nonconvergence=plan.on_nonconvergence,
                                   **_opt(epsilon=plan.epsilon, maxit=plan.maxit), **common)
        else:
            cal = calibration.calibrate(design, margins, totals=plan.totals, calfun=plan.method, bounds=plan.bounds,
                                        tolerance=plan.tolerance, on_mismatch=plan.on_mismatch,
                                        on_nonconvergence=plan.on_nonconvergence,
                                        **_opt(epsilon=plan.epsilon, maxit=plan.maxit), **common)
        if plan.trim:
            cal = calibration.trim_weights(cal, lower=plan.trim.get("lower", -np.inf), upper=plan.trim.get("upper", np.inf))
        estimates = [_run_estimate(cal, spec, plan) for spec in plan.estimates]
    weights = cal.frame.copy()
    weights["weight"] = cal.weights
    table = pd.concat(estimates, ignore_index=True) if estimates else pd.DataFrame(columns=ESTIMATE_COLUMNS)
    return PlanResult(design=cal, weights=weights, estimates=table, diagnostics=weight_diagnostics(cal),
                      # margins named relative to the plan's folder, as the plan names them
                      collapsed=collapse_log(cal, plan.base),
                      margin_gaps=margin_gaps(cal, plan.base),
                      warnings=[str(w.message) for w in caught])


@contextmanager
def _told_with_error(caught: list):
    """An error that stops the plan carries the warnings recorded before it (`warnings_before`):
    the person needs both, say that the data was read as Windows-1252 and that a margin is
    missing."""
    try:
        yield
    except WijkprofielError as exc:
        exc.warnings_before = [str(w.message) for w in caught]
        raise


def _opt(**kwargs):
    return {k: v for k, v in kwargs.items() if v is not None}


def _without_missing(design: Design, variables, missing) -> Design:
    """The design with the `missing` answers of `variables` set to NaN: as R's na.rm=TRUE, those
    respondents leave this estimate's base but keep their place in the design."""
    frame = design.frame.copy(deep=False)
    for variable in variables:
        if variable in frame.columns:
            frame[variable] = frame[variable].mask(frame[variable].astype(str).isin(missing))
    trimmed = copy.copy(design)
    trimmed.frame = frame
    return trimmed


def _run_estimate(design: Design, spec: dict, plan: Plan) -> pd.DataFrame:
    by = spec["by"] or None
    level = spec.get("level", plan.level)
    if spec.get("missing"):
        design = _without_missing(design, [spec["variable"], spec.get("denominator")], spec["missing"])
    try:
        if spec["kind"] == "mean":
            res = estimation.mean(design, spec["variable"], by=by, level=level)
        elif spec["kind"] == "total":
            res = estimation.total(design, spec["variable"], by=by, level=level)
        elif spec["kind"] == "ratio":
            res = estimation.ratio(design, spec["variable"], spec["denominator"], by=by, level=level)
        else:
            res = estimation.proportion(design, spec["variable"], spec["values"], by=by, ci=spec.get("ci", "logit"), level=level)
    except InputError as exc:
        raise PlanError(plan.path, f"estimate {spec['name']!r}: {exc}", line=spec.get("line")) from None
    out = pd.DataFrame({"name": spec["name"]}, index=res.index)
    if by:
        out["domain_var"] = ":".join(by)
        out["domain"] = res[by].astype(str).agg(":".join, axis=1) if len(by) > 1 else res[by[0]].astype(str)
    else:
        out["domain_var"] = ""
        out["domain"] = ""
    for col in ESTIMATE_COLUMNS[3:]:
        out[col] = res[col]
    return out


def write_outputs(result: PlanResult, directory) -> list[Path]:
    """Write weights.csv, estimates.csv and diagnostics.csv (plus collapsed.csv and
    margin_gaps.csv when there is something to report) into `directory`."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(directory, f"cannot create the output directory: {exc.strerror or exc}; "
                         "choose another output folder (--output)") from None
    written = []
    for name, table in (("weights.csv", result.weights), ("estimates.csv", result.estimates),
                        ("diagnostics.csv", result.diagnostics), ("collapsed.csv", result.collapsed),
                        ("margin_gaps.csv", result.margin_gaps)):
        if name in ("collapsed.csv", "margin_gaps.csv") and table.empty:
            continue
        # the data's own text cells (open answers) must not run as formulas in a spreadsheet
        try:
            spreadsheet_safe(table).to_csv(directory / name, index=False)
        except OSError as exc:  # an existing folder we may not write, a full disk
            raise InputError(directory / name, f"cannot be written: {exc.strerror or exc}; "
                             "choose another output folder (--output)") from None
        written.append(directory / name)
    return written


def weight(plan_path) -> tuple[PlanResult, list[Path]]:
    """Load a plan, run it and write its outputs: what `wijkprofiel weight PLAN` does."""
    plan = load_plan(plan_path)
    result = run_plan(plan)
    return result, write_outputs(result, plan.base / plan.output)
