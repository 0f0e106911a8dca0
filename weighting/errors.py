"""Errors that bad input raises. The CLI and the web app turn them into clean messages.

`WijkprofielError` is the root of every error the project raises on purpose; it lives here,
in the lowest layer, because `weighting` may not import `survey` and both need it.
"""


class WijkprofielError(Exception):
    """An error with a message meant for the person who gave the input."""


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
