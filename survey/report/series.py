"""Index scores as a series over editions: published editions (`wijkprofiel index
import-published`, `weighting.published`) and the editions a report computes, per area and score
column, with the breaks that definition changes in the index configurations cause."""

import pandas as pd

from weighting.published import load_published

SERIES_COLUMNS = ["edition", "level", "domain", "column", "value", "source"]


def series_table(published_dir, computed: dict, configs: dict) -> pd.DataFrame:
    """Long series: every stored published edition and every computed one (computed wins for
    an edition both have).

    Args:
        published_dir: directory of stored published editions (or None).
        computed: {edition: score table with level, domain and the score columns (rounded)}.
        configs: {index: ScoreConfig}.
    """
    columns = [c for config in configs.values() for c in config.score_columns]
    frames = []
    published = load_published(published_dir)
    if len(published):
        frames.append(published.assign(source="gepubliceerd")[SERIES_COLUMNS])
    for edition, table in computed.items():
        long = (table.set_index(["level", "domain"])[[c for c in columns if c in table.columns]]
                .stack(future_stack=True).rename("value").reset_index()
                .rename(columns={"level_2": "column"}))
        long.columns = ["level", "domain", "column", "value"]
        frames.append(long.assign(edition=edition, source="berekend")[SERIES_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    series = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    series = series.drop_duplicates(["edition", "level", "domain", "column"], keep="last")
    return series.sort_values(["column", "level", "domain", "edition"], kind="stable").reset_index(drop=True)


def breaks(config, editions) -> dict:
    """{edition: [(theme, indicator, change)]} for the definition changes that fall between two
    editions of the series (at the later one): the series of those themes, of their part and of
    the index is broken there."""
    editions = sorted(editions)
    result = {}
    for change_edition, changes in config.breaks().items():
        later = [e for e in editions if e >= change_edition]
        earlier = [e for e in editions if e < change_edition]
        if later and earlier:
            result.setdefault(later[0], []).extend(changes)
    return result


def broken_columns(config, changes) -> set:
    """The score columns a list of (theme, indicator, change) breaks: the themes, their parts
    and the index."""
    themes = {theme for theme, _, _ in changes}
    parts = {p.column for p in config.parts if themes & set(p.themes)}
    return themes | parts | ({config.index_column} if parts else set())
