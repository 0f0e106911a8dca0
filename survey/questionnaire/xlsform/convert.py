"""An XLSForm workbook converted to our questionnaire format: choices become scales, groups
become pages and sections, questions and their conditions and bounds are translated (see the
package's docstring for what translates); every part that cannot be is a problem naming its
sheet, row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from survey import clock
from survey.errors import QuestionnaireError
from survey.questionnaire.xlsform.expressions import all_of, constraint_bounds, translate_relevant
from survey.questionnaire.xlsform.names import kebab, snake, value_name
from survey.questionnaire.xlsform.sheets import DUTCH_LANGUAGE, cell_text, parse_type, read_sheets

__all__ = ["ConversionResult", "convert_xlsform"]

METADATA_TYPES = {
    "start", "end", "today", "deviceid", "imei", "phonenumber", "subscriberid", "simserial",
    "username", "email", "audit", "start-geopoint", "background-audio",
}
PLACEHOLDER_RANGE = (0, 999999)
"""min/max written when a number has no bound in its constraint (with a note; a problem when
the constraint cannot be read)."""


@dataclass
class ConversionResult:
    questionnaire_id: str
    data: dict
    yaml_text: str
    problems: list = field(default_factory=list)
    """QuestionnaireError per part that could not be translated (sheet, row, column)."""
    notes: list = field(default_factory=list)
    """Things left out on purpose (metadata fields), as text."""


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
    sheets = read_sheets(path)
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
                             f"choice {cell_text(name)!r} of list {list_name!r} has no label")
                label = cell_text(name)
            scale = self.scales.setdefault(snake(list_name), {"options": []})
            rows = self.choice_rows.setdefault(snake(list_name), {})
            value = value_name(cell_text(name))
            if value in rows:
                self.problem(self.choices, number, "name",
                             f"choice {cell_text(name)!r} is also in list {list_name!r} on row "
                             f"{rows[value]}; a list needs each name once (this row is left out)")
                continue
            rows[value] = number
            scale["options"].append({"value": value, "label": cell_text(label)})

    def read_settings(self):
        settings = dict(self.settings.rows[0][1]) if self.settings and self.settings.rows else {}
        if settings.get("default_language") is not None:
            self.language = cell_text(settings["default_language"])
        form_id = self.questionnaire_id or settings.get("form_id") or self.path.stem
        self.questionnaire_id = snake(form_id)
        version = cell_text(settings.get("version", "1"))
        title = cell_text(settings.get("form_title") or self.questionnaire_id.replace("_", " ").capitalize())
        if self.edition is None:
            year = re.match(r"(20[0-9]{2})", version)
            self.edition = int(year.group(1)) if year else clock.today().year
        return title, version

    # -------------------------------------------------------------- survey rows

    def condition(self, row_number, expression):
        if expression is None:
            return None
        try:
            return translate_relevant(cell_text(expression), self.numeric)
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
            label = cell_text(name)
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
            question.update(type="single" if kind == "select_one" else "multiple", text=cell_text(label),
                            scale=list_name)
            if constraint is not None:
                self.problem(self.survey, number, "constraint",
                             f"constraint `{constraint}` on a choice question has no counterpart")
        elif kind in ("integer", "decimal"):
            self.numeric.add(snake(name))
            question.update(type="number", text=cell_text(label))
            bounds = {}
            if constraint is not None:
                try:
                    bounds = constraint_bounds(cell_text(constraint), kind)
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
        elif kind in ("text", "date"):  # max_length, or a min/max date, from the constraint
            question.update(type=kind, text=cell_text(label))
            if constraint is not None:
                try:
                    question.update(constraint_bounds(cell_text(constraint), kind))
                except ValueError as exc:
                    self.problem(self.survey, number, "constraint", f"{exc}")
        hint = row.get(hint_column) if hint_column else None
        if hint is not None:
            question["help"] = cell_text(hint)
        required = row.get("required")
        if required is not None:
            text = cell_text(required).strip().lower()
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
                if label is None or "${" in cell_text(label):
                    self.problem(self.survey, number, "type",
                                 f"note {row.get('name')!r}: " + (
                                     "has no label" if label is None else
                                     "shows a calculated value (${...}), which has no counterpart"))
                else:
                    notes.append((number, cell_text(label)))
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
                             f"type {cell_text(raw_type)!r} has no counterpart in our format")
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
                    page["when"] = all_of(inherited)
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
                page["title"] = cell_text(child.label)
            if conditions:
                page["when"] = all_of(conditions)
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
                    child = dict(child, when=all_of(inherited + ([child["when"]] if "when" in child else [])))
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
                                 "title": cell_text(child.label) if child.label else child.name,
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

