"""Benchmark: how long the toolkit takes to start. The imports of the error classes and of the
PDF engine (`python -X importtime`), the CPU time of `wijkprofiel --help` (the list of
commands), of `wijkprofiel serve --help` (a command's start) and of `wijkprofiel demo --help`
(a group of commands), and the wall time from
`wijkprofiel serve` (one worker, a fresh SQLite database: migrations, gunicorn, the worker's
app and questionnaires) to the first answer of /healthz.

    python benchmarks/startup.py [--baseline DIR] [--rounds 5]

`--baseline DIR` is another checkout of the project (e.g. `git worktree add /tmp/base main~3`):
its figures are measured in the same run, alternately with this code's, and the ratio printed.
Medians of the rounds; the wall time counts whatever else the machine runs.
"""

import argparse
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
# a random key: `serve` refuses a weak one (security.check_production)
SECRET_KEY = "3f9a1c7e5b2d8046a1e9c3b7d5f20486e1a3c5b7d9f10284b6e8a0c2d4f6183a"


def _env(code: Path, **extra) -> dict:
    return dict(os.environ, PYTHONPATH=str(code), **extra)


def import_seconds(code: Path, module: str) -> float:
    """The cumulative import time of `module` in a fresh interpreter, as -X importtime says."""
    # run in `code`: `python -c` puts its working folder first on sys.path
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         env=_env(code), cwd=code, capture_output=True, text=True,
                         check=True).stderr
    line = [row for row in err.splitlines() if row.rstrip().endswith(f"| {module}")][-1]
    return int(line.split("|")[1]) / 1e6


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def command_cpu_seconds(code: Path, *args: str) -> float:
    before = _children_cpu()
    subprocess.run([sys.executable, "-m", "survey", *args], env=_env(code), cwd=code,
                   capture_output=True, check=True)
    return _children_cpu() - before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_until_healthy(code: Path, database: Path) -> float:
    port = _free_port()
    env = _env(code, DATABASE_URL=f"sqlite:///{database}", SECRET_KEY=SECRET_KEY)
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "survey", "serve", "--port", str(port),
                               "--workers", "1", "--access-log", os.devnull], env=env, cwd=code,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return time.perf_counter() - started
            except OSError:
                if server.poll() is not None:
                    sys.exit(f"{code}: wijkprofiel serve stopped: {server.stderr.read().decode()}")
                time.sleep(0.02)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


MEASURES = {
    "import survey.errors (s)": lambda code, tmp: import_seconds(code, "survey.errors"),
    "import survey.pdf_engine (s)": lambda code, tmp: import_seconds(code, "survey.pdf_engine"),
    "wijkprofiel --help (CPU s)": lambda code, tmp: command_cpu_seconds(code, "--help"),
    "wijkprofiel serve --help (CPU s)": lambda code, tmp: command_cpu_seconds(code, "serve",
                                                                             "--help"),
    "wijkprofiel demo --help (CPU s)": lambda code, tmp: command_cpu_seconds(code, "demo",
                                                                            "--help"),
    "serve until /healthz answers (wall s)": lambda code, tmp: serve_until_healthy(
        code, Path(tempfile.mkdtemp(dir=tmp)) / "w.db"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    codes = {"this code": HERE}
    if options.baseline:
        codes["baseline"] = options.baseline.resolve()
    figures = {measure: {name: [] for name in codes} for measure in MEASURES}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(options.rounds):
            for name, code in codes.items():
                for measure, run in MEASURES.items():
                    figures[measure][name].append(run(code, tmp))
    print(f"medians of {options.rounds} rounds, load average {os.getloadavg()[0]:.1f}")
    for measure, by_code in figures.items():
        medians = {name: statistics.median(values) for name, values in by_code.items()}
        line = f"{measure:40s} " + "  ".join(f"{name}: {value:.3f}"
                                              for name, value in medians.items())
        if "baseline" in medians and medians["this code"] > 0:
            line += f"  baseline / this code: {medians['baseline'] / medians['this code']:.1f}x"
        print(line)


if __name__ == "__main__":
    main()
