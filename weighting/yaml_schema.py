"""A YAML document (read by `weighting.yaml_lines`) checked against a JSON schema: every
violation as an `InputError` with the line of the offending node, in words the file's author
reads. The one schema check of the questionnaires (`questionnaires/schema.json`) and the index
configurations (`indices/schema.json`).

A message is the schema's own `errorMessage` for the failed keyword where it has one (`{instance!r}`
in it is replaced by the value), else jsonschema's, with "unknown key(s)" and "is missing" for
its two phrases an author trips over; it is prefixed by where the node is (`when.all[0].in`,
items counted from 0 as in the schema's paths), and carries the line of that node.

>>> schema = Schema("indices/schema.json")                              # doctest: +SKIP
>>> [str(p) for p in schema.problems(read_yaml("x.yaml"), "x.yaml")]     # doctest: +SKIP
["x.yaml line 18: themes[0].indicators[0]: unknown key(s) ('colour' was unexpected)"]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import jsonschema

from weighting.errors import InputError
from weighting.yaml_lines import line_of

__all__ = ["Schema", "describe", "where"]


class Schema:
    """A JSON schema file, read and compiled once, when first used."""

    def __init__(self, path):
        self.path = Path(path)
        self._validator = None

    @property
    def validator(self) -> jsonschema.Draft202012Validator:
        if self._validator is None:
            schema = json.loads(self.path.read_text(encoding="utf-8"))
            self._validator = jsonschema.Draft202012Validator(schema)
        return self._validator

    def problems(self, data, source, error: type[InputError] = InputError,
                 wording: Callable[[jsonschema.ValidationError], str] | None = None
                 ) -> list[InputError]:
        """Every violation in `data` (as `read_yaml` returns it), in line order, each an
        `error` naming `source`, the line and what is wrong. `wording` words one violation
        (default: `describe`)."""
        wording = wording or describe
        problems = []
        for violation in self.validator.iter_errors(data):
            for narrowed in _narrow(violation):
                path = list(narrowed.absolute_path)
                message = wording(narrowed)
                if path:
                    message = f"{where(path)}: {message}"
                problems.append(error(source, message, line=line_of(data, path)))
        return sorted(problems, key=lambda problem: problem.line or 0)


def where(path) -> str:
    """A node's path as an author reads it: `sections[0].pages[2].title`."""
    parts = []
    for step in path:
        parts.append(f"[{step}]" if isinstance(step, int) else (("." if parts else "") + str(step)))
    return "".join(parts)


def describe(error: jsonschema.ValidationError) -> str:
    """A message for one violation: the schema's own `errorMessage` where it has one."""
    custom = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    if isinstance(custom, dict):
        custom = custom.get(error.validator)
    if custom:
        return custom.replace("{instance!r}", repr(error.instance))
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown key(s)")
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing")
    return error.message


def _narrow(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For a oneOf/anyOf failure, descend into the one branch the input evidently meant (the
    only branch whose required keys are all there) and report all its errors, so that a typo in
    a condition reads "unknown key 'inn'" rather than "not valid under any of the given
    schemas"."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    meant = [errs for errs in branches.values()
             if not any(e.validator == "required" and not e.relative_path for e in errs)]
    if len(meant) != 1 or len(branches) < len(error.validator_value):
        # several branches fit (or, for oneOf, more than one matched): keep the summary
        return [error]
    return [narrowed for sub in meant[0] for narrowed in _narrow(sub)]
