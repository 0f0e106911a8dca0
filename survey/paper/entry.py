"""Keying paper forms: registration by code, the two entry passes, the differences between
them, their resolution and the completion that writes the answers with mode `paper`.

Pure functions over a database session (the caller's transaction); the views in
`survey.routes.paper` stay thin. Each raises `PaperError` with a message for the keyer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from survey.fieldwork import outcomes
from survey.models import Answer, PaperEntry, PaperForm, PaperPass, PaperResolution, SampleUnit
from survey.respondent import page_handler, store
from survey.staff import local_time

MODE = "paper"
ENTRY, KEYED, COMPLETED, CONFLICT, FILED = "entry", "keyed", "completed", "conflict", "filed"
STATUS_LABELS = {
    ENTRY: "Invoer bezig",
    KEYED: "Ingevoerd, te controleren",
    COMPLETED: "Verwerkt",
    CONFLICT: "Conflict",
    FILED: "Conflict afgehandeld, gearchiveerd",
}
MODE_LABELS = {"web": "via internet", "paper": "op papier", "phone": "telefonisch"}


class PaperError(ValueError):
    """Something a keyer cannot do; the message says what and why."""


# --------------------------------------------------------------------------- the engine


def keying_questions(page) -> list:
    """Every question of `page`, none required: a keyer types what is on paper, and a
    respondent on paper may leave anything open. Their `when` is ignored for the same reason."""
    return [replace(question, required=False) for question in page.questions]


def next_page(questionnaire, page_id: str):
    """The page after `page_id` in questionnaire (= paper) order; None after the last."""
    position = questionnaire.page_position(page_id)
    pages = questionnaire.pages
    return pages[position + 1] if position + 1 < len(pages) else None


def previous_page(questionnaire, page_id: str):
    position = questionnaire.page_position(page_id)
    return questionnaire.pages[position - 1] if position > 0 else None


# --------------------------------------------------------------------------- registration


def conflict_text(unit: SampleUnit) -> str:
    when = local_time.shown(unit.completed_at) if unit.completed_at else "eerder"
    how = MODE_LABELS.get(unit.mode, unit.mode or "in een andere vorm")
    closed = (f"al afgesloten als buiten de doelgroep (woont niet meer op het adres, {how}"
              if unit.status == store.SCREENED_OUT else f"al voltooid ({how}")
    return (f"Eenheid {unit.id} was {closed}, {when}) toen dit papieren formulier "
            "binnenkwam. Er is niets van het formulier opgeslagen; de eerdere antwoorden blijven staan.")


def register(db, reference: str, keyer: str, *, double_entry: bool, at: datetime) -> PaperForm:
    """The paper form of the unit whose code (or id) is `reference`; registered on first use.

    A unit that completed, or was screened out, in another mode gets its form flagged as a conflict (returned with
    status `conflict`); nothing is keyed for it.

    Raises:
        PaperError for an unknown code, or a form that is already completed on paper.
    """
    unit = outcomes.find_unit(db, reference)
    if unit is None:
        raise PaperError(f"Geen steekproefeenheid met code {reference.strip()!r}. "
                         "Controleer de code op het formulier.")
    form = db.get(PaperForm, unit.id)
    if form is not None and form.status == COMPLETED:
        raise PaperError(f"Het papieren formulier van eenheid {unit.id} is al ingevoerd en verwerkt.")
    if form is not None and form.status == FILED:
        raise PaperError(f"Het papieren formulier van eenheid {unit.id} kwam na een eerdere "
                         "voltooiing en is door de coördinator gearchiveerd. Voer het niet in.")
    if form is None:
        form = PaperForm(sample_unit_id=unit.id, double_entry=double_entry, status=ENTRY,
                         registered_by=keyer, registered_at=at)
        db.add(form)
    if unit.status in store.CLOSED and form.status != CONFLICT:
        form.status, form.conflict = CONFLICT, conflict_text(unit)
    db.flush()
    return form


def passes(db, unit_id: str) -> dict[int, PaperPass]:
    return {p.pass_number: p for p in db.scalars(
        select(PaperPass).where(PaperPass.sample_unit_id == unit_id))}


def pass_for(db, form: PaperForm, keyer: str, *, at: datetime) -> int | None:
    """The pass `keyer` keys on this form, started if need be: pass 1 for the first keyer,
    pass 2 (double entry) for a different one. None when every pass is finished (the form
    goes on to the differences and the check).

    Raises:
        PaperError when the form is in a state where this keyer cannot key it.
    """
    if form.status == CONFLICT:
        raise PaperError(form.conflict or "Dit formulier is gemarkeerd als conflict.")
    if form.status in (COMPLETED, FILED):
        raise PaperError("Dit formulier is al verwerkt." if form.status == COMPLETED else
                         "Dit formulier is als conflict gearchiveerd.")
    existing = passes(db, form.sample_unit_id)
    wanted = (1, 2) if form.double_entry else (1,)
    for number in wanted:
        current = existing.get(number)
        if current is not None and current.keyer == keyer and current.finished_at is None:
            return number
    if all(n in existing and existing[n].finished_at is not None for n in wanted):
        return None
    first = existing.get(1)
    if first is None:
        db.add(PaperPass(sample_unit_id=form.sample_unit_id, pass_number=1, keyer=keyer,
                         started_at=at))
        db.flush()
        return 1
    if form.double_entry and 2 not in existing:
        if first.keyer == keyer:
            raise PaperError("U heeft de eerste invoer van dit formulier gedaan. De tweede invoer "
                             "moet door een andere medewerker gebeuren.")
        db.add(PaperPass(sample_unit_id=form.sample_unit_id, pass_number=2, keyer=keyer,
                         started_at=at))
        db.flush()
        return 2
    busy = [p for p in existing.values() if p.finished_at is None]
    names = ", ".join(f"invoer {p.pass_number} door {p.keyer}" for p in busy)
    raise PaperError(f"Dit formulier wordt al ingevoerd ({names}).")


def own_pass(db, unit_id: str, number: int, keyer: str) -> PaperPass:
    """The unfinished pass `number` of `keyer`; PaperError if it is not theirs or is done."""
    current = passes(db, unit_id).get(number)
    if current is None or current.keyer != keyer:
        raise PaperError(f"Invoer {number} van dit formulier is niet van u.")
    if current.finished_at is not None:
        raise PaperError(f"Invoer {number} van dit formulier is al afgerond.")
    return current


# --------------------------------------------------------------------------- keying a pass


def pass_values(db, unit_id: str, number: int) -> dict[str, str | None]:
    """variable -> keyed text (None: left blank) of one pass."""
    return {variable: value for variable, value in db.execute(
        select(PaperEntry.variable, PaperEntry.value).where(
            PaperEntry.sample_unit_id == unit_id, PaperEntry.pass_number == number))}


def keyed_page_ids(db, unit_id: str, number: int) -> set[str]:
    return set(db.scalars(select(PaperEntry.page_id).distinct().where(
        PaperEntry.sample_unit_id == unit_id, PaperEntry.pass_number == number)))


def first_unkeyed_page(questionnaire, keyed: set[str]):
    return next((page for page in questionnaire.pages if page.id not in keyed), None)


def save_pass_page(db, unit_id: str, number: int, keyer: str, page, values: dict, *,
                   at: datetime) -> None:
    """Store what `keyer` keyed on `page` in pass `number`: one row per variable of the page,
    None for what was left blank. Keying a page again overwrites it."""
    own_pass(db, unit_id, number, keyer)
    existing = {entry.variable: entry for entry in db.scalars(select(PaperEntry).where(
        PaperEntry.sample_unit_id == unit_id, PaperEntry.pass_number == number,
        PaperEntry.variable.in_(page.variables())))}
    for variable in page.variables():
        value = values.get(variable)
        entry = existing.get(variable)
        if entry is None:
            db.add(PaperEntry(sample_unit_id=unit_id, pass_number=number, keyer=keyer,
                              page_id=page.id, variable=variable, value=value, saved_at=at))
        else:
            entry.value, entry.keyer, entry.saved_at = value, keyer, at
    db.flush()


def finish_pass(db, form: PaperForm, number: int, keyer: str, questionnaire, *,
                at: datetime) -> None:
    """Close pass `number` once every page is keyed; when all passes are closed the form is
    `keyed` (differences and check next).

    Raises:
        PaperError naming the first page not keyed yet.
    """
    current = own_pass(db, form.sample_unit_id, number, keyer)
    missing = first_unkeyed_page(questionnaire, keyed_page_ids(db, form.sample_unit_id, number))
    if missing is not None:
        raise PaperError(f"Pagina ‘{missing.title or missing.id}’ is nog niet ingevoerd.")
    current.finished_at = at
    wanted = (1, 2) if form.double_entry else (1,)
    existing = passes(db, form.sample_unit_id)
    if all(n in existing and existing[n].finished_at is not None for n in wanted):
        form.status = KEYED
    db.flush()


# --------------------------------------------------------------------------- differences


@dataclass
class Difference:
    variable: str
    info: object
    """`VariableInfo` of the variable: question, grid row, options, labels."""
    first: str | None
    second: str | None
    resolution: PaperResolution | None = None

    def label(self, value: str | None) -> str:
        """How a value reads for a person: the option labels, or the text itself."""
        return shown_value(self.info, value)


def shown_value(info, value: str | None) -> str:
    """A stored value as a person reads it: option labels (comma separated for a multiple
    choice), or the text itself; "(leeg)" for nothing.

    >>> shown_value(MINI.variable_info("onveilig_plekken"), "straat ov")  # doctest: +SKIP
    'Op straat, In het openbaar vervoer'
    """
    if value is None:
        return "(leeg)"
    if info.options:
        return ", ".join(info.labels.get(part, part) for part in value.split())
    return value


def differences(db, form: PaperForm, questionnaire) -> list[Difference]:
    """Variables on which the two passes differ, in questionnaire order, with their resolution
    if one was made. Empty for single entry."""
    if not form.double_entry:
        return []
    first = pass_values(db, form.sample_unit_id, 1)
    second = pass_values(db, form.sample_unit_id, 2)
    resolved = {r.variable: r for r in db.scalars(select(PaperResolution).where(
        PaperResolution.sample_unit_id == form.sample_unit_id))}
    result = []
    for variable in questionnaire.variables():
        a, b = first.get(variable), second.get(variable)
        if a != b:
            result.append(Difference(variable, questionnaire.variable_info(variable), a, b,
                                     resolved.get(variable)))
    return result


def _question_for(info):
    """A not-required question whose own input reads exactly this variable (a grid row
    becomes a single choice), so the web's form reader can check a typed value."""
    question = replace(info.question, required=False)
    if info.row is not None:
        question = replace(question, type="single", variable=info.row.variable, rows=(),
                           text=info.row.text)
    return question


def check_typed(info, form, name: str) -> tuple[str | None, str | None]:
    """Read the value typed for a difference from the request form (input `name`, its shape
    as the variable's type asks), checked as the web checks it. Returns (value, error)."""
    question = _question_for(info)
    data = MultiDict()
    if question.type == "multiple":
        data.setlist(question.variable, form.getlist(name))
    elif question.type == "date":
        text = (form.get(name) or "").strip()
        parts = text.replace("/", "-").replace(".", "-").replace(" ", "-").split("-")
        if len(parts) == 3 and len(parts[0]) == 4:  # ISO: year first
            parts = parts[::-1]
        if text and len(parts) != 3:
            parts = [text, "", ""]
        for part, value in zip(("day", "month", "year"), parts if text else ["", "", ""]):
            data[f"{question.variable}-{part}"] = value
    elif question.type == "number":
        text = (form.get(name) or "").strip()
        if text in {o.value for o in question.missing_options}:
            data[f"{question.variable}-missing"] = text
        else:
            data[question.variable] = text
    else:
        data[question.variable] = form.get(name) or ""
    submission = page_handler.read([question], data)
    if submission.has_errors:
        return None, submission.forms[0].errors[0].text
    return submission.values.get(question.variable), None


def resolve(db, form: PaperForm, difference: Difference, source: str, value: str | None,
            resolver: str, *, at: datetime) -> None:
    """Settle one difference: `source` is `pass1`, `pass2` or `typed` (then `value` is the
    checked typed value)."""
    if form.status != KEYED:
        raise PaperError("Verschillen worden pas opgelost als beide invoeren zijn afgerond.")
    chosen = {"pass1": difference.first, "pass2": difference.second, "typed": value}[source]
    row = difference.resolution
    if row is None:
        row = PaperResolution(sample_unit_id=form.sample_unit_id, variable=difference.variable)
        db.add(row)
    row.value, row.source, row.resolved_by, row.resolved_at = chosen, source, resolver, at
    difference.resolution = row
    db.flush()


# --------------------------------------------------------------------------- completion


def final_values(db, form: PaperForm, questionnaire) -> dict[str, str | None]:
    """The form's answers: pass 1's values, with each difference's resolution.

    Raises:
        PaperError while a difference is unresolved.
    """
    values = pass_values(db, form.sample_unit_id, 1)
    for difference in differences(db, form, questionnaire):
        if difference.resolution is None:
            raise PaperError("Er zijn nog verschillen tussen de twee invoeren op te lossen.")
        values[difference.variable] = difference.resolution.value
    return values


@dataclass
class RoutingCheck:
    answers: dict
    """The answers that will be stored: answered, and on the router's path."""
    off_path: list
    """Answered on paper, but the routing would not have asked them: not stored."""
    missing_required: list
    """Required on the web, left open on paper (stored as unanswered)."""
    replaced: int = 0
    """Answers the unit had stored in another mode (a web start it never finished), which the
    paper form's answers replace."""


def routing_check(router, values: dict) -> RoutingCheck:
    """Check the keyed answers against the questionnaire's routing, as the web would have
    routed this respondent."""
    answered = {k: v for k, v in values.items() if v is not None}
    off = router.answers_off_path(answered)
    order = router.questionnaire.variables()
    on_path = {k: v for k, v in answered.items() if k not in off}
    return RoutingCheck(on_path, [v for v in order if v in off],
                        router.missing_required(on_path))


def complete(db, form: PaperForm, questionnaire, router, keyer: str, *,
             at: datetime) -> RoutingCheck | None:
    """Write the resolved answers with mode `paper` through the answer store, page by page on
    the router's path, and complete the unit with mode `paper`.

    Returns the routing check; None when the unit completed in another mode meanwhile: then
    no answer is written and the form is flagged as a conflict (status `conflict`, reason in
    `form.conflict`), to be committed by the caller like any other outcome.
    Raises:
        PaperError when the form is not ready (passes open, differences unresolved, blank).
    """
    if form.status != KEYED:
        raise PaperError("Dit formulier is nog niet klaar om te verwerken.")
    check = routing_check(router, final_values(db, form, questionnaire))
    if not check.answers:
        raise PaperError("Er is niets ingevuld op dit formulier. Laat de coördinator het "
                         "vastleggen als ‘lege vragenlijst teruggestuurd’.")
    unit = db.get(SampleUnit, form.sample_unit_id)
    check.replaced = db.scalar(select(func.count()).select_from(Answer).where(
        Answer.sample_unit_id == form.sample_unit_id, Answer.mode != MODE))
    try:
        for page in router.path(check.answers):
            # every variable of the page: the keyed answer, and for a question the routing
            # hides, nothing (the page handler clears it)
            page_handler.save(db, form.sample_unit_id, page,
                              {variable: check.answers.get(variable)
                               for variable in page.variables()},
                              router, router.visible_questions(page, check.answers), mode=MODE,
                              language="nl", device=None)
    except store.UnitCompletedError:
        db.refresh(unit)
        form.status, form.conflict = CONFLICT, conflict_text(unit)
        db.flush()
        return None
    store.complete(db, form.sample_unit_id, router, mode=MODE)
    form.status, form.completed_by, form.completed_at = COMPLETED, keyer, at
    db.flush()
    return check


def overview(db, limit: int = 100) -> list[PaperForm]:
    """The most recent paper forms, unfinished ones and conflicts first."""
    order = {ENTRY: 0, KEYED: 1, CONFLICT: 2, COMPLETED: 3, FILED: 4}
    rows = list(db.scalars(select(PaperForm).order_by(PaperForm.registered_at.desc()).limit(limit)))
    return sorted(rows, key=lambda form: order.get(form.status, 9))
