"""Read a questionnaire file into frozen dataclasses: the one way the app sees a questionnaire.

The YAML is parsed with the start line of every mapping and list item kept, checked against
`questionnaires/schema.json`, then built into the `Questionnaire` / `Section` / `Page` /
`Question` objects of `survey.questionnaire.model`. Conditions stay plain dicts (see
`survey.questionnaire.rules`). References between parts (scales, goto targets, variables named
in conditions and indicators) are checked by `survey.questionnaire.references`, which
`parse` and `load_questionnaire` run too, so what they return is sound.

>>> q = load_questionnaire("questionnaires/veiligheidsmonitor.yaml")   # doctest: +SKIP
>>> q.page("buurt-oordeel").questions[0].variable                     # doctest: +SKIP
'buurt_cijfer'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from survey.paths import QUESTIONNAIRES_DIR
from survey.errors import QuestionnaireError
from survey.questionnaire.model import (GridRow, HistoryChange, HistoryEntry, Indicator,
                                        Option, Page, Question, Questionnaire, RoutingRule,
                                        Scale, Section)
from survey.questionnaire.references import reference_problems
from weighting.safe_read import YamlLimitError, YamlLoader

SCHEMA_PATH = QUESTIONNAIRES_DIR / "schema.json"
SCHEMA_VERSION = 1

__all__ = [
    "SCHEMA_PATH",
    "load_all",
    "load_questionnaire",
    "parse",
    "questionnaire_files",
    "read_yaml",
]


# --------------------------------------------------------------------------- YAML with lines


class LineDict(dict):
    """A dict that remembers the line of its start (`line`) and of each key (`key_lines`)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A list that remembers its start line and the start line of each item."""

    line: int = 0
    item_lines: list


class _LineLoader(YamlLoader):
    """SafeLoader that records 1-based start lines and refuses duplicate keys, alias bombs and
    deep nesting (`weighting.safe_read.YamlLoader`). The libyaml parser (CSafeLoader) keeps the
    same marks and parses about ten times faster."""

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        # keys written in this mapping (not merged in by `<<: *anchor`, which they may override)
        own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
        self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        own_keys = set()
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "found an unhashable key", key_node.start_mark) from None
            if key in own_keys and id(key_node) in own:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first on line {result.key_lines[key]})",
                    key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
            if id(key_node) in own:
                own_keys.add(key)
        return result

    def construct_line_sequence(self, node):
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_line_sequence)


def read_yaml(path) -> Any:
    """Parse a YAML file keeping line numbers; raises QuestionnaireError with the line of a
    syntax error or duplicate key.

    >>> read_yaml("questionnaires/veiligheidsmonitor.yaml").key_lines["sections"]  # doctest: +SKIP
    42
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuestionnaireError(path, "no such file") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        raise QuestionnaireError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                 "save it as UTF-8", line=line) from None
    except OSError as exc:
        raise QuestionnaireError(path, f"cannot read: {exc.strerror}") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except YamlLimitError as exc:
        mark = exc.problem_mark
        raise QuestionnaireError(path, f"YAML too large: {exc.problem}",
                                 line=mark.line + 1 if mark else None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise QuestionnaireError(
            path, f"YAML syntax: {what}", line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        # a reader error (a control character) knows its position, not its line
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        raise QuestionnaireError(path, f"YAML syntax: {exc}", line=line) from None


def line_of(root, json_path) -> int | None:
    """The line of the node at `json_path` (a sequence of keys and indexes), or of its nearest
    ancestor that has one."""
    node, line = root, getattr(root, "line", None)
    for step in json_path:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line


# --------------------------------------------------------------------------- schema


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


# --------------------------------------------------------------------------- building


def _plain(value):
    """LineDict/LineList → dict/list, recursively (conditions are plain data)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)


def _options(raw_options) -> tuple[Option, ...]:
    return tuple(Option(_text(o["value"]), o["label"], getattr(o, "line", None))
                 for o in raw_options or ())


def _question(raw, scales, page_id, section_id) -> Question:
    kind = raw["type"]
    scale_name = raw.get("scale")
    if "options" in raw:
        options = _options(raw["options"])
    elif scale_name is not None:
        scale = scales.get(scale_name)
        options = scale.options if scale else ()
    else:
        options = ()
    missing_name = raw.get("missing")
    missing = scales.get(missing_name).options if missing_name in scales else ()
    return Question(
        id=raw["id"],
        # a grid stores one variable per row; its own variable only names the group
        variable=raw.get("variable") or raw["id"].replace("-", "_"),
        type=kind,
        text=raw["text"],
        help=raw.get("help"),
        options=options,
        missing_options=missing,
        rows=tuple(GridRow(r["id"], r["variable"], r["text"], getattr(r, "line", None))
                   for r in raw.get("rows", ())),
        min=raw.get("min"),
        max=raw.get("max"),
        decimals=raw.get("decimals", 0),
        unit=raw.get("unit"),
        max_length=raw.get("max_length", 2000) if kind == "text" else None,
        exclusive=tuple(_text(v) for v in raw.get("exclusive", ())),
        required=raw.get("required", False),
        when=_plain(raw["when"]) if "when" in raw else None,
        line=getattr(raw, "line", None),
        scale=scale_name,
        missing=missing_name,
        page_id=page_id,
        section_id=section_id,
        estimate=bool(raw.get("estimate", False)),
    )


def build(data, path) -> Questionnaire:
    """Turn parsed, schema-valid data into a Questionnaire. References are not checked here
    (an unknown scale gives a question without options); `references.reference_problems` does."""
    scales = {name: Scale(name, _options(raw["options"]), data["scales"].key_lines.get(name)
                          if isinstance(data["scales"], LineDict) else None)
              for name, raw in data["scales"].items()}
    sections = []
    for raw_section in data["sections"]:
        pages = []
        for raw_page in raw_section["pages"]:
            pages.append(Page(
                id=raw_page["id"],
                title=raw_page.get("title"),
                when=_plain(raw_page["when"]) if "when" in raw_page else None,
                questions=tuple(_question(q, scales, raw_page["id"], raw_section["id"])
                                for q in raw_page["questions"]),
                routing=tuple(RoutingRule(_plain(r["when"]), r["goto"], getattr(r, "line", None))
                              for r in raw_page.get("routing", ())),
                section_id=raw_section["id"],
                module=raw_section["module"],
                line=getattr(raw_page, "line", None),
            ))
        sections.append(Section(raw_section["id"], raw_section["title"], raw_section["module"],
                                tuple(pages), getattr(raw_section, "line", None)))
    indicators = []
    for raw in data.get("indicators", ()):
        variables = raw["variables"] if "variables" in raw else [raw["variable"]]
        indicators.append(Indicator(
            id=raw["id"],
            label=raw["label"],
            kind=raw["kind"],
            variables=tuple(variables),
            index=raw["index"],
            theme=raw["theme"],
            direction=raw["direction"],
            combine=raw.get("combine", "any"),
            base=raw.get("base", "asked"),
            values=tuple(_text(v) for v in raw.get("values", ())),
            minimum=raw.get("min"),
            scores=_plain(raw["scores"]) if "scores" in raw else None,
            reversed=tuple(raw.get("reversed", ())),
            items_needed=raw.get("items_needed", "half"),
            rescale=tuple(raw["rescale"]) if "rescale" in raw else None,
            denominator=raw.get("denominator"),
            multiplier=float(raw.get("multiplier", 1.0)),
            line=getattr(raw, "line", None),
        ))
    history = tuple(
        HistoryEntry(
            version=raw["version"], date=raw["date"],
            changes=tuple(HistoryChange(
                change=c["change"], series=c["series"], note=c["note"],
                variables=tuple(c.get("variables", ())), indicators=tuple(c.get("indicators", ())),
                line=getattr(c, "line", None)) for c in raw["changes"]),
            line=getattr(raw, "line", None))
        for raw in data.get("history", ()))
    return Questionnaire(
        id=data["id"],
        version=data["version"],
        edition=data["edition"],
        title=data["title"],
        intro=data.get("intro"),
        scales=scales,
        sections=tuple(sections),
        indicators=tuple(indicators),
        path=Path(path),
        line=data.key_lines.get("id") if isinstance(data, LineDict) else None,
        history=history,
    )


def parse(path) -> tuple[Questionnaire | None, list[QuestionnaireError]]:
    """Read, validate and build one file, collecting every problem found.

    Returns (questionnaire, problems); the questionnaire is None when the file could not be
    built (YAML or schema errors). Raises nothing for bad input."""
    try:
        data = read_yaml(path)
    except QuestionnaireError as exc:
        return None, [exc]
    problems = schema_problems(data, path)
    if problems:
        return None, problems
    questionnaire = build(data, path)
    return questionnaire, reference_problems(questionnaire)


_cache: dict = {}


def load_questionnaire(path) -> Questionnaire:
    """Load one questionnaire file, checked; cached by (path, modification time).

    Raises QuestionnaireError (file, line, what is wrong) for the first problem, mentioning how
    many more there are; `wijkprofiel questionnaire check` lists them all.

    >>> load_questionnaire("questionnaires/veiligheidsmonitor.yaml").id   # doctest: +SKIP
    'veiligheidsmonitor'
    """
    path = Path(path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise QuestionnaireError(path, "no such file") from None
    if key in _cache:
        return _cache[key]
    questionnaire, problems = parse(path)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            raise QuestionnaireError(
                first.source, f"{first.detail} (and {len(problems) - 1} more problem(s); "
                              f"run `wijkprofiel questionnaire check {path}`)",
                line=first.line)
        raise first
    _cache[key] = questionnaire
    return questionnaire


_kind_cache: dict = {}


def is_questionnaire_file(path) -> bool:
    """Whether a YAML file in questionnaires/ is a questionnaire. Other configuration lives
    there too: a file whose top level has neither
    `schema_version` nor `sections` is not one. A file that does not parse counts as a
    questionnaire, so that its error is reported rather than the file skipped."""
    path = Path(path)
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _kind_cache:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"),  # noqa: S506 (safe loader)
                             Loader=YamlLoader)
        except (yaml.YAMLError, UnicodeDecodeError):
            data = None
        _kind_cache[key] = not (isinstance(data, dict)
                                and "schema_version" not in data and "sections" not in data)
    return _kind_cache[key]


def questionnaire_files(directory=QUESTIONNAIRES_DIR) -> list[Path]:
    """The questionnaire files in a directory (see `is_questionnaire_file`), by name."""
    return sorted(p for p in Path(directory).glob("*.yaml") if is_questionnaire_file(p))


def load_all(directory=QUESTIONNAIRES_DIR) -> dict[str, Questionnaire]:
    """Every questionnaire in `directory`, by id, in file-name order.

    >>> sorted(load_all())                          # doctest: +SKIP
    ['veiligheidsmonitor', 'wijkonderzoek']
    """
    result = {}
    for file in questionnaire_files(directory):
        questionnaire = load_questionnaire(file)
        result[questionnaire.id] = questionnaire
    return result

