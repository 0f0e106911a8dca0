"""The one place the toolkit asks what day it is, so tests can fix the date.

Code that compares with today (fieldwork open or over, a birth date not in the future) calls
`clock.today()` instead of `date.today()`; tests replace it with the `fixed_clock` fixture
(tests/conftest.py) and so pass on any day they run.
"""

from datetime import date


def today() -> date:
    """Today's date on this machine."""
    return date.today()
