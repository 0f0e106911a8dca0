"""One respondent's place in their questionnaire, as the views need it.

`Respondent.load(unit_id)` reads the sample unit, its questionnaire (by the unit's
`questionnaire_id`), its stored answers and which pages it has submitted, and builds the
router. The methods answer the views' questions: where to resume, whether a page may be shown,
which page comes before, how far along the respondent is, and what the review page lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from survey import storage
from survey.questionnaire.loader import load_questionnaire
from survey.respondent import paradata, store


def questionnaire_for(questionnaire_id: str):
    directory = Path(current_app.config["QUESTIONNAIRES_DIR"])
    return load_questionnaire(directory / f"{questionnaire_id}.yaml")


def router_for(questionnaire):
    from survey.questionnaire.router import Router

    return Router(questionnaire)


@dataclass
class Respondent:
    unit_id: str
    status: str
    questionnaire: object
    router: object
    answers: dict
    submitted: set

    @classmethod
    def load(cls, unit_id: str) -> Respondent | None:
        with storage.transaction() as db:
            unit = store.get_unit(db, unit_id)
            if unit is None:
                return None
            answers = store.load_answers(db, unit_id)
            submitted = paradata.submitted_page_ids(db, unit_id)
            unsubmitted = paradata.shown_not_submitted_page_ids(db, unit_id)
            status, questionnaire_id = unit.status, unit.questionnaire_id
        questionnaire = questionnaire_for(questionnaire_id)
        # a page with a stored answer counts as done even without web paradata: answers that
        # came by phone, or from an earlier import, are not asked again. Not a page shown on
        # the web and left unsubmitted with part of its answers ("save and continue later").
        submitted |= {page.id for page in questionnaire.pages
                      if page.id not in unsubmitted
                      and any(variable in answers for variable in page.variables())}
        return cls(unit_id, status, questionnaire, router_for(questionnaire), answers, submitted)

    @property
    def completed(self) -> bool:
        """Whether the questionnaire is over: submitted, or ended by the screening."""
        return self.status in store.CLOSED

    @property
    def screened_out(self) -> bool:
        return self.status == store.SCREENED_OUT

    @property
    def screening(self):
        """(page, variables) of a screening answer that would end the questionnaire and waits
        for the respondent's confirmation; None when there is none or the unit is closed."""
        if self.completed:
            return None
        return self.router.screening(self.answers)

    def path(self) -> list:
        """The pages on the respondent's path, given the answers so far."""
        return [self._page(p) for p in self.router.path(self.answers)]

    def resume_page(self):
        """The first page on the path not yet submitted, or None when all are."""
        page = self.router.first_unanswered_page(self.answers, self.submitted)
        return self._page(page) if page is not None else None

    def first_incomplete_page(self):
        """The resume page, or else the first page on the path with a required question left
        open (answers that came another way may lack one); None when ready to submit."""
        page = self.resume_page()
        if page is not None:
            return page
        for page in self.path():
            if self.router.missing_required(self.answers, page):
                return page
        return None

    def may_show(self, page_id: str) -> bool:
        """A page may be shown if it is on the path and not beyond the resume point: the
        address bar cannot skip questions."""
        ids = [p.id for p in self.path()]
        if page_id not in ids:
            return False
        resume = self.resume_page()
        return resume is None or ids.index(page_id) <= ids.index(resume.id)

    def previous_page(self, page_id: str):
        page = self.router.previous_page(page_id, self.answers)
        return self._page(page) if page is not None else None

    def next_page(self, page_id: str):
        page = self.router.next_page(page_id, self.answers)
        return self._page(page) if page is not None else None

    def visible_questions(self, page) -> list:
        return list(self.router.visible_questions(page, self.answers))

    def progress(self, page_id: str) -> tuple[int, int]:
        """(number of this page, pages on the path so far); the total can change with routing
        (the interviewer's count; the resident sees `standing`)."""
        ids = [p.id for p in self.path()]
        return (ids.index(page_id) + 1 if page_id in ids else len(ids)), len(ids)

    def standing(self, page_id: str) -> tuple[int, int, int, int]:
        """(section number, sections, page position, pages), which never run backwards:
        see `Router.progress`."""
        return self.router.progress(page_id)

    def review_pages(self) -> list:
        """(page, [(question, [(row or None, stored text or None)])]) for each page on the path."""
        items = []
        for page in self.path():
            questions = []
            for question in self.visible_questions(page):
                if question.type == "grid":
                    rows = [(row, self.answers.get(row.variable)) for row in question.rows]
                else:
                    rows = [(None, self.answers.get(question.variable))]
                questions.append((question, rows))
            items.append((page, questions))
        return items

    def screens(self, page) -> list[list]:
        """The page's visible questions by screen (`forms.screens`): a long grid in parts."""
        from survey.respondent.forms import screens

        return screens(self.visible_questions(page))

    def part_of(self, page, variable: str) -> int:
        """The screen (from 1) of the page that asks `variable` (1 when none does)."""
        for number, screen in enumerate(self.screens(page), start=1):
            if any(variable in question.variables() for question in screen):
                return number
        return 1

    def review_sections(self) -> list:
        """`review_pages` grouped by section, in order: (section, [(page, questions)]), so
        the long review of a phone screen can be read and reached section by section."""
        grouped = []
        for page, questions in self.review_pages():
            if not grouped or grouped[-1][0].id != page.section_id:
                section = next(s for s in self.questionnaire.sections if s.id == page.section_id)
                grouped.append((section, []))
            grouped[-1][1].append((page, questions))
        return grouped

    def _page(self, page_or_id):
        if page_or_id is None or not isinstance(page_or_id, str):
            return page_or_id
        return self.questionnaire.page(page_or_id)
