"""Benchmark: `wijkprofiel demo run` from an empty folder to serving, and to the end of its job.

    python benchmarks/demo_run.py [--scale 1.0] [--port 5077] [--until serving|done] [--show]

Runs `wijkprofiel demo run --scale S --out TMP/out --port P` as a child process on a fresh
SQLite file in a temporary folder and prints, from the child's start:

- when it printed "serving on" (wall time, and its CPU time so far: user + system of the
  process and of the worker processes it has finished with, from /proc), and that /healthz
  answered 200 then;
- when its background job printed "main job done" (the previous edition, the report with
  the PDF, the public site), with the CPU time so far;
- its peak resident memory: the largest single process (`ru_maxrss` from `os.wait4` after
  Ctrl-C, which covers the worker it waited for) and the peak of the whole process tree's
  summed resident size, sampled from /proc every 0.2 s: this benchmark (a few MiB), the
  command, its worker process and whatever they run, chromium's orphaned renderers included
  (the benchmark adopts them, `orphans.become_reaper`);
- the load average before and after, since wall times on a shared machine mean little.

The goal (issue 19): under 60 s to serving on the 2-core machine at full scale. `--until
serving` stops the command once /healthz answered (the figures to serving, without waiting
minutes for the report and site).
`--show` echoes the child's output with the elapsed seconds.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from orphans import become_reaper, reap_orphans

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and of the children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def tree_rss(pid: int) -> int:
    """Summed resident bytes of `pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21]) * PAGE
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        total += rss.get(current, 0)
        pending.extend(children.get(current, []))
    return total


def sample_rss(pid, peak, stop):
    """Keep the peak of `tree_rss(pid)` in peak["bytes"] (and when) until `stop` is set."""
    started = time.perf_counter()
    while not stop.wait(0.2):
        size = tree_rss(pid)
        if size > peak.get("bytes", 0):
            peak["bytes"], peak["at"] = size, time.perf_counter() - started


def read(child, started, marks, show, port, until):
    """Follow the child's output, marking when it serves and when its job is done."""
    for line in child.stdout:
        elapsed = time.perf_counter() - started
        if show:
            print(f"{elapsed:7.1f}  {line.rstrip()}", flush=True)
        if line.startswith("serving on") and "serving" not in marks:
            marks["serving"] = (elapsed, cpu_seconds(child.pid))
            marks["healthz"] = health_check(port, started)
            if until == "serving":
                # the command and its worker process, at once: a Ctrl-C would let the job
                # run on to its end
                os.killpg(child.pid, signal.SIGKILL)
                marks["stopped"] = True
        if (line.startswith("main job done") or "main job FAILED" in line) and \
                not marks.get("stopped"):
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
    parser.add_argument("--until", choices=("serving", "done"), default="done",
                        help="stop the command once it serves, or once its job is done")
    parser.add_argument("--show", action="store_true", help="echo the child's output")
    args = parser.parse_args()
    become_reaper()  # chromium's renderers stay in the tree whose memory is sampled
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{Path(folder) / 'demo.db'}",
                   PYTHONUNBUFFERED="1")
        argv = [sys.executable, "-c", "from survey.cli import main; main()", "demo", "run",
                "--scale", repr(args.scale), "--out", str(Path(folder) / "out"),
                "--port", str(args.port)]
        started = time.perf_counter()
        # Ctrl-C (SIGINT) stops the server at the end: a shell's background job ignores it,
        # and Python keeps an inherited "ignore"
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, env=env, cwd=folder,
                                 preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                                 start_new_session=True)
        marks, peak, stop = {}, {}, threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(os.getpid(), peak, stop),
                                   daemon=True)
        sampler.start()
        try:
            read(child, started, marks, args.show, args.port, args.until)
        finally:
            if "done" not in marks and not marks.get("stopped"):
                # it failed, or the benchmark did: leave nothing running
                os.killpg(child.pid, signal.SIGKILL)
        _, status, usage = os.wait4(child.pid, 0)
        reap_orphans()
        stop.set()
        sampler.join()
    load_after = os.getloadavg()
    ended = ("stopped by the benchmark once it served" if marks.get("stopped")
             else f"exit status {status >> 8}")
    print(f"demo run --scale {args.scale:g} from an empty folder ({ended})")
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
          f"{usage.ru_maxrss / 2**20:.2f} GiB resident (largest process); process tree "
          f"{peak.get('bytes', 0) / 2**30:.2f} GiB summed at {peak.get('at', 0):.0f} s")
    print(f"  load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
