"""Reading a submitted page: what each kind of input turns into, and which message a wrong
one gets (survey.respondent.forms with the keyed messages of survey.forms.error_messages)."""

import pytest
from werkzeug.datastructures import MultiDict

from survey import create_app
from survey.forms.error_messages import ERROR_MESSAGES, message
from survey.questionnaire.loader import GridRow, Option, Question
from survey.respondent import forms
from survey.respondent.paradata import device_class

WEET_NIET = (Option("weet_niet", "Weet ik niet"),)


@pytest.fixture
def request_context(sqlite_url):
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "test"})
    with app.test_request_context():
        yield


def read(question, **form):
    page_forms, values = forms.from_submission([question], MultiDict(form))
    return values, [e.text for e in page_forms[0].errors]


def number(**keys):
    return Question(id="n", variable="n", type="number", text="Hoeveel?", min=0, max=100,
                    missing_options=WEET_NIET, **keys)


@pytest.mark.parametrize("typed, stored", [("12", "12"), (" 7 ", "7"), ("0", "0"), ("100", "100")])
def test_a_whole_number_is_stored_as_its_digits(request_context, typed, stored):
    assert read(number(), n=typed) == ({"n": stored}, [])


@pytest.mark.parametrize("typed, key", [
    ("101", "number_range"), ("-1", "number_range"), ("12,5", "number_whole"),
    ("twaalf", "number_invalid"), ("1e3", "number_invalid")])
def test_a_wrong_number_gets_its_message(request_context, typed, key):
    values, errors = read(number(), n=typed)
    assert values == {}
    assert errors == [message(key, min=0, max=100, decimals=0)]


def test_decimals_take_a_comma_or_a_point_and_are_stored_with_a_point(request_context):
    question = number(decimals=1)
    assert read(question, n="2,5") == ({"n": "2.5"}, [])
    assert read(question, n="2.50") == ({"n": "2.5"}, [])
    assert read(question, n="2,55")[1] == [message("number_decimals", decimals=1)]


def test_a_number_or_weet_niet_but_not_both(request_context):
    assert read(number(), **{"n-missing": "weet_niet"}) == ({"n": "weet_niet"}, [])
    assert read(number(), n="3", **{"n-missing": "weet_niet"})[1] == [
        message("number_and_missing", label="Weet ik niet")]
    assert read(number(required=True))[1] == [
        message("number_required_or_missing", label="Weet ik niet")]
    assert read(number()) == ({"n": None}, [])  # optional and left open: clears the answer


def test_multiple_choice_keeps_questionnaire_order_and_guards_the_exclusive_option(request_context):
    question = Question(id="m", variable="m", type="multiple", text="Waar?", options=(
        Option("straat", "Op straat"), Option("park", "In een park"), Option("geen", "Nergens")),
        exclusive=("geen",))
    assert read(question, m=["park", "straat"]) == ({"m": "straat park"}, [])
    assert read(question, m=["geen", "park"])[1] == [message("exclusive", label="Nergens")]
    assert read(question, m=["elders"])[1] == [message("option_unknown")]


def test_a_required_grid_names_each_row_left_open(request_context):
    question = Question(id="g", variable="g", type="grid", text="Eens?", required=True,
                        options=(Option("eens", "Eens"), Option("oneens", "Oneens")),
                        rows=(GridRow("a", "rij_a", "Rij A"), GridRow("b", "rij_b", "Rij B")))
    page_forms, values = forms.from_submission([question], MultiDict({"rij_a": "eens"}))
    assert values == {}
    assert [(e.anchor, e.text) for e in page_forms[0].errors] == [
        ("rij_b-0", message("grid_row_required", row="Rij B"))]


@pytest.mark.parametrize("day, month, year, outcome", [
    ("7", "3", "1980", "1980-03-07"), ("07", "03", "1980", "1980-03-07"),
    ("29", "2", "2001", "date_invalid"), ("1", "1", "80", "date_invalid"),
    ("1", "1", "1899", "date_too_early"), ("1", "1", "2999", "date_too_late"),
    ("1", "", "1980", "date_incomplete")])
def test_dates_from_three_boxes(request_context, day, month, year, outcome):
    question = Question(id="d", variable="d", type="date", text="Wanneer?", min="1900-01-01",
                        max="today")
    values, errors = read(question, **{"d-day": day, "d-month": month, "d-year": year})
    if outcome in ERROR_MESSAGES:
        assert values == {} and len(errors) == 1
        assert errors[0].split()[:3] == message(outcome, min="x", max="x").split()[:3]
    else:
        assert (values, errors) == ({"d": outcome}, [])


def test_text_is_trimmed_and_limited(request_context):
    question = Question(id="t", variable="t", type="text", text="Toelichting", max_length=5)
    assert read(question, t="  hoi \r\n") == ({"t": "hoi"}, [])
    assert read(question, t="te lang")[1] == [message("text_too_long", max=5, count=7)]


def test_every_message_key_fills_in(request_context):
    values = {"length": 10, "row": "r", "label": "l", "decimals": 1, "min": 0, "max": 9, "count": 3}
    for key in ERROR_MESSAGES:
        text = message(key, **values)
        assert text and "%(" not in text


@pytest.mark.parametrize("user_agent, kind", [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1", "phone"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S911B) Chrome/120.0 Mobile Safari/537.36", "phone"),
    ("Mozilla/5.0 (Linux; Android 13; SM-X200) Chrome/120.0 Safari/537.36", "tablet"),
    ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1", "tablet"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36", "desktop"),
    (None, "unknown")])
def test_device_class_from_the_user_agent(user_agent, kind):
    assert device_class(user_agent) == kind


def test_every_respondent_setting_is_documented():
    import re

    import survey.respondent
    from survey import security

    documented = set(re.findall(r"^\| ([A-Z0-9_]+) *\|", survey.respondent.__doc__, re.M))
    used = set(security.DEFAULTS) | {"SESSION_COOKIE_SECURE", "SESSION_COOKIE_SAMESITE",
                                     "QUESTIONNAIRES_DIR", "TRANSLATIONS_DIR", "MAX_CONTENT_LENGTH"}
    assert documented == used
    assert f"[{security.DEFAULTS['LOGIN_RATE_LIMIT']}]" in survey.respondent.__doc__
