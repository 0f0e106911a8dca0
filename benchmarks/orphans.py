"""Counting the CPU time of chromium's orphaned renderer processes, for the benchmarks.

Chromium, which prints the report's PDF and the factsheets, does not wait for its renderer
processes: when their parent exits they are reparented to init, so their CPU time (most of a
PDF's) escapes both `os.wait4` of the command and `RUSAGE_CHILDREN`. A benchmark that calls
`become_reaper()` first is made their parent instead (Linux `PR_SET_CHILD_SUBREAPER`), and
`reap_orphans()` waits for them and returns their CPU time; once reaped, it is also in
`resource.getrusage(resource.RUSAGE_CHILDREN)`.

    become_reaper()
    subprocess.run(command)  # e.g. the report with its PDF
    reap_orphans()           # -> 3.2 (seconds of CPU of the renderers that outlived it)
"""

from __future__ import annotations

import ctypes
import os
import time

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def become_reaper() -> bool:
    """Make this process the parent of its orphaned descendants; False where the system
    cannot (not Linux), in which case their CPU time goes uncounted."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(timeout: float | None = 10.0) -> float:
    """Wait for this process's children to exit and return the CPU seconds (user + system)
    of those reaped, each with the descendants it waited for itself.

    Orphans exit a moment after the parent that left them, so this waits until no child is
    left, or for at most `timeout` seconds (None: until the last one); children still running
    then are left alone.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    cpu = 0.0
    while True:
        try:
            pid, _, usage = os.wait4(-1, 0 if deadline is None else os.WNOHANG)
        except ChildProcessError:
            return cpu  # no child left
        if pid == 0:  # children left, none exited yet
            if time.monotonic() >= deadline:
                return cpu
            time.sleep(0.05)
            continue
        cpu += usage.ru_utime + usage.ru_stime
