"""Benchmark: the statistician's report of two editions, end to end, and its estimates against R.

    python benchmarks/report.py [--scale 1.0] [--database-url URL] [--r-indicators 8]

In one run it

1. seeds the demo's two editions (2024 and 2022) at `--scale` into a fresh SQLite file, or uses
   `--database-url` (a database that already holds two editions); seeding is timed apart;
2. runs `wijkprofiel report` four times, each as a child process, and prints for each its
   wall time, its CPU time (user + system of the child and all its descendants, from
   `os.wait4`; the benchmark reaps the PDF's orphaned chromium processes to count them too)
   and its peak resident memory (`ru_maxrss`), and the CPU seconds of each of the report's
   steps (the report's step clock set to the process's CPU time, `REPORT_WITH_CPU_STEPS`;
   the PDF's step, which runs beside the codebooks, then counts both):
   - cold: the first report on the database, without the PDF (it builds each edition's wide
     snapshot);
   - again, without the PDF, into the same folder: the statistician's loop, the report as it
     costs from then on (answers and weights unchanged, so the editions' labelled answers
     files stay as they are);
   - again, with the PDF, into the same folder (chromium, from a thread of the report);
   - new folder, without the PDF: every file written, the labelled answers of both editions
     too (what a changed margin costs at most);
3. times our estimation of every mean and proportion of the 2024 edition for the city, each
   gebied and each wijk (`means_by_level`, the three levels in one call as the report makes
   them: what R computes; best of 3, CPU time), and
   the report's whole indicator table (`estimate_indicators`: also the ratios, unweighted
   values, intervals and design effects), and R survey's `svyby(~x, ~wijk,
   design, svymean)`, `svyby(~x, ~gebied, ...)` and `svymean(~x, ...)` on the same respondents
   with the same final weights (strata wijk, fpc), timed inside R for `--r-indicators`
   indicators spread over the list and scaled to all of them (stated as such), and prints
   the ratio and how far the estimates agree.

R gets the calibrated weights as fixed weights: its standard errors then leave the calibration
out, which is less work than ours (we residualise after the raking), so the ratio understates
ours. Proportions get `svymean` in R, not `svyciprop`, for the same reason.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orphans import become_reaper, reap_orphans  # noqa: E402
from survey import edition_data, storage  # noqa: E402
from survey.fieldwork.answers import analysis_frame  # noqa: E402
from survey.questionnaire.loader import load_all  # noqa: E402
from survey.report import memory  # noqa: E402
from survey.report.edition_report import (DESIGN_COLUMNS, estimate_indicators,  # noqa: E402
                                          indicator_table, weight_edition)
from weighting.design import Design  # noqa: E402
from weighting.domain_estimates import domain_means, means_by_level  # noqa: E402

GOALS = {"report": 10.0, "pdf": 15.0, "memory_gib": 1.0, "ratio": 100.0}

R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
r <- read.csv(args[1])
vars <- strsplit(args[2], ",")[[1]]
d <- svydesign(ids = ~1, strata = ~wijk_code, weights = ~weight, fpc = ~stratum_population, data = r)
out <- list()
t0 <- proc.time()
for (v in vars) {
  f <- as.formula(paste0("~", v))
  w <- svyby(f, ~wijk, d, svymean, na.rm = TRUE)
  g <- svyby(f, ~gebied, d, svymean, na.rm = TRUE)
  s <- svymean(f, d, na.rm = TRUE)
  out[[v]] <- list(wijk = as.character(w$wijk), estimate = as.numeric(coef(w)),
                   se = as.numeric(SE(w)), city = as.numeric(coef(s)), city_se = as.numeric(SE(s)))
}
elapsed <- proc.time() - t0
cat(jsonlite::toJSON(list(seconds = unname(elapsed["user.self"] + elapsed["sys.self"]),
                          indicators = out), digits = NA, auto_unbox = TRUE))
"""


def run_child(argv: list[str]) -> dict:
    """Run a command; its wall time, CPU time (with all its descendants, the PDF's browser
    processes included) and peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    orphans = reap_orphans()  # chromium's renderers, left to this process
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} ... failed:\n{output}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime + orphans,
            "rss_gib": usage.ru_maxrss / 2**20, "output": output}


# `wijkprofiel report` with the clock of its steps reading the process's CPU time instead of
# the wall clock, so that the "seconds:" line it prints gives each step's CPU seconds (the
# goal is in CPU time; on a shared machine wall seconds mostly measure the other jobs)
REPORT_WITH_CPU_STEPS = (
    "import time, types\n"
    "from survey.report import edition_report\n"
    "edition_report.time = types.SimpleNamespace(perf_counter=time.process_time)\n"
    "from survey.cli import main\n"
    "main()\n")


def report_run(url: str, out: Path, pdf: bool) -> dict:
    return run_child([sys.executable, "-c", REPORT_WITH_CPU_STEPS, "report",
                      "--database-url", url, "--out", str(out), "--pdf" if pdf else "--no-pdf"])


def seed(url: str, scale: float) -> float:
    started = time.perf_counter()
    code = ("from survey.demo.seed import seed_edition; import sys; "
            "seed_edition(sys.argv[1], seed=2024, scale=float(sys.argv[2]), year=2024); "
            "seed_edition(sys.argv[1], seed=2022, scale=float(sys.argv[2]), year=2022, replace=True)")
    run_child([sys.executable, "-c", code, url, str(scale)])
    return time.perf_counter() - started


def ours_and_r(url: str, r_count: int, workdir: Path) -> None:
    questionnaires = load_all()
    with storage.transaction(url) as db:
        frame = analysis_frame(db, 2024, questionnaires)
        margins = edition_data.write_margin_files(db, workdir / "margins", 2024)
    values, definitions = indicator_table(frame, questionnaires)
    design = weight_edition(pd.concat([frame[DESIGN_COLUMNS], values], axis=1), margins)
    best = np.inf
    for _ in range(3):
        clock = time.process_time()
        table = estimate_indicators(design, definitions)
        best = min(best, time.process_time() - clock)
    names = list(table["indicator"].unique())
    means = [n for n in names if definitions[n][0].kind != "ratio"]
    # the estimates R computes: every mean and proportion by wijk, by gebied and for the city
    # (estimate, linearised se after the raking), nothing else
    values = design.frame[means].to_numpy(dtype=float)
    same = np.inf
    # as the report runs it: the three levels in one call, freed memory kept for reuse
    with warnings.catch_warnings(), memory.freed_memory_kept():
        warnings.simplefilter("ignore")  # a wijk without answers to an indicator
        for _ in range(3):
            clock = time.process_time()
            means_by_level(design, values, ("wijk", "gebied", None))
            same = min(same, time.process_time() - clock)
    print(f"\nestimates of edition 2024: {len(names)} indicators x (city + "
          f"{frame['gebied'].nunique()} gebieden + {frame['wijk'].nunique()} wijken) = "
          f"{len(table):,} estimates, {design.n:,} respondents")
    print(f"  ours: {same:7.3f} s CPU for R's estimates ({len(means)} means and proportions by "
          f"wijk, gebied and city: means_by_level, best of 3)")
    print(f"        {best:7.3f} s CPU for the report's whole table (estimate_indicators, best of 3: "
          f"also the {len(names) - len(means)} ratios, unweighted values, intervals, deff)")
    if shutil.which("Rscript") is None:
        print("  R   : Rscript not found (apt-get install -y r-cran-survey r-cran-jsonlite)")
        return
    sample = [means[i] for i in np.linspace(0, len(means) - 1, min(r_count, len(means))).astype(int)]
    data = design.frame[["wijk_code", "wijk", "gebied", "stratum_population", *sample]].copy()
    data["weight"] = design.weights
    csv, script = workdir / "r-input.csv", workdir / "bench.R"
    data.to_csv(csv, index=False)
    script.write_text(R_SCRIPT)
    done = subprocess.run(["Rscript", str(script), str(csv), ",".join(sample)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print("  R   : failed: " + (done.stderr.strip().splitlines() or ["?"])[-1])
        return
    r = json.loads(done.stdout.strip().splitlines()[-1])
    r_all = r["seconds"] / len(sample) * len(means)
    print(f"  R   : {r['seconds']:7.3f} s CPU for {len(sample)} indicators (svyby by wijk and by "
          f"gebied + svymean), scaled to all {len(means)} means and proportions: {r_all:7.1f} s")
    print(f"  ratio: ours is {r_all / same:,.0f} x faster than R on the same estimates (goal: at "
          f"least {GOALS['ratio']:.0f} x); the report's whole table in {r_all / best:,.0f}x less "
          f"time than R's means alone")
    # the same estimates: against ours on the same fixed weights (R's design)
    fixed = Design(data.assign(weight=design.weights), strata="wijk_code", design_weight="weight",
                   fpc="stratum_population")
    columns = data[sample].to_numpy(dtype=float)
    by_wijk = domain_means(fixed, columns, by="wijk")
    est_gap = se_gap = 0.0
    for k, name in enumerate(sample):
        ours = by_wijk[by_wijk["column"] == k].set_index("wijk").loc[r["indicators"][name]["wijk"]]
        est_gap = max(est_gap, np.max(np.abs(ours["estimate"] - r["indicators"][name]["estimate"])
                                      / np.abs(ours["estimate"])))
        se_gap = max(se_gap, np.max(np.abs(ours["se"] - r["indicators"][name]["se"])
                                    / np.abs(ours["se"])))
    print(f"  agreement with R on the same fixed weights, by wijk: estimates {est_gap:.1e}, "
          f"standard errors {se_gap:.1e} (largest relative difference)")


def main(argv=None) -> None:
    become_reaper()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", default=None,
                        help="a database with editions 2024 and 2022 (default: seed a new one)")
    parser.add_argument("--r-indicators", type=int, default=8,
                        help="indicators R computes (its time is scaled to all of them)")
    args = parser.parse_args(argv)
    print(f"# report benchmark ({os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start)")
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        url = args.database_url
        if url is None:
            url = f"sqlite:///{work / 'benchmark.db'}"
            print(f"seeding editions 2024 and 2022 at scale {args.scale}: "
                  f"{seed(url, args.scale):.1f} s (not part of the report's time)")
        runs = {}
        for name, folder, pdf in (("cold, no PDF", "report", False),
                                  ("again, no PDF", "report", False),
                                  ("again, with PDF", "report", True),
                                  ("new folder, no PDF", "fresh", False)):
            runs[name] = report_run(url, work / folder, pdf)
            run = runs[name]
            print(f"report {name:19}: {run['wall']:6.1f} s wall, {run['cpu']:6.1f} s CPU, "
                  f"peak {run['rss_gib']:.2f} GiB")
            steps = [line for line in run["output"].splitlines() if "seconds:" in line]
            print("  steps (CPU s): " + (steps[0].split("seconds:")[1].strip() if steps else "?"))
        warm, with_pdf = runs["again, no PDF"], runs["again, with PDF"]
        print(f"goals: report without PDF {warm['cpu']:.1f} s CPU (goal {GOALS['report']:.0f}); "
              f"the PDF adds {with_pdf['cpu'] - warm['cpu']:.1f} s CPU (goal {GOALS['pdf']:.0f}); "
              f"peak {max(r['rss_gib'] for r in runs.values()):.2f} GiB "
              f"(goal {GOALS['memory_gib']:.0f})")
        ours_and_r(url, args.r_indicators, work)


if __name__ == "__main__":
    main()
