"""YAML read with the line of every mapping, key and list item kept, so that a questionnaire's
problems name the line to fix; duplicate keys, alias bombs and deep nesting are refused
(`weighting.safe_read.YamlLoader`).

>>> read_yaml("questionnaires/veiligheidsmonitor.yaml").key_lines["sections"]  # doctest: +SKIP
42
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from survey.errors import QuestionnaireError
from weighting.safe_read import YamlLimitError, YamlLoader

__all__ = ["LineDict", "LineList", "read_yaml", "line_of"]


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
