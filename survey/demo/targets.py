"""The demo edition's per-wijk targets of net responses, as a FIELDWORK_TARGETS file.

The dashboard and the phone call list read their targets from FIELDWORK_TARGETS (a number
for every wijk, default 420, or a CSV `wijk_code,target`). 420 per wijk belongs to the full
edition of 75,000 letters; a demo seeded with `--scale 0.05` has 3,750 letters and would show
every wijk at 5% of its target. So `demo seed` writes the targets its sample was sized for
(`survey.demo.sample.net_targets`) to a file that belongs to the seeded database
(`targets_path`), and `demo run` serves with FIELDWORK_TARGETS pointing there, unless the
configuration names targets itself. The file follows the database, not the instance folder, so
that a demo seeded into another database (a test's) never changes this one's targets.
"""

import csv
import hashlib
from pathlib import Path

from sqlalchemy.engine import make_url

TARGETS_SUFFIX = ".fieldwork-targets.csv"

__all__ = ["TARGETS_SUFFIX", "targets_path", "write_targets", "use_demo_targets"]


def targets_path(database_url: str, instance_path) -> Path:
    """Where the demo's targets for the database at `database_url` are kept: beside a SQLite
    file (`demo.db` -> `demo.db.fieldwork-targets.csv`), else in the instance folder under a
    name made from the URL (password left out).

    >>> targets_path("sqlite:////tmp/demo.db", "/srv/instance").as_posix()
    '/tmp/demo.db.fieldwork-targets.csv'
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(database.name + TARGETS_SUFFIX)
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return Path(instance_path) / f"demo-{digest}{TARGETS_SUFFIX}"


def write_targets(path: Path, targets: dict[int, int]) -> Path:
    """Write `targets` (wijk_code -> target) as the CSV that FIELDWORK_TARGETS reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["wijk_code", "target"])
        writer.writerows(sorted(targets.items()))
    return path


def use_demo_targets(config, instance_path) -> Path | None:
    """Point FIELDWORK_TARGETS at the demo's targets file of the configured DATABASE_URL when
    the configuration does not set it and the file exists. Returns the file used, or None."""
    path = targets_path(config["DATABASE_URL"], instance_path)
    if "FIELDWORK_TARGETS" in config or not path.is_file():
        return None
    config["FIELDWORK_TARGETS"] = str(path)
    return path
