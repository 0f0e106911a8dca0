"""Errors that bad input raises. The CLI and the web app turn them into clean messages.

`WijkprofielError` is the root of every error the project raises on purpose; it lives here,
in the lowest layer, because `weighting` may not import `survey` and both need it.
"""


class WijkprofielError(Exception):
    """An error with a message meant for the person who gave the input."""

    warnings_before: list[str] = []
    """What a command that collects its warnings (`wijkprofiel weight`) had to say before this
    error stopped it, such as a file read as Windows-1252: printed with the error."""


class InputError(WijkprofielError):
    """Bad input that can be pinned to a place: file, row or line, column.

    >>> str(InputError("plan.yaml", "method: 'rakin' is not one of poststratify, raking", line=4))
    "plan.yaml line 4: method: 'rakin' is not one of poststratify, raking"
    """

    def __init__(self, source, message, *, row=None, line=None, column=None):
        self.source = str(source)
        self.row = row
        self.line = line
        self.column = column
        self.detail = message
        super().__init__(self._format())

    def _format(self):
        where = [self.source]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        head = where[0] + (" " + ", ".join(where[1:]) if len(where) > 1 else "")
        return f"{head}: {self.detail}"


def record_row(rows, i: int) -> int:
    """The row to name for record `i` (from 0) of a table: its row in the file it was read from
    (`rows`, the file row of each record, the header is row 1, as every import numbers rows),
    or i + 1 for a table made in memory (its first record is row 1).

    >>> record_row([2, 3, 5], 2), record_row(None, 2)
    (5, 3)
    """
    return int(rows[i]) if rows is not None else i + 1


# Errors of the weighting library. Each names the file (or '<data>'/'margin 2' for in-memory
# input) and the margin, category or stratum, so a statistician can fix the input.


class DesignError(InputError):
    """The survey design cannot be built: missing column, bad weight, fpc smaller than the sample,
    a stratum with one PSU where a variance is asked."""


class MarginError(InputError):
    """A margin table is malformed: no `total` column, a negative or missing total, a variable
    that is not in the data, a duplicated category."""


class MarginCategoryError(MarginError):
    """A category occurs in the sample but not in the margin table, or the other way round."""


class EmptyCellError(MarginError):
    """A margin cell has a positive population total but no respondents (nothing to weight up)."""


class MarginTotalsError(MarginError):
    """Two margins disagree on the population total they share (overall or within a stratum)."""


class ConvergenceError(InputError):
    """Calibration did not converge; the message names the worst margin cell and its gap."""


class InfeasibleBoundsError(ConvergenceError):
    """Bounded (logit) calibration cannot meet the margins within the bounds on g."""


class EstimationError(InputError):
    """An estimate cannot be made: unknown variable, non-numeric values, an empty domain."""


class PlanError(InputError):
    """A weighting plan (YAML) is invalid: unknown key, bad method, a file that cannot be read."""


def shown(value) -> str:
    """A value as a message names it: a NumPy scalar as the Python value it holds.

    >>> import numpy as np
    >>> shown(np.int64(12)), shown("Noord"), shown(np.str_("Noord"))
    ('12', "'Noord'", "'Noord'")
    """
    return repr(value.item() if hasattr(value, "item") and callable(value.item) else value)
