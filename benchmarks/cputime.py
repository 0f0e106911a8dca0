"""Run a command and print the CPU time of it and of every process it started, browsers included.

    python benchmarks/cputime.py COMMAND [ARGS...]

`/usr/bin/time` reports the command and the descendants that their own parents waited for.
Chromium, which prints the report's PDF and the factsheets, leaves its renderer processes to
be reaped by init, so their CPU time, most of the PDF's, escapes `/usr/bin/time`. This script
makes itself the reaper of orphaned descendants (Linux `PR_SET_CHILD_SUBREAPER`), waits for all
of them, and prints the user and system time of everything the command ran, with the wall time.
"""

import resource
import subprocess
import sys
import time

from orphans import become_reaper, reap_orphans


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit(__doc__)
    if not become_reaper():
        sys.exit("cannot become the reaper of orphaned processes (Linux only)")
    started = time.perf_counter()
    code = subprocess.call(argv)
    reap_orphans(timeout=None)  # every last one; their CPU time joins RUSAGE_CHILDREN
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{usage.ru_utime:.2f} user {usage.ru_stime:.2f} sys = "
          f"{usage.ru_utime + usage.ru_stime:.2f} s CPU, {wall:.1f} s wall (exit {code})",
          file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
