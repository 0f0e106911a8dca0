"""Reading a submitted page: what each kind of input turns into, and which message a wrong
one gets (survey.respondent.forms with the keyed messages of survey.forms.error_messages)."""

import pytest
from werkzeug.datastructures import MultiDict

from survey.forms.error_messages import ERROR_MESSAGES, message
from survey.questionnaire.model import GridRow, Option, Question
from survey.respondent import forms
from survey.respondent.paradata import device_class

WEET_NIET = (Option("weet_niet", "Weet ik niet"),)


@pytest.fixture
def request_context(make_app, sqlite_url):
    app = make_app(sqlite_url)
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


@pytest.mark.parametrize("typed, expected", [
    ("101", "Vul bij ‘Hoeveel?’ een getal in van 0 tot en met 100."),
    ("-1", "Vul bij ‘Hoeveel?’ een getal in van 0 tot en met 100."),
    ("12,5", "Vul bij ‘Hoeveel?’ een heel getal in van 0 tot en met 100, zonder komma."),
    ("twaalf", "Vul bij ‘Hoeveel?’ een getal in van 0 tot en met 100, met alleen cijfers, "
               "bijvoorbeeld 50."),
    ("1e3", "Vul bij ‘Hoeveel?’ een getal in van 0 tot en met 100, met alleen cijfers, "
            "bijvoorbeeld 50."),
    # far out of range: a validation error like any other, never an overflow
    ("9" * 20, "Vul bij ‘Hoeveel?’ een getal in van 0 tot en met 100.")])
def test_a_wrong_number_gets_a_message_naming_the_question_and_its_range(
        request_context, typed, expected):
    values, errors = read(number(), n=typed)
    assert values == {}
    assert errors == [expected]


def test_a_1_to_10_scale_says_1_to_10_not_any_number(request_context):
    question = Question(id="c", variable="cijfer", type="number", min=1, max=10,
                        text="Welk rapportcijfer geeft u voor uw buurt? 1 is zeer slecht.")
    assert read(question, cijfer="12")[1] == [
        "Vul bij ‘Welk rapportcijfer geeft u voor uw buurt?’ een getal in van 1 tot en met 10."]
    assert read(question, cijfer="zeven")[1] == [
        "Vul bij ‘Welk rapportcijfer geeft u voor uw buurt?’ een getal in van 1 tot en met 10, "
        "met alleen cijfers, bijvoorbeeld 6."]


def test_a_long_question_is_named_by_its_first_words(request_context):
    question = Question(id="l", variable="l", type="single", required=True, options=(
        Option("ja", "Ja"),), text="In hoeverre vindt u dat de gemeente de afgelopen twaalf "
        "maanden genoeg heeft gedaan aan de veiligheid en de leefbaarheid van uw eigen buurt")
    assert read(question)[1] == [
        "Kies een antwoord bij ‘In hoeverre vindt u dat de gemeente de afgelopen twaalf maanden "
        "genoeg heeft…’."]


def test_decimals_take_a_comma_or_a_point_and_are_stored_with_a_point(request_context):
    question = number(decimals=1)
    assert read(question, n="2,5") == ({"n": "2.5"}, [])
    assert read(question, n="2.50") == ({"n": "2.5"}, [])
    assert read(question, n="2,55")[1] == [
        "Vul bij ‘Hoeveel?’ een getal in van 0 tot en met 100, met hoogstens 1 cijfers achter "
        "de komma."]


def test_a_number_or_weet_niet_but_not_both(request_context):
    assert read(number(), **{"n-missing": "weet_niet"}) == ({"n": "weet_niet"}, [])
    assert read(number(), n="3", **{"n-missing": "weet_niet"})[1] == [
        "Vul bij ‘Hoeveel?’ een getal in of kies ‘Weet ik niet’, niet allebei."]
    assert read(number(required=True))[1] == [
        "Vul bij ‘Hoeveel?’ een getal in van 0 tot en met 100, of kies ‘Weet ik niet’."]
    assert read(number()) == ({"n": None}, [])  # optional and left open: clears the answer


def test_multiple_choice_keeps_questionnaire_order_and_guards_the_exclusive_option(request_context):
    question = Question(id="m", variable="m", type="multiple", text="Waar?", options=(
        Option("straat", "Op straat"), Option("park", "In een park"), Option("geen", "Nergens")),
        exclusive=("geen",))
    assert read(question, m=["park", "straat"]) == ({"m": "straat park"}, [])
    assert read(question, m=["geen", "park"])[1] == [
        "U kunt bij ‘Waar?’ niet ‘Nergens’ en ook een ander antwoord kiezen. Kies ‘Nergens’ of "
        "de andere antwoorden."]
    assert read(question, m=["elders"])[1] == [
        "Kies bij ‘Waar?’ een van de antwoorden die er staan."]


def test_a_required_grid_names_each_row_left_open_and_keeps_the_rows_answered(request_context):
    question = Question(id="g", variable="g", type="grid", text="Eens?", required=True,
                        options=(Option("eens", "Eens"), Option("oneens", "Oneens")),
                        rows=(GridRow("a", "rij_a", "Rij A"), GridRow("b", "rij_b", "Rij B")))
    page_forms, values = forms.from_submission([question], MultiDict({"rij_a": "eens"}))
    # the page is not stored with an error, but "save and continue later" stores row A
    assert values == {"rij_a": "eens"}
    assert [(e.anchor, e.text, e.missing) for e in page_forms[0].errors] == [
        ("rij_b-0", "Kies een antwoord bij ‘Rij B’.", True)]
    assert forms.not_storable(page_forms) == []


def test_the_hidden_no_answer_radio_sends_no_answer(request_context):
    """Lynx checks the first radio of a group by itself: that is the hidden "no answer"
    choice, whose value "" is read as a question left open, never as an answer."""
    single = Question(id="s", variable="s", type="single", text="Ja of nee?",
                      options=(Option("ja", "Ja"), Option("nee", "Nee")))
    assert read(single, s="") == ({"s": None}, [])
    grid = Question(id="g", variable="g", type="grid", text="Eens?",
                    options=(Option("eens", "Eens"), Option("oneens", "Oneens")),
                    rows=(GridRow("a", "rij_a", "Rij A"), GridRow("b", "rij_b", "Rij B")))
    page_forms, values = forms.from_submission([grid], MultiDict({"rij_a": "", "rij_b": "eens"}))
    assert values == {"rij_a": None, "rij_b": "eens"}


QUESTION = "Wanneer bent u geboren?"


@pytest.mark.parametrize("day, month, year, outcome", [
    ("7", "3", "1980", "1980-03-07"), ("07", "03", "1980", "1980-03-07"),
    ("29", "2", "2001", "Vul bij ‘Wanneer bent u geboren?’ een bestaande datum in, met dag, "
                        "maand en jaar in cijfers, bijvoorbeeld 27 3 1963."),
    ("1", "1", "80", "Vul bij ‘Wanneer bent u geboren?’ het jaar in met 4 cijfers, "
                     "bijvoorbeeld 27 3 1963."),
    ("1", "1", "1899", "Vul bij ‘Wanneer bent u geboren?’ een datum in op of na 1 januari 1900, "
                       "bijvoorbeeld 27 3 1963."),
    ("1", "1", "2999", "Vul bij ‘Wanneer bent u geboren?’ een datum in op of voor 1 oktober "
                       "2026, bijvoorbeeld 27 3 1963."),
    ("1", "", "1980", "Vul bij ‘Wanneer bent u geboren?’ ook de maand in, bijvoorbeeld "
                      "27 3 1963."),
    # a 20-digit day is a date that does not exist, not a server error
    ("9" * 20, "3", "1980", "Vul bij ‘Wanneer bent u geboren?’ een bestaande datum in, met dag, "
                           "maand en jaar in cijfers, bijvoorbeeld 27 3 1963."),
    ("1", "9" * 20, "1980", "Vul bij ‘Wanneer bent u geboren?’ een bestaande datum in, met dag, "
                           "maand en jaar in cijfers, bijvoorbeeld 27 3 1963.")])
def test_dates_from_three_boxes(request_context, fixed_clock, day, month, year, outcome):
    question = Question(id="d", variable="d", type="date", text=QUESTION, min="1900-01-01",
                        max="today")
    values, errors = read(question, **{"d-day": day, "d-month": month, "d-year": year})
    if "-" in outcome:
        assert (values, errors) == ({"d": outcome}, [])
    else:
        assert (values, errors) == ({}, [outcome])


def test_text_is_trimmed_and_limited(request_context):
    question = Question(id="t", variable="t", type="text", text="Toelichting", max_length=5)
    assert read(question, t="  hoi \r\n") == ({"t": "hoi"}, [])
    assert read(question, t="te lang")[1] == [
        "Uw antwoord bij ‘Toelichting’ mag hoogstens 5 tekens lang zijn; het is nu 7 tekens."]


def test_every_message_key_fills_in(request_context):
    values = {"length": 10, "row": "r", "label": "l", "decimals": 1, "min": 0, "max": 9,
              "count": 3, "question": "q", "example": "7", "questions": "‘q’", "minutes": 4,
              "time": "14:05", "attempts": 2}
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


def test_a_date_where_an_estimate_is_fine_takes_month_and_year_and_gives_an_example(
        request_context, fixed_clock):
    """"Wanneer had u voor het laatst contact met de politie? Een schatting is goed." (estimate:
    true): the day may stay empty, stored as year and month; the other parts are still needed."""
    question = Question(id="p", variable="p", type="date", estimate=True, min="2022-01-01",
                        max="today", text="Wanneer had u voor het laatst contact met de politie? "
                                          "Een schatting is goed.")
    assert read(question, **{"p-day": "", "p-month": "3", "p-year": "2025"}) == (
        {"p": "2025-03"}, [])
    assert read(question, **{"p-day": "9", "p-month": "3", "p-year": "2025"}) == (
        {"p": "2025-03-09"}, [])
    # the month of the bound counts: October 2026 is fine on 1 October 2026, November not
    assert read(question, **{"p-month": "10", "p-year": "2026"}) == ({"p": "2026-10"}, [])
    assert read(question, **{"p-month": "11", "p-year": "2026"})[1] == [
        "Vul bij ‘Wanneer had u voor het laatst contact met de politie?’ een datum in op of voor "
        "1 oktober 2026, bijvoorbeeld 27 3 2024."]
    assert read(question, **{"p-month": "12", "p-year": "2021"})[1][0].startswith(
        "Vul bij ‘Wanneer had u voor het laatst contact met de politie?’ een datum in op of na")
    assert read(question, **{"p-year": "2025"})[1] == [
        "Vul bij ‘Wanneer had u voor het laatst contact met de politie?’ ook de maand in, "
        "bijvoorbeeld 27 3 2024."]
    # shown again from the stored value, and the example the page gives
    shown = forms.from_answers([question], {"p": "2025-03"})[0]
    assert (shown.data["p-day"], shown.data["p-month"], shown.data["p-year"]) == ("", "3", "2025")
    assert shown.date_example == ("27 3 2024", "3 2024")
