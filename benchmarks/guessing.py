"""Guessing personal codes against the production setup: how many wrong codes one client
address gets looked up in one window of the login limit, across two app servers of three
gunicorn workers each on one PostgreSQL database, with the limit's counts in each worker's
memory (`memory://`, the old default) and in the shared database (`database://`).

    python benchmarks/guessing.py                      # both stores
    python benchmarks/guessing.py --stores database --attempts 60 --burst 40

Per store, three attackers, each from its own address (the servers trust one proxy, so the
address is the X-Forwarded-For the client sends, as behind the load balancer):

- sequential: `--attempts` wrong codes one after the other, each on a new connection and
  alternating between the servers, so they land on every worker;
- burst: `--burst` wrong codes sent at the same moment, all in flight together;
- then the right code of a respondent from a fourth address, which must get in.

Printed: wrong codes looked up (answered "unknown code") and refused (429) per attacker. The
login limit is the default, 20 per 10 minutes, so the whole run lies within one window.
Exit status 1 when the database store lets more than the limit through.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.support.app_servers import start_servers, uninvited_codes  # noqa: E402
from tests.support.guessing import Guesser, burst, sequential  # noqa: E402

LIMIT = 20


def measure(database_url, store, args, work_dir) -> dict:
    """Start two app servers with the limit counted in `store`, run the three attackers and
    the respondent, stop the servers."""
    os.environ.update(RATELIMIT_STORAGE_URI=f"{store}://", TRUSTED_PROXIES="1")
    servers = start_servers(database_url, args.servers, args.workers, work_dir,
                            threads=args.threads)
    try:
        ports = [server.port for server in servers]
        # a fresh range of addresses per store: the database keeps the counts of the last run
        base = {"memory": 10, "database": 20}[store]
        figures = {
            "sequential": sequential(ports, f"198.51.100.{base}", args.attempts),
            "burst": burst(ports, f"198.51.100.{base + 1}", args.burst),
            "right_code": Guesser(ports, f"198.51.100.{base + 2}").enter(
                uninvited_codes(database_url, 1)[0]),
        }
    finally:
        for server in servers:
            server.stop()
        for key in ("RATELIMIT_STORAGE_URI", "TRUSTED_PROXIES"):
            os.environ.pop(key, None)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", default="memory,database")
    parser.add_argument("--attempts", type=int, default=200,
                        help="sequential wrong codes (default 200)")
    parser.add_argument("--burst", type=int, default=40,
                        help="wrong codes sent at once (default 40)")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="workers per server (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (default 2)")
    args = parser.parse_args(argv)

    from survey.demo.seed import seed_edition
    from tests.support.postgres_server import PostgresServer

    work_dir = Path(tempfile.mkdtemp(prefix="wijkprofiel-guessing-"))
    pg = PostgresServer().start()
    results = {}
    try:
        url = pg.create_database()
        seed_edition(url, seed=7, scale=0.005)
        for store in args.stores.split(","):
            if store not in ("memory", "database"):
                parser.error(f"--stores: unknown store {store!r}; use memory, database")
            results[store] = measure(url, store, args, work_dir)
    finally:
        pg.stop()

    in_flight = args.servers * args.workers * args.threads
    print(f"login limit {LIMIT} wrong codes per 10 minutes per address; {args.servers} app "
          f"servers x {args.workers} workers x {args.threads} threads ({in_flight} requests "
          "in flight at most)")
    print(f"{'store':<9} {'attacker':<11} {'sent':>5} {'looked up':>10} {'refused':>8} "
          f"{'other':>6}")
    for store, figures in results.items():
        for attacker, sent in (("sequential", args.attempts), ("burst", args.burst)):
            row = figures[attacker]
            print(f"{store:<9} {attacker:<11} {sent:>5} {row['looked_up']:>10} "
                  f"{row['refused']:>8} {row['other']:>6}")
        print(f"{store:<9} right code from another address: HTTP {figures['right_code']}")
    database = results.get("database")
    failed = database is not None and (
        database["sequential"]["looked_up"] > LIMIT or database["burst"]["looked_up"] > LIMIT
        or database["right_code"] != 303)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
