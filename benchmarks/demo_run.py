"""Benchmark: `wijkprofiel demo run` from an empty folder to serving, and to the end of its job.

    python benchmarks/demo_run.py [--scale 1.0] [--port 5077] [--show]

Runs `wijkprofiel demo run --scale S --out TMP/out --port P` as a child process on a fresh
SQLite file in a temporary folder and prints, from the child's start:

- when it printed "serving on" (wall time, and its CPU time so far: user + system of the
  process and of the worker processes it has finished with, from /proc), and that /healthz
  answered 200 then;
- when its background job printed "main job done" (the previous edition, the report with
  the PDF, the public site), with the CPU time so far;
- its peak resident memory (`ru_maxrss` from `os.wait4` after Ctrl-C);
- the load average before and after, since wall times on a shared machine mean little.

The goal (issue 19): under 60 s to serving on the 2-core machine at full scale.
`--show` echoes the child's output with the elapsed seconds.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and of the children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def read(child, started, marks, show, port):
    """Follow the child's output, marking when it serves and when its job is done."""
    for line in child.stdout:
        elapsed = time.perf_counter() - started
        if show:
            print(f"{elapsed:7.1f}  {line.rstrip()}", flush=True)
        if line.startswith("serving on") and "serving" not in marks:
            marks["serving"] = (elapsed, cpu_seconds(child.pid))
            marks["healthz"] = health_check(port, started)
        if line.startswith("main job done") or "main job FAILED" in line:
            marks["done"] = (elapsed, cpu_seconds(child.pid))
            marks["failed"] = "FAILED" in line
            child.send_signal(signal.SIGINT)


def health_check(port, started, attempts=600):
    """(seconds since start, status) of the first /healthz that answers: "serving on" is
    printed just before the server binds its port."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as answer:
                return time.perf_counter() - started, answer.status
        except urllib.error.URLError:
            time.sleep(0.05)
    return time.perf_counter() - started, "no answer"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--show", action="store_true", help="echo the child's output")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{Path(folder) / 'demo.db'}",
                   PYTHONUNBUFFERED="1")
        argv = [sys.executable, "-c", "from survey.cli import main; main()", "demo", "run",
                "--scale", repr(args.scale), "--out", str(Path(folder) / "out"),
                "--port", str(args.port)]
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, env=env, cwd=folder)
        marks = {}
        try:
            read(child, started, marks, args.show, args.port)
        finally:
            if "done" not in marks:
                child.kill()  # it failed, or the benchmark did: leave nothing running
        _, status, usage = os.wait4(child.pid, 0)
    load_after = os.getloadavg()
    print(f"demo run --scale {args.scale:g} from an empty folder (exit status {status >> 8})")
    if "serving" in marks:
        wall, cpu = marks["serving"]
        print(f"  serving on:      {wall:6.1f} s wall, {cpu:6.1f} s CPU "
              f"({'within' if wall < 60 else 'OVER'} the 60 s goal); /healthz answered "
              f"{marks['healthz'][1]} at {marks['healthz'][0]:.1f} s")
    if "done" in marks:
        wall, cpu = marks["done"]
        print(f"  main job {'FAILED' if marks['failed'] else 'done'}:   {wall:6.1f} s wall, "
              f"{cpu:6.1f} s CPU (report with PDF, public site with factsheets)")
    print(f"  in all:          {usage.ru_utime + usage.ru_stime:6.1f} s CPU, peak "
          f"{usage.ru_maxrss / 2**20:.2f} GiB resident")
    print(f"  load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
