"""Time a full demo seed (all of Rotterdam) into a fresh SQLite file, or into --database-url.

    python benchmarks/seed.py [--scale 1.0] [--seed 2024] [--database-url URL]

Prints the stage times (wall) and counts, and the CPU time of the whole seed (user + system
of this process, from `os.times`: on a shared machine the figure to read). One edition;
`wijkprofiel demo run` seeds two (see benchmarks/demo_run.py for the whole command).
"""

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from survey.demo.seed import seed_edition


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'benchmark.db'}"
        started, cpu = time.perf_counter(), os.times()
        # a new file is loaded as `demo run` loads an empty folder's database: alone, with
        # no disk syncs
        fresh = args.database_url is None
        summary = seed_edition(url, seed=args.seed, scale=args.scale, durable=not fresh,
                               alone=fresh)
        elapsed = time.perf_counter() - started
        cpu_used = sum(os.times()[:2]) - sum(cpu[:2])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        if args.database_url is None:
            size = (Path(directory) / "benchmark.db").stat().st_size / 2**20
            print(f"database file: {size:,.0f} MiB")
    for stage, seconds in summary.seconds.items():
        print(f"{stage:>16}: {seconds:6.1f} s")
    for name, count in summary.counts.items():
        print(f"{name:>16}: {count:,}")
    print(f"wall clock: {elapsed:.1f} s, CPU {cpu_used:.1f} s (user + system), peak "
          f"{peak:.2f} GiB resident; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
