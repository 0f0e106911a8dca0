"""The sheets of an XLSForm workbook as pyxform reads them: sheet and column names in any case,
`list name` as `list_name`, a language after `::` or `:`, type words with spaces or _; the
workbook is read after the limits of `weighting.safe_read` are checked.
"""

from __future__ import annotations

import re
from pathlib import Path

from survey.errors import InputError, QuestionnaireError
from weighting import safe_read

__all__ = ["Sheet", "read_sheets", "column_key", "parse_type", "cell_text", "DUTCH_LANGUAGE",
           "XLSFORM_LIMITS"]

DUTCH_LANGUAGE = re.compile(r"^(nl|dutch|nederlands)\b|\(nl\)\s*$", re.IGNORECASE)
XLSFORM_LIMITS = safe_read.SpreadsheetLimits(max_cells=2_000_000, max_columns=500)
"""A form has hundreds of rows and some dozens of columns; these leave room for thousands."""


def read_sheets(path) -> dict[str, "Sheet"]:
    """The sheets of an XLSForm workbook by lower-case title.

    Raises:
        QuestionnaireError: file not found, or not an .xlsx workbook within the limits.
    """
    path = Path(path)
    if not path.is_file():
        raise QuestionnaireError(path, "file not found")
    try:
        # limits on the archive and every sheet's extent before anything is unpacked
        workbook = safe_read.read_xlsx(path, path, limits=XLSFORM_LIMITS)
    except InputError as exc:
        raise QuestionnaireError(path, f"not an .xlsx workbook that can be read: {exc.detail}") from None
    return {title.strip().lower(): Sheet(path, title, rows) for title, rows in workbook.items()}


class Sheet:
    """One worksheet as rows of {column: text}, with the spreadsheet row number of each."""

    def __init__(self, path, title, values):
        self.name = title
        self.source = f"{path} sheet '{title}'"
        rows = iter(values)
        header = next(rows, None) or ()
        # pyxform reads headers without regard to case, `list name` as `list_name` and
        # `label:English` as `label::English`; rows are keyed by that normal form, messages
        # name the header as the sheet has it
        self.headers = {}
        self.columns = []
        for h in header:
            key = column_key(h) if h is not None else ""
            self.columns.append(key if key not in self.headers else "")
            if key and key not in self.headers:
                self.headers[key] = str(h).strip()
        self.rows = []
        for number, values in enumerate(rows, start=2):
            row = {}
            for column, value in zip(self.columns, values):
                if column and value is not None and str(value).strip() != "":
                    row[column] = value.strip() if isinstance(value, str) else value
            if row:
                self.rows.append((number, row))

    def header(self, key) -> str | None:
        """The sheet's own header for a normalised column key (for messages)."""
        return self.headers.get(key, key)

    def pick(self, base, language=None) -> str | None:
        """The column to read `base` (label, hint) from: the Dutch one if there is one, else
        `base` itself, else the form's default language, else the first language."""
        localized = [c for c in self.columns if c.startswith(f"{base}::")]
        for column in localized:
            if DUTCH_LANGUAGE.search(column.split("::", 1)[1]):
                return column
        if base in self.columns:
            return base
        for column in localized:
            if language and column.split("::", 1)[1].strip().lower() == language.strip().lower():
                return column
        return localized[0] if localized else None


def column_key(header) -> str:
    """A header as pyxform reads it: the column's name without case, spaces as _, and its
    language after `::` (one `:` also separates it).

    >>> column_key("LABEL::EN"), column_key("label:English (en)"), column_key("list name")
    ('label::EN', 'label::English (en)', 'list_name')
    """
    text = str(header).strip()
    base, separator, language = text.partition("::")
    if not separator:
        base, separator, language = text.partition(":")
    base = re.sub(r"\s+", "_", base.strip().lower())
    return f"{base}::{language.strip()}" if separator and language.strip() else base


_SELECT = re.compile(r"^(select[_ ]one|select[_ ]multiple|select all that apply)(?:\s+from)?"
                     r"\s+(\S+)(\s+or[_ ]other)?$", re.IGNORECASE)
_TYPE_ALIASES = {"int": "integer", "string": "text", "begin group": "begin_group",
                 "end group": "end_group", "begin repeat": "begin_repeat",
                 "end repeat": "end_repeat", "begin_group": "begin_group",
                 "end_group": "end_group", "begin_repeat": "begin_repeat",
                 "end_repeat": "end_repeat"}


def parse_type(raw) -> tuple[str, str | None, bool]:
    """(kind, choice list, or_other) of a `type` cell, with pyxform's spellings.

    >>> parse_type("select one from yes_or_no"), parse_type("Select_Multiple kleuren or_other")
    (('select_one', 'yes_or_no', False), ('select_multiple', 'kleuren', True))
    >>> parse_type("begin group"), parse_type("INT")
    (('begin_group', None, False), ('integer', None, False))
    """
    text = " ".join(cell_text(raw).split())
    select = _SELECT.match(text)
    if select:
        multiple = not select.group(1).lower().replace(" ", "_").startswith("select_one")
        return ("select_multiple" if multiple else "select_one"), select.group(2), \
            bool(select.group(3))
    low = text.lower()
    return _TYPE_ALIASES.get(low, low), None, False


def cell_text(value) -> str:
    """A cell as text: a whole float (Excel's numbers) without its .0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
