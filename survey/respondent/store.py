"""The answer store: one row per (sample unit, variable), written a page at a time.

`save_page` is the one place answers are written, in every mode; the page handler
(`survey.respondent.page_handler`) calls it for web, phone and paper. In a single transaction it
1. claims the sample unit with an UPDATE (a row lock on PostgreSQL, the write lock on SQLite),
   which refuses a unit that is already completed and makes two tabs or a double submit of
   the same unit wait for each other instead of racing; the first claim also records the
   questionnaire version the answers are given in (web, paper and phone alike);
2. upserts the page's variables (a question left open deletes its old answer);
3. deletes the answers that the new answers route off the path (the router says which),
   except while the answers end the questionnaire by the screening (`goto: end`): then
   everything after it stays stored, so that a screening answer given by mistake and undone
   brings every earlier answer back, and confirming it deletes nothing either;
4. marks the page submitted in the paradata (not for "save and continue later" with an
   answer that did not check out: the page is asked again).
Only after the commit does the view show the next page, so an acknowledged page is stored.

`complete` closes the questionnaire: `completed` (AAPOR 1.1), or `screened_out` (4.10, not
eligible) when the answers end it through a `goto: end` rule, such as `woont_adres = nee`.
A screened-out unit is no respondent: every count, export and weighting of completes reads
status `completed` only.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from survey.fieldwork import aapor
from survey.models import Answer, SampleUnit
from survey.respondent import paradata

MODE = "web"
COMPLETED, SCREENED_OUT = "completed", "screened_out"
CLOSED = (COMPLETED, SCREENED_OUT)
"""Statuses of a unit whose questionnaire is over: its answers no longer change."""


class UnitCompletedError(Exception):
    """The unit's questionnaire is over (completed or screened out); its answers can no
    longer change."""


def load_answers(db, unit_id: str) -> dict[str, str]:
    """The unit's stored answers: variable -> text."""
    rows = db.execute(select(Answer.variable, Answer.value).where(Answer.sample_unit_id == unit_id))
    return {variable: value for variable, value in rows if value is not None}


def get_unit(db, unit_id: str) -> SampleUnit | None:
    return db.get(SampleUnit, unit_id)


def save_page(db, unit_id, page, values, router, language, device, mode=MODE,
              submitted=True) -> dict[str, str]:
    """Store a validated page. Returns the unit's answers after the save.

    Args:
        db: a session inside a transaction (`storage.transaction`); the caller commits.
        unit_id: the sample unit.
        page: the `Page` submitted.
        values: variable -> text, or None for a question left open.
        router: the questionnaire's router, for the answers now off the path.
        language, device: paradata.
        mode: how the answers came: web, paper (keyed in by data entry) or phone.
        submitted: whether the page counts as submitted; False stores the values but leaves
            the page to be asked again (part of a page, or a page left with an error).
    Raises:
        UnitCompletedError if the unit's questionnaire is over (nothing is written).
    """
    at = paradata.now()
    claimed = db.execute(
        update(SampleUnit)
        .where(SampleUnit.id == unit_id, SampleUnit.status.not_in(CLOSED))
        .values(status="started", started_at=func.coalesce(SampleUnit.started_at, at),
                questionnaire_version=func.coalesce(SampleUnit.questionnaire_version,
                                                    router.questionnaire.version))
    ).rowcount
    if claimed != 1:
        raise UnitCompletedError(unit_id)

    existing = {
        answer.variable: answer
        for answer in db.scalars(select(Answer).where(
            Answer.sample_unit_id == unit_id, Answer.variable.in_(list(values))))
    }
    for variable, value in values.items():
        answer = existing.get(variable)
        if value is None:
            if answer is not None:
                db.delete(answer)
            continue
        if answer is None:
            db.add(Answer(sample_unit_id=unit_id, variable=variable, value=value,
                          page_id=page.id, mode=mode, saved_at=at))
        elif answer.value != value or answer.page_id != page.id or answer.mode != mode:
            answer.value, answer.page_id, answer.mode, answer.saved_at = value, page.id, mode, at
    db.flush()

    answers = load_answers(db, unit_id)
    off_path = [] if router.screened_out(answers) else [
        v for v in router.answers_off_path(answers) if v in answers]
    if off_path:
        db.execute(delete(Answer).where(
            Answer.sample_unit_id == unit_id, Answer.variable.in_(off_path)))
        for variable in off_path:
            answers.pop(variable, None)
    if submitted:
        paradata.page_submitted(db, unit_id, page.id, language, device, at, mode)
    return answers


def complete(db, unit_id: str, router, mode: str = MODE) -> str | None:
    """Close the unit's questionnaire in `mode` (web unless said).

    Args:
        router: the questionnaire's router; it says whether the stored answers screen the
            unit out.
    Returns:
        the unit's new status: `completed` (disposition 1.1), or `screened_out` (4.10: not in
        the population studied; its mode and time are kept as for a complete). None when the
        questionnaire was already over (a double submit of the review page), which is no error.
    """
    at = paradata.now()
    if router.screened_out(load_answers(db, unit_id)):
        status, disposition = SCREENED_OUT, aapor.SCREENED_OUT
    else:
        status, disposition = COMPLETED, aapor.COMPLETE
    done = db.execute(
        update(SampleUnit)
        .where(SampleUnit.id == unit_id, SampleUnit.status.not_in(CLOSED))
        .values(status=status, completed_at=at, mode=mode, disposition=disposition,
                started_at=func.coalesce(SampleUnit.started_at, at))
    ).rowcount
    return status if done == 1 else None
