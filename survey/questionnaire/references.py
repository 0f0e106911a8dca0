"""Everything the schema cannot see in a built questionnaire: scales that exist, unique ids and
variables, conditions that name variables asked before them, routing that only jumps forward to
pages that exist, indicators that count answers their variables can have, a consistent history.
Every problem is collected (not just the first) as a QuestionnaireError naming file and line.
"""

from __future__ import annotations

import datetime as dt

from survey.errors import QuestionnaireError
from survey.questionnaire.model import END, Question, Questionnaire
from survey.questionnaire.rules import variables_in

__all__ = ["reference_problems"]


class _Problems(list):
    def __init__(self, questionnaire):
        super().__init__()
        self.source = questionnaire.path

    def add(self, line, message):
        self.append(QuestionnaireError(self.source, message, line=line))


def reference_problems(q: Questionnaire) -> list[QuestionnaireError]:
    """Every broken reference in a built questionnaire, in line order."""
    problems = _Problems(q)
    if q.id != q.path.stem:
        problems.add(q.line, f"id {q.id!r} differs from the file name; expected id: {q.path.stem}")
    _check_scales(q, problems)
    _check_ids(q, problems)
    stored_at = _check_variables(q, problems)
    for question in q.questions:
        _check_question(q, question, problems)
    _check_conditions(q, stored_at, problems)
    _check_routing(q, problems)
    _check_indicators(q, problems)
    _check_history(q, problems)
    problems.sort(key=lambda e: e.line or 0)
    return list(problems)


def _duplicates(items, what, problems, key=lambda x: x.id):
    first = {}
    for item in items:
        k = key(item)
        if k in first:
            problems.add(item.line, f"duplicate {what} {k!r} (first on line {first[k]})")
        else:
            first[k] = item.line


def _check_scales(q, problems):
    for scale in q.scales.values():
        _duplicates(scale.options, f"value in scale {scale.id!r}:", problems, key=lambda o: o.value)
    for question in q.questions:
        if question.scale is not None and question.scale not in q.scales:
            problems.add(question.line, f"question {question.id!r}: unknown scale "
                                        f"{question.scale!r}; scales are: {_names(q.scales)}")
        if question.missing is not None and question.missing not in q.scales:
            problems.add(question.line, f"question {question.id!r}: unknown missing scale "
                                        f"{question.missing!r}; scales are: {_names(q.scales)}")
        if question.scale is None and question.options:
            _duplicates(question.options, f"option value in question {question.id!r}:", problems,
                        key=lambda o: o.value)
        both = {o.value for o in question.options} & {o.value for o in question.missing_options}
        if both:
            problems.add(question.line, f"question {question.id!r}: value(s) {_names(both)} are "
                                        f"both an answer and a missing answer")


def _names(items) -> str:
    return ", ".join(sorted(items)) or "(none)"


def _check_ids(q, problems):
    _duplicates(q.sections, "section id", problems)
    _duplicates(q.pages, "page id", problems)
    _duplicates(q.questions, "question id", problems)
    _duplicates(q.indicators, "indicator id", problems)
    for question in q.questions:
        _duplicates(question.rows, f"row id in question {question.id!r}:", problems)
    if END in {p.id for p in q.pages}:
        problems.add(q.page(END).line, f"page id {END!r} is reserved for `goto: {END}`")


def _check_variables(q, problems) -> dict:
    """Report duplicate variables; return variable -> position of the page that stores it."""
    first, stored_at = {}, {}
    for position, page in enumerate(q.pages):
        for question in page.questions:
            if question.type == "grid":
                names = [(row.variable, row.line) for row in question.rows]
            else:
                names = [(question.variable, question.line)]
            for name, line in names:
                if name in first:
                    problems.add(line, f"duplicate variable {name!r} (first on line {first[name]})")
                else:
                    first[name] = line
                    stored_at[name] = position
    return stored_at


def _check_question(q, question: Question, problems):
    where = f"question {question.id!r}"
    values = {o.value for o in question.options}
    for value in question.exclusive:
        if value not in values:
            problems.add(question.line, f"{where}: exclusive value {value!r} is not one of its "
                                        f"options ({_names(values)})")
    if question.type == "number" and question.min is not None and question.max is not None:
        if question.min > question.max:
            problems.add(question.line, f"{where}: min {question.min} is greater than max "
                                        f"{question.max}")
    if question.type == "date":
        bounds = {}
        for key in ("min", "max"):
            value = getattr(question, key)
            if value is None or value == "today":
                continue
            try:
                bounds[key] = dt.date.fromisoformat(value)
            except ValueError:
                problems.add(question.line, f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)")
        if len(bounds) == 2 and bounds["min"] > bounds["max"]:
            problems.add(question.line, f"{where}: min {question.min} is after max {question.max}")


def _condition_leaves(condition):
    if not condition:
        return
    for key in ("all", "any"):
        if key in condition:
            for c in condition[key]:
                yield from _condition_leaves(c)
            return
    if "not" in condition:
        yield from _condition_leaves(condition["not"])
        return
    yield condition


def _check_condition(q, condition, owner, line, latest, stored_at, problems):
    """`latest`: position of the last page whose variables the condition may name."""
    page_ids = [p.id for p in q.pages]
    for name in sorted(variables_in(condition)):
        if name not in stored_at:
            problems.add(line, f"{owner}: condition names variable {name!r}, which no question "
                               f"stores")
        elif stored_at[name] > latest:
            problems.add(line, f"{owner}: condition names variable {name!r}, which is asked on "
                               f"page {page_ids[stored_at[name]]!r}, not before; a condition may "
                               f"only name variables asked earlier (no cycles)")
    for leaf in _condition_leaves(condition):
        name = leaf.get("variable")
        if name not in stored_at:
            continue
        info = q.variable_info(name)
        if not info.options:
            continue
        known = {o.value for o in info.options}
        for key in ("in", "not_in"):
            for value in leaf.get(key, ()):
                if str(value) not in known:
                    problems.add(line, f"{owner}: condition on {name!r}: {value!r} is not one of "
                                       f"its answers ({_names(known)})")


def _check_conditions(q, stored_at, problems):
    for position, page in enumerate(q.pages):
        if page.when is not None:
            _check_condition(q, page.when, f"page {page.id!r} when", page.line, position - 1,
                             stored_at, problems)
        for question in page.questions:
            if question.when is not None:
                _check_condition(q, question.when, f"question {question.id!r} when",
                                 question.line, position - 1, stored_at, problems)
        for rule in page.routing:
            _check_condition(q, rule.when, f"page {page.id!r} routing", rule.line, position,
                             stored_at, problems)


def _check_routing(q, problems):
    positions = {p.id: i for i, p in enumerate(q.pages)}
    for position, page in enumerate(q.pages):
        for rule in page.routing:
            if rule.goto == END:
                continue
            if rule.goto not in positions:
                problems.add(rule.line, f"page {page.id!r} routing: goto {rule.goto!r} is not a "
                                        f"page id (or `{END}`)")
            elif positions[rule.goto] <= position:
                problems.add(rule.line, f"page {page.id!r} routing: goto {rule.goto!r} jumps back "
                                        f"(a cycle); routing may only jump to a later page")


def _check_indicators(q, problems):
    variables = set(q.variables())
    for indicator in q.indicators:
        where = f"indicator {indicator.id!r}"
        for name in indicator.variables:
            if name not in variables:
                problems.add(indicator.line, f"{where}: variable {name!r} is not in the "
                                             f"questionnaire")
                continue
            info = q.variable_info(name)
            answers = {o.value for o in info.question.options}
            missing = {o.value for o in info.question.missing_options}
            counted = list(indicator.values) + [str(k) for k in (indicator.scores or {})]
            if counted and info.type in ("number", "text", "date"):
                problems.add(indicator.line, f"{where}: variable {name!r} is a {info.type} "
                                             f"question; `values`/`scores` need a choice question"
                                             + ("; count numbers with `min`"
                                                if info.type == "number" else ""))
                continue
            if (indicator.kind == "ratio" or indicator.minimum is not None) \
                    and info.type != "number":
                what = "a ratio sums" if indicator.kind == "ratio" else "`min` counts"
                problems.add(indicator.line, f"{where}: {what} number answers; {name!r} is a "
                                             f"{info.type} question")
                continue
            for value in counted:
                if value in missing:
                    problems.add(indicator.line, f"{where}: {value!r} is a missing answer of "
                                                 f"{name!r}; missing answers never count")
                elif value not in answers:
                    problems.add(indicator.line, f"{where}: {value!r} is not an answer of "
                                                 f"{name!r} ({_names(answers)})")
            if indicator.kind == "mean" and not indicator.scores and info.type != "number":
                problems.add(indicator.line, f"{where}: a mean over choice question {name!r} "
                                             f"needs `scores` for its answers")
        for name in indicator.reversed:
            if name not in indicator.variables:
                problems.add(indicator.line, f"{where}: reversed item {name!r} is not one of the "
                                             f"indicator's variables")
        if indicator.reversed and not indicator.scores:
            problems.add(indicator.line, f"{where}: `reversed` mirrors `scores`; give the scores")
        if indicator.denominator is not None:
            if indicator.denominator not in variables:
                problems.add(indicator.line, f"{where}: denominator {indicator.denominator!r} "
                                             f"is not in the questionnaire")
            elif q.variable_info(indicator.denominator).type != "number":
                problems.add(indicator.line, f"{where}: denominator "
                                             f"{indicator.denominator!r} must be a number question")
        if indicator.base == "all" and indicator.kind == "mean":
            problems.add(indicator.line, f"{where}: `base: all` applies to a proportion or ratio "
                                         f"indicator (routed past counts as none)")
        if indicator.multiplier != 1.0 and indicator.kind != "ratio":
            problems.add(indicator.line, f"{where}: `multiplier` applies to a ratio indicator")
        if indicator.rescale is not None:
            if indicator.kind != "mean":
                problems.add(indicator.line, f"{where}: `rescale` applies to a mean indicator")
            elif indicator.rescale[0] >= indicator.rescale[1]:
                problems.add(indicator.line, f"{where}: rescale {list(indicator.rescale)} must "
                                             f"go from low to high")


def _check_history(q, problems):
    """The version history names real variables and indicators (a removed one is the
    exception: it is gone), and the newest entry is the questionnaire's own version."""
    if q.history and q.history[0].version != q.version:
        problems.add(q.history[0].line, f"history: the newest entry is version "
                                        f"{q.history[0].version!r} but the questionnaire is "
                                        f"version {q.version!r}; list the newest version first")
    _duplicates(q.history, "history version", problems, key=lambda e: e.version)
    variables = set(q.variables())
    indicators = {i.id for i in q.indicators}
    for entry in q.history:
        for change in entry.changes:
            if change.change == "removed":
                if change.series != "ends":
                    problems.add(change.line, f"history {entry.version}: a removed item's series "
                                              f"ends; expected series: ends")
                continue
            for name in change.variables:
                if name not in variables:
                    problems.add(change.line, f"history {entry.version}: variable {name!r} is "
                                              f"not in the questionnaire (change: removed for "
                                              f"one that is gone)")
            for name in change.indicators:
                if name not in indicators:
                    problems.add(change.line, f"history {entry.version}: indicator {name!r} is "
                                              f"not in the questionnaire")
            if change.change in ("wording", "scale", "definition") and change.series == "continues":
                problems.add(change.line, f"history {entry.version}: a change of "
                                          f"{change.change} breaks the series; expected series: "
                                          f"break")
            if change.change == "new" and change.series != "starts":
                problems.add(change.line, f"history {entry.version}: a new item's series "
                                          f"starts; expected series: starts")
