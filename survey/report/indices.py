"""The three Wijkprofiel indices per area: Veiligheidsindex, Sociale index, Fysieke index.

Each index is computed by `weighting.scores` from its configuration (`indices/*.yaml`): the
subjective part from the questionnaire estimates of an edition, the objective part from the
edition's register file (`weighting.register_indicators`). The computation per index is a clean
function of the indicator values per domain (`index_values` -> `weighting.scores.compute_scores`),
so that another module can recompute it, e.g. per replicate weight for a standard error.
"""

import numpy as np
import pandas as pd

from survey.report.change import THRESHOLD
from weighting.register_indicators import area_values, read_register
from weighting.scores import aggregate_scores, index_change, indicator_scores, round_scores

COUNTS = ("indicators_used", "register_used")


def survey_values(indicators: pd.DataFrame, config, coded=None) -> pd.DataFrame:
    """The questionnaire estimates an index needs, wide: one row per (level, domain), one column
    per indicator of `config` measured by the survey (percentages as 0-100). An indicator with
    `survey: <id>` takes the estimate of that questionnaire indicator; one without takes the
    questionnaire indicator whose label equals its column (the VI's 2014 export names).

    Areas by level, then domain, each in order of appearance; where several rows give a column,
    the first with a value; rows and columns without any value left out (as a pivot table of the first values).
    Built with codes rather than a pivot: the index intervals call it on a table of every
    replicate (hundreds of thousands of rows). `coded`: the table's `Coded`, to share its
    factorised text columns between the indices."""
    coded = Coded(indicators) if coded is None else coded
    column = _matched_columns(coded, config)
    # a row without an area (missing level or domain) has no cell, as in a pivot
    keep = (column >= 0) & (coded("level")[0] >= 0) & (coded("domain")[0] >= 0)
    values = coded.scaled_estimates()[keep]
    # rows ordered as the pivot orders them: by level, then domain, each in order of appearance
    level, levels = _codes(coded("level"), keep)
    domain, domains = _codes(coded("domain"), keep)
    pair, row = np.unique(level.astype(np.int64) * len(domains) + domain, return_inverse=True)
    rows = pd.MultiIndex.from_arrays([levels[pair // len(domains)], domains[pair % len(domains)]],
                                     names=["level", "domain"])
    col, columns = pd.factorize(column[keep])
    names = _index_columns(config)
    present = ~np.isnan(values)
    cell = row[present] * len(columns) + col[present]
    cells, first = np.unique(cell, return_index=True)  # each cell's first row with a value
    wide = np.full(len(rows) * len(columns), np.nan)
    wide[cells] = values[present][first]
    wide = wide.reshape(len(rows), len(columns))
    has_row, has_column = ~np.isnan(wide).all(axis=1), ~np.isnan(wide).all(axis=0)
    return pd.DataFrame(wide[has_row][:, has_column], index=rows[has_row],
                        columns=pd.Index(np.asarray(names, dtype=object)[columns[has_column]], name="column"))


class Coded:
    """An indicator table's text columns, each factorised once (codes, values in order of
    appearance; code -1 where missing): the three indices read the same columns."""

    def __init__(self, indicators: pd.DataFrame):
        self.indicators = indicators
        self._columns = {}
        self._scaled = None

    def __call__(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        if column not in self._columns:
            codes, uniques = pd.factorize(self.indicators[column])
            self._columns[column] = (codes, np.asarray(uniques, dtype=object))
        return self._columns[column]

    def scaled_estimates(self) -> np.ndarray:
        """Every row's estimate, a proportion as a percentage (0-100)."""
        if self._scaled is None:
            kind, kinds = self("kind")
            scale = np.where(kinds == "proportion", 100.0, 1.0)
            self._scaled = self.indicators["estimate"].to_numpy(dtype=float) * scale[kind]
        return self._scaled


def _codes(coded: tuple, keep) -> tuple[np.ndarray, np.ndarray]:
    """(codes, values) of a factorised column's rows in `keep`, values in order of appearance
    among them: the text is never copied per row."""
    codes, uniques = coded
    codes, seen = pd.factorize(codes[keep])
    return codes, uniques[seen]


def _index_columns(config) -> list:
    return list(dict.fromkeys(i.column for i in config.indicators))


def _matched_columns(coded: Coded, config) -> np.ndarray:
    """Per row, the position in `_index_columns(config)` of its index column (by questionnaire
    id, else by label), or -1."""
    position = {name: k for k, name in enumerate(_index_columns(config))}
    by_id = {i.survey: position[i.column] for i in config.indicators if i.survey}
    by_label = {i.column: position[i.column] for i in config.indicators
                if not i.survey and i.register is None}
    ids, id_values = coded("indicator")
    labels, label_values = coded("label")
    # code -1 (a missing id or label) matches nothing
    from_id = np.array([by_id.get(v, -1) for v in id_values] + [-1], dtype=np.int64)[ids]
    from_label = np.array([by_label.get(v, -1) for v in label_values] + [-1], dtype=np.int64)[labels]
    return np.where(from_id >= 0, from_id, from_label)


def index_values(indicators: pd.DataFrame, config, register=None, coded=None) -> pd.DataFrame:
    """Every indicator value of `config` per (level, domain): survey estimates and, from
    `register` (indexed by (level, domain)), the register indicators; what neither gives is NaN.
    `coded`: the table's `Coded` (see `survey_values`)."""
    wide = survey_values(indicators, config, coded)
    if register is not None:
        objective = [i.column for i in config.register_indicators if i.column in register.columns]
        wide = wide.drop(columns=[c for c in objective if c in wide.columns])
        wide = wide.join(register[objective], how="outer", sort=False)
    return wide.reindex(columns=config.indicator_columns)


def index_scores(values: pd.DataFrame, config) -> pd.DataFrame:
    """Unrounded theme, part and index scores of one index from its indicator values, with the
    number of subjective (`indicators_used`) and objective (`register_used`) values per row."""
    indicator = indicator_scores(values, config, source="indicator estimates")
    # the means over themes and parts on plain row numbers: the same numbers, without the cost
    # of carrying the (level, domain) labels through every step
    plain = pd.RangeIndex(len(values))
    scores = aggregate_scores(indicator.set_axis(plain), config, rounded=False)
    for name, kind in zip(COUNTS, ("subjectief", "objectief")):
        part = config.part(kind)
        columns = [i.column for i in config.part_indicators(part.column)] if part else []
        scores[name] = np.count_nonzero(values[columns].notna().to_numpy(), axis=1)
    return scores.set_axis(values.index)


def all_scores(indicators: pd.DataFrame, configs: dict, register=None) -> pd.DataFrame:
    """All three indices per (level, domain), unrounded, side by side in published order; the
    counts `indicators_used` and `register_used` are the Veiligheidsindex's, and per index as
    `<index> indicators_used` / `<index> register_used`."""
    frames = []
    coded = Coded(indicators)
    for position, (name, config) in enumerate(configs.items()):
        scores = index_scores(index_values(indicators, config, register, coded), config)
        if position:
            scores = scores.rename(columns={c: f"{name} {c}" for c in COUNTS})
        frames.append(scores)
    return pd.concat(frames, axis=1)


def read_registers(paths: dict, configs: dict, areas: pd.DataFrame) -> dict:
    """{year: register values of every index per (level, domain)} from {year: file or None}.

    One register file per edition holds the counts and denominators of all indices; each
    index's configuration checks its own columns (file, row and column in every error)."""
    wijken = dict(zip(areas["wijk_code"].astype(int), areas["wijk"]))
    result = {}
    for year, path in paths.items():
        if path is None:
            continue
        parts = [area_values(read_register(path, config, wijken), config, areas)
                 for config in configs.values() if config.register_indicators]
        result[year] = pd.concat(parts, axis=1)
    return result


def score_columns(configs: dict) -> list:
    return [column for config in configs.values() for column in config.score_columns]


def score_table(scores: dict, year: int, previous: int | None, configs: dict, flagged: str,
                threshold: float = THRESHOLD) -> pd.DataFrame:
    """One row per (level, domain): every index, part and theme of `year` rounded as published;
    with a `previous` edition, per index and part its value then (`<column> <previous>`) and
    the change (`change <column>`), and the flag for moves of `threshold` points or more of
    `flagged` (`flag_score`, `flag_5_points`)."""
    columns = score_columns(configs)
    now = scores[year]
    published = round_scores(now[columns])
    table = published.copy()
    table.insert(0, "edition", year)
    counts = [c for c in now.columns if c not in columns]
    table[counts] = now[counts]
    if previous is not None:
        before = round_scores(scores[previous][columns])
        table["previous_edition"] = previous
        for config in configs.values():
            for column in [config.index_column] + [p.column for p in config.parts]:
                moved = index_change(before, published, column=column, threshold=threshold)
                table[f"{column} {previous}"] = moved["before"]
                table[f"change {column}"] = moved["change"]
        table["flag_score"] = flagged
        table["flag_5_points"] = index_change(before, published, column=flagged,
                                              threshold=threshold)["flagged"]
    return table.reset_index()


def index_se(indicators: pd.DataFrame, config) -> pd.DataFrame:
    """Approximate standard errors of the subjective part and of the index per (level, domain).

    Delta method on the questionnaire estimates' standard errors: an indicator score moves by
    scale * d / sd * t'(x) per unit of x (0 where it is clipped); a theme, part and index are
    means, so their variance is the weighted sum of indicator variances. The register figures
    of the objective part count as fixed (they are counts, not samples), and the indicators are
    treated as independent, so the standard error is a lower bound where indicators correlate
    (issue 14 adds replicate-weight standard errors for the index columns).

    Returns:
        DataFrame indexed by (level, domain) with `<part> se` and `<index> se`.
    """
    part = config.part("subjectief")
    values = index_values(indicators, config)
    ses = _survey_ses(indicators, config).reindex(index=values.index, columns=values.columns)
    scores = indicator_scores(values, config, source="indicator estimates")
    themes = [t for t in config.themes if t.column in part.themes]
    variance = pd.Series(0.0, index=values.index)
    for theme in themes:
        weights = _theme_weights(theme, config, values)
        for indicator in theme.indicators:
            x = values[indicator.column]
            slope = config.scale / indicator.sd * _derivative(indicator.transform, x)
            inside = (scores[indicator.column] > config.clip[0]) & (scores[indicator.column] < config.clip[1])
            contribution = (weights[indicator.column] * slope * ses[indicator.column]) ** 2
            variance = variance + contribution.where(inside, 0.0).fillna(0.0)
    part_se = np.sqrt(variance) / len(themes)
    n_parts = len(config.parts)
    return pd.DataFrame({f"{part.column} se": part_se, f"{config.index_column} se": part_se / n_parts})


def _survey_ses(indicators, config):
    matched = _matched(indicators, config)
    ses = matched["se"] * np.where(matched["kind"] == "proportion", 100.0, 1.0)
    return (matched.assign(value=ses)
            .pivot_table(index=["level", "domain"], columns="column", values="value",
                         aggfunc="first", sort=False))


def _theme_weights(theme, config, values):
    """Each indicator's weight in its theme's mean, per row (only indicators with a value)."""
    present = values[[i.column for i in theme.indicators]].notna()
    if config.theme_mean == "groups":
        groups = [i.group or "" for i in theme.indicators]
        weights = pd.DataFrame(0.0, index=values.index, columns=present.columns)
        group_names = list(dict.fromkeys(groups))
        group_present = pd.DataFrame({g: present[[c for c, h in zip(present.columns, groups) if h == g]].sum(axis=1)
                                      for g in group_names})
        n_groups = (group_present > 0).sum(axis=1).replace(0, np.nan)
        for column, group in zip(present.columns, groups):
            weights[column] = present[column] / group_present[group].replace(0, np.nan) / n_groups
        return weights.fillna(0.0)
    return present.div(present.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)


def _derivative(transform, x):
    x = x.astype(float)
    if transform == "sqrt":
        return 0.5 / np.sqrt(x.clip(lower=0.25))  # bounded near 0, where sqrt is steepest
    if transform == "log":
        return 1.0 / x.clip(lower=1e-6)
    return pd.Series(1.0, index=x.index)
