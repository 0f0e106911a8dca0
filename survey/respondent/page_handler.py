"""One way to take in a questionnaire page, for web, phone and paper: read the posted form,
clear the answers of the questions the routing hides, save, route, complete.

    page_handler.shown(respondent, page, mode="web", ...)       # GET: first showing, paradata
    submission = page_handler.read(questions, request.form)     # the form reader, checked
    result = page_handler.submit(respondent, page, questions, request.form, mode="web", ...)
    result.closed / result.saved / result.screened_out / result.next_page()
    page_handler.complete(unit_id, router, mode="phone", also=record_the_call)

`submit` reads the form and, when it checks out (or `partial`: "save and continue later"
keeps what checks out), saves the page in one transaction of its own, committed before it
returns: a view that then answers 303 has acknowledged a stored page, and a save that fails
(an OperationalError of a full disk, a restarted database) stores nothing of the page and
reaches the app's 503 handler. The web (`routes.questionnaire`) and the interviewer's screens
(`routes.phone`) call `submit`; paper (`survey.paper.entry`) keys its passes with `read` and
writes the resolved answers page by page with `save`, in its own transaction.

The store (`store.save_page`, `store.complete`) claims the unit first, so an answer for a unit
that completed in another mode meanwhile is refused (`result.closed`) and nothing is written:
each mode turns that into its own message (web: the thank-you page; phone and paper: the
conflict, audited by the view).
"""

from __future__ import annotations

from dataclasses import dataclass

from survey import storage
from survey.respondent import forms, paradata, store


def shown(respondent, page, *, mode: str, language: str, device: str | None) -> None:
    """Record the first showing of `page` to the unit (paradata, in a transaction of its own;
    a database that cannot take it never keeps the page from being shown)."""
    paradata.page_shown(storage.transaction, respondent.unit_id, page.id, language, device,
                        mode=mode)


@dataclass
class Submission:
    """A posted page as the form reader read it."""

    forms: list
    """`forms.QuestionForm`s: what was typed, with the errors found."""
    values: dict
    """variable -> text to store, or None for a question left open."""

    @property
    def has_errors(self) -> bool:
        return forms.has_errors(self.forms)

    @property
    def not_storable(self) -> list:
        """The questions whose given answer did not check out (not stored by a partial save)."""
        return forms.not_storable(self.forms)

    def as_typed(self) -> list:
        """The forms without their errors: the page shown again with what was typed and no
        errors yet (a language switch, an expired form, a database that could not store it)."""
        for question_form in self.forms:
            question_form.errors.clear()
        return self.forms


def read(questions, form) -> Submission:
    """Read and check the posted `form` (a MultiDict) for the `questions` shown."""
    page_forms, values = forms.from_submission(questions, form)
    return Submission(page_forms, values)


def clear_hidden(page, visible, values: dict) -> dict:
    """`values` with every variable of the page's questions that are not `visible` (hidden by
    their `when` given the answers) set to None, so that the save deletes their old answers."""
    cleared = dict(values)
    for question in page.questions:
        if question not in visible:
            cleared.update({variable: None for variable in question.variables()})
    return cleared


def save(db, unit_id: str, page, values: dict, router, visible, *, mode: str, language: str,
         device: str | None, submitted: bool = True) -> dict:
    """Save `values` of `page` in the caller's transaction `db`, the hidden questions'
    answers cleared (`clear_hidden`); returns the unit's answers after the save.

    Raises:
        store.UnitCompletedError when the unit's questionnaire is over (nothing is written).
    """
    return store.save_page(db, unit_id, page, clear_hidden(page, visible, values), router,
                           language, device, mode=mode, submitted=submitted)


@dataclass
class PageResult:
    """What became of a submitted page."""

    submission: Submission
    saved: bool = False
    """Stored and committed."""
    closed: bool = False
    """Not stored: the unit's questionnaire is over (completed or screened out, perhaps in
    another mode meanwhile)."""
    complete: bool = False
    """The page counts as submitted: its last part, without errors."""
    respondent: object = None
    page: object = None

    @property
    def forms(self) -> list:
        return self.submission.forms

    @property
    def has_errors(self) -> bool:
        return self.submission.has_errors

    @property
    def screened_out(self) -> bool:
        """The answers now end the questionnaire through the screening (to be confirmed)."""
        return self.saved and self.respondent.router.screened_out(self.respondent.answers)

    def next_page(self):
        """The page after this one on the respondent's path; None after the last."""
        return self.respondent.next_page(self.page.id)


def submit(respondent, page, questions, form, *, mode: str, language: str,
           device: str | None, last_part: bool = True, partial: bool = False) -> PageResult:
    """Read `form` for the `questions` shown of `page` and save it for `respondent`.

    Args:
        respondent: `context.Respondent`; its answers and submitted pages are brought up to
            date after the save.
        questions: the questions shown (a screen of the page: a long grid comes in parts).
        mode: web, phone or paper; language, device: paradata.
        last_part: whether this screen is the page's last (the page then counts as submitted).
        partial: save what checks out even when something does not ("save and continue
            later"); the page is then asked again. Without it a page with errors is not saved.
    Returns:
        the result: not saved when the form has errors (and not `partial`) or the unit is
        closed (`closed`); else saved, committed.
    """
    submission = read(questions, form)
    if submission.has_errors and not partial:
        return PageResult(submission, respondent=respondent, page=page)
    complete = last_part and not submission.has_errors
    try:
        with storage.transaction() as db:
            answers = save(db, respondent.unit_id, page, submission.values, respondent.router,
                           respondent.visible_questions(page), mode=mode, language=language,
                           device=device, submitted=complete)
    except store.UnitCompletedError:
        return PageResult(submission, closed=True, respondent=respondent, page=page)
    respondent.answers = answers
    if complete:
        respondent.submitted.add(page.id)
    return PageResult(submission, saved=True, complete=complete, respondent=respondent,
                      page=page)


def complete(unit_id: str, router, *, mode: str, also=None) -> str | None:
    """Close the unit's questionnaire in `mode` in a transaction of its own (`store.complete`);
    `also(db)` runs in the same transaction when it closed (the phone records the call).
    Returns the new status, or None when it was already over (a double submit, or another
    mode first)."""
    with storage.transaction() as db:
        done = store.complete(db, unit_id, router, mode=mode)
        if done and also is not None:
            also(db)
    return done
