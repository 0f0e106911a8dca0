"""XLSForm names as our ids, variables and answer values: `buurtCijfer` gives variable
`buurtcijfer` and id `buurtcijfer`; `buurt_cijfer` gives variable `buurt_cijfer`, id
`buurt-cijfer`; choice names become snake_case values the same way.
"""

from __future__ import annotations

import re

__all__ = ["snake", "kebab", "value_name"]


def snake(name) -> str:
    """A snake_case name for an XLSForm name: `buurtCijfer` -> `buurtcijfer`, `q-1` -> `q_1`."""
    text = re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")
    if not text:
        return "v"
    return text if text[0].isalpha() else f"v_{text}"


def kebab(name) -> str:
    return snake(name).replace("_", "-")


def value_name(name) -> str:
    """An answer value: snake_case, digits allowed at the start (`1`, `2` stay as they are)."""
    text = re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")
    return text or "v"
