"""Published index scores of earlier editions, stored so that a report shows every edition since
2014 as a series.

`read_published` takes the published score columns of a Wijkprofiel export (the shared 2014
Veiligheidsindex export is one: semicolon-separated, decimal commas, one row per wijk, gebied
and Rotterdam, keyed by `wijknr`) for every index whose columns it has; the raw indicator
columns are ignored. `store_published` keeps one file per edition in a directory (a long CSV:
edition, wijknr, level, domain, column, value), `load_published` reads them all back.

Plain pandas: no Flask, no `survey`.
"""

import csv
from pathlib import Path

import pandas as pd

from weighting.errors import InputError
from weighting.export_format import (KEY_COLUMN, normalise_name, parse_number, read_rows,
                                      wijk_number)

CITY_NUMBER = 5000
FIRST_GEBIED_NUMBER = 4000
NAME_COLUMNS = ("BUURT", "wijk", "naam", "naam wijk", "gebied")
STORE_COLUMNS = ["edition", "wijknr", "level", "domain", "column", "value"]
FIRST_EDITION, LAST_EDITION = 2014, 2100


def read_published(path, configs, edition):
    """The published scores in the export at `path`, long.

    Args:
        path: a Wijkprofiel export with published score columns.
        configs: {index: ScoreConfig}; every index whose index column is in the header is read,
            with its parts and themes (all must be there).
        edition: the edition year the export publishes.

    Returns:
        DataFrame with STORE_COLUMNS: one row per area and score column; level is `stad`
        (wijknr 5000), `gebied` (4000-4999) or `wijk`, domain the area's name from the name
        column (`BUURT`). An empty score cell is not stored (not published).

    Raises:
        InputError: naming file, row and column: an edition outside 2014-2100, no index column
            at all, an index without one of its part or theme columns, a name or key column
            missing, a wijknr that is not a whole number or repeats, a score that is not a number
            or is outside 0-300.
    """
    if not isinstance(edition, int) or not FIRST_EDITION <= edition <= LAST_EDITION:
        raise InputError(path, f"--edition {edition!r}: expected a year from {FIRST_EDITION}")
    header, rows = read_rows(path)
    names = {normalise_name(name): position for position, name in enumerate(header)}
    columns = []
    for config in configs.values():
        if normalise_name(config.index_column) not in names:
            continue
        absent = [c for c in config.score_columns if normalise_name(c) not in names]
        if absent:
            raise InputError(path, f"has the column '{config.index_column}' but not "
                                   f"{', '.join(repr(c) for c in absent)}; a published index "
                                   "comes with its parts and themes")
        columns += config.score_columns
    if not columns:
        wanted = ", ".join(repr(c.index_column) for c in configs.values())
        raise InputError(path, f"has no published index column (one of {wanted}); "
                               "is this a Wijkprofiel export?")
    if normalise_name(KEY_COLUMN) not in names:
        raise InputError(path, f"has no column '{KEY_COLUMN}' (the wijk, gebied or city number)")
    name_position = next((names[normalise_name(n)] for n in NAME_COLUMNS if normalise_name(n) in names), None)
    if name_position is None:
        raise InputError(path, f"has no name column ({', '.join(NAME_COLUMNS)}): the areas "
                               "must be named to join the series")
    key_position = names[normalise_name(KEY_COLUMN)]
    records, first_row = [], {}
    for number, cells in rows:
        key = wijk_number(cells[key_position], path, number, header[key_position], first_row)
        level = "stad" if key == CITY_NUMBER else "gebied" if key >= FIRST_GEBIED_NUMBER else "wijk"
        domain = "Rotterdam" if level == "stad" else cells[name_position].strip()
        if not domain:
            raise InputError(path, f"wijknr {key} has no name", row=number,
                             column=header[name_position])
        for column in columns:
            position = names[normalise_name(column)]
            text = cells[position].strip()
            if not text:
                continue
            try:
                value = parse_number(text)
            except ValueError:
                raise InputError(path, f"{text!r} (wijknr {key}) is not a number; expected a "
                                       "score such as 104", row=number, column=header[position]) from None
            if not 0 <= value <= 300:
                raise InputError(path, f"{text} (wijknr {key}) is not a score; expected 0-300 "
                                       "(100 = Rotterdam 2014)", row=number, column=header[position])
            records.append((edition, key, level, domain, column, value))
    return pd.DataFrame.from_records(records, columns=STORE_COLUMNS)


def store_path(directory, edition):
    return Path(directory) / f"published-{int(edition)}.csv"


def store_published(frame, directory, *, replace=False):
    """Write the published scores of one edition to `directory`; returns the file.

    Raises:
        InputError: the edition is stored already and `replace` is False.
    """
    edition = int(frame["edition"].iloc[0])
    path = store_path(directory, edition)
    if path.exists() and not replace:
        raise InputError(path, f"edition {edition} is stored already; use --replace to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame[STORE_COLUMNS].to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


def load_published(directory):
    """Every stored edition in `directory` (STORE_COLUMNS), oldest first; empty if none."""
    paths = sorted(Path(directory).glob("published-*.csv")) if directory else []
    if not paths:
        return pd.DataFrame(columns=STORE_COLUMNS)
    frames = []
    for path in paths:
        frame = pd.read_csv(path, dtype={"domain": str, "column": str, "level": str})
        if list(frame.columns) != STORE_COLUMNS:
            raise InputError(path, f"is not a stored published edition (columns {STORE_COLUMNS})")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).sort_values(["edition", "wijknr"], kind="stable")
