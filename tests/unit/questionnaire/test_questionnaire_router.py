"""The router: which pages a respondent goes through (tests/fixtures/questionnaires/minimal.yaml).

Pages: over-u, cohesie, slachtoffer (routing: not_in [ja] -> oordeel), fiets-aangifte (when
slachtoffer_fiets in [ja]), oordeel. Question aangifte-datum is asked when leeftijd >= 18 and the
bike was stolen; toelichting unless leeftijd <= 17.
"""

import pytest

from survey.questionnaire import Router, load_questionnaire


@pytest.fixture
def router(minimal_path):
    return Router(load_questionnaire(minimal_path))


def ids(pages):
    return [p.id if p is not None else None for p in pages]


def test_routing_jumps_over_the_report_page_when_no_bike_was_stolen(router):
    assert ids(router.path({"slachtoffer_fiets": "nee"})) == ["over-u", "cohesie", "slachtoffer", "oordeel"]
    assert ids(router.path({})) == ["over-u", "cohesie", "slachtoffer", "oordeel"]


def test_victim_goes_through_the_report_page(router):
    assert ids(router.path({"slachtoffer_fiets": "ja"})) == [
        "over-u", "cohesie", "slachtoffer", "fiets-aangifte", "oordeel"]


def test_page_when_is_honoured_without_routing(router):
    # "weet_niet" is not "ja": the routing rule (not_in [ja]) jumps; and the page's when is false
    assert "fiets-aangifte" not in ids(router.path({"slachtoffer_fiets": "weet_niet"}))


def test_goto_end_stops_the_path(minimal_path, tmp_path):
    text = minimal_path.read_text().replace("goto: oordeel", "goto: end")
    path = tmp_path / "minimal.yaml"
    path.write_text(text)
    router = Router(load_questionnaire(path))
    assert ids(router.path({"slachtoffer_fiets": "nee"})) == ["over-u", "cohesie", "slachtoffer"]
    assert router.next_page("slachtoffer", {"slachtoffer_fiets": "nee"}) is None
    # ending through `goto: end` screens the respondent out; running past the last page does not
    assert router.screened_out({"slachtoffer_fiets": "nee"})
    assert not router.screened_out({"slachtoffer_fiets": "ja"})
    assert not router.screened_out({})


def test_a_path_that_runs_to_the_last_page_is_not_screened_out(router):
    assert not router.screened_out({"slachtoffer_fiets": "nee"})
    assert not router.screened_out({"slachtoffer_fiets": "ja"})


def test_next_and_previous(router):
    victim = {"slachtoffer_fiets": "ja"}
    assert router.next_page("over-u", {}).id == "cohesie"
    assert router.next_page("slachtoffer", victim).id == "fiets-aangifte"
    assert router.next_page("slachtoffer", {"slachtoffer_fiets": "nee"}).id == "oordeel"
    assert router.next_page("oordeel", victim) is None
    assert router.previous_page("over-u", victim) is None
    assert router.previous_page("oordeel", victim).id == "fiets-aangifte"
    assert router.previous_page("oordeel", {"slachtoffer_fiets": "nee"}).id == "slachtoffer"
    # a page off the path (old link): back to the last path page before it
    assert router.previous_page("fiets-aangifte", {"slachtoffer_fiets": "nee"}).id == "slachtoffer"
    with pytest.raises(KeyError):
        router.next_page("bestaat-niet", {})


def test_visible_questions_follow_question_when(router):
    adult_victim = {"leeftijd": "34", "slachtoffer_fiets": "ja"}
    assert ids(router.visible_questions("fiets-aangifte", adult_victim)) == ["aangifte", "aangifte-datum"]
    minor_victim = {"leeftijd": "16", "slachtoffer_fiets": "ja"}
    assert ids(router.visible_questions("fiets-aangifte", minor_victim)) == ["aangifte"]
    assert ids(router.visible_questions("oordeel", minor_victim)) == ["onveilig-buurt"]
    # unanswered age: `not {leeftijd max 17}` holds, so the explanation is asked
    assert ids(router.visible_questions("oordeel", {})) == ["onveilig-buurt", "toelichting"]


def test_first_unanswered_page_and_completion(router):
    answers = {"leeftijd": "40", "slachtoffer_fiets": "nee"}
    assert router.first_unanswered_page(answers, []).id == "over-u"
    assert router.first_unanswered_page(answers, ["over-u", "cohesie"]).id == "slachtoffer"
    done = ["over-u", "cohesie", "slachtoffer", "oordeel"]
    assert router.first_unanswered_page(answers, done) is None
    assert router.is_complete(answers, done)
    # rerouted: the bike was stolen after all, so the report page is now due
    answers["slachtoffer_fiets"] = "ja"
    assert router.first_unanswered_page(answers, done).id == "fiets-aangifte"
    assert not router.is_complete(answers, done)


def test_required_question_blocks_completion(router):
    done = ["over-u", "cohesie", "slachtoffer", "oordeel"]
    assert not router.is_complete({"slachtoffer_fiets": "nee"}, done)
    assert router.missing_required({"slachtoffer_fiets": "nee"}) == ["leeftijd"]
    assert router.missing_required({"leeftijd": "  "}, "over-u") == ["leeftijd"]


def test_answers_off_path_are_dropped_after_a_reroute(router):
    answers = {"leeftijd": "40", "slachtoffer_fiets": "nee", "aangifte_fiets": "ja",
               "aangifte_datum": "2024-03-01", "onveilig_buurt": "soms", "respondent_wijk": "delfshaven"}
    assert router.answers_off_path(answers) == {"aangifte_fiets", "aangifte_datum"}
    assert "aangifte_fiets" not in router.answers_on_path(answers)
    assert router.answers_on_path(answers)["respondent_wijk"] == "delfshaven"
    # a hidden question on a page that stays on the path is dropped too
    minor = dict(answers, leeftijd="16", slachtoffer_fiets="ja", toelichting="Donker")
    assert router.answers_off_path(minor) == {"aangifte_datum", "toelichting"}
    assert router.answers_off_path({"slachtoffer_fiets": "ja", "aangifte_fiets": "nee"}) == set()


@pytest.mark.parametrize("name", ["minimal", "veiligheidsmonitor", "wijkonderzoek"])
def test_random_respondents_follow_a_forward_path_and_dropping_is_stable(name, fixtures):
    import random

    from survey.paths import QUESTIONNAIRES_DIR

    path = fixtures / "minimal.yaml" if name == "minimal" else QUESTIONNAIRES_DIR / f"{name}.yaml"
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    q = load_questionnaire(path)
    router = Router(q)
    rng = random.Random(7)
    for _ in range(60):
        answers = {}
        for variable in q.variables():
            if rng.random() < 0.2:
                continue
            info = q.variable_info(variable)
            if info.options:
                answers[variable] = rng.choice(info.options).value
            elif info.type == "number":
                lo, hi = info.question.min, info.question.max
                answers[variable] = str(rng.randint(int(lo), int(hi)))
            else:
                answers[variable] = "2024-01-01" if info.type == "date" else "tekst"
        pages = router.path(answers)
        positions = [q.page_position(p.id) for p in pages]
        assert positions == sorted(set(positions))              # forward only, no page twice
        kept = router.answers_on_path(answers)
        assert router.answers_off_path(kept) == set()
        assert set(kept) <= set(answers)
        for page, following in zip(pages, pages[1:]):
            assert router.next_page(page.id, answers).id == following.id
            assert router.previous_page(following.id, answers).id == page.id
