"""The login limit's counts in the database (`survey.rate_limit_storage`), shared by every
worker and app server: on both backends the storage counts atomically under concurrency, two
app instances on one database share one count, the window ends, and ended rows are deleted.

The last test runs the real setup: two `wijkprofiel serve` servers of three workers on one
PostgreSQL database (benchmarks/guessing.py prints the same figures, and those of `memory://`
where each worker counted for itself: 109 to 120 wrong codes instead of 20).
"""

import threading

import pytest
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import func, select

from survey import storage
from survey.models import RateLimitCounter
from survey.rate_limit_storage import DatabaseStorage
from tests.support.app_servers import start_servers, uninvited_codes

from tests.support.guessing import Guesser, burst, sequential
from tests.support.security import OTHER_CODE, RESPONDENT_CODE, guess, wrong_code

LIMIT = parse("20 per 10 minutes")


def rows(url) -> int:
    with storage.transaction(url) as db:
        return db.scalar(select(func.count()).select_from(RateLimitCounter))


def test_two_workers_share_one_count_and_the_21st_is_refused(database_url, clock):
    # two storages on one database, as two workers (or two servers) each hold one
    first = FixedWindowRateLimiter(DatabaseStorage(database_url=database_url))
    second = FixedWindowRateLimiter(DatabaseStorage(database_url=database_url))
    allowed = [(first if n % 2 else second).hit(LIMIT, "198.51.100.5") for n in range(21)]
    assert allowed == [True] * 20 + [False]
    assert not first.test(LIMIT, "198.51.100.5") and not second.test(LIMIT, "198.51.100.5")
    assert first.hit(LIMIT, "198.51.100.6")  # another address has its own count
    # the window ends ten minutes after the first wrong code: then the address may try again
    clock.now += 10 * 60 + 1
    assert second.test(LIMIT, "198.51.100.5") and second.hit(LIMIT, "198.51.100.5")
    assert first.get_window_stats(LIMIT, "198.51.100.5").remaining == 19


def test_concurrent_increments_are_each_counted_once(database_url):
    """Eight threads on two storages add 25 each to one key: every count from 1 to 200 is
    returned exactly once, so no increment was lost or read twice."""
    storages = [DatabaseStorage(database_url=database_url) for _ in range(2)]
    counts, barrier = [], threading.Barrier(8)

    def attacker(number):
        barrier.wait()
        for _ in range(25):
            counts.append(storages[number % 2].incr("LIMITER/198.51.100.7/start", 600))

    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 201))


def test_ended_windows_are_deleted_when_a_new_one_starts(database_url, clock):
    store = DatabaseStorage(database_url=database_url)
    for number in range(50):
        store.incr(f"LIMITER/198.51.100.{number}/start", 600)
    assert rows(database_url) == 50
    clock.now += 601
    assert store.get("LIMITER/198.51.100.1/start") == 0  # ended: counts as absent
    assert store.get_expiry("LIMITER/198.51.100.1/start") == clock.now
    store.incr("LIMITER/203.0.113.1/start", 600)
    assert rows(database_url) == 1  # only the new window's row is left


def test_a_right_code_gives_its_attempt_back_and_the_count_never_goes_below_zero(
        database_url, clock):
    store = DatabaseStorage(database_url=database_url)
    key = "LIMITER/198.51.100.8/start"
    assert store.incr(key, 600) == 1 and store.incr(key, 600) == 2
    assert store.decr(key) == 1 and store.decr(key) == 0 and store.decr(key) == 0
    assert store.decr("LIMITER/never-seen/start") == 0
    assert rows(database_url) == 0  # back at 0: the address is not kept
    store.incr(key, 600)
    store.clear(key)
    assert rows(database_url) == 0
    store.incr(key, 600)
    assert store.reset() == 1 and store.check()


def test_a_database_that_does_not_answer_fails_the_health_check(tmp_path):
    store = DatabaseStorage(database_url="postgresql://nobody@127.0.0.1:1/none")
    assert store.check() is False


def test_two_app_instances_on_one_database_share_the_count(build_app, make_app, sqlite_url, clock):
    """Twenty wrong codes, alternating between two apps on one database: the 21st is refused
    on either, and the owner gets in once the window has ended."""
    first = build_app(sqlite_url)
    second = make_app(sqlite_url, QUESTIONNAIRES_DIR=first.config["QUESTIONNAIRES_DIR"])
    assert first.config["RATELIMIT_STORAGE_URI"] == "database://"
    address = "198.51.100.20"
    for number in range(20):
        clock.now += 1
        app = first if number % 2 else second
        assert guess(app.test_client(), wrong_code(number), address).status_code == 200
    clock.now += 1
    assert guess(first.test_client(), wrong_code(20), address).status_code == 429
    assert guess(second.test_client(), RESPONDENT_CODE, address).status_code == 429
    clock.now += 10 * 60
    assert guess(first.test_client(), RESPONDENT_CODE, address).status_code == 303
    # a right code leaves nothing behind: no count, no address
    assert guess(second.test_client(), OTHER_CODE, "198.51.100.23").status_code == 303
    with storage.transaction(sqlite_url) as db:
        assert db.scalar(select(func.count()).select_from(RateLimitCounter).where(
            RateLimitCounter.limit_key.contains("198.51.100.23"))) == 0


def test_memory_store_stays_available_when_asked_for(build_app, sqlite_url):
    app = build_app(sqlite_url, RATELIMIT_STORAGE_URI="memory://")
    assert guess(app.test_client(), wrong_code(1), "198.51.100.21").status_code == 200
    assert rows(sqlite_url) == 0


def test_logins_go_on_when_the_count_cannot_be_stored(build_app, sqlite_url, monkeypatch):
    """Fail open to each worker's memory: a database that refuses the count (here: raised by
    the store) must not turn the start page into an error page."""
    from sqlalchemy.exc import OperationalError

    from survey.security import limiter

    def unavailable(*_args, **_kwargs):
        raise OperationalError("INSERT INTO rate_limit_counter ...", {}, Exception("gone"))

    app = build_app(sqlite_url)
    monkeypatch.setattr(DatabaseStorage, "incr", unavailable)
    monkeypatch.setattr(DatabaseStorage, "check", lambda self: False)
    try:
        assert guess(app.test_client(), wrong_code(2), "198.51.100.22").status_code == 200
        assert guess(app.test_client(), RESPONDENT_CODE, "198.51.100.22").status_code == 303
        assert rows(sqlite_url) == 0
    finally:
        limiter._storage_dead = False  # the process-wide limiter: back to the database


@pytest.mark.slow
@pytest.mark.postgres
def test_two_gunicorn_servers_of_three_workers_allow_twenty_wrong_codes_in_all(
        postgres_server, tmp_path, monkeypatch):
    from survey.demo.seed import seed_edition

    url = postgres_server.create_database()
    seed_edition(url, seed=7, scale=0.005)
    monkeypatch.setenv("TRUSTED_PROXIES", "1")  # the client address is X-Forwarded-For
    servers = start_servers(url, 2, 3, tmp_path, threads=2)
    try:
        ports = [server.port for server in servers]
        one_by_one = sequential(ports, "198.51.100.30", 60)
        at_once = burst(ports, "198.51.100.31", 30)
        owner = Guesser(ports, "198.51.100.32").enter(uninvited_codes(url, 1)[0])
    finally:
        for server in servers:
            server.stop()
    assert one_by_one == {"looked_up": 20, "refused": 40, "other": 0}
    assert at_once == {"looked_up": 20, "refused": 10, "other": 0}
    assert owner == 303
