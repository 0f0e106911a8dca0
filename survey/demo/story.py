"""The published story of the demo editions as data (`survey/demo/story.yaml`): per edition the
shift of the survey's latent experience score (city-wide and per wijk), where the objective
parts of the reconstructed indices land, and factors on a wijk's police counts.

An edition the file does not name gets no shift (the answer targets' shares among respondents)
and the objective parts of the reconstructed indices at 100.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from weighting.errors import InputError

STORY_PATH = Path(__file__).with_name("story.yaml")


@dataclass(frozen=True)
class Story:
    editions: dict
    index_offset: dict
    index_response: dict
    answer_offset: dict

    def _edition(self, year):
        return self.editions.get(int(year)) or {}

    def latent_shift(self, year, wijk=None):
        """The shift of the latent score in `year` (plus the wijk's own, when given)."""
        edition = self._edition(year)
        shift = float(edition.get("latent_shift", 0.0))
        if wijk is not None:
            shift += float((edition.get("wijk_latent_shift") or {}).get(wijk, 0.0))
        return shift

    def wijk_latent_shifts(self, year):
        return dict(self._edition(year).get("wijk_latent_shift") or {})

    def objective_shift(self, index, year):
        """Index points above 100 of the city's objective part of `index` in `year`."""
        points = (self._edition(year).get("objective_points") or {}).get(index)
        return 0.0 if points is None else float(points) - 100.0

    def register_factor(self, wijk, year):
        return float((self._edition(year).get("wijk_register_factor") or {}).get(wijk, 1.0))

    def variable_shifts(self, year, questionnaires, configs=None):
        """{variable: extra latent shift}: `answer_offset` per variable, and for the answers
        behind the Sociale and Fysieke index their `index_offset` (every edition) plus
        (`index_response` - 1) times the edition's shift, so that those answers follow the
        edition's shift at their own strength."""
        from weighting.scores import load_index_configs

        configs = configs or load_index_configs()
        by_id = {i.id: i for q in questionnaires.values() for i in q.indicators}
        shifts = {variable: float(offset) for variable, offset in self.answer_offset.items()}
        for name, config in configs.items():
            offset = float(self.index_offset.get(name, 0.0))
            response = float(self.index_response.get(name, 1.0))
            extra = offset + (response - 1.0) * self.latent_shift(year)
            if extra == 0.0:
                continue
            for indicator in config.indicators:
                if indicator.survey in by_id:
                    for variable in by_id[indicator.survey].variables:
                        shifts.setdefault(variable, extra)
        return shifts


@cache
def load_story(path=STORY_PATH) -> Story:
    """The story file, checked: editions are years, shifts and factors numbers.

    >>> load_story().latent_shift(2024), load_story().objective_shift("Fysieke index", 2022)
    (0.0, 6.0)
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    editions = data.get("editions")
    if not isinstance(editions, dict):
        raise InputError(path, "expected 'editions': a mapping of edition year to its story")
    for year, edition in editions.items():
        if not isinstance(year, int) or not isinstance(edition, dict):
            raise InputError(path, f"editions: {year!r} must be a year with a mapping of settings")
        for key in ("latent_shift",):
            if not isinstance(edition.get(key, 0.0), (int, float)):
                raise InputError(path, f"editions.{year}.{key}: {edition[key]!r} is not a number")
        for key in ("objective_points", "wijk_latent_shift", "wijk_register_factor"):
            values = edition.get(key) or {}
            if not isinstance(values, dict) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in values.values()):
                raise InputError(path, f"editions.{year}.{key}: expected a mapping of names to numbers")
    maps = {}
    for key in ("index_offset", "index_response", "answer_offset"):
        values = data.get(key) or {}
        if not isinstance(values, dict) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values.values()):
            raise InputError(path, f"{key}: expected a mapping of index names to numbers")
        maps[key] = values
    return Story(editions, maps["index_offset"], maps["index_response"], maps["answer_offset"])
