"""survey.paper.entry: who keys which pass, what counts as a difference, how a typed value is
checked, and what the routing check leaves out."""

from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from survey import access_codes, storage
from survey.models import Area, Edition, SampleUnit
from survey.paper import entry
from survey.questionnaire.loader import load_questionnaire
from survey.questionnaire.router import Router
from tests.support.respondent import FIXTURES

MINI = load_questionnaire(FIXTURES / "mini.yaml")
AT = datetime(2023, 5, 1, 12)


@pytest.fixture
def db(sqlite_url):
    with storage.transaction(sqlite_url) as session:
        session.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        session.add(Area(wijk_code=1, wijk="Stadsdriehoek", gebied="Centrum"))
        session.flush()
        session.add(SampleUnit(
            id="u1", edition_id=1, wijk_code=1, questionnaire_id="mini",
            inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
            age_group="35-44", sex="vrouw", migration_background="nederlands",
            household_type="alleenstaand", code_hash=access_codes.code_hash("ABCD234567")))
    with storage.transaction(sqlite_url) as session:
        yield session


@pytest.fixture
def request_context(make_app, sqlite_url):
    app = make_app(sqlite_url)
    with app.test_request_context():
        yield


def key_everything(db, number, keyer, values):
    for page in MINI.pages:
        entry.save_pass_page(db, "u1", number, keyer, page, values, at=AT)


def test_first_keyer_gets_pass_1_a_second_keyer_pass_2_and_a_third_is_refused(db):
    form = entry.register(db, "abcd-234567", "anna", double_entry=True, at=AT)
    assert (form.sample_unit_id, form.status) == ("u1", "entry")
    assert entry.pass_for(db, form, "anna", at=AT) == 1
    assert entry.pass_for(db, form, "anna", at=AT) == 1  # continuing her own pass
    assert entry.pass_for(db, form, "bram", at=AT) == 2
    with pytest.raises(entry.PaperError, match=r"al ingevoerd \(invoer 1 door anna, invoer 2 door bram\)"):
        entry.pass_for(db, form, "cem", at=AT)
    key_everything(db, 1, "anna", {"woonjaren": "5"})
    entry.finish_pass(db, form, 1, "anna", MINI, at=AT)
    with pytest.raises(entry.PaperError, match="Invoer 1 van dit formulier is al afgerond"):
        entry.save_pass_page(db, "u1", 1, "anna", MINI.pages[0], {"woonjaren": "6"}, at=AT)
    with pytest.raises(entry.PaperError, match="is nog niet ingevoerd"):
        entry.finish_pass(db, form, 2, "bram", MINI, at=AT)
    key_everything(db, 2, "bram", {"woonjaren": "5"})
    entry.finish_pass(db, form, 2, "bram", MINI, at=AT)
    assert form.status == entry.KEYED
    assert entry.pass_for(db, form, "cem", at=AT) is None
    assert entry.differences(db, form, MINI) == []


def test_single_entry_needs_one_pass_and_the_same_keyer_cannot_key_twice(db):
    form = entry.register(db, "u1", "anna", double_entry=False, at=AT)
    assert entry.pass_for(db, form, "anna", at=AT) == 1
    with pytest.raises(entry.PaperError, match="invoer 1 door anna"):
        entry.pass_for(db, form, "bram", at=AT)
    key_everything(db, 1, "anna", {})
    entry.finish_pass(db, form, 1, "anna", MINI, at=AT)
    assert form.status == entry.KEYED
    assert entry.differences(db, form, MINI) == []


def test_an_unknown_code_is_named(db):
    with pytest.raises(entry.PaperError, match="Geen steekproefeenheid met code 'ZZZZ999999'"):
        entry.register(db, " ZZZZ999999 ", "anna", double_entry=True, at=AT)


def test_differences_in_questionnaire_order_with_labels(db):
    form = entry.register(db, "u1", "anna", double_entry=True, at=AT)
    entry.pass_for(db, form, "anna", at=AT)
    entry.pass_for(db, form, "bram", at=AT)
    key_everything(db, 1, "anna", {"woonjaren": "5", "cohesie_omgang": "eens",
                                   "onveilig_plekken": "straat park"})
    key_everything(db, 2, "bram", {"woonjaren": "5", "cohesie_omgang": "weet_niet",
                                   "onveilig_plekken": "park"})
    diffs = entry.differences(db, form, MINI)
    assert [d.variable for d in diffs] == ["cohesie_omgang", "onveilig_plekken"]
    assert diffs[0].label(diffs[0].first) == "Eens"
    assert diffs[0].label(diffs[0].second) == "Weet ik niet"
    assert diffs[1].label(diffs[1].first) == "Op straat, In een park"
    assert diffs[1].label(None) == "(leeg)"


@pytest.mark.parametrize("variable, form, expected", [
    ("woonjaren", {"w": "12"}, ("12", None)),
    ("woonjaren", {"w": "weet_niet"}, ("weet_niet", None)),
    ("woonjaren", {"w": "1,5"},
     (None, "Vul bij ‘Hoeveel jaar woont u in deze buurt?’ een heel getal in van 0 tot en met 100, "
            "zonder komma.")),
    ("cohesie_omgang", {"w": "oneens"}, ("oneens", None)),  # a grid row
    ("cohesie_omgang", {"w": "nooit"},
     (None, "Kies bij ‘De mensen in deze buurt gaan op een prettige manier met elkaar om.’ een van "
            "de antwoorden die er staan.")),
    ("onveilig_plekken", {"w": ["ov", "straat"]}, ("straat ov", None)),
    ("onveilig_plekken", {"w": ["geen", "park"]},
     (None, "U kunt bij ‘Waar voelt u zich wel eens onveilig?’ niet ‘Geen van deze plekken’ en ook "
            "een ander antwoord kiezen. Kies ‘Geen van deze plekken’ of de andere antwoorden.")),
    ("geboortedatum", {"w": "27-3-1980"}, ("1980-03-27", None)),
    ("geboortedatum", {"w": "1980-03-27"}, ("1980-03-27", None)),
    ("geboortedatum", {"w": "31-2-1980"},
     (None, "Vul bij ‘Wat is uw geboortedatum?’ een bestaande datum in, met dag, maand en jaar in "
            "cijfers, bijvoorbeeld 27 3 1963.")),
    ("onveilig_toelichting", {"w": "  bij het station "}, ("bij het station", None)),
    ("buurt_prettig", {"w": ""}, (None, None)),  # typed empty: the paper is blank there
])
def test_a_typed_value_is_checked_as_the_web_checks_it(request_context, variable, form, expected):
    data = MultiDict()
    for key, value in form.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    assert entry.check_typed(MINI.variable_info(variable), data, "w") == expected


def test_the_routing_check_leaves_out_what_the_web_would_not_have_asked():
    router = Router(MINI)
    values = {"woonjaren": "3", "buurt_prettig": None, "onveilig_ooit": "nooit",
              "onveilig_plekken": "straat", "aantal_kinderen": "0", "kinderen_speelplek": "ja"}
    check = entry.routing_check(router, values)
    assert check.off_path == ["onveilig_plekken", "kinderen_speelplek"]
    assert check.answers == {"woonjaren": "3", "onveilig_ooit": "nooit", "aantal_kinderen": "0"}
    assert check.missing_required == ["buurt_prettig", "geboortedatum"]


def test_keying_questions_are_all_shown_and_none_required():
    page = MINI.page("buurt-oordeel")
    assert [q.required for q in page.questions] == [True, False]
    keyed = entry.keying_questions(page)
    assert [q.id for q in keyed] == [q.id for q in page.questions]
    assert not any(q.required for q in keyed)
    assert entry.next_page(MINI, "onveilig").id == "onveilig-plekken"  # no routing skip on paper
    assert entry.next_page(MINI, "kinderen-school") is None
    assert entry.previous_page(MINI, "woonduur") is None
