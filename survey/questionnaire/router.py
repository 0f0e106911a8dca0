"""Which pages a respondent goes through, given the answers so far (after eq's `Router`).

The path starts at the first page. A page is on it when its `when` holds (or it has none); after
a page on the path, its `routing` rules are tried in order and the first that holds jumps to its
`goto` page (or ends the questionnaire with `end`); otherwise the path goes on to the next page.
Routing only jumps forward and conditions only name earlier variables (the checker enforces
both), so the path is finite and changes only after the answer that changed.

>>> router = Router(load_questionnaire("tests/fixtures/questionnaires/minimal.yaml"))  # doctest: +SKIP
>>> [p.id for p in router.path({"slachtoffer_fiets": "nee"})]                          # doctest: +SKIP
['over-u', 'cohesie', 'slachtoffer', 'oordeel']
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from survey.questionnaire.model import END, Page, Question, Questionnaire
from survey.questionnaire.rules import answer_text, evaluate, variables_in

__all__ = ["Router"]


def _answered(value: Any) -> bool:
    text = answer_text(value)
    return text is not None and text.strip() != ""


class Router:
    """Routes through one questionnaire. Stateless: every method takes the answers so far
    (variable -> stored text or None)."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self._pages = questionnaire.pages
        self._position = {p.id: i for i, p in enumerate(self._pages)}
        self._variables = set(questionnaire.variables())

    # ---------------------------------------------------------------- pages

    def page_is_shown(self, page: Page, answers: Mapping[str, Any]) -> bool:
        """Whether the page's own `when` holds (not whether the path reaches it)."""
        return page.when is None or evaluate(page.when, answers)

    def _jump(self, page: Page, answers) -> int | None:
        """The position the path goes to after `page`; None for the end."""
        for rule in page.routing:
            if evaluate(rule.when, answers):
                return None if rule.goto == END else self._position[rule.goto]
        position = self._position[page.id] + 1
        return position if position < len(self._pages) else None

    def _walk(self, position: int | None, answers) -> list[Page]:
        pages = []
        while position is not None:
            page = self._pages[position]
            if self.page_is_shown(page, answers):
                pages.append(page)
                position = self._jump(page, answers)
            else:
                position = position + 1 if position + 1 < len(self._pages) else None
        return pages

    def path(self, answers: Mapping[str, Any]) -> list[Page]:
        """The pages the respondent goes through, in order.

        Args:
            answers: variable -> stored answer text (None or absent: unanswered).
        Returns: a list of Page.

        >>> [p.id for p in router.path({})]          # doctest: +SKIP
        ['over-u', 'cohesie', 'slachtoffer', 'oordeel']
        """
        return self._walk(0 if self._pages else None, answers)

    def screened_out(self, answers: Mapping[str, Any]) -> bool:
        """Whether the answers end the questionnaire through a routing rule's `goto: end`: the
        respondent is screened out (not in the population studied) rather than done with the
        last page. In our questionnaires: who no longer lives at the address of the letter.

        >>> router.screened_out({"woont_adres": "nee"}), router.screened_out({})  # doctest: +SKIP
        (True, False)
        """
        return self.screening(answers) is not None

    def screening(self, answers: Mapping[str, Any]) -> tuple[Page, list[str]] | None:
        """The page whose `goto: end` rule the answers meet, with the variables that rule
        names (the answers that end the questionnaire), or None when they end nothing. The
        web asks the respondent to confirm such an answer before the unit is closed.

        >>> page, variables = router.screening({"woont_adres": "nee"})   # doctest: +SKIP
        >>> page.id, variables                                            # doctest: +SKIP
        ('adres', ['woont_adres'])
        """
        path = self.path(answers)
        if not path:
            return None
        rule = next((r for r in path[-1].routing if evaluate(r.when, answers)), None)
        if rule is None or rule.goto != END:
            return None
        named = variables_in(rule.when)
        return path[-1], [v for v in path[-1].variables() if v in named]

    def is_on_path(self, page_id: str, answers: Mapping[str, Any]) -> bool:
        return any(p.id == page_id for p in self.path(answers))

    def next_page(self, page_id: str, answers: Mapping[str, Any]) -> Page | None:
        """The page after `page_id` for these answers; None when the questionnaire ends there.

        Works for a page not on the path too (the respondent came by an old link): it goes on
        from that page's own routing. Raises KeyError for an unknown page id."""
        page = self.questionnaire.page(page_id)
        following = self._walk(self._jump(page, answers), answers)
        return following[0] if following else None

    def previous_page(self, page_id: str, answers: Mapping[str, Any]) -> Page | None:
        """The page before `page_id` on the path; None for the first page. For a page off the
        path: the last page on the path that comes before it in the questionnaire."""
        position = self._position[page_id] if page_id in self._position else None
        if position is None:
            raise KeyError(f"{self.questionnaire.id}: no page {page_id!r}")
        previous = None
        for page in self.path(answers):
            if page.id == page_id or self._position[page.id] > position:
                break
            previous = page
        return previous

    def first_unanswered_page(self, answers: Mapping[str, Any],
                              submitted_page_ids: Iterable[str] = ()) -> Page | None:
        """The first page on the path not yet submitted (where a returning respondent resumes);
        None when every page on the path has been submitted."""
        submitted = set(submitted_page_ids)
        for page in self.path(answers):
            if page.id not in submitted:
                return page
        return None

    def progress(self, page_id: str) -> tuple[int, int, int, int]:
        """Where a page stands in the questionnaire, for a progress indicator that never runs
        backwards: (its section's number, the number of sections, its position among all
        pages counting from 1, the number of pages). Routing only jumps forward and pages are
        in questionnaire order, so along any path both numbers only grow, and neither total
        depends on the answers (a count of the pages on the path so far would grow while
        answering, "4 of 32" becoming "5 of 33").

        >>> router.progress("cohesie")        # doctest: +SKIP
        (1, 3, 2, 4)
        """
        page = self.questionnaire.page(page_id)
        sections = [s.id for s in self.questionnaire.sections]
        return (sections.index(page.section_id) + 1, len(sections),
                self._position[page_id] + 1, len(self._pages))

    # ---------------------------------------------------------------- questions

    def visible_questions(self, page: Page | str, answers: Mapping[str, Any]) -> list[Question]:
        """The questions of a page whose `when` holds."""
        if isinstance(page, str):
            page = self.questionnaire.page(page)
        return [q for q in page.questions if q.when is None or evaluate(q.when, answers)]

    def missing_required(self, answers: Mapping[str, Any],
                         page: Page | str | None = None) -> list[str]:
        """Variables of visible required questions left unanswered (on one page, or on the whole
        path). A required grid needs every row."""
        pages = [page] if page is not None else self.path(answers)
        missing = []
        for p in pages:
            for question in self.visible_questions(p, answers):
                if question.required:
                    missing += [v for v in question.variables() if not _answered(answers.get(v))]
        return missing

    def is_complete(self, answers: Mapping[str, Any],
                    submitted_page_ids: Iterable[str] | None = None) -> bool:
        """Whether the respondent is done: every page on the path submitted (when
        `submitted_page_ids` is given) and every visible required question answered."""
        if submitted_page_ids is not None:
            if self.first_unanswered_page(answers, submitted_page_ids) is not None:
                return False
        return not self.missing_required(answers)

    def variables_on_path(self, answers: Mapping[str, Any]) -> list[str]:
        """Variables of the visible questions on the path, in order."""
        return [v for page in self.path(answers)
                for q in self.visible_questions(page, answers) for v in q.variables()]

    def answers_off_path(self, answers: Mapping[str, Any]) -> set[str]:
        """The answered variables that the respondent would no longer be asked: their page left
        the path or their question is hidden. Drop them when a changed answer reroutes, so that
        stored data never hold answers to questions not asked. Keys that are not variables of
        the questionnaire (metadata, say) are left alone.

        Dropping can hide more (a later `when` may name a dropped variable), so this repeats
        until nothing changes.

        >>> router.answers_off_path({"slachtoffer_fiets": "nee", "aangifte_fiets": "ja"})  # doctest: +SKIP
        {'aangifte_fiets'}
        """
        known = self._variables
        kept = {k: v for k, v in answers.items() if _answered(v)}
        dropped: set[str] = set()
        while True:
            on_path = set(self.variables_on_path(kept))
            off = {k for k in kept if k in known and k not in on_path}
            if not off:
                return dropped
            dropped |= off
            for k in off:
                del kept[k]

    def answers_on_path(self, answers: Mapping[str, Any]) -> dict:
        """`answers` without those `answers_off_path` would drop."""
        off = self.answers_off_path(answers)
        return {k: v for k, v in answers.items() if k not in off}
