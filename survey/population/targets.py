"""Target net responses per wijk outside the database: the FIELDWORK_TARGETS setting (one number
for every wijk, or a CSV `wijk_code,target`) and the targets file that belongs to a database.

420 per wijk belongs to the full edition of 75,000 letters. A database seeded with a smaller
sample (`demo seed --scale 0.05`) keeps the targets its sample was sized for in a file beside
it (`database_targets_path`, written with `write_targets`), which the dashboard, the call list
and the draw read whenever FIELDWORK_TARGETS is not set (`targets_setting`). The file follows
the database, not the instance folder, so that a database seeded elsewhere (a test's) never
changes this one's targets. Targets stored with an edition (`survey.fieldwork.targets`) come
before all of these.
"""

import csv
import hashlib
from pathlib import Path

from sqlalchemy.engine import make_url

from survey.errors import InputError
from weighting import tables

DEFAULT_TARGET = 420
"""Net responses wanted per wijk in a full edition (domain notes)."""

__all__ = ["DEFAULT_TARGET", "TARGETS_SUFFIX", "database_targets_path", "targets_setting",
           "load_targets", "write_targets"]


TARGETS_SUFFIX = ".fieldwork-targets.csv"


def database_targets_path(database_url: str, instance_path) -> Path:
    """The targets file that belongs to the database at `database_url` (`demo seed` writes
    one sized to its sample): beside a SQLite file (`demo.db` ->
    `demo.db.fieldwork-targets.csv`), else in the instance folder under a name made from the
    URL (password left out).

    >>> database_targets_path("sqlite:////tmp/demo.db", "/srv/instance").as_posix()
    '/tmp/demo.db.fieldwork-targets.csv'
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(database.name + TARGETS_SUFFIX)
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return Path(instance_path) / f"demo-{digest}{TARGETS_SUFFIX}"


def targets_setting(config, database_url: str, instance_path):
    """What to read the targets from: FIELDWORK_TARGETS when `config` sets it; else the own
    targets file of the database at `database_url` (`database_targets_path`) when there is
    one; else DEFAULT_TARGET per wijk. The caller names the database (`storage.database_url()`
    in the app): this package knows neither the app nor the database."""
    if "FIELDWORK_TARGETS" in config:
        return config["FIELDWORK_TARGETS"]
    path = database_targets_path(database_url, instance_path)
    return str(path) if path.is_file() else DEFAULT_TARGET


def load_targets(setting, wijk_codes) -> dict[int, int]:
    """Target net responses per wijk from FIELDWORK_TARGETS.

    Args:
        setting: a whole number for every wijk (default 420), or the path of a CSV file with
            columns `wijk_code,target` (or an Excel workbook; read by `weighting.tables`);
            wijken missing from the file get DEFAULT_TARGET.
        wijk_codes: the wijken there are.
    Raises:
        InputError naming the file, row and column of a bad line.
    """
    if isinstance(setting, bool):
        raise InputError("FIELDWORK_TARGETS", f"{setting!r} is neither a number nor a CSV file")
    if isinstance(setting, (int, float)) or (isinstance(setting, str) and setting.strip().isdigit()):
        if float(setting) < 0 or float(setting) != int(float(setting)):
            raise InputError("FIELDWORK_TARGETS", f"{setting!r} is not a whole number of 0 or more")
        return {code: int(float(setting)) for code in wijk_codes}
    path = Path(str(setting))
    if not path.is_file():
        raise InputError("FIELDWORK_TARGETS", f"{setting!r} is neither a number nor a CSV file")
    known = set(wijk_codes)
    targets = {code: DEFAULT_TARGET for code in wijk_codes}
    table = tables.read_path(path)
    missing = {"wijk_code", "target"} - set(table.headers)
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(sorted(missing))}; "
                         "expected a header wijk_code,target", line=1)
    if table.errors:
        raise table.errors[0]
    code_at, target_at = table.headers.index("wijk_code"), table.headers.index("target")
    for number, record in zip(table.row_numbers.tolist(),
                              table.data.itertuples(index=False, name=None)):
        try:
            code = int(record[code_at])
        except ValueError:
            raise InputError(path, f"{record[code_at]!r} is not a wijk code (a whole number)",
                             row=number, column="wijk_code") from None
        if code not in known:
            raise InputError(path, f"wijk code {code} is not one of the wijken in the area table",
                             row=number, column="wijk_code")
        try:
            target = int(record[target_at])
        except ValueError:
            raise InputError(path, f"{record[target_at]!r} is not a whole number",
                             row=number, column="target") from None
        if target < 0:
            raise InputError(path, f"{target} is negative; a target is 0 or more",
                             row=number, column="target")
        targets[code] = target
    return targets


def write_targets(path: Path, targets: dict[int, int]) -> Path:
    """Write `targets` (wijk_code -> target) as the CSV that `load_targets` reads."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["wijk_code", "target"])
        writer.writerows(sorted(targets.items()))
    return path
