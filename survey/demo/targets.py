"""The demo edition's per-wijk targets of net responses, as a FIELDWORK_TARGETS file.

The dashboard and the phone call list read their targets from FIELDWORK_TARGETS (a number
for every wijk, default 420, or a CSV `wijk_code,target`). 420 per wijk belongs to the full
edition of 75,000 letters; a demo seeded with `--scale 0.05` has 3,750 letters and would show
every wijk at 5% of its target. So `demo seed` writes the targets its sample was sized for
(`survey.demo.sample.net_targets`) to a file that belongs to the seeded database
(`targets_path`), which the dashboard and the call list read whenever FIELDWORK_TARGETS is not
set (`survey.fieldwork.dashboard.targets_setting`), whether the app runs from `demo run`,
`serve` or `flask run`. The file follows the database, not the instance folder, so that a demo
seeded into another database (a test's) never changes this one's targets.
"""

import csv
from pathlib import Path

from survey.fieldwork.dashboard import TARGETS_SUFFIX, database_targets_path

__all__ = ["TARGETS_SUFFIX", "targets_path", "write_targets"]

targets_path = database_targets_path
"""Where the targets of a database are kept (`survey.fieldwork.dashboard`)."""


def write_targets(path: Path, targets: dict[int, int]) -> Path:
    """Write `targets` (wijk_code -> target) as the CSV that FIELDWORK_TARGETS reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["wijk_code", "target"])
        writer.writerows(sorted(targets.items()))
    return path
