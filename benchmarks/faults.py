"""Faults under load: each while respondents are answering, each followed by the audit that
compares every acknowledged page (logged by the load client) with the database.

    python benchmarks/faults.py                      # all four faults
    python benchmarks/faults.py --faults worker,server --users 100

The faults, in this order:

- `worker`: kill -9 of one gunicorn worker of the first app server (the master starts a new
  one; the other workers and the other server go on);
- `server`: kill -9 of the whole second app server, master and workers, started again a few
  seconds later on the same port (the load balancer, played by the client, sends the requests
  that cannot connect to the first server meanwhile);
- `postgres`: a restart of PostgreSQL (fast shutdown: open transactions are rolled back, every
  connection in the pools is broken); meanwhile a probe logs in with fresh codes every 0.1 s,
  since a login writes the login limit's count to the database: it must see a clear 503 page
  or get in, never a 500, and get in again once the database is back;
- `diskfull`: the SQLite default on a small tmpfs that is filled up while respondents save
  pages, then freed again (needs root for the mount).

The first three run against two app servers sharing one PostgreSQL database, the last against
one app server on SQLite. Each fault runs inside a load segment (`--users` respondents,
`--think` seconds between pages); after each segment the audit runs over everything
acknowledged so far. Printed per fault: pages acknowledged, the errors respondents saw, how
many of those respondents carried on afterwards, and the audit. Exit status 1 when an
acknowledged answer is missing or changed, a page half written, or a login failed hard.
"""

import argparse
import asyncio
import json
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.support import loadclient  # noqa: E402
from tests.support.app_servers import AppServer, free_port, start_servers, uninvited_codes  # noqa: E402
from tests.support.faults import (fault_disk_full, fault_postgres, fault_server,  # noqa: E402
                                  fault_worker, small_tmpfs, sqlite_integrity, truncate_wal)

ALL_FAULTS = ("worker", "server", "postgres", "diskfull")


class Codes:
    """Fresh personal codes, handed out once each across segments."""

    def __init__(self, codes):
        self._codes = list(codes)
        self._next = 0

    def take(self, count):
        batch = self._codes[self._next:self._next + count]
        self._next += count
        return batch


def run_segment(name, codes, servers, log_path, args, fault):
    """Load for `args.duration` seconds with `fault` (a coroutine function) started after
    `args.fault_at` seconds. Returns the load figures with the fault's own notes."""
    notes = {}

    async def during():
        await asyncio.sleep(args.fault_at)
        notes.update(await fault() or {})

    figures = asyncio.run(loadclient.run_load(
        codes.take(args.users * 4), [("127.0.0.1", s.port) for s in servers], log_path,
        users=args.users, duration=args.duration, ramp=args.ramp, think=args.think,
        seed=hash(name) % 10_000, during=during))
    figures["fault"] = notes
    return figures


def report(name, figures, result):
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(figures["errors_by_kind"].items())) or "none"
    hit, carried = figures["respondents_hit_by_error"], figures["continued_after_error"]
    print(f"{name:<9} acknowledged {figures['acknowledged_total']:>5} pages "
          f"({figures['submissions_per_s']:.1f}/s), errors seen: {kinds}; "
          f"{hit} respondents hit, {carried} carried on, {figures['stuck_count']} stuck; "
          f"fault {figures['fault']}", flush=True)
    print(f"{'':<9} audit of {result['pages']:,} pages / {result['variables']:,} answers: "
          f"{result['missing']} missing, {result['changed']} changed, "
          f"{result['half_written']} half written, {result['pages_not_marked']} not marked "
          f"-> {'PASS' if loadclient.audit_passed(result) else 'FAIL'}", flush=True)
    for example in result["examples"]:
        print(f"{'':<11}{example}")
    for kind, page in figures.get("error_pages", {}).items():
        text = " ".join(loadclient_text(page).split())[:300]
        print(f"{'':<11}{kind} page shown: {text}")


def loadclient_text(page_html: str) -> str:
    import html
    import re

    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", page_html)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def run_postgres_faults(faults, args, work_dir):
    from survey.demo.seed import seed_edition
    from tests.support.postgres_server import PostgresServer

    results = []
    pg = PostgresServer().start()
    servers = []
    try:
        url = pg.create_database()
        seed_edition(url, seed=2024, scale=args.scale)
        codes = Codes(uninvited_codes(url))
        servers = start_servers(url, 2, args.workers, work_dir)
        log_path = work_dir / "acknowledged-postgresql.jsonl"
        for name in faults:
            fault = {"worker": lambda: fault_worker(servers),
                     "server": lambda: fault_server(servers, args.down),
                     "postgres": lambda: fault_postgres(pg, servers, codes)}[name]()
            figures = run_segment(name, codes, servers, log_path, args, fault)
            result = loadclient.audit(url, log_path)
            report(name, figures, result)
            results.append((name, figures, result))
    finally:
        for server in servers:
            server.stop()
        pg.stop()
    return results


def run_disk_full(args, work_dir):
    from survey.demo.seed import seed_edition

    with small_tmpfs(args.tmpfs_mib) as directory:
        url = f"sqlite:///{directory / 'wijkprofiel.db'}"
        seed_edition(url, seed=2024, scale=args.sqlite_scale)
        truncate_wal(url)
        used = shutil.disk_usage(directory)
        print(f"diskfull  SQLite on a {args.tmpfs_mib} MiB tmpfs, {used.used / 2**20:.1f} MiB used "
              "after seeding", flush=True)
        codes = Codes(uninvited_codes(url))
        server = AppServer(url, free_port(), args.workers, secrets.token_hex(32),
                           work_dir).start()
        log_path = work_dir / "acknowledged-sqlite.jsonl"
        try:
            figures = run_segment("diskfull", codes, [server], log_path, args,
                                  fault_disk_full(directory, args.full))
        finally:
            server.stop()
        integrity = sqlite_integrity(url)
        result = loadclient.audit(url, log_path)
        report("diskfull", figures, result)
        print(f"{'':<11}SQLite integrity_check: {integrity}")
        if integrity != "ok":
            result["changed"] += 1  # a damaged file fails the audit
        return [("diskfull", figures, result)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faults", default=",".join(ALL_FAULTS),
                        help=f"comma-separated, from {', '.join(ALL_FAULTS)}")
    parser.add_argument("--users", type=int, default=100, help="respondents at a time")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds per fault segment")
    parser.add_argument("--ramp", type=float, default=5.0)
    parser.add_argument("--fault-at", type=float, default=12.0,
                        help="seconds into a segment when the fault strikes")
    parser.add_argument("--think", type=lambda s: tuple(float(x) for x in s.split(",")),
                        default=(1.0, 4.0), help="think time range in seconds (default 1,4)")
    parser.add_argument("--down", type=float, default=5.0,
                        help="seconds the killed app server stays down")
    parser.add_argument("--full", type=float, default=8.0, help="seconds the disk stays full")
    parser.add_argument("--scale", type=float, default=0.05, help="PostgreSQL demo scale")
    parser.add_argument("--sqlite-scale", type=float, default=0.02)
    parser.add_argument("--tmpfs-mib", type=int, default=48)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per server")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    faults = [f for f in args.faults.split(",") if f]
    unknown = set(faults) - set(ALL_FAULTS)
    if unknown:
        parser.error(f"--faults: unknown {', '.join(sorted(unknown))}; use {', '.join(ALL_FAULTS)}")
    work_dir = args.out or Path(tempfile.mkdtemp(prefix="wijkprofiel-faults-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    print(f"faults: {', '.join(faults)}; {args.users} respondents, {args.duration:g} s segments, "
          f"think {args.think[0]:g}-{args.think[1]:g} s; logs in {work_dir}", flush=True)
    results = []
    pg_faults = [f for f in faults if f != "diskfull"]
    if pg_faults:
        results += run_postgres_faults(pg_faults, args, work_dir)
    if "diskfull" in faults:
        results += run_disk_full(args, work_dir)
    failed = [name for name, _figures, result in results if not loadclient.audit_passed(result)]
    logins = next((f["fault"].get("logins") for n, f, _r in results if n == "postgres"), None)
    if logins is not None and (logins.get("500") or not logins["last_logged_in"]):
        failed.append("postgres (logins failed hard or did not come back)")
    stuck = sum(figures["stuck_count"] for _name, figures, _result in results)
    if args.json:
        args.json.write_text(json.dumps(
            [{"fault": n, "load": f, "audit": r} for n, f, r in results], indent=1, default=str))
    print(f"\nfault audit: {len(results) - len(failed)} of {len(results)} passed"
          + (f"; FAILED: {', '.join(failed)}" if failed else "")
          + f"; {stuck} respondents could not carry on")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
