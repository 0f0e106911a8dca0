"""YAML read with the line of every mapping, key and list item kept: the one reader of the YAML
files people write (questionnaires, weighting plans, index configurations, the index bands and
targets; the questionnaire texts for translation too), so that a checker names the file and
line of every problem, and every such file is refused for the same reasons in the same words.

`read_yaml(path, error=...)` (or `parse_yaml(content, source, error=...)` for bytes or text
already read, as Babel hands them over) reads the file as UTF-8 (a BOM is allowed) through the
safe loader of `weighting.safe_read` (alias bombs and deep nesting refused before anything is
built) and refuses a key given twice in one mapping (YAML would silently keep the last).
Mappings come back as `LineDict` (`line`, `key_lines`), lists as `LineList` (`line`,
`item_lines`); `line_of` finds the line of a node by its path, `plain` turns the result into
plain dicts and lists. What is wrong with the file is raised as `error` (an `InputError` class:
a questionnaire's `QuestionnaireError`, a plan's `PlanError`) with the file and the line:

- `file not found`; `cannot be read: <reason>`
- `is not UTF-8 text (byte 0xe9 cannot be read); save it as UTF-8`
- `not valid YAML: <what the parser says>`
- `duplicate key 'method' (first on line 2); keep one`
- `YAML too large: expands to more than 200,000 values ...` or `... nested more than 100 levels deep`

>>> doc = parse_yaml(b"id: demo\\nsections:\\n  - id: a\\n  - id: b\\n", "q.yaml")
>>> doc.key_lines["sections"], doc["sections"].item_lines, line_of(doc, ["sections", 1, "id"])
(2, [3, 4], 4)
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from weighting.errors import InputError
from weighting.safe_read import YamlLimitError, YamlLoader

__all__ = ["LineDict", "LineList", "read_yaml", "parse_yaml", "line_of", "plain"]


class LineDict(dict):
    """A dict that remembers the line of its start (`line`) and of each key (`key_lines`)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A list that remembers its start line and the start line of each item."""

    line: int = 0
    item_lines: list


class _DuplicateKey(yaml.MarkedYAMLError):
    """A key written twice in one mapping; `problem_mark` is the second."""


class _LineLoader(YamlLoader):
    """The limit-checking safe loader, recording 1-based start lines and refusing duplicate keys.
    The libyaml parser (CSafeLoader) keeps the same marks and parses about ten times faster."""

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
                raise _DuplicateKey(
                    None, None, f"duplicate key {key!r} (first on line {result.key_lines[key]}); "
                                "keep one", key_node.start_mark)
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


def read_yaml(path, error: type[InputError] = InputError) -> Any:
    """Parse a YAML file keeping line numbers.

    Args:
        path: the file.
        error: the `InputError` class to raise (e.g. `PlanError`).

    Returns:
        The document: `LineDict`s, `LineList`s and scalars (None for an empty file).

    Raises:
        `error`, naming the file and, where the defect has one, the line: a missing or
        unreadable file, and whatever `parse_yaml` refuses.

    >>> read_yaml("nope.yaml")
    Traceback (most recent call last):
    ...
    weighting.errors.InputError: nope.yaml: file not found
    """
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise error(path, "file not found") from None
    except OSError as exc:
        raise error(path, f"cannot be read: {exc.strerror or exc}") from None
    return parse_yaml(content, path, error)


def parse_yaml(content: bytes | str, source, error: type[InputError] = InputError) -> Any:
    """Parse YAML (the bytes of a file, or its text) keeping line numbers; `source` names it
    in errors.

    Raises:
        `error` with the line: bytes that are not UTF-8, a YAML syntax error, a duplicate key,
        a document over the limits of `weighting.safe_read`.

    >>> parse_yaml(b"method: raking\\nmethod: linear\\n", "plan.yaml")
    Traceback (most recent call last):
    ...
    weighting.errors.InputError: plan.yaml line 2: duplicate key 'method' (first on line 1); keep one
    """
    if isinstance(content, bytes):
        if content.startswith(codecs.BOM_UTF8):  # Notepad and Excel save one; count after it
            content = content[len(codecs.BOM_UTF8):]
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(source, f"is not UTF-8 text (byte 0x{content[exc.start]:02x} cannot be "
                        "read); save it as UTF-8",
                        line=content.count(b"\n", 0, exc.start) + 1) from None
    else:
        text = content
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except YamlLimitError as exc:
        raise error(source, f"YAML too large: {exc.problem}", line=_line(exc.problem_mark)) from None
    except _DuplicateKey as exc:
        raise error(source, exc.problem, line=_line(exc.problem_mark)) from None
    except yaml.MarkedYAMLError as exc:
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise error(source, f"not valid YAML: {what}",
                    line=_line(exc.problem_mark or exc.context_mark)) from None
    except yaml.reader.ReaderError as exc:
        # a control character: the reader knows its position, not its line
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise error(source, f"not valid YAML: character #x{code:04x} ({exc.reason}); remove it",
                    line=text.count("\n", 0, exc.position) + 1) from None
    except yaml.YAMLError as exc:
        raise error(source, f"not valid YAML: {exc}") from None


def _line(mark) -> int | None:
    return mark.line + 1 if mark is not None else None


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


def plain(value):
    """`LineDict`/`LineList` → dict/list, recursively: for data that leaves the checker."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
