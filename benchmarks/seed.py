"""Time a full demo seed (all of Rotterdam) into a fresh SQLite file, or into --database-url.

    python benchmarks/seed.py [--scale 1.0] [--seed 2024] [--database-url URL]

Prints the stage times and counts; the target is under 60 s on a 2-core machine.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

# this folder holds benchmarks/weighting.py, which would shadow the `weighting` package
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from survey.demo.seed import seed_edition  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'benchmark.db'}"
        started = time.perf_counter()
        summary = seed_edition(url, seed=args.seed, scale=args.scale)
        elapsed = time.perf_counter() - started
        if args.database_url is None:
            size = (Path(directory) / "benchmark.db").stat().st_size / 2**20
            print(f"database file: {size:,.0f} MiB")
    for stage, seconds in summary.seconds.items():
        print(f"{stage:>16}: {seconds:6.1f} s")
    for name, count in summary.counts.items():
        print(f"{name:>16}: {count:,}")
    print(f"wall clock: {elapsed:.1f} s ({'within' if elapsed < 60 else 'OVER'} the 60 s target)")


if __name__ == "__main__":
    main()
