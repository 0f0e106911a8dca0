"""The load client shared by benchmarks/load.py, benchmarks/faults.py and the fault tests:
simulated respondents who log in with a letter's code and answer the real questionnaire page
after page, as a person in a browser would, plus the audit that compares what the server
acknowledged with what the database holds.

A respondent (`run_respondent`) GETs /start, posts the code with the page's CSRF token, and
then on every questionnaire page reads the form from the HTML (radio buttons, check boxes,
number and date boxes, text areas, the number's range from its hint), picks a valid answer,
thinks (a few seconds in the benchmark), and posts the page. A POST answered with 303 See
Other means the server committed the page (POST-redirect-GET): the client writes that page,
with the values it expects stored, as one JSON line to the acknowledgement log, and then
GETs the next page. At the review page it submits, and the thank-you page ends the respondent.

When a request fails (connection reset, time-out, 5xx, a page it did not expect), the
respondent does what a person does: waits a moment, reloads the questionnaire (logging in
again with the code if the session is gone) and carries on from the page the server shows.

The HTTP client is a small asyncio one (one connection per request, cookies kept per
respondent, Secure cookies sent over plain http as a browser behind TLS termination would),
so the benchmark needs no package beyond the standard library. Several servers can be given:
requests go round-robin, as through a load balancer without sticky sessions; a server that
refuses connections is skipped for a few seconds, as a load balancer's health check would
(such a retry is counted, not hidden).

`audit(database_url, log_path)` reads the log and the database and returns what is missing or
changed: every acknowledged page must be stored with exactly the values posted (the last
acknowledged value of each variable), unless later answers legitimately routed it off the
path (counted separately).
"""

from __future__ import annotations

import asyncio
import html
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0 Mobile Safari/537.36 wijkprofiel-load")

_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
_INPUT_RE = re.compile(r"<input\b[^>]*>")
_TEXTAREA_RE = re.compile(r"<textarea\b[^>]*>")
_ATTR_RE = re.compile(r'([a-zA-Z_:][-\w:.]*)="([^"]*)"')
_RANGE_RE = re.compile(r"Een getal van (-?[\d.]+|None) tot en met (-?[\d.]+|None)")
_DATE_PARTS = ("day", "month", "year")
# a date inside every date question's range in the questionnaires (2022-01-01 .. today and
# 1920-01-01 .. today)
ANSWER_DATE = ("15", "3", "2023")


class RequestFailed(Exception):
    """A request that got no usable answer: reset, time-out, 5xx or an unexpected page."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: str
    path: str

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class Stats:
    """Counters and latencies of one run; `record` is called for every request."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))  # kind -> seconds
    errors: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    ack_times: list = field(default_factory=list)  # monotonic time of each acknowledged page
    window: tuple | None = None  # (start, end): only requests that start inside it count
    samples: dict = field(default_factory=dict)  # error kind -> the first such page's HTML

    def in_window(self, started: float) -> bool:
        return self.window is None or self.window[0] <= started <= self.window[1]

    def record(self, kind: str, started: float, seconds: float):
        if self.in_window(started):
            self.latencies[kind].append(seconds)

    def error(self, kind: str, started: float | None = None):
        if started is None or self.in_window(started):
            self.errors[kind] += 1
        self.events["errors_total"] += 1


class Servers:
    """Round-robin over app servers, skipping one that refuses connections for a while."""

    def __init__(self, addresses: list[tuple[str, int]], down_seconds: float = 3.0):
        self.addresses = list(addresses)
        self.down_until = [0.0] * len(addresses)
        self.down_seconds = down_seconds
        self._next = 0

    def pick(self) -> int:
        now = time.monotonic()
        for _ in range(len(self.addresses)):
            index = self._next % len(self.addresses)
            self._next += 1
            if self.down_until[index] <= now:
                return index
        return self._next % len(self.addresses)

    def mark_down(self, index: int):
        self.down_until[index] = time.monotonic() + self.down_seconds


class Client:
    """One browser: its cookies, and requests to the servers."""

    def __init__(self, servers: Servers, stats: Stats, timeout: float = 30.0):
        self.servers = servers
        self.stats = stats
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, form: dict | list | None = None,
                      kind: str | None = None) -> Response:
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        for attempt in range(len(self.servers.addresses) + 1):
            index = self.servers.pick()
            host, port = self.servers.addresses[index]
            started = time.monotonic()
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), self.timeout)
            except (ConnectionRefusedError, OSError, asyncio.TimeoutError) as exc:
                # nothing was sent: a load balancer tries the next server
                self.servers.mark_down(index)
                self.stats.events["connect_refused_retried"] += 1
                if attempt == len(self.servers.addresses):
                    self.stats.error("connect", started)
                    raise RequestFailed("connect", repr(exc)) from None
                await asyncio.sleep(0.2)
                continue
            try:
                response = await asyncio.wait_for(
                    self._exchange(reader, writer, method, host, port, path, body), self.timeout)
            except asyncio.TimeoutError:
                self.stats.error("timeout", started)
                raise RequestFailed("timeout", f"{method} {path}") from None
            except (ConnectionError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                self.stats.error("reset", started)
                raise RequestFailed("reset", f"{method} {path}: {exc!r}") from None
            finally:
                writer.close()
            self.stats.events["requests_all"] += 1
            self.stats.record(kind or method, started, time.monotonic() - started)
            if response.status >= 500:
                self.stats.error(f"http_{response.status}", started)
                # the whole page (up to 20 kB): its message comes after the head and header
                self.stats.samples.setdefault(f"http_{response.status}", response.body[:20_000])
                raise RequestFailed(f"http_{response.status}", f"{method} {path}")
            return response
        raise AssertionError("unreachable")

    async def _exchange(self, reader, writer, method, host, port, path, body) -> Response:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close",
                 f"User-Agent: {USER_AGENT}", "Accept: text/html", "Accept-Language: nl"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded",
                      f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read(-1)
        head, _, payload = raw.partition(b"\r\n\r\n")
        if not head:
            raise ConnectionResetError("empty response")
        head_lines = head.decode("latin-1").split("\r\n")
        status = int(head_lines[0].split(" ", 2)[1])
        headers = []
        for line in head_lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        if any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers):
            payload = _dechunk(payload)
        else:
            length = next((int(v) for k, v in headers if k.lower() == "content-length"), None)
            if length is not None and len(payload) < length:
                raise ConnectionResetError(f"short body: {len(payload)} of {length} bytes")
        for name, value in headers:
            if name.lower() == "set-cookie":
                self._set_cookie(value)
        return Response(status, headers, payload.decode("utf-8", "replace"), path)

    def _set_cookie(self, header: str):
        first, *attributes = header.split(";")
        name, _, value = first.strip().partition("=")
        expired = any(a.strip().lower().startswith(("max-age=0", "expires=thu, 01 jan 1970"))
                      for a in attributes)
        if expired or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


def _dechunk(payload: bytes) -> bytes:
    out, rest = [], payload
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


# --------------------------------------------------------------------------- the form


def answer_form(page_html: str, rng: random.Random) -> tuple[dict, dict]:
    """A valid answer to every question on a questionnaire page, read from its HTML.

    Returns (form fields to post as name -> value, values expected in the answer table as
    variable -> text or None for a question left open).

    >>> form, expected = answer_form('<div class="form-group"><input type="radio" '
    ...     'name="tevreden" value="ja"></div>', random.Random(1))
    >>> form, expected
    ({'tevreden': 'ja'}, {'tevreden': 'ja'})
    """
    form, expected = {}, {}
    for chunk in page_html.split('<div class="form-group')[1:]:
        required = "(verplicht)" in chunk
        radios, boxes, texts = defaultdict(list), defaultdict(list), []
        for tag in _INPUT_RE.findall(chunk):
            attrs = dict(_ATTR_RE.findall(tag))
            name, kind = html.unescape(attrs.get("name", "")), attrs.get("type", "text")
            if not name or name == "csrf_token":
                continue
            if kind == "radio":
                value = html.unescape(attrs.get("value", ""))
                if value:  # "" is the hidden "no answer" radio every group starts with
                    radios[name].append(value)
            elif kind == "checkbox":
                boxes[name].append(html.unescape(attrs.get("value", "")))
            elif kind == "text":
                texts.append(name)
        areas = [html.unescape(dict(_ATTR_RE.findall(t)).get("name", ""))
                 for t in _TEXTAREA_RE.findall(chunk)]
        for name, values in radios.items():
            # people lean to the first option (ja, zeer tevreden): with uniform answers half of
            # them would say they do not live at the address and leave after the first page
            choice = values[0] if rng.random() < 0.7 else rng.choice(values)
            form[name] = expected[name] = choice
        dates = {n.rsplit("-", 1)[0] for n in texts if n.rsplit("-", 1)[-1] in _DATE_PARTS}
        for variable in dates:
            for part, value in zip(_DATE_PARTS, ANSWER_DATE):
                form[f"{variable}-{part}"] = value
            day, month, year = ANSWER_DATE
            expected[variable] = f"{year}-{int(month):02d}-{int(day):02d}"
        for name in texts:
            if name.rsplit("-", 1)[0] in dates:
                continue
            low, high = _number_range(chunk)
            missing = boxes.pop(f"{name}-missing", None)
            if missing and (low is None or rng.random() < 0.1):
                form[f"{name}-missing"] = expected[name] = missing[0]
            else:
                value = str(rng.randint(low if low is not None else 0,
                                        high if high is not None else max(low or 0, 0) + 10))
                form[name] = expected[name] = value
        for name, values in boxes.items():  # multiple choice: one option is always valid
            form[name] = expected[name] = rng.choice(values)
        for name in areas:
            if required or rng.random() < 0.3:
                form[name] = expected[name] = f"Een antwoord van respondent {rng.randint(1, 10**6)}."
            else:
                expected[name] = None
    return form, expected


def _number_range(chunk: str) -> tuple[int | None, int | None]:
    match = _RANGE_RE.search(chunk)
    if not match:
        return None, None
    import math

    low = None if match.group(1) == "None" else math.ceil(float(match.group(1)))
    high = None if match.group(2) == "None" else math.floor(float(match.group(2)))
    return low, high


# --------------------------------------------------------------------------- a respondent


@dataclass
class Journey:
    """What happened to one respondent."""

    code: str
    acknowledged: int = 0
    completed: bool = False
    errors: int = 0
    continued_after_error: bool = False
    validation_errors: int = 0
    last_error: str = ""


class AckLog:
    """The acknowledgement log: one JSON line per page the server acknowledged (303 after
    the POST), flushed at once so that it survives whatever happens to the servers."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")

    def write(self, record: dict):
        self.file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.file.flush()

    def close(self):
        self.file.close()


def _location_path(response: Response) -> str:
    location = response.header("Location") or ""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def run_respondent(code: str, servers: Servers, stats: Stats, log: AckLog,
                         think=(2.0, 8.0), seed: int = 0, deadline: float | None = None,
                         max_failures: int = 20) -> Journey:
    """One respondent from the start page to the thank-you page (or until `deadline`, a
    `time.monotonic()` value, or `max_failures` failed requests in a row).

    `think` is the (low, high) pause in seconds before each page is posted, drawn uniformly.
    """
    rng = random.Random(seed)
    client = Client(servers, stats)
    journey = Journey(code)
    response = None
    failures_in_a_row = 0

    async def follow(resp: Response, kind: str) -> Response:
        while resp.status in (301, 302, 303):
            resp = await client.request("GET", _location_path(resp), kind=kind)
        return resp

    async def log_in() -> Response:
        page = await client.request("GET", "/start", kind="start")
        token = _CSRF_RE.search(page.body)
        if page.status != 200 or not token:
            raise RequestFailed("unexpected", f"start page {page.status}")
        await asyncio.sleep(rng.uniform(*think) / 2)
        resp = await client.request("POST", "/start", {"csrf_token": token.group(1), "code": code},
                                    kind="login")
        if resp.status != 303:
            raise RequestFailed("unexpected", f"login answered {resp.status}")
        return await follow(resp, "page_get")

    while deadline is None or time.monotonic() < deadline:
        try:
            if response is None:
                response = await log_in()
            path = response.path.split("?")[0]
            if path == "/start" or path.startswith("/opgeslagen"):
                response = await log_in()  # the session ended: log in again with the code
                continue
            if path == "/vragenlijst/bedankt":
                journey.completed = True
                log.write({"code": code, "completed": True})
                return journey
            if response.status != 200:
                raise RequestFailed("unexpected", f"{response.status} on {path}")
            token = _CSRF_RE.search(response.body)
            if not token:
                raise RequestFailed("unexpected", f"no form on {path}")
            if path == "/vragenlijst/beeindigen":
                # the screening answer ends it: confirm, as a resident who moved would
                await asyncio.sleep(rng.uniform(*think))
                posted = await client.request("POST", response.path,
                                              {"csrf_token": token.group(1), "action": "end"},
                                              kind="review")
                response = await follow(posted, "page_get")
                continue
            if path == "/vragenlijst/controleren":
                await asyncio.sleep(rng.uniform(*think))
                posted = await client.request("POST", response.path,
                                              {"csrf_token": token.group(1)}, kind="review")
                response = await follow(posted, "page_get")
                continue
            if not path.startswith("/vragenlijst/pagina/"):
                raise RequestFailed("unexpected", f"page {path}")
            page_id = path.rsplit("/", 1)[1]
            form, expected = answer_form(response.body, rng)
            await asyncio.sleep(rng.uniform(*think))
            posted = await client.request(
                "POST", response.path, {"csrf_token": token.group(1), "action": "next", **form},
                kind="page_post")
            if posted.status == 303:
                journey.acknowledged += 1
                stats.ack_times.append(time.monotonic())
                if journey.errors:
                    journey.continued_after_error = True
                # a part of a page with a long grid (?deel=) leads to the page's next part:
                # its answers are stored, the page is marked submitted only with its last part
                part_only = _location_path(posted).split("?")[0] == path
                log.write({"code": code, "page": page_id, "values": expected,
                           "t": round(time.time(), 3), **({"part": True} if part_only else {})})
                failures_in_a_row = 0
                response = await follow(posted, "page_get")
            elif posted.status == 200 and "error-summary" in posted.body:
                journey.validation_errors += 1
                stats.error("validation", None)
                raise RequestFailed("validation", page_id)
            else:
                raise RequestFailed("unexpected", f"POST {path} answered {posted.status}")
        except RequestFailed as exc:
            journey.errors += 1
            journey.last_error = str(exc)
            failures_in_a_row += 1
            if exc.kind in ("unexpected", "validation"):
                stats.error(exc.kind, None)
            if failures_in_a_row >= max_failures:
                return journey
            # a person reloads after a moment; the server shows where to carry on
            await asyncio.sleep(min(0.5 * failures_in_a_row, 3.0) * rng.uniform(0.5, 1.5))
            try:
                response = await follow(
                    await client.request("GET", "/vragenlijst/", kind="resume"), "page_get")
            except RequestFailed:
                response = None if not client.cookies else response
    return journey


async def run_load(codes, servers: list[tuple[str, int]], log_path, *, users: int,
                   duration: float, ramp: float = 5.0, think=(2.0, 8.0), seed: int = 1,
                   during=None) -> dict:
    """`users` respondents at a time for `duration` seconds (after a `ramp` in which they
    start spread out); a respondent who finishes is replaced by the next code. `during`, an
    optional coroutine function, runs alongside (faults). Returns the figures (see `summary`).

    Latencies and errors count for requests that start in the measuring window (after the
    ramp); errors also count in total.
    """
    codes = iter(codes)
    stats = Stats()
    pool = Servers(servers)
    log = AckLog(log_path)
    start = time.monotonic()
    stats.window = (start + ramp, start + ramp + duration)
    end = stats.window[1]
    journeys: list[Journey] = []

    async def user(number: int):
        await asyncio.sleep(ramp * number / max(users, 1))
        while time.monotonic() < end:
            code = next(codes, None)
            if code is None:
                stats.events["codes_exhausted"] += 1
                return
            journeys.append(await run_respondent(code, pool, stats, log, think=think,
                                                 seed=seed * 1_000_003 + len(journeys),
                                                 deadline=end))

    tasks = [asyncio.create_task(user(i)) for i in range(users)]
    if during is not None:
        tasks.append(asyncio.create_task(during()))
    await asyncio.gather(*tasks)
    log.close()
    return summary(stats, journeys, users, duration)


def percentile(values, q) -> float:
    """Nearest-rank percentile (q in 0..100) of `values`; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(stats: Stats, journeys, users: int, duration: float) -> dict:
    window_start, window_end = stats.window or (0, float("inf"))
    acks = sum(1 for t in stats.ack_times if window_start <= t <= window_end)
    all_latencies = [v for values in stats.latencies.values() for v in values]
    posts = stats.latencies.get("page_post", [])
    hit = [j for j in journeys if j.errors]
    return {
        "users": users,
        "seconds": duration,
        "page_submissions": acks,
        "submissions_per_s": acks / duration if duration else float("nan"),
        "requests": len(all_latencies),
        "requests_all": stats.events["requests_all"],
        "requests_per_s": len(all_latencies) / duration if duration else float("nan"),
        "p50_ms": 1000 * percentile(all_latencies, 50),
        "p95_ms": 1000 * percentile(all_latencies, 95),
        "p99_ms": 1000 * percentile(all_latencies, 99),
        "post_p50_ms": 1000 * percentile(posts, 50),
        "post_p95_ms": 1000 * percentile(posts, 95),
        "post_p99_ms": 1000 * percentile(posts, 99),
        "errors": sum(stats.errors.values()),
        "errors_by_kind": dict(stats.errors),
        "errors_total": stats.events["errors_total"],
        "connect_retries": stats.events["connect_refused_retried"],
        "respondents": len(journeys),
        "completed": sum(j.completed for j in journeys),
        "acknowledged_total": sum(j.acknowledged for j in journeys),
        "respondents_hit_by_error": len(hit),
        "continued_after_error": sum(j.continued_after_error or j.completed for j in hit),
        "stuck": [(j.code, j.last_error) for j in hit
                  if not (j.continued_after_error or j.completed)][:5],
        "stuck_count": sum(1 for j in hit if not (j.continued_after_error or j.completed)),
        "error_pages": stats.samples,
    }


# --------------------------------------------------------------------------- the audit


def audit(database_url: str, log_path, units: dict | None = None) -> dict:
    """Compare every acknowledged page in the log at `log_path` with the database.

    The codes are looked up in identity_link, or in `units` (code -> sample unit id) when
    given (test units made without an identity side). For each respondent the expected
    answers are the values of its acknowledged pages, the
    later page winning for a variable posted twice. A variable is *missing* when the database
    has no answer (or, for a question left open, *changed* when it has one), *changed* when
    the stored text differs; a variable that later answers routed off the respondent's path
    (the router's rules) is counted as *routed_off*, not lost. Each acknowledged page must also
    be marked submitted in the paradata, and a respondent who reached the thanks page must be
    completed, or screened out when its stored answers screen it out (*screened_out*).

    A page is written whole or not at all: answers of a page that is not marked submitted
    (a transaction half applied) count as *half_written*.

    Returns {"pages", "variables", "missing", "changed", "routed_off", "pages_not_marked",
    "not_completed", "half_written", "screened_out", "examples"}; the audit passes
    (`audit_passed`) when all but pages, variables, routed_off and screened_out are 0.
    """
    from sqlalchemy import select

    from survey import storage
    from survey.paths import QUESTIONNAIRES_DIR
    from survey.models import Answer, IdentityLink, PageVisit, SampleUnit
    from survey.questionnaire.loader import load_questionnaire
    from survey.questionnaire.router import Router

    expected: dict[str, dict] = defaultdict(dict)
    pages: dict[str, set] = defaultdict(set)
    partial: dict[str, set] = defaultdict(set)  # pages of which only parts were acknowledged
    completed: set[str] = set()
    page_count = 0
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("completed"):
                completed.add(record["code"])
                continue
            page_count += 1
            expected[record["code"]].update(record["values"])
            if record.get("part"):
                partial[record["code"]].add(record["page"])
            else:
                pages[record["code"]].add(record["page"])

    result = {"pages": page_count, "variables": 0, "missing": 0, "changed": 0, "routed_off": 0,
              "pages_not_marked": 0, "not_completed": 0, "half_written": 0, "screened_out": 0,
              "examples": []}
    routers = {}
    codes = sorted(set(expected) | completed)
    with storage.transaction(database_url) as db:
        for start in range(0, len(codes), 500):
            batch = codes[start:start + 500]
            if units is None:
                by_code = dict(db.execute(
                    select(IdentityLink.access_code, SampleUnit)
                    .join(SampleUnit, SampleUnit.id == IdentityLink.sample_unit_id)
                    .where(IdentityLink.access_code.in_(batch))).all())
            else:
                by_id = {u.id: u for u in db.scalars(select(SampleUnit).where(
                    SampleUnit.id.in_([units[c] for c in batch if c in units])))}
                by_code = {c: by_id[units[c]] for c in batch if units.get(c) in by_id}
            ids = [u.id for u in by_code.values()]
            stored = defaultdict(dict)
            for unit_id, variable, value in db.execute(
                    select(Answer.sample_unit_id, Answer.variable, Answer.value)
                    .where(Answer.sample_unit_id.in_(ids))):
                if value is not None:
                    stored[unit_id][variable] = value
            answered_pages = defaultdict(set)
            for unit_id, page_id in db.execute(
                    select(Answer.sample_unit_id, Answer.page_id).distinct()
                    .where(Answer.sample_unit_id.in_(ids))):
                answered_pages[unit_id].add(page_id)
            marked = defaultdict(set)
            for unit_id, page_id in db.execute(
                    select(PageVisit.sample_unit_id, PageVisit.page_id)
                    .where(PageVisit.sample_unit_id.in_(ids), PageVisit.submitted_at.is_not(None))):
                marked[unit_id].add(page_id)
            for code in batch:
                unit = by_code.get(code)
                if unit is None:
                    result["missing"] += len(expected.get(code, {}))
                    result["examples"].append(f"{code}: no sample unit with this code")
                    continue
                answers = stored[unit.id]
                if unit.questionnaire_id not in routers:
                    routers[unit.questionnaire_id] = Router(load_questionnaire(
                        QUESTIONNAIRES_DIR / f"{unit.questionnaire_id}.yaml"))
                # the thanks page also ends a questionnaire whose screening answer closed the
                # unit (4.10): that unit is rightly screened out, not lost
                finished = unit.status == "completed" or (
                    unit.status == "screened_out"
                    and routers[unit.questionnaire_id].screened_out(answers))
                if code in completed and not finished:
                    result["not_completed"] += 1
                    result["examples"].append(f"{code}: completed but status {unit.status}")
                if code in completed and unit.status == "screened_out" and finished:
                    result["screened_out"] += 1
                on_path = set(routers[unit.questionnaire_id].variables_on_path(answers))
                for variable, value in expected.get(code, {}).items():
                    result["variables"] += 1
                    have = answers.get(variable)
                    if have == value:
                        continue
                    if variable not in on_path:
                        result["routed_off"] += 1
                        continue
                    kind = "missing" if have is None else "changed"
                    result[kind] += 1
                    if len(result["examples"]) < 10:
                        result["examples"].append(
                            f"{code} ({unit.id}) {variable}: acknowledged {value!r}, stored {have!r}")
                # a page is stored whole or not at all: its answers come with its mark
                unfinished = partial.get(code, set()) - pages.get(code, set())
                for page_id in answered_pages[unit.id] - marked[unit.id] - unfinished:
                    result["half_written"] += 1
                    if len(result["examples"]) < 10:
                        result["examples"].append(
                            f"{code}: answers of page {page_id} without the page marked submitted")
                for page_id in pages.get(code, ()):
                    if page_id not in marked[unit.id]:
                        result["pages_not_marked"] += 1
                        if len(result["examples"]) < 10:
                            result["examples"].append(f"{code}: page {page_id} not marked submitted")
    return result


def audit_passed(result: dict) -> bool:
    return not (result["missing"] or result["changed"] or result["pages_not_marked"]
                or result["not_completed"] or result["half_written"])
