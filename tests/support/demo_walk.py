"""An independent, one-respondent-at-a-time routing walk with the scalar `rules.evaluate`:
what the vectorised generator did must agree with it."""

from survey.questionnaire.rules import evaluate


def path_of(questionnaire, answers):
    """(pages visited, variables that may be answered) for one respondent's `answers`
    (variable -> stored text). Conditions only name earlier pages' variables, so evaluating on
    the complete answers is the same as evaluating on the answers so far."""
    pages = list(questionnaire.pages)
    index = {p.id: i for i, p in enumerate(pages)}
    visited, allowed = [], set()
    i = 0
    while i < len(pages):
        page = pages[i]
        if page.when is not None and not evaluate(page.when, answers):
            i += 1
            continue
        visited.append(page.id)
        for question in page.questions:
            if question.when is None or evaluate(question.when, answers):
                allowed.update(question.variables())
        target = i + 1
        for rule in page.routing:
            if evaluate(rule.when, answers):
                target = len(pages) if rule.goto == "end" else index[rule.goto]
                break
        i = target
    return visited, allowed
