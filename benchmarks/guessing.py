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
import concurrent.futures
import http.client
import os
import re
import sys
import tempfile
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.load import start_servers, uninvited_codes  # noqa: E402

LIMIT = 20


class Guesser:
    """One client address: a session cookie and CSRF token from the start page, then code
    entries, each on a connection of its own."""

    def __init__(self, servers, address):
        self.servers, self.address = servers, address
        self.cookie, self.token = self._start_form()

    def _request(self, port, method, path, body=None, cookie=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"X-Forwarded-For": self.address, "Connection": "close"}
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheader("Set-Cookie") or "", response.read()
        finally:
            connection.close()

    def _start_form(self):
        _status, set_cookie, page = self._request(self.servers[0], "GET", "/start")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        return set_cookie.split(";", 1)[0], token

    def enter(self, code, number=0) -> int:
        """Post `code` to the start page of server `number % servers`; returns the status:
        200 unknown code, 303 logged in, 429 refused by the limit."""
        from urllib.parse import urlencode

        body = urlencode({"csrf_token": self.token, "code": code})
        port = self.servers[number % len(self.servers)]
        status, _cookie, _page = self._request(port, "POST", "/start", body, self.cookie)
        return status


def wrong_code(number: int) -> str:
    """A well-formed code that no letter carries (Z is never drawn this often)."""
    digits = "23456789ABCDEFGH"
    return "ZZZZ" + "".join(digits[(number >> shift) & 15] for shift in (20, 16, 12, 8, 4, 0))


def sequential(servers, address, attempts) -> dict:
    guesser = Guesser(servers, address)
    statuses = [guesser.enter(wrong_code(n), n) for n in range(attempts)]
    return _tally(statuses)


def burst(servers, address, attempts) -> dict:
    guesser = Guesser(servers, address)
    with concurrent.futures.ThreadPoolExecutor(attempts) as pool:
        statuses = list(pool.map(lambda n: guesser.enter(wrong_code(10_000 + n), n),
                                 range(attempts)))
    return _tally(statuses)


def _tally(statuses) -> dict:
    return {"looked_up": statuses.count(200), "refused": statuses.count(429),
            "other": len(statuses) - statuses.count(200) - statuses.count(429)}


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
    from tests.postgres_server import PostgresServer

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
