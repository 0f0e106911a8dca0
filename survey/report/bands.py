"""The five bands of a score (`indices/bands.yaml`): ver onder, onder, rond, boven, ver boven het
Rotterdamse gemiddelde, with their thresholds and colours."""

from dataclasses import dataclass
from functools import cache
import math

from weighting.errors import InputError
from weighting.index_check import INDICES_DIR
from weighting.yaml_lines import line_of, read_yaml

BANDS_PATH = INDICES_DIR / "bands.yaml"


@dataclass(frozen=True)
class Band:
    id: str
    label: str
    below: float | None  # upper bound (exclusive); None for the top band
    colour: str


@cache
def load_bands(path=BANDS_PATH) -> tuple:
    """The bands, lowest first; checked (file and line): bands with rising bounds, the last open.

    >>> [b.id for b in load_bands()]
    ['ver_onder', 'onder', 'rond', 'boven', 'ver_boven']
    """
    data = read_yaml(path)
    raw = data.get("bands") if isinstance(data, dict) else None
    if not isinstance(raw, list) or len(raw) < 2:
        raise InputError(path, "expected 'bands': a list of bands, lowest first",
                         line=line_of(data, ["bands"]))
    bands, previous = [], -math.inf
    for number, item in enumerate(raw, start=1):
        line = line_of(data, ["bands", number - 1])
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("id", "label", "colour")):
            raise InputError(path, f"bands[{number}]: needs id, label and colour", line=line)
        below = item.get("below")
        last = number == len(raw)
        if last and below is not None or not last and not isinstance(below, (int, float)):
            raise InputError(path, f"bands[{number}] ({item['id']}): 'below' must be a number, "
                                   "and null for the last band only", line=line)
        if below is not None and below <= previous:
            raise InputError(path, f"bands[{number}] ({item['id']}): below {below} must exceed "
                                   f"the band before ({previous})", line=line)
        previous = below if below is not None else previous
        bands.append(Band(item["id"], item["label"], below, item["colour"]))
    return tuple(bands)


def band_of(score, bands=None):
    """The band of a score (None for a missing score); a score on a bound is in the band above.

    >>> [band_of(s).id for s in (69.9, 70, 100, 110, 135)]
    ['ver_onder', 'onder', 'rond', 'boven', 'ver_boven']
    """
    bands = bands or load_bands()
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return next(b for b in bands if b.below is None or score < b.below)


def thresholds_text(bands=None):
    """The bands in words, e.g. 'ver onder: < 70; onder: 70-90; ...'."""
    bands = bands or load_bands()
    parts, low = [], None
    for band in bands:
        name = band.label.replace(" het Rotterdamse gemiddelde", "")
        if low is None:
            parts.append(f"{name}: onder {band.below:g}")
        elif band.below is None:
            parts.append(f"{name}: {low:g} en hoger")
        else:
            parts.append(f"{name}: {low:g} tot {band.below:g}")
        low = band.below
    return "; ".join(parts)
