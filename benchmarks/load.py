"""Load: respondents logging in and answering the real questionnaire page after page, against
the production setup on this machine: two app servers (`wijkprofiel serve`, gunicorn with
several workers each) sharing one PostgreSQL database, and the same on SQLite for comparison.

    python benchmarks/load.py                                  # 50, 200 and 500 respondents
    python benchmarks/load.py --users 200 --duration 120 --backends postgresql

It starts PostgreSQL on loopback (tests/support/postgres_server.py), seeds a demo edition
(`--scale`, enough uninvited units for every respondent; their codes come from identity_link),
starts the app servers, and per level runs `--users` respondents at a time for `--duration`
seconds after a ramp-up, each thinking `--think` seconds (uniform) before posting a page, as a
person reading the questions would. A respondent who finishes is replaced by a fresh code.
Every acknowledged page (the POST answered 303, i.e. committed) is logged to a file, and after
each backend the audit compares the log with the database.

Printed per level: sustained page submissions per second, requests per second, latency
percentiles (p50/p95/p99) over all requests and over the page POSTs, and errors. The client
runs on the same 2 cores as the servers and the database, so the figures are a lower bound of
what the servers do on their own machine. The exit status is 1 if the audit finds an
acknowledged answer missing or changed.
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.support import loadclient  # noqa: E402
from tests.support.app_servers import start_servers, uninvited_codes  # noqa: E402

TARGET_USERS, TARGET_P95_MS = 200, 300


def cpu_seconds(process_groups=(), parents=()) -> float:
    """CPU time (user + system) used so far by the processes in `process_groups`, with that
    of their children that have exited (a killed or recycled worker, a closed database
    connection), and of the processes in `parents` with their children (PostgreSQL's
    backends each start a session of their own), from /proc. Divided by the requests served, it gives the CPU cost of a
    request, which does not depend on what else runs on the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        pid = int(stat.parent.name)
        if int(fields[2]) in process_groups or pid in parents or int(fields[1]) in parents:
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def seed(database_url, scale):
    from survey.demo.seed import seed_edition

    started = time.monotonic()
    summary = seed_edition(database_url, seed=2024, scale=scale)
    return summary, time.monotonic() - started


def format_row(backend, figures) -> str:
    errors = figures["errors"]
    kinds = ",".join(f"{k}:{v}" for k, v in sorted(figures["errors_by_kind"].items()))
    return (f"{backend:<10} {figures['users']:>5} {figures['submissions_per_s']:>9.1f} "
            f"{figures['requests_per_s']:>8.1f} {figures['p50_ms']:>7.0f} {figures['p95_ms']:>7.0f} "
            f"{figures['p99_ms']:>7.0f} {figures['post_p95_ms']:>9.0f} {errors:>6}"
            + (f" ({kinds})" if kinds else ""))


HEADER = (f"{'backend':<10} {'users':>5} {'submit/s':>9} {'req/s':>8} {'p50 ms':>7} "
          f"{'p95 ms':>7} {'p99 ms':>7} {'POST p95':>9} {'errors':>6}")


def run_backend(backend, database_url, args, work_dir, pg=None) -> tuple[list, dict]:
    print(f"\n== {backend}: seeding scale {args.scale:g} ...", flush=True)
    summary, seconds = seed(database_url, args.scale)
    codes = uninvited_codes(database_url)
    print(f"   {summary.counts['sample_units']:,} sample units, {len(codes):,} not started "
          f"(seeded in {seconds:.0f} s)", flush=True)
    servers = start_servers(database_url, args.servers, args.workers, work_dir,
                            threads=args.threads)
    print(f"   {args.servers} app servers x {args.workers} workers on ports "
          f"{', '.join(str(s.port) for s in servers)}", flush=True)
    if args.nice:
        # the servers, the database and this client before other work on the machine, as
        # on machines of their own (workers and backends forked later inherit it)
        for group in [os.getpgid(s.process.pid) for s in servers] + (
                [int(Path(pg.data_dir, "postmaster.pid").read_text().split()[0])] if pg else []):
            os.setpriority(os.PRIO_PGRP, group, args.nice)
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
    addresses = [("127.0.0.1", s.port) for s in servers]
    log_path = work_dir / f"acknowledged-{backend}.jsonl"
    # PostgreSQL's postmaster and its backends
    db_groups = [int(Path(pg.data_dir, "postmaster.pid").read_text().split()[0])] if pg else []
    rows = []
    position = 0
    try:
        for users in args.users:
            needed = users * 3
            batch = codes[position:position + needed]
            position += needed
            groups = [os.getpgid(s.process.pid) for s in servers]
            app_before, db_before = cpu_seconds(groups), cpu_seconds(parents=db_groups)
            client_before, wall_before = time.process_time(), time.monotonic()
            figures = asyncio.run(loadclient.run_load(
                batch, addresses, log_path, users=users, duration=args.duration,
                ramp=args.ramp, think=args.think, seed=users))
            requests = max(figures["requests_all"], 1)
            wall = time.monotonic() - wall_before
            figures["app_cpu_ms_per_request"] = 1000 * (cpu_seconds(groups) - app_before) / requests
            figures["db_cpu_ms_per_request"] = 1000 * (
                cpu_seconds(parents=db_groups) - db_before) / requests
            figures["client_cpu_share"] = (time.process_time() - client_before) / wall
            figures["load_average"] = os.getloadavg()[0]
            rows.append(figures)
            print(format_row(backend, figures), flush=True)
            database = (f", database {figures['db_cpu_ms_per_request']:.1f} ms" if pg else "")
            print(f"{'':<10} CPU per request: app {figures['app_cpu_ms_per_request']:.1f} ms"
                  f"{database}; load client "
                  f"{100 * figures['client_cpu_share']:.0f}% of a core; machine load average "
                  f"{figures['load_average']:.1f} on {os.cpu_count()} cores", flush=True)
            if figures.get("stuck"):
                print(f"   stuck respondents: {figures['stuck']}")
    finally:
        for server in servers:
            server.stop()
    result = loadclient.audit(database_url, log_path)
    print(f"   audit: {result['pages']:,} acknowledged pages, {result['variables']:,} answers: "
          f"{result['missing']} missing, {result['changed']} changed, "
          f"{result['pages_not_marked']} pages not marked, {result['routed_off']} routed off",
          flush=True)
    for example in result["examples"]:
        print("     ", example)
    return rows, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=lambda s: [int(x) for x in s.split(",")],
                        default=[50, 200, 500], help="concurrency levels, e.g. 50,200,500")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds measured per level, after the ramp (default 60)")
    parser.add_argument("--ramp", type=float, default=15.0,
                        help="seconds over which the respondents start (default 15)")
    parser.add_argument("--think", type=lambda s: tuple(float(x) for x in s.split(",")),
                        default=(2.0, 8.0), help="think time range in seconds (default 2,8)")
    parser.add_argument("--scale", type=float, default=0.1,
                        help="demo edition scale (0.1: 7,500 sampled, ~4,000 not started)")
    parser.add_argument("--servers", type=int, default=2, help="app servers (default 2)")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers per server (default: cores + 1)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--nice", type=int, default=0,
                        help="scheduling priority of servers, database and client (root may "
                             "give -10 on a machine shared with other work; default 0)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for logs and the acknowledgement logs (default: a temp dir)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    # two servers on one 2-core machine: together about 2 x cores + 1 workers, as one would
    # run on a machine of its own
    args.workers = args.workers or (os.cpu_count() or 1) + 1
    work_dir = args.out or Path(tempfile.mkdtemp(prefix="wijkprofiel-load-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    print(f"load: levels {args.users}, {args.duration:g} s each after a {args.ramp:g} s ramp, "
          f"think {args.think[0]:g}-{args.think[1]:g} s; logs in {work_dir}"
          + (f"; nice {args.nice}" if args.nice else ""), flush=True)

    all_rows, audits = {}, {}
    for backend in args.backends.split(","):
        if backend == "postgresql":
            from tests.support.postgres_server import PostgresServer

            pg = PostgresServer().start()
            try:
                url = pg.create_database()
                all_rows[backend], audits[backend] = run_backend(backend, url, args, work_dir,
                                                                 pg=pg)
            finally:
                pg.stop()
        elif backend == "sqlite":
            url = f"sqlite:///{work_dir / 'load.db'}"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work_dir / 'load.db'}{suffix}").unlink(missing_ok=True)
            all_rows[backend], audits[backend] = run_backend(backend, url, args, work_dir)
        else:
            parser.error(f"--backends: unknown backend {backend!r}; use postgresql, sqlite")

    print("\n" + HEADER)
    for backend, rows in all_rows.items():
        for figures in rows:
            print(format_row(backend, figures))
    for backend, rows in all_rows.items():
        target = next((r for r in rows if r["users"] == TARGET_USERS), None)
        if target:
            ok = target["p95_ms"] < TARGET_P95_MS and target["errors"] == 0
            print(f"target on {backend}: {TARGET_USERS} respondents at p95 "
                  f"{target['p95_ms']:.0f} ms (< {TARGET_P95_MS}) with {target['errors']} errors: "
                  f"{'met' if ok else 'NOT met'}")
    if "postgresql" in all_rows and "sqlite" in all_rows:
        for pg_row, lite_row in zip(all_rows["postgresql"], all_rows["sqlite"]):
            print(f"{pg_row['users']} respondents: p95 PostgreSQL / SQLite = "
                  f"{pg_row['p95_ms'] / lite_row['p95_ms']:.2f}, submissions/s "
                  f"{pg_row['submissions_per_s'] / max(lite_row['submissions_per_s'], 1e-9):.2f}")
    if args.json:
        args.json.write_text(json.dumps({"levels": all_rows, "audits": audits}, indent=1))
    lost = any(not loadclient.audit_passed(result) for result in audits.values())
    print("audit: " + ("FAILED: acknowledged answers missing or changed" if lost
                       else "every acknowledged answer is stored as posted"))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
