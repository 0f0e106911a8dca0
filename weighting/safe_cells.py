"""Cells made harmless for a spreadsheet, for every table the toolkit writes (weights,
estimates, the report's tables and codebook, the open data, staff exports).

A text that starts with = + - @ (or a tab or carriage return) would be run as a formula by
Excel or LibreOffice ("CSV injection", OWASP); a control character cannot be held by an .xlsx.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["safe_cell", "spreadsheet_safe", "FORMULA_PREFIXES"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_cell(value):
    """`value` made harmless for a spreadsheet: a text that starts with = + - @ (or a tab or
    carriage return) would be run as a formula by Excel or LibreOffice ("CSV injection",
    OWASP), so it gets a leading apostrophe, which spreadsheets show as plain text; a control
    character that an .xlsx cannot hold becomes U+FFFD. Numbers are never changed.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-12"), safe_cell(-12), safe_cell("Delfshaven")
    ('\\'=HYPERLINK("http://x")', "'-12", -12, 'Delfshaven')
    """
    if isinstance(value, str):
        # characters XML (so .xlsx) cannot hold: shown as U+FFFD, so one stored \x0b or NUL
        # can never fail an export
        value = XML_ILLEGAL.sub("\ufffd", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with `safe_cell` applied to every text cell; numbers are left as they are.

    >>> spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "x"], "b": [-1, 2]})).to_dict("list")
    {'a': ["'=1+1", 'x'], 'b': [-1, 2]}
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(safe_cell)
    return out
