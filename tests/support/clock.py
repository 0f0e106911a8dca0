"""The day the toolkit's clock says it is in tests (`fixed_clock` in tests/conftest.py)."""

from datetime import date

FIXED_TODAY = date(2026, 10, 1)
