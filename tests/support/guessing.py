"""Guessing personal codes over HTTP against running app servers: one client address posting
codes to the start page, one after the other or all at once (benchmarks/guessing.py and
tests/security/test_rate_limit_store.py)."""

import concurrent.futures
import http.client
import re


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
