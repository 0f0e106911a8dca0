"""A questionnaire file checked against `questionnaires/schema.json`: every violation as a
`QuestionnaireError` with the line of the offending node, in words a questionnaire author reads
(the schema's own `errorMessage`, "unknown key", "is missing").
"""

from __future__ import annotations

import json

import jsonschema

from survey.errors import QuestionnaireError
from survey.paths import QUESTIONNAIRES_DIR
from weighting.yaml_lines import line_of

SCHEMA_PATH = QUESTIONNAIRES_DIR / "schema.json"
SCHEMA_VERSION = 1

__all__ = ["SCHEMA_PATH", "SCHEMA_VERSION", "schema_problems", "schema_validator"]


_schema_validator = None


def schema_validator() -> jsonschema.Draft202012Validator:
    global _schema_validator
    if _schema_validator is None:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        _schema_validator = jsonschema.Draft202012Validator(schema)
    return _schema_validator


def _where(json_path) -> str:
    parts = []
    for step in json_path:
        parts.append(f"[{step}]" if isinstance(step, int) else (("." if parts else "") + str(step)))
    return "".join(parts)


def _describe(error: jsonschema.ValidationError) -> str:
    """A message for one schema error: the schema's own `errorMessage` where it has one."""
    custom = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    if isinstance(custom, dict):
        custom = custom.get(error.validator)
    if custom:
        instance = error.instance
        return custom.replace("{instance!r}", repr(instance))
    if error.validator == "additionalProperties":
        message = error.message.replace("Additional properties are not allowed", "unknown key(s)")
        instance = error.instance
        if isinstance(instance, dict) and "variable" in instance and "type" in instance:
            message += f" for a {instance['type']} question"
        return message
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


def schema_problems(data, path) -> list[QuestionnaireError]:
    """Every schema violation in the parsed file, in line order, each as a QuestionnaireError
    with the line of the offending node."""
    if not isinstance(data, dict):
        return [QuestionnaireError(path, "expected a mapping with schema_version, id, ... at the top",
                                   line=getattr(data, "line", 1))]
    if data.get("schema_version") not in (None, SCHEMA_VERSION):
        return [QuestionnaireError(
            path, f"schema_version {data['schema_version']!r}: this toolkit reads only "
                  f"schema_version {SCHEMA_VERSION}", line=line_of(data, ["schema_version"]))]
    problems = []
    errors = [e for error in schema_validator().iter_errors(data) for e in _narrow(error)]
    for error in errors:
        json_path = list(error.absolute_path)
        message = _describe(error)
        if json_path:
            message = f"{_where(json_path)}: {message}"
        problems.append(QuestionnaireError(path, message, line=line_of(data, json_path)))
    problems.sort(key=lambda e: (e.line or 0))
    return problems
