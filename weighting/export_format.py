"""The Wijkprofiel export format: read indicator values, write scores.

The Wijkprofiel site exports one row per wijk (wijknr < 4000), gebied (4000-4999) and
Rotterdam (5000): semicolon-separated, Dutch column names, decimal commas (`2,4`), percentages
with a percent sign (`52%`, read as 52.0). Published score columns may be present; they are
ignored when reading indicator values. The file is read by `weighting.tables`, the reader of
every import (encoding, header, limits), with the separator fixed to ;. Row numbers in error
messages count rows of the file as a spreadsheet shows them: the header is row 1, the first
area row 2.
"""

import csv
import re

import numpy as np
import pandas as pd

from weighting import tables
from weighting.errors import InputError

KEY_COLUMN = "wijknr"
EXPECTED_NUMBER = "expected a number with a decimal comma, such as 12,5 or 12,5%; an empty cell means missing"
DELIMITER = ";"

# 1234,5 | 1.234,5 | -0,3 | 52% | 2,80% ; a lone decimal point is refused: in this format a point
# groups thousands, so "2.5" would silently be read as 25.
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?%?$")


def parse_number(text):
    """One cell of the export as a float; an empty cell is NaN.

    Raises:
        ValueError: the cell is not a Dutch-formatted number; the message says what was expected.

    >>> [parse_number(cell) for cell in ["2,4", "52%", "0,80%", "1.234,5", " 7 ", ""]]
    [2.4, 52.0, 0.8, 1234.5, 7.0, nan]
    """
    cell = text.strip()
    if cell == "":
        return np.nan
    if not _NUMBER.match(cell):
        raise ValueError(f"{text!r} is not a number; {EXPECTED_NUMBER}")
    return float(cell.rstrip("%").replace(".", "").replace(",", "."))


def normalise_name(name):
    """Column names match whatever their spacing and case: the 2014 export has trailing spaces."""
    return " ".join(str(name).split()).casefold()


def read_rows(path):
    """The header and rows of a semicolon-separated file, each row with its spreadsheet row
    number; a Windows export is read as Windows-1252 with a `tables.ReadNotice` warning.

    Raises:
        InputError: the file cannot be read, has no header, or a row has more values than the
            header has columns.
    """
    table = tables.read_path(path, delimiter=DELIMITER, source=str(path))
    table.warn_then_check()  # a Windows-1252 file warns, a row too long raises
    cells = table.data.itertuples(index=False, name=None)
    return table.headers, [(int(number), list(row)) for number, row in zip(table.row_numbers, cells)]


def wijk_number(text, path, row, column, first_row_of):
    """The wijknr of a row (wijk < 4000, gebied 4000-4999, Rotterdam 5000), recorded in
    `first_row_of` (wijknr -> row); a key that is not a whole number or repeats is refused.

    >>> wijk_number(" 71 ", "x.csv", 2, "wijknr", {})
    71
    """
    key_text = str(text).strip()
    if not re.fullmatch(r"\d+", key_text):
        raise InputError(path, f"{key_text!r} is not a wijk number; expected a whole number "
                               f"(wijk < 4000, gebied 4000-4999, Rotterdam 5000)",
                         row=row, column=column)
    key = int(key_text)
    if key in first_row_of:
        raise InputError(path, f"wijknr {key} appears twice (also in row {first_row_of[key]})",
                         row=row, column=column)
    first_row_of[key] = row
    return key


def _locate(header, wanted, path):
    by_name = {}
    needed = {normalise_name(column) for column in wanted}
    for position, name in enumerate(header):
        key = normalise_name(name)
        if key in by_name and key in needed:
            # two columns for one indicator: which one holds the values is anyone's guess
            raise InputError(path, f"the header has this column twice (columns {by_name[key] + 1} "
                                   f"and {position + 1}); keep one", row=1, column=name)
        by_name.setdefault(key, position)
    located = {}
    absent = []
    for column in wanted:
        position = by_name.get(normalise_name(column))
        if position is None:
            absent.append(column)
        else:
            located[column] = position
    if absent:
        shown = "; ".join(f"'{name}'" for name in absent[:5]) + (" ..." if len(absent) > 5 else "")
        raise InputError(path, f"has no column {shown} ({len(absent)} missing of {len(wanted)} needed)")
    return located


def read_keyed_table(path, columns):
    """The given columns of a semicolon-separated file keyed by `wijknr`, as numbers.

    Returns:
        (frame indexed by wijknr with one float column per name in `columns`, {wijknr: row
        number}, {column: its name as the header spells it}).

    Raises:
        InputError: a column is absent or doubled, a wijknr is not a whole number or repeated,
            a cell is not a Dutch-formatted number, or there are no rows; names file, row and
            column.
    """
    header, rows = read_rows(path)
    located = _locate(header, [KEY_COLUMN] + list(columns), path)
    key_position = located.pop(KEY_COLUMN)
    keys, data, row_numbers = [], [], []
    first_row_of = {}
    for number, cells in rows:
        key = wijk_number(cells[key_position], path, number, header[key_position], first_row_of)
        values = {}
        for column, position in located.items():
            try:
                values[column] = parse_number(cells[position])
            except ValueError:
                raise InputError(path, f"{cells[position]!r} (wijknr {key}) is not a number; {EXPECTED_NUMBER}",
                                 row=number, column=header[position]) from None
        keys.append(key)
        data.append(values)
        row_numbers.append(number)
    if not keys:
        raise InputError(path, "has a header but no rows")
    frame = pd.DataFrame(data, index=pd.Index(keys, name=KEY_COLUMN), columns=list(columns), dtype=float)
    return frame, dict(zip(keys, row_numbers)), {c: header[p] for c, p in located.items()}


def read_export(path, config):
    """Indicator values from a Wijkprofiel export, one row per area, indexed by wijknr.

    Args:
        path: the export file.
        config: ScoreConfig naming the indicator columns (matched ignoring spacing and case).

    Returns:
        DataFrame indexed by `wijknr` (int) with one float column per indicator, named as in the
        configuration; empty cells are NaN. Score columns and other columns are ignored.

    Raises:
        InputError: a needed column is absent, or a cell is not a number, is out of range for
            its indicator's transform, or a wijknr is missing or repeated; the message names the
            file, the row (header = row 1) and the column.

    >>> from weighting.scores import load_score_config
    >>> values = read_export("tests/reference/wijkprofiel/wijkprofiel-2014-veiligheidsindex.csv",
    ...                      load_score_config())
    >>> values.shape, values.loc[71, "% (zeer) tevreden met de buurt"]
    ((86, 54), np.float64(52.0))
    """
    frame, row_of, header_of = read_keyed_table(path, config.indicator_columns)
    for indicator in config.indicators:
        column_values = frame[indicator.column]
        if indicator.transform == "sqrt":
            bad, expected = column_values < 0, "a value >= 0 (it is square-rooted)"
        elif indicator.transform == "log":
            bad, expected = column_values <= 0, "a value > 0 (its logarithm is taken)"
        else:
            continue
        if bad.any():
            key = bad[bad].index[0]
            raise InputError(path, f"{column_values[key]:g} (wijknr {key}) is out of range; expected {expected}",
                             row=row_of[key], column=header_of[indicator.column])
    return frame


def read_half_widths(path, config):
    """Half the rounding step of every indicator column of an export, from how it is written.

    A column's step is set by the most decimals that carry information in it: `2,4` next to
    `2,33` means hundredths, while `0,80%` in a column whose second decimal is always 0 means
    tenths, and `52%` whole percentages. Used by `weighting.scores.score_range` to tell the
    export's rounding apart from the method.

    Returns:
        Series indexed by indicator column: 0.5 * step.

    >>> from weighting.scores import load_score_config
    >>> half = read_half_widths("tests/reference/wijkprofiel/wijkprofiel-2014-veiligheidsindex.csv",
    ...                         load_score_config())
    >>> half[["% (zeer) tevreden met de buurt", "Kleine buitenbranden per honderd hectare"]].tolist()
    [0.5, 0.05]
    """
    header, rows = read_rows(path)
    located = _locate(header, config.indicator_columns, path)
    half_widths = {}
    for column, position in located.items():
        decimals = 0
        for _, cells in rows:
            cell = cells[position].strip().rstrip("%")
            if "," in cell:
                decimals = max(decimals, len(cell.split(",")[1].rstrip("0")))
        half_widths[column] = 0.5 * 10.0 ** -decimals
    return pd.Series(half_widths)


def read_scores(path, columns):
    """A score table as written by `write_scores` (or the score columns of an export).

    Returns:
        DataFrame indexed by `wijknr` with the given columns as floats.

    Raises:
        InputError: as `read_export`.
    """
    frame, _, _ = read_keyed_table(path, columns)
    return frame


def format_number(value):
    """A number as the export writes it: whole numbers without decimals, else a decimal comma.

    >>> [format_number(v) for v in [81.0, 2.5, float("nan"), True, "Tarwewijk"]]
    ['81', '2,5', '', 'ja', 'Tarwewijk']
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nee"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return repr(round(value, 6)).replace(".", ",")


def write_scores(scores, path):
    """Write a score table in the export format: `wijknr` first, then the score columns.

    Args:
        scores: DataFrame indexed by wijknr (numbers; a text column, such as a wijk name, is
            written as it is).
        path: the file to write (semicolon-separated, decimal commas, UTF-8).
    """
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=DELIMITER, lineterminator="\n")
        writer.writerow([KEY_COLUMN] + list(scores.columns))
        for key, row in scores.iterrows():
            writer.writerow([key] + [format_number(value) for value in row.tolist()])
