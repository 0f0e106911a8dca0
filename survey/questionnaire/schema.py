"""A questionnaire file checked against `questionnaires/schema.json`: every violation as a
`QuestionnaireError` with the line of the offending node, in words a questionnaire author reads
(the schema's own `errorMessage`, "unknown key", "is missing"), by `weighting.yaml_schema`,
which checks the index configurations too.
"""

from __future__ import annotations

import jsonschema

from survey.errors import QuestionnaireError
from survey.paths import QUESTIONNAIRES_DIR
from weighting.yaml_lines import line_of
from weighting.yaml_schema import Schema, describe

SCHEMA_PATH = QUESTIONNAIRES_DIR / "schema.json"
SCHEMA_VERSION = 1

__all__ = ["SCHEMA_PATH", "SCHEMA_VERSION", "schema_problems"]


_SCHEMA = Schema(SCHEMA_PATH)


def _wording(error: jsonschema.ValidationError) -> str:
    """The common wording, and for an unknown key in a question, which type it is: a key
    allowed for one type is unknown for another."""
    message = describe(error)
    instance = error.instance
    if (error.validator == "additionalProperties" and message.startswith("unknown key(s)")
            and isinstance(instance, dict) and "variable" in instance and "type" in instance):
        message += f" for a {instance['type']} question"
    return message


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
    return _SCHEMA.problems(data, path, QuestionnaireError, _wording)
