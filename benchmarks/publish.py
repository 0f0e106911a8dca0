"""Benchmark: one edition's whole public site (pages in Dutch and English, charts, open data
and the 71 factsheets) from the report's tables, against the target of 30 s on 2 cores, with
the site's size; and, as the baseline measured in the same run, the factsheets printed the
plain way (one chromium document per wijk, one after the other, in one browser).

    python benchmarks/publish.py [--report out/demo] [--workers 2] [--baseline-wijken 71]

`--report` is a report directory (`wijkprofiel demo run --no-serve` writes out/demo); the
areas and postcodes are the demo's. Wall time decides the target; CPU time (this process and
all its descendants, chromium's orphaned renderers reaped and counted) is printed too, because on a shared machine the wall time also counts other
people's work. `--baseline-wijken N` prints only N factsheets the plain way and projects to 71.
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from orphans import become_reaper, reap_orphans
from survey import pdf_engine
from survey.paths import PROJECT_ROOT
from survey.population.wijken import load_wijken
from survey.publish.factsheets import render_html
from survey.publish.inputs import read_report
from survey.publish.pages import slug
from survey.publish.postcodes import DEMO_POSTCODES, read_postcodes
from survey.publish.site import publish_site

TARGET_SECONDS = 30.0


def cpu_seconds() -> float:
    """CPU time of this process and every descendant that has exited (orphans reaped here)."""
    reap_orphans(timeout=2.0)
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def plain_factsheets(data, wijken, out_dir: Path) -> None:
    """The baseline: each factsheet its own HTML document, printed on its own (one browser)."""
    with pdf_engine.browser() as chromium:
        for wijk in wijken:
            page = chromium.load(render_html(data, [wijk]))
            (out_dir / f"{slug(wijk)}.pdf").write_bytes(page.pdf())
            page.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=PROJECT_ROOT / "out" / "demo")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-wijken", type=int, default=71)
    args = parser.parse_args(argv)
    become_reaper()
    if not (args.report / "indicators.csv").exists():
        sys.exit(f"{args.report}: no report tables; run `wijkprofiel demo run --no-serve` "
                 "first, or give --report DIR")
    areas = load_wijken()[["wijk_code", "wijk", "gebied"]].sort_values("wijk_code")
    data = read_report(args.report, areas=areas, postcodes=read_postcodes(DEMO_POSTCODES, areas))

    with tempfile.TemporaryDirectory(prefix="wijkprofiel-site-") as work:
        cpu, wall = cpu_seconds(), time.perf_counter()
        site = publish_site(data, Path(work) / "site", factsheets=True, workers=args.workers)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        files = [p for p in site.out_dir.rglob("*") if p.is_file()]
        size = site.size_bytes
        factsheet_seconds = site.seconds["factsheets"]

        wijken = list(data.areas["wijk"])[: args.baseline_wijken]
        baseline_dir = Path(work) / "plain"
        baseline_dir.mkdir()
        base_cpu, base_wall = cpu_seconds(), time.perf_counter()
        plain_factsheets(data, wijken, baseline_dir)
        base_wall, base_cpu = time.perf_counter() - base_wall, cpu_seconds() - base_cpu
        scale = len(data.areas) / len(wijken)

    print(f"edition {data.edition}: {len(site.pages)} pages, {len(site.factsheets)} factsheets, "
          f"{len(site.data_files)} open data files; {len(files)} files, {size / 1e6:.1f} MB")
    print("  steps (wall s): " + ", ".join(f"{k} {v:.1f}" for k, v in site.seconds.items()))
    print(f"whole site: {wall:.1f} s wall, {cpu:.1f} s CPU with {args.workers} browsers "
          f"for the factsheets; target {TARGET_SECONDS:.0f} s: "
          f"{'met' if wall < TARGET_SECONDS else 'NOT met'} ({TARGET_SECONDS / wall:.2f} x)")
    projected = " (projected from %d)" % len(wijken) if scale != 1 else ""
    print(f"factsheets: {factsheet_seconds:.1f} s wall in one layout per worker; "
          f"baseline one document per wijk: {base_wall * scale:.1f} s wall, "
          f"{base_cpu * scale:.1f} s CPU{projected}; {base_wall * scale / factsheet_seconds:.1f} x faster")


if __name__ == "__main__":
    main()
