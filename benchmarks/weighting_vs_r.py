"""Benchmark: rake a Wijkprofiel edition per wijk and estimate by wijk plus the city.

For a 30,000-respondent edition over 71 wijken and the same scaled to 10 times, it times, in
this one run and on the same data:

- ours: `Design` + `rake` (4 margins per wijk) + `mean(cijfer, by=wijk)` + `mean(cijfer)`;
- R survey (Rscript with Debian's r-cran-survey, when installed): `svydesign` + `rake` +
  `svyby(~cijfer, ~wijk, svymean)` + `svymean(~cijfer)`; timed inside R, without start-up and
  reading;
- svy (the Rust-backed Python package, `pip install svy`): `Sample` + `weighting.rake` +
  `estimation.mean(by=wijk)` + `estimation.mean`.

It prints seconds, the ratios to ours (all measured in this one run), our memory as the peak
resident set size of a fresh process that builds the edition and runs ours (`ru_maxrss`, with
the resident size before our computation beside it, and the computation's own allocations by
tracemalloc), and how far the three agree. R takes minutes at 300,000 respondents (its svyby is quadratic); `--r-max` skips R above
that size (default 50,000; `--r-max 0` never skips).

    python benchmarks/weighting_vs_r.py            # 30,000 and 300,000
    python benchmarks/weighting_vs_r.py --sizes 30000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from weighting import Design, mean, rake  # noqa: E402
from weighting.synthetic import synthetic_edition  # noqa: E402

WIJKEN = Path(__file__).resolve().parents[2] / "shared" / "data" / "rotterdam-wijken-2018.csv"
VARIABLES = ["age_group", "sex", "migration_background", "household_type"]
EPSILON = 1e-10  # raking criterion, relative to the weight sum (R's control$epsilon < 1)


def edition(n: int, seed: int = 2026):
    """The edition, with empty margin cells merged into the wijk's largest category.

    Tiny wijken leave a few margin cells without respondents. Our `rake` collapses them
    (`collapse_min`), but R's `rake` and svy stop, so all three get the same cleaned input.
    """
    respondents, margins = synthetic_edition(n, scale=n / 30_000, seed=seed,
                                             wijken_csv=WIJKEN if WIJKEN.is_file() else None)
    cleaned = []
    for var, margin in zip(VARIABLES, margins):
        counts = respondents.groupby(["wijk", var]).size()
        m = margin.copy()
        key = pd.MultiIndex.from_frame(m[["wijk", var]])
        empty = ~key.isin(counts.index) & (m["total"] > 0)
        for i in np.flatnonzero(empty.to_numpy()):
            wijk = m.at[i, "wijk"]
            same = m[(m["wijk"] == wijk) & ~empty]
            target = same["total"].idxmax()
            m.at[target, "total"] += m.at[i, "total"]
            m.at[i, "total"] = 0
        cleaned.append(m[m["total"] > 0].reset_index(drop=True))
    return respondents, cleaned


def run_ours(respondents, margins):
    design = Design(respondents, strata="wijk", design_weight="dw", fpc="N_h")
    raked = rake(design, margins, epsilon=EPSILON)
    by_wijk = mean(raked, "cijfer", by="wijk")
    city = mean(raked, "cijfer")
    return raked, by_wijk, city


def _rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_ours(n, repeat):
    """Run ours in a fresh process (`--child`), so its peak resident size is this job's alone."""
    out = subprocess.run([sys.executable, __file__, "--child", str(n), "--repeat", str(repeat)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(n, repeat):
    """In the fresh process: build the edition, time ours (best of `repeat`), measure memory."""
    respondents, margins = edition(n)
    before = _rss_mib()
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        raked, by_wijk, city = run_ours(respondents, margins)
        best = min(best, time.perf_counter() - t)
    peak_rss = _rss_mib()
    tracemalloc.start()
    run_ours(respondents, margins)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps(dict(seconds=best, rss_before=before, rss_peak=peak_rss, traced=traced / 2**20,
                          n=len(respondents), iterations=raked.diagnostics["iterations"],
                          wijk=by_wijk["wijk"].astype(str).tolist(), estimate=by_wijk["estimate"].tolist(),
                          se=by_wijk["se"].tolist(), city=[float(city["estimate"][0]), float(city["se"][0])])))


R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
r <- read.csv(file.path(dir, "respondents.csv"))
vars <- c("age_group", "sex", "migration_background", "household_type")
pops <- lapply(vars, function(v) { m <- read.csv(file.path(dir, paste0(v, ".csv"))); names(m)[3] <- "Freq"; m })
forms <- lapply(vars, function(v) as.formula(paste("~wijk +", v)))
t0 <- Sys.time()
d <- svydesign(id = ~1, strata = ~wijk, weights = ~dw, fpc = ~N_h, data = r)
rk <- rake(d, forms, pops, control = list(epsilon = as.numeric(args[2]), maxit = 100))
by <- svyby(~cijfer, ~wijk, rk, svymean, na.rm = TRUE)
city <- svymean(~cijfer, rk, na.rm = TRUE)
elapsed <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
cat(jsonlite::toJSON(list(seconds = elapsed, wijk = as.character(by$wijk), estimate = as.numeric(coef(by)),
    se = as.numeric(SE(by)), city = c(as.numeric(coef(city)), as.numeric(SE(city)))), digits = NA, auto_unbox = TRUE))
"""


def time_r(respondents, margins):
    if shutil.which("Rscript") is None:
        return None, "Rscript not found (apt-get install r-cran-survey)"
    check = subprocess.run(["Rscript", "-e", "library(survey); library(jsonlite)"], capture_output=True, text=True)
    if check.returncode != 0:
        return None, "R package survey or jsonlite missing (apt-get install r-cran-survey r-cran-jsonlite)"
    with tempfile.TemporaryDirectory() as tmp:
        respondents.to_csv(Path(tmp) / "respondents.csv", index=False)
        for var, m in zip(VARIABLES, margins):
            m.to_csv(Path(tmp) / f"{var}.csv", index=False)
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT)
        out = subprocess.run(["Rscript", str(script), tmp, str(EPSILON)], capture_output=True, text=True)
    if out.returncode != 0:
        return None, "R failed: " + out.stderr.strip().splitlines()[-1]
    return json.loads(out.stdout.strip().splitlines()[-1]), None


def time_svy(respondents, margins):
    try:
        import polars as pl
        import svy
    except ImportError:
        return None, "svy not installed (pip install svy)"
    data = respondents.copy()
    controls = {}
    for var, m in zip(VARIABLES, margins):
        col = f"wijk_{var}"
        data[col] = data["wijk"].astype(str) + "|" + data[var].astype(str)
        controls[col] = {f"{w}|{c}": float(t) for w, c, t in zip(m["wijk"], m[var], m["total"])}
    frame = pl.from_pandas(data[["wijk", "dw", "N_h", "cijfer"] + list(controls)])
    t = time.perf_counter()
    sample = svy.Sample(frame, svy.Design(stratum="wijk", wgt="dw", pop_size="N_h"))
    sample = sample.weighting.rake(controls=controls, wgt_name="rk_wgt", tol=1e-8, max_iter=100)
    by = sample.estimation.mean("cijfer", by="wijk", drop_nulls=True).to_polars()
    city = sample.estimation.mean("cijfer", drop_nulls=True).to_polars()
    seconds = time.perf_counter() - t
    by = by.to_pandas()
    return dict(seconds=seconds, wijk=by["wijk"].tolist(), estimate=by["est"].tolist(), se=by["se"].tolist(),
                city=[float(city["est"][0]), float(city["se"][0])]), None


def agreement(ours, other):
    if other is None:
        return ""
    ours = pd.DataFrame({"wijk": ours["wijk"], "estimate": ours["estimate"], "se": ours["se"]})
    o = ours.set_index("wijk").loc[[str(w) for w in other["wijk"]]]
    est = np.max(np.abs(o["estimate"].to_numpy() - other["estimate"]) / np.abs(other["estimate"]))
    se = np.max(np.abs(o["se"].to_numpy() - other["se"]) / np.abs(other["se"]))
    return f"max relative difference from ours: estimates {est:.1e}, standard errors {se:.1e}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30_000, 300_000])
    parser.add_argument("--repeat", type=int, default=3, help="our timing: best of this many runs")
    parser.add_argument("--r-max", type=int, default=50_000, help="skip R above this many respondents (0: never)")
    parser.add_argument("--skip-r", action="store_true")
    parser.add_argument("--skip-svy", action="store_true")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.repeat)
        return
    print(f"# weighting benchmark ({os.cpu_count()} cores); rake 4 margins per wijk, mean by wijk + city")
    peaks = {}
    for n in args.sizes:
        ours = time_ours(n, args.repeat)
        respondents, margins = edition(n)
        ours_s, by_wijk = ours["seconds"], ours
        city = {"estimate": [ours["city"][0]], "se": [ours["city"][1]]}
        peaks[ours["n"]] = ours["rss_peak"]
        print(f"\n{ours['n']:,} respondents, {respondents['wijk'].nunique()} wijken, "
              f"{ours['iterations']} raking iterations")
        print(f"  ours : {ours_s:8.3f} s   process peak resident size {ours['rss_peak']:7.1f} MiB "
              f"({ours['rss_before']:.1f} MiB with the data built, before weighting; the computation "
              f"itself allocates {ours['traced']:.1f} MiB at its peak, tracemalloc)")
        if args.skip_r:
            r, why = None, "skipped (--skip-r)"
        elif args.r_max and n > args.r_max:
            r, why = None, f"skipped above --r-max {args.r_max:,} (R survey's svyby takes minutes here)"
        else:
            r, why = time_r(respondents, margins)
        if r is None:
            print(f"  R    : {why}")
        else:
            print(f"  R    : {r['seconds']:8.3f} s   ours is {r['seconds'] / ours_s:7.0f} x faster; {agreement(by_wijk, r)}")
            print(f"         city mean: R {r['city'][0]:.10f} (se {r['city'][1]:.10f}), ours {city['estimate'][0]:.10f} (se {city['se'][0]:.10f})")
        s, why = (None, "skipped (--skip-svy)") if args.skip_svy else time_svy(respondents, margins)
        if s is None:
            print(f"  svy  : {why}")
        else:
            print(f"  svy  : {s['seconds']:8.3f} s   ours is {s['seconds'] / ours_s:7.1f} x faster; {agreement(by_wijk, s)}")
    if len(peaks) > 1:
        (n0, p0), (n1, p1) = sorted(peaks.items())[0], sorted(peaks.items())[-1]
        print(f"\nmemory: {n1 / n0:.1f} x the respondents took {p1 / p0:.1f} x the process peak resident size")


if __name__ == "__main__":
    main()
