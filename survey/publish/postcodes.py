"""The PC4 -> wijk table behind "find your wijk by postcode".

A CSV or Excel file, read by `weighting.tables` as every import is, with columns `postcode` (the four digits of a Dutch
postcode), `wijk_code` and optionally `wijk` (the name, checked against the code). A postcode
that covers several wijken has a row for each; the site then offers each of them.

`DEMO_POSTCODES` ships with the package for the demo: an approximate table made for it from the
rough location of Rotterdam's postcode areas, not an official one. An edition supplies its own
with `wijkprofiel publish --postcodes FILE` (for example from CBS's "postcode-huisnummer" table
aggregated to PC4 and wijk).
"""

from pathlib import Path

import pandas as pd

from survey.errors import InputError
from weighting import tables

DEMO_POSTCODES = Path(__file__).with_name("pc4_wijk.csv")


def read_postcodes(path: Path, areas: pd.DataFrame) -> pd.DataFrame:
    """The checked table: columns postcode (str, 4 digits), wijk_code (int), wijk, gebied;
    sorted by postcode.

    Raises InputError naming the file, the row (header = row 1) and the column for a missing
    column, a postcode that is not four digits (1000-9999), an unknown wijk code, a name that
    does not match its code, or a repeated postcode-wijk pair.

    >>> from survey.population.wijken import load_wijken
    >>> table = read_postcodes(DEMO_POSTCODES, load_wijken())
    >>> table[table["postcode"] == "3081"]["wijk"].tolist()
    ['Tarwewijk']
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found; expected a PC4 -> wijk table (CSV with columns "
                               "postcode and wijk_code)")
    read = tables.read_path(path, source=str(path))
    read.warn_then_check()  # a Windows-1252 file warns, a row too long raises
    header = [h.lower() for h in read.headers]
    for column in ("postcode", "wijk_code"):
        if column not in header:
            raise InputError(path, f"no column '{column}' in the header {header}; expected "
                                   "postcode and wijk_code (and optionally wijk)", row=1)
    by_code = {int(c): (w, g) for c, w, g in zip(areas["wijk_code"], areas["wijk"], areas["gebied"])}
    rows, seen = [], {}
    for number, cells in zip(read.row_numbers.tolist(),
                             read.data.itertuples(index=False, name=None)):
        record = dict(zip(header, (cell.strip() for cell in cells)))
        postcode = record.get("postcode", "")
        if not (len(postcode) == 4 and postcode.isdigit() and postcode[0] != "0"):
            raise InputError(path, f"{postcode!r} is not a PC4 postcode; expected four digits "
                                   "such as 3071", row=number, column="postcode")
        raw_code = record.get("wijk_code", "")
        try:
            code = int(raw_code)
        except ValueError:
            code = None
        if code not in by_code:
            raise InputError(path, f"{raw_code!r} is not a wijk code of this edition; expected "
                                   "one such as 71 (Tarwewijk)", row=number, column="wijk_code")
        wijk, gebied = by_code[code]
        name = record.get("wijk", "")
        if name and name != wijk:
            raise InputError(path, f"{name!r} is not the name of wijk {code} ({wijk!r})",
                             row=number, column="wijk")
        if (postcode, code) in seen:
            raise InputError(path, f"postcode {postcode} with wijk {code} is also on row "
                                   f"{seen[(postcode, code)]}; list each pair once", row=number)
        seen[(postcode, code)] = number
        rows.append({"postcode": postcode, "wijk_code": code, "wijk": wijk, "gebied": gebied})
    if not rows:
        raise InputError(path, "has a header but no postcodes")
    return pd.DataFrame(rows).sort_values(["postcode", "wijk"], kind="stable").reset_index(drop=True)
