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
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from survey import clock
from survey.forms.error_messages import message

_NUMBER_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass
class FieldError:
    anchor: str
    """The id of the input the error summary links to."""
    text: str


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

    def chosen(self, name: str) -> set[str]:
        value = self.data.get(name)
        if value is None:
            return set()
        return value if isinstance(value, set) else {value}


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


def _read_single(question, form, qf):
    allowed = [o.value for o in question.all_options()]
    value = form.get(question.variable) or None
    qf.data[question.variable] = value
    if value is not None and value not in allowed:
        qf.errors.append(FieldError(qf.anchor, message("option_unknown")))
        return {}
    if value is None and question.required:
        qf.errors.append(FieldError(qf.anchor, message("single_required")))
    return {question.variable: value}


def _read_multiple(question, form, qf):
    allowed = [o.value for o in question.all_options()]
    chosen = set(form.getlist(question.variable))
    qf.data[question.variable] = chosen
    if chosen - set(allowed):
        qf.errors.append(FieldError(qf.anchor, message("option_unknown")))
        return {}
    if not chosen:
        if question.required:
            qf.errors.append(FieldError(qf.anchor, message("multiple_required")))
        return {question.variable: None}
    labels = question.value_labels()
    for value in question.exclusive:
        if value in chosen and len(chosen) > 1:
            label = _label(labels[value])
            qf.errors.append(FieldError(qf.anchor, message("exclusive", label=label)))
            return {}
    return {question.variable: " ".join(v for v in allowed if v in chosen)}


def _read_grid(question, form, qf):
    allowed = {o.value for o in question.all_options()}
    values = {}
    for row in question.rows:
        value = form.get(row.variable) or None
        qf.data[row.variable] = value
        anchor = f"{row.variable}-0"
        if value is not None and value not in allowed:
            qf.errors.append(FieldError(anchor, message("option_unknown")))
            continue
        if value is None and question.required:
            qf.errors.append(FieldError(anchor, message("grid_row_required", row=_label(row.text))))
            continue
        values[row.variable] = value
    return values if not qf.errors else {}


def _read_number(question, form, qf):
    name = question.variable
    text = (form.get(name) or "").strip().replace(" ", "")
    missing_values = [o.value for o in question.missing_options]
    missing = form.get(f"{name}-missing") or None
    qf.data[name] = form.get(name) or ""
    if missing is not None:
        qf.data[f"{name}-missing"] = missing
    missing_label = _label(question.missing_options[0].label) if missing_values else None
    if missing is not None and missing not in missing_values:
        qf.errors.append(FieldError(qf.anchor, message("option_unknown")))
        return {}
    if missing is not None:
        if text:
            qf.errors.append(FieldError(qf.anchor, message("number_and_missing", label=missing_label)))
            return {}
        return {name: missing}
    if not text:
        if question.required:
            key = "number_required_or_missing" if missing_values else "number_required"
            qf.errors.append(FieldError(qf.anchor, message(key, label=missing_label)))
        return {name: None}
    if not _NUMBER_RE.match(text):
        qf.errors.append(FieldError(qf.anchor, message("number_invalid")))
        return {}
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:  # the pattern admits only what Decimal reads; kept for safety
        qf.errors.append(FieldError(qf.anchor, message("number_invalid")))
        return {}
    decimals = question.decimals or 0
    if -number.normalize().as_tuple().exponent > decimals:  # 2.50 has one decimal
        key = "number_whole" if decimals == 0 else "number_decimals"
        qf.errors.append(FieldError(qf.anchor, message(key, decimals=decimals)))
        return {}
    low, high = question.min, question.max
    if (low is not None and number < Decimal(str(low))) or (
            high is not None and number > Decimal(str(high))):
        qf.errors.append(FieldError(qf.anchor, message(
            "number_range", min=_plain_number(low), max=_plain_number(high))))
        return {}
    return {name: _plain_number(number)}


def _read_text(question, form, qf):
    text = (form.get(question.variable) or "").replace("\r\n", "\n").strip()
    qf.data[question.variable] = form.get(question.variable) or ""
    limit = question.max_length or 2000
    if not text:
        if question.required:
            qf.errors.append(FieldError(qf.anchor, message("text_required")))
        return {question.variable: None}
    if len(text) > limit:
        qf.errors.append(FieldError(qf.anchor, message("text_too_long", max=limit, count=len(text))))
        return {}
    return {question.variable: text}


def _read_date(question, form, qf):
    name = question.variable
    parts = {}
    for part in ("day", "month", "year"):
        raw = form.get(f"{name}-{part}") or ""
        qf.data[f"{name}-{part}"] = raw
        parts[part] = raw.strip()
    if not any(parts.values()):
        if question.required:
            qf.errors.append(FieldError(qf.anchor, message("date_required")))
        return {name: None}
    if not all(parts.values()):
        empty = next(p for p in ("day", "month", "year") if not parts[p])
        qf.errors.append(FieldError(f"{name}-{empty}", message("date_incomplete")))
        return {}
    try:
        if not all(p.isdigit() for p in parts.values()) or len(parts["year"]) != 4:
            raise ValueError
        value = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        qf.errors.append(FieldError(qf.anchor, message("date_invalid")))
        return {}
    low, high = _date_bound(question.min), _date_bound(question.max)
    if low and value < low:
        qf.errors.append(FieldError(qf.anchor, message("date_too_early", min=_show_date(low))))
        return {}
    if high and value > high:
        qf.errors.append(FieldError(qf.anchor, message("date_too_late", max=_show_date(high))))
        return {}
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


def _date_bound(bound) -> date | None:
    if bound is None:
        return None
    if isinstance(bound, date):
        return bound
    if str(bound) == "today":
        return clock.today()  # tests fix it (fixed_clock)
    return date.fromisoformat(str(bound))


def _show_date(value: date) -> str:
    from flask_babel import format_date

    return format_date(value, format="long")
