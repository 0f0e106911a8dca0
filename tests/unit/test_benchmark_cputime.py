"""benchmarks/cputime.py (through the shared benchmarks/orphans.py) counts the CPU time of
processes the command leaves behind, as chromium leaves its renderers: a grandchild whose
parent exits without waiting for it is reparented, and escapes `/usr/bin/time`."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

CPUTIME = Path(__file__).resolve().parents[2] / "benchmarks" / "cputime.py"

# the parent forks a child that burns 0.6 s of CPU, and exits at once without waiting for it
ORPHANING = """
import os, time
if os.fork() == 0:
    end = time.process_time() + 0.6
    while time.process_time() < end:
        pass
    os._exit(0)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_CHILD_SUBREAPER is Linux's")
def test_cputime_counts_an_orphaned_grandchild():
    done = subprocess.run([sys.executable, str(CPUTIME), sys.executable, "-c", ORPHANING],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    cpu = float(re.search(r"= ([0-9.]+) s CPU", done.stderr).group(1))
    assert cpu >= 0.55, done.stderr
