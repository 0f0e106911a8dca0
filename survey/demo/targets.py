"""The demo edition's per-wijk targets of net responses, as a FIELDWORK_TARGETS file.

The dashboard and the phone call list read their targets from FIELDWORK_TARGETS (a number
for every wijk, default 420, or a CSV `wijk_code,target`). 420 per wijk belongs to the full
edition of 75,000 letters; a demo seeded with `--scale 0.05` has 3,750 letters and would show
every wijk at 5% of its target. So `demo seed` writes the targets its sample was sized for
(`survey.demo.sample.net_targets`) to `<instance>/demo-fieldwork-targets.csv`, and `demo run`
serves with FIELDWORK_TARGETS pointing there, unless the configuration names targets itself.
"""

import csv
from pathlib import Path

TARGETS_FILE = "demo-fieldwork-targets.csv"

__all__ = ["TARGETS_FILE", "targets_path", "write_targets", "use_demo_targets"]


def targets_path(instance_path) -> Path:
    return Path(instance_path) / TARGETS_FILE


def write_targets(path: Path, targets: dict[int, int]) -> Path:
    """Write `targets` (wijk_code -> target) as the CSV that FIELDWORK_TARGETS reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["wijk_code", "target"])
        writer.writerows(sorted(targets.items()))
    return path


def use_demo_targets(config, instance_path) -> Path | None:
    """Point FIELDWORK_TARGETS at the demo's targets file when the configuration does not set
    it and the file exists. Returns the file used, or None."""
    path = targets_path(instance_path)
    if "FIELDWORK_TARGETS" in config or not path.is_file():
        return None
    config["FIELDWORK_TARGETS"] = str(path)
    return path
