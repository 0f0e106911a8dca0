"""Forms built from question definitions: what a page shows, and what a submitted page means.

A page's form is a list of `QuestionForm`s, one per visible question. Each holds the question,
the raw values to show in its inputs (`data`, keyed by input name) and its errors. The same
object serves a fresh page (`from_answers`, filled from the stored answers) and a submitted one
(`from_submission`, filled from the request and validated), so a page with an error shows
every answer exactly as it was typed.

Input names: a question's variable; a grid row's variable; `<variable>-missing` for the
"weet ik niet" box of a number; `<variable>-day`/`-month`/`-year` for a date (three boxes, as
the GOV.UK date pattern: they work everywhere, with any keyboard and screen reader).

Stored values are text (see questionnaires/README.md): an option value; multiple choice values
joined by spaces in questionnaire order; a number in plain decimal notation with a point; an
ISO date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from survey.forms.error_messages import message

_NUMBER_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_YEAR_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")


@dataclass
class FieldError:
    anchor: str
    """The id of the input the error summary links to."""
    text: str
    missing: bool = False
    """True for a required answer left open; False for an answer given that does not check
    out (which "save and continue later" cannot store)."""


@dataclass
class QuestionForm:
    question: object
    data: dict = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def variable(self) -> str:
        return self.question.variable

    @property
    def anchor(self) -> str:
        """The id of the question's first input."""
        q = self.question
        if q.type in ("single", "multiple"):
            return f"{q.variable}-0"
        if q.type == "grid":
            return f"{q.rows[0].variable}-0"
        if q.type == "date":
            return f"{q.variable}-day"
        return q.variable

    def error_for(self, anchor: str) -> str | None:
        for error in self.errors:
            if error.anchor == anchor:
                return error.text
        return None

    @property
    def error(self) -> str | None:
        """The question's own error (for a grid: the rows' errors are shown by the rows)."""
        if self.question.type == "grid":
            return None
        return self.errors[0].text if self.errors else None

    @property
    def date_example(self) -> tuple[str, str]:
        """For a date question: an example inside its bounds as typed in the boxes, with and
        without the day ('27 3 2025', '3 2025')."""
        example = _example_date(_date_bound(self.question.min), _date_bound(self.question.max))
        return _show_parts(example), f"{example.month} {example.year}"

    def chosen(self, name: str) -> set[str]:
        value = self.data.get(name)
        if value is None:
            return set()
        return value if isinstance(value, set) else {value}


# --------------------------------------------------------------------------- screens

GRID_ROWS_PER_SCREEN = 6
"""A grid with more rows is shown in parts of at most this many rows, one part a screen: on a
360 px phone the 15 rows of the buurtproblemen grid were 5,760 px and 23 Tab stops long."""
GRID_LINES_PER_SCREEN = 24
"""On a phone each answer of a row is a line of its own (about 50 px), and so is the row's
text: a grid part holds at most this many lines, so a scale of five answers and "weet ik
niet" gets three rows a screen, one of three answers and "weet ik niet" four."""


def rows_per_screen(question) -> int:
    """How many rows of the grid `question` one screen shows (at least 2)."""
    lines = len(question.all_options()) + 1
    return max(2, min(GRID_ROWS_PER_SCREEN, GRID_LINES_PER_SCREEN // lines))


def screens(questions) -> list[list]:
    """The screens a page's visible `questions` are shown on, in order: each long grid in parts
    of at most `rows_per_screen` rows (as near equal as can be, each part the grid with
    some of its rows), each part a screen of its own; the other questions together on the
    screens between. A page without a long grid is one screen.

    >>> [[len(q.rows) for q in s] for s in screens([grid_of_7_rows_3_answers_and_weet_niet])]
    [[4], [3]]                                                            # doctest: +SKIP
    """
    found, current = [], []
    for question in questions:
        if question.type != "grid" or len(question.rows) <= rows_per_screen(question):
            current.append(question)
            continue
        if current:
            found.append(current)
            current = []
        parts = -(-len(question.rows) // rows_per_screen(question))
        size = -(-len(question.rows) // parts)
        for start in range(0, len(question.rows), size):
            found.append([replace(question, rows=question.rows[start:start + size])])
    if current or not found:
        found.append(current)
    return found


# --------------------------------------------------------------------------- showing


def from_answers(questions, answers: dict) -> list[QuestionForm]:
    """Forms for `questions` filled with the stored `answers` (variable -> text)."""
    forms = []
    for question in questions:
        data = {}
        if question.type == "grid":
            for row in question.rows:
                data[row.variable] = answers.get(row.variable)
        elif question.type == "multiple":
            data[question.variable] = set((answers.get(question.variable) or "").split())
        elif question.type == "number":
            stored = answers.get(question.variable)
            missing = {o.value for o in question.missing_options}
            if stored in missing:
                data[f"{question.variable}-missing"] = stored
            else:
                data[question.variable] = stored or ""
        elif question.type == "date":
            stored = answers.get(question.variable)
            day = month = year = ""
            if stored:
                try:
                    if _YEAR_MONTH_RE.match(stored):  # an estimate without a day
                        year, month = stored[:4], str(int(stored[5:]))
                    else:
                        parsed = date.fromisoformat(stored)
                        day, month, year = str(parsed.day), str(parsed.month), str(parsed.year)
                except ValueError:
                    pass
            data.update({f"{question.variable}-day": day, f"{question.variable}-month": month,
                         f"{question.variable}-year": year})
        else:
            data[question.variable] = answers.get(question.variable) or (
                "" if question.type == "text" else None)
        forms.append(QuestionForm(question, data))
    return forms


# --------------------------------------------------------------------------- reading


def from_submission(questions, form) -> tuple[list[QuestionForm], dict]:
    """Read and check the submitted `form` (a MultiDict) for `questions`.

    Returns the forms (with errors, if any) and the values to store: variable -> text, or
    None for a question left open (which removes an earlier answer). Check the forms' errors
    before storing anything.
    """
    forms, values = [], {}
    for question in questions:
        qf = QuestionForm(question)
        reader = _READERS[question.type]
        values.update(reader(question, form, qf))
        forms.append(qf)
    return forms, values


def has_errors(forms) -> bool:
    return any(f.errors for f in forms)


def not_storable(forms) -> list[QuestionForm]:
    """The questions whose given answer did not check out and so cannot be stored (a required
    question left open can: it stays empty)."""
    return [f for f in forms if any(not e.missing for e in f.errors)]


def question_name(question, row=None) -> str:
    """How an error message names a question: the first sentence of its text (or of the grid
    row's text) in the current language, cut at a word before 80 characters.

    >>> question_name(q)                      # doctest: +SKIP
    'Wanneer had u voor het laatst contact met de politie?'
    """
    text = " ".join(_label(row.text if row is not None else question.text).split())
    first = re.match(r"^(.+?[?.!؟])(?:\s|$)", text)
    if first:
        text = first.group(1)
    if len(text) > 80:
        text = text[:80].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def _read_single(question, form, qf):
    allowed = [o.value for o in question.all_options()]
    # "" is the hidden "no answer" choice that comes first in every radio group, so that a
    # browser that checks the first radio of a group by itself (lynx) sends no answer
    value = form.get(question.variable) or None
    qf.data[question.variable] = value
    name = question_name(question)
    if value is not None and value not in allowed:
        qf.errors.append(FieldError(qf.anchor, message("option_unknown", question=name)))
        return {}
    if value is None and question.required:
        qf.errors.append(FieldError(qf.anchor, message("single_required", question=name),
                                    missing=True))
    return {question.variable: value}


def _read_multiple(question, form, qf):
    allowed = [o.value for o in question.all_options()]
    chosen = set(form.getlist(question.variable)) - {""}
    qf.data[question.variable] = chosen
    name = question_name(question)
    if chosen - set(allowed):
        qf.errors.append(FieldError(qf.anchor, message("option_unknown", question=name)))
        return {}
    if not chosen:
        if question.required:
            qf.errors.append(FieldError(qf.anchor, message("multiple_required", question=name),
                                        missing=True))
        return {question.variable: None}
    labels = question.value_labels()
    for value in question.exclusive:
        if value in chosen and len(chosen) > 1:
            label = _label(labels[value])
            qf.errors.append(FieldError(qf.anchor, message("exclusive", question=name,
                                                           label=label)))
            return {}
    return {question.variable: " ".join(v for v in allowed if v in chosen)}


def _read_grid(question, form, qf):
    """Every row is read on its own: the rows that check out are returned even when another
    row has an error (the view stores nothing then, except for "save and continue later")."""
    allowed = {o.value for o in question.all_options()}
    values = {}
    for row in question.rows:
        value = form.get(row.variable) or None
        qf.data[row.variable] = value
        anchor = f"{row.variable}-0"
        name = question_name(question, row)
        if value is not None and value not in allowed:
            qf.errors.append(FieldError(anchor, message("option_unknown", question=name)))
            continue
        if value is None and question.required:
            qf.errors.append(FieldError(anchor, message("grid_row_required", row=name),
                                        missing=True))
            continue
        values[row.variable] = value
    return values


def _read_number(question, form, qf):
    name = question.variable
    text = (form.get(name) or "").strip().replace(" ", "")
    missing_values = [o.value for o in question.missing_options]
    missing = form.get(f"{name}-missing") or None
    qf.data[name] = form.get(name) or ""
    if missing is not None:
        qf.data[f"{name}-missing"] = missing
    missing_label = _label(question.missing_options[0].label) if missing_values else None
    low, high = _plain_number(question.min), _plain_number(question.max)
    said = {"question": question_name(question), "min": low, "max": high,
            "label": missing_label}

    def error(key, **more):
        qf.errors.append(FieldError(qf.anchor, message(key, **said, **more)))
        return {}

    if missing is not None and missing not in missing_values:
        return error("option_unknown")
    if missing is not None:
        if text:
            return error("number_and_missing")
        return {name: missing}
    if not text:
        if question.required:
            key = "number_required_or_missing" if missing_values else "number_required"
            qf.errors.append(FieldError(qf.anchor, message(key, **said), missing=True))
        return {name: None}
    if not _NUMBER_RE.match(text):
        return error("number_invalid", example=_example_number(question))
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:  # the pattern admits only what Decimal reads; kept for safety
        return error("number_invalid", example=_example_number(question))
    decimals = question.decimals or 0
    if -number.normalize().as_tuple().exponent > decimals:  # 2.50 has one decimal
        if decimals == 0:
            return error("number_whole")
        return error("number_decimals", decimals=decimals)
    if (question.min is not None and number < Decimal(str(question.min))) or (
            question.max is not None and number > Decimal(str(question.max))):
        return error("number_range")
    return {name: _plain_number(number)}


def _read_text(question, form, qf):
    text = (form.get(question.variable) or "").replace("\r\n", "\n").strip()
    qf.data[question.variable] = form.get(question.variable) or ""
    limit = question.max_length or 2000
    name = question_name(question)
    if not text:
        if question.required:
            qf.errors.append(FieldError(qf.anchor, message("text_required", question=name),
                                        missing=True))
        return {question.variable: None}
    if len(text) > limit:
        qf.errors.append(FieldError(qf.anchor, message(
            "text_too_long", question=name, max=limit, count=len(text))))
        return {}
    return {question.variable: text}


def _read_date(question, form, qf):
    name = question.variable
    parts = {}
    for part in ("day", "month", "year"):
        raw = form.get(f"{name}-{part}") or ""
        qf.data[f"{name}-{part}"] = raw
        parts[part] = raw.strip()
    low, high = _date_bound(question.min), _date_bound(question.max)
    said = {"question": question_name(question), "example": _show_parts(_example_date(low, high))}

    def error(key, anchor=qf.anchor, **more):
        qf.errors.append(FieldError(anchor, message(key, **said, **more)))
        return {}

    if not any(parts.values()):
        if question.required:
            qf.errors.append(FieldError(qf.anchor, message("date_required", **said),
                                        missing=True))
        return {name: None}
    # "an estimate is fine": month and year are enough, stored as YYYY-MM
    month_only = question.estimate and not parts["day"]
    empty = [p for p in ("day", "month", "year") if not parts[p] and not (
        p == "day" and month_only)]
    if empty:
        return error(f"date_no_{empty[0]}", anchor=f"{name}-{empty[0]}")
    if not all(p.isdigit() for p in parts.values() if p):
        return error("date_invalid")
    if len(parts["year"]) != 4:
        return error("date_year_digits", anchor=f"{name}-year")
    if month_only:
        try:
            first = date(int(parts["year"]), int(parts["month"]), 1)
        except (ValueError, OverflowError):
            return error("date_invalid")
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        if low and following <= low:  # the whole month before the first day allowed
            return error("date_too_early", min=_show_date(low))
        if high and first > high:
            return error("date_too_late", max=_show_date(high))
        return {name: f"{first.year:04d}-{first.month:02d}"}
    try:
        # a 20-digit day is no date either (OverflowError in C, not ValueError)
        value = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except (ValueError, OverflowError):
        return error("date_invalid")
    if low and value < low:
        return error("date_too_early", min=_show_date(low))
    if high and value > high:
        return error("date_too_late", max=_show_date(high))
    return {name: value.isoformat()}


_READERS = {
    "single": _read_single,
    "multiple": _read_multiple,
    "grid": _read_grid,
    "number": _read_number,
    "text": _read_text,
    "date": _read_date,
}


def _label(text: str) -> str:
    from survey.i18n import questionnaire_text

    return questionnaire_text(text)


def _plain_number(number) -> str:
    """12 for 12.0, 1.5 for 1.50: the stored notation."""
    if number is None:
        return ""
    text = format(Decimal(str(number)).normalize(), "f")
    return text


def _example_number(question) -> str:
    """A whole number inside the question's range, for "for example ..."."""
    low = Decimal(str(question.min if question.min is not None else 0))
    high = Decimal(str(question.max if question.max is not None else low + 20))
    return _plain_number(((low + high) / 2).to_integral_value(rounding="ROUND_HALF_UP"))


def _example_date(low: date | None, high: date | None) -> date:
    """A date inside the question's bounds for "for example ...": the 27th of March of a year
    in the middle of the range, a year before the upper bound, or 1980."""
    if low and high:
        year = (low.year + high.year) // 2
    elif high:
        year = high.year - 1
    elif low:
        year = low.year + 1
    else:
        year = 1980
    example = date(year, 3, 27)
    if high and example > high:
        example = high
    if low and example < low:
        example = low
    return example


def _show_parts(value: date) -> str:
    """A date as typed in the three boxes: '27 3 1980'."""
    return f"{value.day} {value.month} {value.year}"


def _date_bound(bound) -> date | None:
    from survey import clock

    if bound is None:
        return None
    if isinstance(bound, date):
        return bound
    if str(bound) == "today":
        return clock.today()
    return date.fromisoformat(str(bound))


def _show_date(value: date) -> str:
    from flask_babel import format_date

    return format_date(value, format="long")
