"""The faults of benchmarks/faults.py, each a coroutine run while respondents answer: kill -9 of
a gunicorn worker or of a whole app server, a PostgreSQL restart (with logins probing it), a
full disk (shared with tests/integration/test_faults.py)."""

import asyncio
import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def fault_worker(servers):
    async def fault():
        pid = servers[0].kill_worker()
        return {"killed_worker": pid}
    return fault


def fault_server(servers, down_seconds):
    async def fault():
        victim = servers[1]
        victim.kill()
        killed_at = time.monotonic()
        await asyncio.sleep(down_seconds)
        await asyncio.to_thread(victim.start)
        return {"server_down_s": round(time.monotonic() - killed_at, 1)}
    return fault


def fault_postgres(pg, servers=None, codes=None, probe_seconds=6.0):
    """Restart PostgreSQL. With `servers` and `codes`, also log in with right codes every
    0.1 s from the restart on for `probe_seconds`: the login path now writes the login limit's
    count to the database, and a restart must give a clear 503 page, never a 500, and logins
    must work again once the database is back."""
    async def fault():
        started = time.monotonic()
        probe = None
        if servers and codes:
            probe = asyncio.create_task(asyncio.to_thread(
                login_probe, [s.port for s in servers], codes.take(int(probe_seconds * 10)),
                probe_seconds))
        await asyncio.to_thread(pg.restart)
        notes = {"postgres_restart_s": round(time.monotonic() - started, 1)}
        if probe is not None:
            notes["logins"] = await probe
        return notes
    return fault


def login_probe(ports, codes, seconds) -> dict:
    """Log in with each of `codes` in turn (alternating servers) for `seconds`; returns how
    many logins got each answer (303 in, 503 database unavailable, 500 a hard failure) and
    whether the last ones got in."""
    from tests.support.guessing import Guesser

    statuses = []
    deadline = time.monotonic() + seconds
    guesser = Guesser(ports, "127.0.0.1")
    for number, code in enumerate(codes):
        if time.monotonic() > deadline:
            break
        try:
            statuses.append(str(guesser.enter(code, number)))
        except OSError as exc:
            statuses.append(type(exc).__name__)
        time.sleep(0.1)
    tally = {status: statuses.count(status) for status in sorted(set(statuses))}
    tally["last_logged_in"] = bool(statuses) and statuses[-1] == "303"
    return tally


def fault_disk_full(directory, full_seconds):
    async def fault():
        filler = Path(directory) / "filler"
        written = 0
        # unbuffered, so that no write is left to fail when the file is closed
        with open(filler, "wb", buffering=0) as f:
            for size in (1 << 20, 65536, 4096, 512, 1):  # down to the last byte
                block = b"\0" * size
                try:
                    while True:
                        written += f.write(block)
                except OSError:
                    pass
        await asyncio.sleep(full_seconds)
        filler.unlink()
        return {"disk_full_s": full_seconds, "filler_mib": round(written / 2**20, 1)}
    return fault


@contextlib.contextmanager
def small_tmpfs(size_mib):
    """A tmpfs of `size_mib` MiB mounted on a fresh folder (root only)."""
    directory = tempfile.mkdtemp(prefix="wijkprofiel-diskfull-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mib}m", "tmpfs", directory],
                   check=True, capture_output=True)
    try:
        yield Path(directory)
    finally:
        subprocess.run(["umount", "-l", directory], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


def truncate_wal(url):
    """Checkpoint and empty SQLite's write-ahead log. Seeding leaves megabytes of log whose
    blocks the app would reuse, so a full disk would go unnoticed for a while; from an empty
    log every commit needs new blocks."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def sqlite_integrity(url):
    import sqlite3

    path = url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
