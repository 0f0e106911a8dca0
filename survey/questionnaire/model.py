"""A questionnaire as the app sees it: frozen dataclasses built by `survey.questionnaire.loader`
and checked by `survey.questionnaire.references`.

A `Questionnaire` has `Section`s of `Page`s of `Question`s; a question may use a `Scale` of
`Option`s, rows (`GridRow`) and `RoutingRule`s; `Indicator`s count answers; the history says
what changed between editions. Conditions stay plain dicts (`survey.questionnaire.rules`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

END = "end"
"""The `goto` target that ends the questionnaire."""

__all__ = ["END", "GridRow", "HistoryChange", "HistoryEntry", "Indicator", "Option", "Page",
           "Question", "Questionnaire", "RoutingRule", "Scale", "Section", "VariableInfo"]


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Scale:
    id: str
    options: tuple[Option, ...]
    line: int | None = field(default=None, compare=False, repr=False)

    def values(self) -> list[str]:
        return [o.value for o in self.options]


@dataclass(frozen=True)
class GridRow:
    id: str
    variable: str
    text: str
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, eq=False)
class RoutingRule:
    when: dict
    goto: str
    """A later page id, or `END`."""
    line: int | None = None


@dataclass(frozen=True, eq=False)
class Question:
    """One question. `options` are the substantive answers (from `scale` or inline `options`),
    `missing_options` the non-substantive ones from the `missing` scale; for a grid both apply
    to every row. Stored values are text: see the format doc."""

    id: str
    variable: str
    type: str
    text: str
    help: str | None = None
    options: tuple[Option, ...] = ()
    missing_options: tuple[Option, ...] = ()
    rows: tuple[GridRow, ...] = ()
    min: Any = None
    max: Any = None
    decimals: int = 0
    unit: str | None = None
    max_length: int | None = None
    exclusive: tuple[str, ...] = ()
    required: bool = False
    when: dict | None = None
    line: int | None = None
    scale: str | None = None
    """Name of the scale the options come from (None for inline options)."""
    missing: str | None = None
    """Name of the `missing` scale, if any."""
    page_id: str | None = None
    section_id: str | None = None
    estimate: bool = False
    """For a date: an estimate is fine, so the day may be left open (stored as YYYY-MM)."""

    @property
    def is_choice(self) -> bool:
        return self.type in ("single", "multiple", "grid")

    def variables(self) -> list[str]:
        """The variables this question stores: its own, or one per grid row."""
        if self.type == "grid":
            return [row.variable for row in self.rows]
        return [self.variable]

    def all_options(self) -> tuple[Option, ...]:
        """Substantive and missing options together, in the order they are shown."""
        return self.options + self.missing_options

    def value_labels(self) -> dict[str, str]:
        return {o.value: o.label for o in self.all_options()}


@dataclass(frozen=True, eq=False)
class Page:
    id: str
    title: str | None
    when: dict | None
    questions: tuple[Question, ...]
    routing: tuple[RoutingRule, ...]
    section_id: str
    module: str
    line: int | None = None

    def variables(self) -> list[str]:
        return [v for q in self.questions for v in q.variables()]


@dataclass(frozen=True, eq=False)
class Section:
    id: str
    title: str
    module: str
    pages: tuple[Page, ...]
    line: int | None = None


@dataclass(frozen=True, eq=False)
class Indicator:
    """What the report counts. `variables` always holds the variable(s), whether the file
    said `variable:` or `variables:`."""

    id: str
    label: str
    kind: str
    variables: tuple[str, ...]
    index: str
    theme: str
    direction: str
    combine: str = "any"
    base: str = "asked"
    """`asked`: respondents the question was put to; `all`: also those routed past it, who
    count as not having the counted answer (the 2014 "% of all residents" prevalences)."""
    values: tuple[str, ...] = ()
    minimum: float | None = None
    """A proportion over a number question: counts answers of at least this (`min:`)."""
    scores: dict | None = None
    reversed: tuple[str, ...] = ()
    """A scale's negatively worded items: their `scores` count mirrored (high becomes low)."""
    items_needed: str = "half"
    """A mean over several items: `half` of them answered suffices, or `all` (CBS scale scores)."""
    rescale: tuple[float, float] | None = None
    denominator: str | None = None
    """A ratio: the number question whose answers are summed below the line; the `variables`
    are summed above it (e.g. bicycle thefts per bicycle of the household)."""
    multiplier: float = 1.0
    """A ratio is reported times this: 100 for "per 100 cars" (a percentage of the cars)."""
    line: int | None = None

    @property
    def variable(self) -> str:
        """The first (for single-variable indicators: the) variable."""
        return self.variables[0]


@dataclass(frozen=True)
class HistoryChange:
    """One change to the questionnaire in one version: which variables or indicators, what
    kind of change, and what it means for their series (`break`: not comparable with earlier
    editions; `continues`: comparable; `starts`: new; `ends`: no longer asked)."""

    change: str
    series: str
    note: str
    variables: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class HistoryEntry:
    version: str
    date: str
    changes: tuple[HistoryChange, ...]
    line: int | None = None


@dataclass(frozen=True)
class VariableInfo:
    """Everything a codebook or export needs to know about one stored variable."""

    name: str
    question: Question
    row: GridRow | None
    options: tuple[Option, ...]
    """Substantive options, then missing ones (empty for number/text/date)."""
    labels: dict

    @property
    def label(self) -> str:
        """The question text, with the grid row text after it for a grid row."""
        if self.row is None:
            return self.question.text
        return f"{self.question.text} {self.row.text}"

    @property
    def type(self) -> str:
        return "single" if self.question.type == "grid" else self.question.type

    @property
    def missing_values(self) -> list[str]:
        return [o.value for o in self.question.missing_options]


@dataclass(frozen=True, eq=False)
class Questionnaire:
    id: str
    version: str
    edition: int
    title: str
    intro: str | None
    scales: dict
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]
    path: Path
    line: int | None = None
    """The line of the questionnaire's `id`."""
    history: tuple[HistoryEntry, ...] = ()
    """The version history, newest first: what changed in each version and whether the
    series of a variable or indicator breaks there."""

    @cached_property
    def pages(self) -> tuple[Page, ...]:
        """Every page, in questionnaire order."""
        return tuple(p for s in self.sections for p in s.pages)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in questionnaire order."""
        return tuple(q for p in self.pages for q in p.questions)

    @cached_property
    def _page_index(self) -> dict:
        return {p.id: i for i, p in enumerate(self.pages)}

    @cached_property
    def _variable_index(self) -> dict:
        index = {}
        for question in self.questions:
            if question.type == "grid":
                for row in question.rows:
                    index.setdefault(row.variable, (question, row))
            else:
                index.setdefault(question.variable, (question, None))
        return index

    def page(self, page_id: str) -> Page:
        """The page with this id; KeyError if there is none."""
        try:
            return self.pages[self._page_index[page_id]]
        except KeyError:
            raise KeyError(f"{self.id}: no page {page_id!r}") from None

    def page_position(self, page_id: str) -> int:
        """0-based position of a page in questionnaire order."""
        return self._page_index[page_id]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"{self.id}: no question {question_id!r}")

    def variables(self) -> list[str]:
        """Stored variables in questionnaire order: one per question, grid rows expanded.

        >>> q.variables()[:3]                         # doctest: +SKIP
        ['buurt_cijfer', 'cohesie_kennen', 'cohesie_omgang']
        """
        return list(self._variable_index)

    def variable_info(self, name: str) -> VariableInfo:
        """Question, grid row, options and value labels of a stored variable; KeyError if the
        questionnaire does not store it."""
        try:
            question, row = self._variable_index[name]
        except KeyError:
            raise KeyError(f"{self.id}: no variable {name!r}") from None
        options = question.all_options()
        return VariableInfo(name, question, row, options, {o.value: o.label for o in options})

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(f"{self.id}: no indicator {indicator_id!r}")
