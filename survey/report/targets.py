"""The college targets (`indices/targets.yaml`) against the series: per target and area the
baseline, the latest value with its uncertainty, the distance to go and whether it is on track."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from weighting.errors import InputError
from weighting.index_check import INDICES_DIR
from weighting.yaml_lines import line_of, read_yaml

TARGETS_PATH = INDICES_DIR / "targets.yaml"
Z95 = 1.96


@dataclass(frozen=True)
class Target:
    id: str
    title: str
    score: str
    areas: tuple
    baseline_edition: int
    rise: float
    by_edition: int


def load_targets(path=TARGETS_PATH, score_columns=None) -> list:
    """The targets, checked (each names file, line and target): known score column, areas,
    years. The file is read by `weighting.yaml_lines`, as every YAML file people write."""
    path = Path(path)
    data = read_yaml(path)
    raw = data.get("targets") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise InputError(path, "expected 'targets': a list of targets",
                         line=line_of(data, ["targets"]))
    targets = []

    def refuse(message, key=None):  # at the target being read, or at its `key`
        at = ["targets", number - 1] + ([key] if key else [])
        return InputError(path, message, line=line_of(data, at))

    for number, item in enumerate(raw, start=1):
        where = f"targets[{number}]"
        if not isinstance(item, dict):
            raise refuse(f"{where}: expected a mapping")
        missing = [k for k in ("id", "title", "score", "areas", "baseline_edition", "by_edition")
                   if k not in item]
        if missing:
            raise refuse(f"{where}: missing {', '.join(missing)}")
        if score_columns is not None and item["score"] not in score_columns:
            raise refuse(f"{where} ({item['id']}): score {item['score']!r} is not an "
                         "index, part or theme column", "score")
        if not isinstance(item["areas"], list) or not item["areas"]:
            raise refuse(f"{where} ({item['id']}): areas must be a non-empty list", "areas")
        if not isinstance(item["baseline_edition"], int) or not isinstance(item["by_edition"], int) \
                or item["by_edition"] <= item["baseline_edition"]:
            raise refuse(f"{where} ({item['id']}): baseline_edition and by_edition must "
                         "be years, the second after the first", "by_edition")
        rise = item.get("rise", 0)
        if isinstance(rise, bool) or not isinstance(rise, (int, float)):
            raise refuse(f"{where} ({item['id']}): rise {rise!r} is not a number", "rise")
        targets.append(Target(str(item["id"]), str(item["title"]), item["score"],
                              tuple(map(str, item["areas"])), item["baseline_edition"],
                              float(rise), item["by_edition"]))
    return targets


def evaluate(targets, series: pd.DataFrame, latest: int, se: pd.Series | None = None) -> pd.DataFrame:
    """One row per target and area.

    Args:
        targets: from `load_targets`.
        series: `survey.report.series.series_table`.
        latest: the report's edition.
        se: standard errors of the latest edition indexed by (score column, domain), or None.

    Returns:
        DataFrame: target, title, score, area, baseline_edition, baseline, goal (baseline +
        rise), by_edition, latest_edition, latest, se, ci_low, ci_high, change (latest -
        baseline), to_go (goal - latest, 0 when met), on_track (latest >= goal), certain (the
        95% interval lies wholly on one side of the goal).
    """
    rows = []
    values = series.set_index(["column", "domain", "edition"])["value"]
    for target in targets:
        for area in target.areas:
            baseline = values.get((target.score, area, target.baseline_edition), np.nan)
            now = values.get((target.score, area, latest), np.nan)
            error = np.nan if se is None else se.get((target.score, area), np.nan)
            goal = baseline + target.rise
            low, high = now - Z95 * error, now + Z95 * error
            rows.append({
                "target": target.id, "title": target.title, "score": target.score, "area": area,
                "baseline_edition": target.baseline_edition, "baseline": baseline, "goal": goal,
                "by_edition": target.by_edition, "latest_edition": latest, "latest": now,
                "se": error, "ci_low": low, "ci_high": high, "change": now - baseline,
                "to_go": max(goal - now, 0.0) if not np.isnan(goal - now) else np.nan,
                "on_track": bool(now >= goal) if not np.isnan(goal - now) else None,
                "certain": bool(low >= goal or high < goal) if not np.isnan(error) else None,
            })
    return pd.DataFrame(rows)
