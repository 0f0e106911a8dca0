"""Import an ODK XLSForm (sheets survey, choices, settings) into our questionnaire format.

What translates (see https://xlsform.org for the XLSForm side), spelled as pyxform reads it:
sheet and column names in any case, `list name` as `list_name`, a language after `::` or `:`
(`label::English`, `label:English (en)`), type words with spaces or _ (`begin group`,
`select one from L`, `select all that apply L`, `int`, `string`):

    select_one L / select_multiple L   single / multiple with scale L (from the choices sheet;
                                       a choice name twice in a list is a problem, its first
                                       row kept)
    integer / decimal                  number; min/max from a constraint such as
                                       `. >= 0 and . <= 120` (decimal: 2 decimals); a bound
                                       the form lacks is 0 or 999999, with a note
    note                               the help text of the question after it in its group
    text                               text; max_length from `string-length(.) <= N`
    date                               date; min/max from `. >= date('2020-01-01')`, `. <= today()`
    begin group ... end group          a group of questions is a page; a group of groups is a
                                       section whose inner groups are pages; a question outside
                                       any group is a page of its own
    relevant                           `when` conditions: `${x} = 'a'`, `${x} != 'a'`,
                                       `selected(${x}, 'a')`, `${x} >= 18` (and = != > < <=),
                                       `${x} = ''`, `and`, `or`, `not(...)`, parentheses
    required                           yes / true / true()
    label, hint                        text, help: the Dutch column (`label::Nederlands (nl)`,
                                       `label::nl`, ...), else the default `label`, else the
                                       settings' default_language, else the first language
                                       (with a note: the texts are to be translated)
    begin group (appearance field-list) a page

Names become our ids and variables: `buurtCijfer` gives variable `buurtcijfer`, id `buurtcijfer`;
`buurt_cijfer` gives variable `buurt_cijfer`, id `buurt-cijfer`. Choice names become snake_case
values the same way (in `relevant` too).

Everything else (calculations, repeats, choice filters, or_other, notes showing ${values},
other question types, expressions we cannot read) is reported as a problem with its sheet, row
and column, never silently dropped; `--partial` writes the rest.
Metadata fields (start, end, today, deviceid, ...) hold no question; they are listed as notes.

>>> result = convert_xlsform("form.xlsx")            # doctest: +SKIP
>>> result.problems, result.yaml_text[:40]           # doctest: +SKIP
([], 'schema_version: 1\\nid: buurtonderzoek\\nversion: ...')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from survey import clock
from survey.errors import InputError, QuestionnaireError
from weighting import safe_read

__all__ = ["ConversionResult", "convert_xlsform", "translate_relevant"]

METADATA_TYPES = {
    "start", "end", "today", "deviceid", "imei", "phonenumber", "subscriberid", "simserial",
    "username", "email", "audit", "start-geopoint", "background-audio",
}
DUTCH_LANGUAGE = re.compile(r"^(nl|dutch|nederlands)\b|\(nl\)\s*$", re.IGNORECASE)
PLACEHOLDER_RANGE = (0, 999999)
"""min/max written when a number has no bound in its constraint (with a note; a problem when
the constraint cannot be read)."""
XLSFORM_LIMITS = safe_read.SpreadsheetLimits(max_cells=2_000_000, max_columns=500)
"""A form has hundreds of rows and some dozens of columns; these leave room for thousands."""


@dataclass
class ConversionResult:
    questionnaire_id: str
    data: dict
    yaml_text: str
    problems: list = field(default_factory=list)
    """QuestionnaireError per part that could not be translated (sheet, row, column)."""
    notes: list = field(default_factory=list)
    """Things left out on purpose (metadata fields), as text."""


# --------------------------------------------------------------------------- names


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


# --------------------------------------------------------------------------- sheets


class _Sheet:
    """One worksheet as rows of {column: text}, with the spreadsheet row number of each."""

    def __init__(self, path, title, values):
        self.name = title
        self.source = f"{path} sheet '{title}'"
        rows = iter(values)
        header = next(rows, None) or ()
        # pyxform reads headers without regard to case, `list name` as `list_name` and
        # `label:English` as `label::English`; rows are keyed by that normal form, messages
        # name the header as the sheet has it
        self.headers = {}
        self.columns = []
        for h in header:
            key = column_key(h) if h is not None else ""
            self.columns.append(key if key not in self.headers else "")
            if key and key not in self.headers:
                self.headers[key] = str(h).strip()
        self.rows = []
        for number, values in enumerate(rows, start=2):
            row = {}
            for column, value in zip(self.columns, values):
                if column and value is not None and str(value).strip() != "":
                    row[column] = value.strip() if isinstance(value, str) else value
            if row:
                self.rows.append((number, row))

    def header(self, key) -> str | None:
        """The sheet's own header for a normalised column key (for messages)."""
        return self.headers.get(key, key)

    def pick(self, base, language=None) -> str | None:
        """The column to read `base` (label, hint) from: the Dutch one if there is one, else
        `base` itself, else the form's default language, else the first language."""
        localized = [c for c in self.columns if c.startswith(f"{base}::")]
        for column in localized:
            if DUTCH_LANGUAGE.search(column.split("::", 1)[1]):
                return column
        if base in self.columns:
            return base
        for column in localized:
            if language and column.split("::", 1)[1].strip().lower() == language.strip().lower():
                return column
        return localized[0] if localized else None


def column_key(header) -> str:
    """A header as pyxform reads it: the column's name without case, spaces as _, and its
    language after `::` (one `:` also separates it).

    >>> column_key("LABEL::EN"), column_key("label:English (en)"), column_key("list name")
    ('label::EN', 'label::English (en)', 'list_name')
    """
    text = str(header).strip()
    base, separator, language = text.partition("::")
    if not separator:
        base, separator, language = text.partition(":")
    base = re.sub(r"\s+", "_", base.strip().lower())
    return f"{base}::{language.strip()}" if separator and language.strip() else base


_SELECT = re.compile(r"^(select[_ ]one|select[_ ]multiple|select all that apply)(?:\s+from)?"
                     r"\s+(\S+)(\s+or[_ ]other)?$", re.IGNORECASE)
_TYPE_ALIASES = {"int": "integer", "string": "text", "begin group": "begin_group",
                 "end group": "end_group", "begin repeat": "begin_repeat",
                 "end repeat": "end_repeat", "begin_group": "begin_group",
                 "end_group": "end_group", "begin_repeat": "begin_repeat",
                 "end_repeat": "end_repeat"}


def parse_type(raw) -> tuple[str, str | None, bool]:
    """(kind, choice list, or_other) of a `type` cell, with pyxform's spellings.

    >>> parse_type("select one from yes_or_no"), parse_type("Select_Multiple kleuren or_other")
    (('select_one', 'yes_or_no', False), ('select_multiple', 'kleuren', True))
    >>> parse_type("begin group"), parse_type("INT")
    (('begin_group', None, False), ('integer', None, False))
    """
    text = " ".join(_text(raw).split())
    select = _SELECT.match(text)
    if select:
        multiple = not select.group(1).lower().replace(" ", "_").startswith("select_one")
        return ("select_multiple" if multiple else "select_one"), select.group(2), \
            bool(select.group(3))
    low = text.lower()
    return _TYPE_ALIASES.get(low, low), None, False


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- expressions


class _Unreadable(Exception):
    pass


_TOKEN = re.compile(r"""\s*(?:
    (?P<ref>\$\{\s*(?P<name>[A-Za-z_][\w.-]*)\s*\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
  | (?P<op>!=|>=|<=|=|>|<)
  | (?P<paren>[(),])
  | (?P<word>[A-Za-z_][\w-]*)
)""", re.VERBOSE)


def _tokens(expression: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    expression = expression.strip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if not match or match.end() == position:
            raise _Unreadable(f"unexpected {expression[position:position + 12]!r}")
        if match.group("ref"):
            tokens.append(("ref", match.group("name")))
        else:
            kind = next(k for k in ("string", "number", "op", "paren", "word") if match.group(k))
            tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over the common subset of XPath that `relevant` columns use."""

    def __init__(self, expression, numeric_variables):
        self.tokens = _tokens(expression)
        self.position = 0
        self.numeric = numeric_variables

    def peek(self, offset=0):
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def take(self, kind=None, text=None):
        token = self.peek()
        if token[0] is None or (kind and token[0] != kind) or (text and token[1] != text):
            want = text or kind or "more"
            raise _Unreadable(f"expected {want!r} but found {token[1]!r}" if token[0]
                              else f"expected {want!r} at the end")
        self.position += 1
        return token

    def parse(self):
        result = self.or_expression()
        if self.peek()[0] is not None:
            raise _Unreadable(f"cannot read from {self.peek()[1]!r} on")
        return result

    def or_expression(self):
        parts = [self.and_expression()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.and_expression())
        return parts[0] if len(parts) == 1 else {"any": _flatten(parts, "any")}

    def and_expression(self):
        parts = [self.unary()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else {"all": _flatten(parts, "all")}

    def unary(self):
        kind, text = self.peek()
        if (kind, text) == ("word", "not") and self.peek(1) == ("paren", "("):
            self.take()
            self.take("paren", "(")
            inner = self.or_expression()
            self.take("paren", ")")
            return {"not": inner}
        if (kind, text) == ("paren", "("):
            self.take()
            inner = self.or_expression()
            self.take("paren", ")")
            return inner
        if kind == "word" and text != "selected" and self.peek(1) == ("paren", "("):
            raise _Unreadable(f"the function {text}() has no counterpart")
        if (kind, text) == ("word", "selected"):
            self.take()
            self.take("paren", "(")
            _, name = self.take("ref")
            self.take("paren", ",")
            literal_kind, literal = self.take()
            if literal_kind not in ("string", "number"):
                raise _Unreadable(f"selected() needs a quoted value, not {literal!r}")
            self.take("paren", ")")
            return {"variable": snake(name), "in": [value_name(_unquote(literal))]}
        return self.comparison()

    def comparison(self):
        left = self.take()
        _, op = self.take("op")
        right = self.take()
        if left[0] != "ref" and right[0] == "ref":
            left, right = right, left
            op = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)
        if left[0] != "ref" or right[0] not in ("string", "number"):
            raise _Unreadable("a comparison needs ${variable} on one side and a value on the other")
        variable, literal = snake(left[1]), _unquote(right[1])
        if literal == "":
            if op not in ("=", "!="):
                raise _Unreadable(f"cannot compare with '' using {op}")
            return {"variable": variable, "answered": op == "!="}
        number = _number(literal)
        if op in ("=", "!="):
            if number is not None and (right[0] == "number" or variable in self.numeric):
                equal = {"variable": variable, "min": number, "max": number}
            else:
                equal = {"variable": variable, "in": [value_name(literal)]}
            # XPath `!=` also holds for an empty answer: `not` keeps that meaning
            return equal if op == "=" else {"not": equal}
        if number is None:
            raise _Unreadable(f"{op} needs a number, not {literal!r}")
        if op == ">=":
            return {"variable": variable, "min": number}
        if op == "<=":
            return {"variable": variable, "max": number}
        # strict: x > n is (x >= n and not x <= n); unanswered fails both sides, as in XPath
        if op == ">":
            return {"all": [{"variable": variable, "min": number},
                            {"not": {"variable": variable, "max": number}}]}
        return {"all": [{"variable": variable, "max": number},
                        {"not": {"variable": variable, "min": number}}]}


def _flatten(parts, key):
    flat = []
    for part in parts:
        flat.extend(part[key] if set(part) == {key} else [part])
    return flat


def _unquote(literal: str) -> str:
    if len(literal) >= 2 and literal[0] == literal[-1] and literal[0] in "'\"":
        return literal[1:-1]
    return literal


def _number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return int(value) if value.is_integer() else value


def translate_relevant(expression: str, numeric_variables=frozenset()) -> dict:
    """An XLSForm `relevant` expression as our condition; ValueError if it is not one of the
    common forms.

    >>> translate_relevant("${slachtoffer} = 'ja' and not(${leeftijd} < 18)", {"leeftijd"})
    {'all': [{'variable': 'slachtoffer', 'in': ['ja']}, {'not': {'all': [{'variable': 'leeftijd', 'max': 18}, {'not': {'variable': 'leeftijd', 'min': 18}}]}}]}
    """
    try:
        return _Parser(expression, numeric_variables).parse()
    except _Unreadable as exc:
        raise ValueError(
            f"{exc}; translated are ${{x}} = 'a', ${{x}} != 'a', selected(${{x}}, 'a'), "
            f"${{x}} >= 18 (= != < <= > >=), ${{x}} = '', and, or, not(...)") from None


_BOUND = re.compile(r"^\.\s*(>=|<=|>|<)\s*(.+)$|^(.+?)\s*(>=|<=|>|<)\s*\.$")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*(<=|<)\s*([0-9]+)$")
_DATE = re.compile(r"""^date\(\s*['"]([0-9]{4}-[0-9]{2}-[0-9]{2})['"]\s*\)$""")


def _constraint_bounds(constraint: str, kind: str) -> dict:
    """min/max (or max_length) from a constraint made of `.`-comparisons joined by `and`."""
    bounds = {}
    for clause in re.split(r"\s+and\s+", constraint.strip()):
        clause = clause.strip()
        while clause.startswith("(") and clause.endswith(")"):
            clause = clause[1:-1].strip()
        if kind == "text":
            match = _LENGTH.match(clause)
            if not match:
                raise ValueError(f"cannot read {clause!r} (expected string-length(.) <= N)")
            bounds["max_length"] = int(match.group(2)) - (match.group(1) == "<")
            continue
        match = _BOUND.match(clause)
        if not match:
            raise ValueError(f"cannot read {clause!r} (expected . >= N, . <= N)")
        if match.group(1):
            op, literal = match.group(1), match.group(2).strip()
        else:
            literal = match.group(3).strip()
            op = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}[match.group(4)]
        key = "min" if op in (">=", ">") else "max"
        if kind == "date":
            if literal == "today()":
                value = "today"
            elif _DATE.match(literal):
                value = _DATE.match(literal).group(1)
            else:
                raise ValueError(f"cannot read the date {literal!r} (expected date('YYYY-MM-DD') or today())")
            if op in (">", "<"):
                if value == "today":
                    raise ValueError(f"{clause!r}: a strict bound on today() has no counterpart")
                day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if op == ">" else -1)
                value = day.isoformat()
        else:
            value = _number(literal)
            if value is None:
                raise ValueError(f"cannot read the number {literal!r}")
            if op in (">", "<"):
                if kind != "integer" or not isinstance(value, int):
                    raise ValueError(f"{clause!r}: a strict bound on a decimal has no counterpart; "
                                     f"use >= or <=")
                value += 1 if op == ">" else -1
        bounds[key] = value
    return bounds


# --------------------------------------------------------------------------- conversion


class _Group:
    def __init__(self, name, label, relevant, row):
        self.name, self.label, self.relevant, self.row = name, label, relevant, row
        self.children = []  # questions (dict) and _Group


def convert_xlsform(path, questionnaire_id=None, edition=None) -> ConversionResult:
    """Convert an XLSForm workbook.

    Args:
        path: the .xlsx file.
        questionnaire_id: the id (default: settings `form_id`, else the file name), snake_case.
        edition: the Wijkprofiel edition (default: the year in `version`, else this year).
    Returns: a ConversionResult; problems list what could not be translated. Raises
        QuestionnaireError when the file is not a readable XLSForm at all.
    """
    path = Path(path)
    if not path.is_file():
        raise QuestionnaireError(path, "no such file")
    try:
        # limits on the archive and every sheet's extent before anything is unpacked
        workbook = safe_read.read_xlsx(path, path, limits=XLSFORM_LIMITS)
    except InputError as exc:
        raise QuestionnaireError(path, f"not an .xlsx workbook that can be read: {exc.detail}") from None
    sheets = {title.strip().lower(): _Sheet(path, title, rows) for title, rows in workbook.items()}
    if "survey" not in sheets:
        raise QuestionnaireError(path, f"no 'survey' sheet (sheets: {', '.join(sheets)})")
    return _Converter(path, sheets, questionnaire_id, edition).run()


class _Converter:
    def __init__(self, path, sheets, questionnaire_id, edition):
        self.path = path
        self.survey = sheets["survey"]
        self.choices = sheets.get("choices")
        self.settings = sheets.get("settings")
        self.questionnaire_id = questionnaire_id
        self.edition = edition
        self.problems = []
        self.notes = []
        self.numeric = set()
        self.scales = {}
        self.name_rows = {}  # question name -> the survey row it is first on
        self.choice_rows = {}  # list -> {value: choices row}
        self.language = None  # settings: default_language

    def problem(self, sheet, row, column, message):
        if column is not None and sheet is not None:
            column = sheet.header(column)
        self.problems.append(QuestionnaireError(sheet.source, message, row=row, column=column))

    def note(self, sheet, row, message):
        self.notes.append(f"{sheet.source} row {row}: {message}")

    # -------------------------------------------------------------- choices and settings

    def read_choices(self):
        if self.choices is None:
            return
        label_column = self.choices.pick("label", self.language)
        for number, row in self.choices.rows:
            list_name, name = row.get("list_name"), row.get("name")
            if list_name is None or name is None:
                self.problem(self.choices, number, "list_name" if list_name is None else "name",
                             "a choice needs list_name and name")
                continue
            label = row.get(label_column) if label_column else None
            if label is None:
                self.problem(self.choices, number, label_column or "label",
                             f"choice {_text(name)!r} of list {list_name!r} has no label")
                label = _text(name)
            scale = self.scales.setdefault(snake(list_name), {"options": []})
            rows = self.choice_rows.setdefault(snake(list_name), {})
            value = value_name(_text(name))
            if value in rows:
                self.problem(self.choices, number, "name",
                             f"choice {_text(name)!r} is also in list {list_name!r} on row "
                             f"{rows[value]}; a list needs each name once (this row is left out)")
                continue
            rows[value] = number
            scale["options"].append({"value": value, "label": _text(label)})

    def read_settings(self):
        settings = dict(self.settings.rows[0][1]) if self.settings and self.settings.rows else {}
        if settings.get("default_language") is not None:
            self.language = _text(settings["default_language"])
        form_id = self.questionnaire_id or settings.get("form_id") or self.path.stem
        self.questionnaire_id = snake(form_id)
        version = _text(settings.get("version", "1"))
        title = _text(settings.get("form_title") or self.questionnaire_id.replace("_", " ").capitalize())
        if self.edition is None:
            year = re.match(r"(20[0-9]{2})", version)
            self.edition = int(year.group(1)) if year else clock.today().year
        return title, version

    # -------------------------------------------------------------- survey rows

    def condition(self, row_number, expression):
        if expression is None:
            return None
        try:
            return translate_relevant(_text(expression), self.numeric)
        except ValueError as exc:
            self.problem(self.survey, row_number, "relevant",
                         f"cannot translate relevant `{expression}`: {exc}")
            return None

    def question(self, number, row, kind, rest, label_column, hint_column):
        name = row.get("name")
        if name is None:
            self.problem(self.survey, number, "name", f"a {kind} question needs a name")
            return None
        label = row.get(label_column) if label_column else None
        if label is None:
            self.problem(self.survey, number, label_column or "label",
                         f"question {name!r} has no label")
            label = _text(name)
        if snake(name) in self.name_rows:
            self.problem(self.survey, number, "name",
                         f"name {name!r} is also on row {self.name_rows[snake(name)]}; "
                         "every question needs its own name")
            return None
        self.name_rows[snake(name)] = number
        question = {"id": kebab(name), "variable": snake(name)}
        constraint = row.get("constraint")
        if kind in ("select_one", "select_multiple"):
            list_name = snake(rest.split()[0]) if rest else ""
            if rest.endswith(" or_other") or rest.endswith(" or other"):
                self.problem(self.survey, number, "type", f"{kind} ... or_other has no counterpart; "
                                                          f"add an 'anders' option and a text question")
            if list_name not in self.scales:
                self.problem(self.survey, number, "type",
                             f"choice list {rest!r} is not on the choices sheet")
            question.update(type="single" if kind == "select_one" else "multiple", text=_text(label),
                            scale=list_name)
            if constraint is not None:
                self.problem(self.survey, number, "constraint",
                             f"constraint `{constraint}` on a choice question has no counterpart")
        elif kind in ("integer", "decimal"):
            self.numeric.add(snake(name))
            question.update(type="number", text=_text(label))
            bounds = {}
            if constraint is not None:
                try:
                    bounds = _constraint_bounds(_text(constraint), kind)
                except ValueError as exc:
                    self.problem(self.survey, number, "constraint", f"{exc}")
            missing = [key for key in ("min", "max") if key not in bounds]
            if missing:
                # pyxform needs no bounds; we do: a wide range, said out loud
                self.note(self.survey, number,
                          f"number question {name!r} has no {' and no '.join(missing)} in the "
                          f"form; imported as {PLACEHOLDER_RANGE[0]} to {PLACEHOLDER_RANGE[1]} "
                          "there: set the real range")
            question["min"] = bounds.get("min", PLACEHOLDER_RANGE[0])
            question["max"] = bounds.get("max", PLACEHOLDER_RANGE[1])
            if kind == "decimal":
                question["decimals"] = 2
        elif kind == "text":
            question.update(type="text", text=_text(label))
            if constraint is not None:
                try:
                    question.update(_constraint_bounds(_text(constraint), "text"))
                except ValueError as exc:
                    self.problem(self.survey, number, "constraint", f"{exc}")
        elif kind == "date":
            question.update(type="date", text=_text(label))
            if constraint is not None:
                try:
                    question.update(_constraint_bounds(_text(constraint), "date"))
                except ValueError as exc:
                    self.problem(self.survey, number, "constraint", f"{exc}")
        hint = row.get(hint_column) if hint_column else None
        if hint is not None:
            question["help"] = _text(hint)
        required = row.get("required")
        if required is not None:
            text = _text(required).strip().lower()
            if text in ("yes", "true", "true()", "1"):
                question["required"] = True
            elif text not in ("no", "false", "false()", "0"):
                self.problem(self.survey, number, "required",
                             f"required `{required}` (an expression) has no counterpart; "
                             f"only yes/no")
        when = self.condition(number, row.get("relevant"))
        if when is not None:
            question["when"] = when
        return question

    def read_survey(self):
        label_column = self.survey.pick("label", self.language)
        hint_column = self.survey.pick("hint", self.language)
        if label_column and label_column != "label" and not DUTCH_LANGUAGE.search(
                label_column.split("::", 1)[1]):
            self.notes.append(f"{self.survey.source}: no Dutch label column; the texts are read "
                              f"from {self.survey.header(label_column)!r} (translate them)")
        root = _Group(None, None, None, None)
        stack = [root]
        notes = []  # (row, text) of notes waiting for the next question of their group
        for number, row in self.survey.rows:
            raw_type = row.get("type")
            if raw_type is None:
                self.problem(self.survey, number, "type", "a row with content but no type")
                continue
            kind, list_name, or_other = parse_type(raw_type)
            rest = (list_name or "") + (" or_other" if or_other else "")
            if row.get("choice_filter") is not None:
                self.problem(self.survey, number, "choice_filter",
                             f"choice_filter `{row['choice_filter']}` (cascading choices) has no "
                             "counterpart; the whole list is imported")
            if kind in ("begin_group", "end_group", "begin_repeat", "end_repeat"):
                self.unplaced_notes(notes)
            if kind == "note":
                label = row.get(label_column) if label_column else None
                if label is None or "${" in _text(label):
                    self.problem(self.survey, number, "type",
                                 f"note {row.get('name')!r}: " + (
                                     "has no label" if label is None else
                                     "shows a calculated value (${...}), which has no counterpart"))
                else:
                    notes.append((number, _text(label)))
            elif kind == "begin_group":
                label = row.get(label_column) if label_column else None
                group = _Group(row.get("name") or f"groep-{number}", label,
                               self.condition(number, row.get("relevant")), number)
                stack[-1].children.append(group)
                stack.append(group)
            elif kind == "end_group":
                if len(stack) == 1:
                    self.problem(self.survey, number, "type", "end group without begin group")
                else:
                    stack.pop()
            elif kind in ("begin_repeat", "end_repeat"):
                self.problem(self.survey, number, "type",
                             "repeats have no counterpart; the questions inside are imported "
                             "once" if kind == "begin_repeat" else "end of the repeat above")
            elif kind in ("select_one", "select_multiple", "integer", "decimal", "text", "date"):
                question = self.question(number, row, kind, rest, label_column, hint_column)
                if question is not None:
                    if notes:
                        # a note shows above what follows it: the question's help text
                        question["help"] = "\n\n".join(
                            [text for _, text in notes] + ([question["help"]] if "help" in question else []))
                        notes.clear()
                    stack[-1].children.append(question)
            elif kind in METADATA_TYPES:
                self.notes.append(f"{self.survey.source} row {number}: metadata field "
                                  f"{row.get('name', raw_type)!r} ({raw_type}) left out: it holds "
                                  f"no question")
            else:
                self.problem(self.survey, number, "type",
                             f"type {_text(raw_type)!r} has no counterpart in our format")
        self.unplaced_notes(notes)
        for group in stack[1:]:
            self.problem(self.survey, group.row, "type", f"group {group.name!r} is never ended")
        return root

    def unplaced_notes(self, notes):
        for number, text in notes:
            self.problem(self.survey, number, "type",
                         f"note {text[:40]!r} has no question after it in its group; our format "
                         "has no notes of their own (put the text in a question's hint)")
        notes.clear()

    # -------------------------------------------------------------- structure

    def pages_of(self, group, inherited, loose_one_per_page=False):
        """Pages from a group's children: nested groups become pages (their own nested groups
        are flattened into them), and consecutive loose questions form a page of their own
        (or one page each with `loose_one_per_page`: ODK shows them one per screen)."""
        pages, loose = [], []

        def flush():
            runs = [[q] for q in loose] if loose_one_per_page else ([list(loose)] if loose else [])
            for run in runs:
                first = run[0]
                page = {"id": first["id"] if len(run) == 1 else f"{first['id']}-en-verder"}
                if inherited:
                    page["when"] = _all(inherited)
                page["questions"] = run
                pages.append(page)
            loose.clear()

        for child in group.children:
            if isinstance(child, dict):
                loose.append(child)
                continue
            flush()
            conditions = inherited + ([child.relevant] if child.relevant else [])
            questions = self.flatten(child, [])
            if not questions:
                self.problem(self.survey, child.row, "type", f"group {child.name!r} holds no "
                                                             f"question we can import")
                continue
            page = {"id": kebab(child.name)}
            if child.label is not None:
                page["title"] = _text(child.label)
            if conditions:
                page["when"] = _all(conditions)
            page["questions"] = questions
            pages.append(page)
        flush()
        return pages

    def flatten(self, group, inherited):
        """All questions in a group (nested groups' `relevant` pushed into their questions)."""
        questions = []
        for child in group.children:
            if isinstance(child, dict):
                if inherited:
                    child = dict(child, when=_all(inherited + ([child["when"]] if "when" in child else [])))
                questions.append(child)
            else:
                questions += self.flatten(child, inherited + ([child.relevant] if child.relevant else []))
        return questions

    def sections(self, root, title):
        sections, loose = [], _Group(None, None, None, None)

        def flush():
            if loose.children:
                pages = self.pages_of(loose, [], loose_one_per_page=True)
                if pages:
                    number = len(sections) + 1
                    sections.append({"id": f"deel-{number}", "title": title, "module": "kern",
                                     "pages": pages})
                loose.children = []

        for child in root.children:
            holds_groups = isinstance(child, _Group) and any(isinstance(c, _Group) for c in child.children)
            if not holds_groups:
                loose.children.append(child)
                continue
            flush()
            pages = self.pages_of(child, [child.relevant] if child.relevant else [])
            if pages:
                sections.append({"id": kebab(child.name),
                                 "title": _text(child.label) if child.label else child.name,
                                 "module": "kern", "pages": pages})
        flush()
        return sections

    def run(self) -> ConversionResult:
        title, version = self.read_settings()
        self.read_choices()
        root = self.read_survey()
        sections = self.sections(root, title)
        if not sections:
            self.problem(self.survey, None, None, "no question could be imported")
        used = {q["scale"] for s in sections for p in s["pages"] for q in p["questions"] if "scale" in q}
        data = {
            "schema_version": 1,
            "id": self.questionnaire_id,
            "version": version,
            "edition": self.edition,
            "title": title,
            "scales": {name: scale for name, scale in self.scales.items() if name in used},
            "sections": sections,
        }
        header = (f"# Imported from {self.path.name} by `wijkprofiel questionnaire import-xlsform`.\n"
                  f"# Check the module of each section (all `kern` now) and add `missing` scales.\n")
        text = header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                  width=100)
        return ConversionResult(self.questionnaire_id, data, text, self.problems, self.notes)


class _Dumper(yaml.SafeDumper):
    """Block style, except options and condition leaves, which read best on one line as in
    the format doc: `{value: ja, label: Ja}`, `{variable: leeftijd, min: 18}`."""

    def represent_dict(self, data):
        scalars = all(not isinstance(v, (dict, list)) or
                      (isinstance(v, list) and not any(isinstance(i, (dict, list)) for i in v))
                      for v in data.values())
        flow = scalars and (set(data) <= {"value", "label"} or ("variable" in data and "id" not in data))
        return self.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)

    def represent_list(self, data):
        flow = not any(isinstance(i, (dict, list)) for i in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _Dumper.represent_dict)
_Dumper.add_representer(list, _Dumper.represent_list)


def _all(conditions):
    return conditions[0] if len(conditions) == 1 else {"all": _flatten(conditions, "all")}

