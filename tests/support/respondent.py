"""The respondent side in tests: an app over the mini fixture questionnaire with two units, a
test client with the habits of a browser, and what a unit has stored."""

import re
from pathlib import Path

from sqlalchemy import select

from survey import access_codes, storage
from survey.models import Answer, Area, Edition, SampleUnit
from tests.support.apps import make_app


PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Mobile Safari/537.36")


def build_respondent_app(url, **overrides):
    """The app on the mini fixture questionnaire with units u1 and u2 and a tight login limit."""
    app = make_app(url, QUESTIONNAIRES_DIR=str(FIXTURES), LOGIN_RATE_LIMIT="5 per 15 minutes",
                   **overrides)
    add_unit(url, "u1", "HJSY36UY9B")
    add_unit(url, "u2", "VFAUAFNK42")
    return app


class Browser:
    """The test client with the habits of a browser: follows redirects, keeps the last page,
    and posts forms with that page's CSRF token."""

    def __init__(self, app, user_agent=PHONE_UA):
        self.client = app.test_client()
        self.user_agent = user_agent
        self.response = None

    @property
    def text(self):
        return self.response.get_data(as_text=True)

    @property
    def path(self):
        return self.response.request.path

    def get(self, url, **kwargs):
        self.response = self.client.get(url, follow_redirects=True,
                                        headers={"User-Agent": self.user_agent}, **kwargs)
        return self.response

    def submit(self, data, url=None, action="next"):
        match = re.search(r'name="csrf_token" value="([^"]+)"', self.text)
        assert match, "the page has no form with a CSRF token"
        form = {"csrf_token": match.group(1), "action": action, **data}
        self.response = self.client.post(url or self.response.request.full_path, data=form,
                                         follow_redirects=True,
                                         headers={"User-Agent": self.user_agent})
        return self.response

    def log_in(self, code):
        self.get("/start")
        return self.submit({"code": code}, url="/start")


def stored(url, unit_id="u1"):
    with storage.transaction(url) as db:
        return {a.variable: a.value for a in db.scalars(
            select(Answer).where(Answer.sample_unit_id == unit_id))}


def title(text):
    return re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()


def valid_form(page):
    """A valid answer to every question of `page`, as a browser would post it."""
    form = {}
    for question in page.questions:
        values = [o.value for o in question.options]
        if question.type == "single":
            form[question.variable] = values[0]
        elif question.type == "multiple":
            form[question.variable] = next(v for v in values if v not in question.exclusive)
        elif question.type == "grid":
            form.update({row.variable: values[-1] for row in question.rows})
        elif question.type == "number":
            form[question.variable] = str(question.max if question.min is None else question.min)
        elif question.type == "text":
            form[question.variable] = "Een antwoord in eigen woorden."
        elif question.type == "date":
            low = question.min if question.min not in (None, "today") else "1980-01-01"
            year, month, day = str(low).split("-")
            form.update({f"{question.variable}-day": day, f"{question.variable}-month": month,
                         f"{question.variable}-year": year})
    return form


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaires"


def add_unit(url, unit_id, code, questionnaire_id="mini", status="invited"):
    """A sample unit of the 2024 edition in wijk 1 whose letter carries `code`."""
    with storage.transaction(url) as db:
        if db.get(Edition, 1) is None:
            db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
            db.add(Area(wijk_code=1, wijk="Stadsdriehoek", gebied="Centrum"))
            db.flush()
        db.add(SampleUnit(
            id=unit_id, edition_id=1, wijk_code=1, questionnaire_id=questionnaire_id,
            inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
            age_group="35-44", sex="v", migration_background="nl", household_type="alleen",
            code_hash=access_codes.code_hash(code), status=status))
