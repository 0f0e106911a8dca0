import numpy as np
import pytest

from survey.demo.answers import Respondents, generate_answers
from tests.support.demo_walk import path_of


def respondents(n, seed=0, mode="web", page_limit=10**9, latent=None):
    rng = np.random.default_rng(seed)
    birth = np.datetime64("1950-01-01") + rng.integers(0, 365 * 55, n).astype("timedelta64[D]")
    return Respondents(
        latent=rng.standard_normal(n) if latent is None else latent,
        mode=np.full(n, mode, dtype=object),
        page_limit=np.full(n, page_limit),
        answered_on=np.full(n, np.datetime64("2023-05-01")),
        birth_date=birth,
        sex=np.where(rng.random(n) < 0.5, "man", "vrouw").astype(object),
        household_type=np.full(n, "alleenstaand", dtype=object),
        age=np.full(n, 40),
    )


@pytest.fixture(scope="module")
def generated(tiny_questionnaires):
    q = tiny_questionnaires["veiligheidsmonitor"]
    who = respondents(3000)
    return q, who, generate_answers(q, who, np.random.default_rng(1))


def by_respondent(generated):
    answers = generated.answers_frame()
    return {r: dict(zip(g["variable"], g["value"])) for r, g in answers.groupby("respondent")}


def test_every_answer_lies_on_the_routed_path(generated):
    q, who, result = generated
    answers = by_respondent(result)
    visits = result.visits_frame().groupby("respondent")["page_id"].apply(list).to_dict()
    for r in range(len(who.latent)):
        mine = answers.get(r, {})
        pages, allowed = path_of(q, mine)
        assert set(mine) <= allowed, (r, mine)
        assert visits.get(r, []) == pages  # complete respondents visit their whole path


def test_routing_devices_all_fire(generated):
    _, _, result = generated
    answers = result.answers_frame()
    ended = set(answers.loc[(answers.variable == "woont_adres") & (answers.value == "nee"),
                            "respondent"])
    assert ended, "some respondents say they do not live there"
    assert not set(answers.loc[answers.variable == "buurt_cijfer", "respondent"]) & ended
    skipped = set(answers.loc[(answers.variable == "onveilig_ooit") & (answers.value != "ja"),
                              "respondent"])
    assert not set(answers.loc[answers.variable == "onveilig_buurt", "respondent"]) & skipped
    assert (answers.variable == "onveilig_avond").sum() > 0   # question `when` (numeric)
    assert (answers.variable == "fiets_datum").sum() > 0      # page `when`


def test_values_respect_the_definitions(generated):
    _, _, result = generated
    a = result.answers_frame()
    cijfer = a.loc[a.variable == "buurt_cijfer", "value"]
    numbers = cijfer[cijfer != "weet_niet"].astype(int)
    assert numbers.between(1, 10).all() and numbers.nunique() > 4
    assert 0.01 < (cijfer == "weet_niet").mean() < 0.06          # about 3% "weet niet"
    chosen = a.loc[a.variable == "slachtoffer", "value"].str.split()
    assert all("geen" not in c or c == ["geen"] for c in chosen)  # exclusive stays alone
    dates = a.loc[a.variable == "fiets_datum", "value"]
    assert dates.between("2022-01-01", "2023-05-01").all()
    assert set(a.loc[a.variable == "tevreden_buurt", "value"]) <= {
        "zeer_tevreden", "tevreden", "neutraal", "ontevreden", "zeer_ontevreden", "weet_niet"}
    text = a.loc[a.variable == "opmerking", "value"]
    assert 0 < len(text) < 0.2 * a.respondent.nunique()


def test_background_answers_follow_the_register(generated):
    _, who, result = generated
    a = result.answers_frame()
    year = a[a.variable == "geboortejaar"].set_index("respondent")["value"].astype(int)
    expected = who.birth_date.astype("datetime64[Y]").astype(int) + 1970
    assert (year == expected[year.index.to_numpy()]).all()
    sex = a[a.variable == "geslacht"].set_index("respondent")["value"]
    assert (sex == who.sex[sex.index.to_numpy()]).mean() > 0.98


def test_answers_follow_the_latent_score(tiny_questionnaires):
    q = tiny_questionnaires["veiligheidsmonitor"]
    n = 4000
    good = generate_answers(q, respondents(n, latent=np.full(n, 1.0)), np.random.default_rng(2))
    bad = generate_answers(q, respondents(n, latent=np.full(n, -1.0)), np.random.default_rng(2))

    def mean_mark(result):
        a = result.answers_frame()
        v = a.loc[(a.variable == "buurt_cijfer") & (a.value != "weet_niet"), "value"]
        return v.astype(int).mean()

    def share(result, variable, values):
        a = result.answers_frame()
        return a.loc[a.variable == variable, "value"].isin(values).mean()

    assert mean_mark(good) > mean_mark(bad) + 0.8
    assert share(good, "tevreden_buurt", ["zeer_tevreden", "tevreden"]) > share(
        bad, "tevreden_buurt", ["zeer_tevreden", "tevreden"]) + 0.2
    # a problem: "vaak" is the bad end
    assert share(bad, "prob_inbraak", ["vaak"]) > share(good, "prob_inbraak", ["vaak"])
    assert share(bad, "onveilig_ooit", ["ja"]) > share(good, "onveilig_ooit", ["ja"])


def test_partials_stop_after_their_pages(tiny_questionnaires):
    q = tiny_questionnaires["veiligheidsmonitor"]
    result = generate_answers(q, respondents(500, page_limit=2), np.random.default_rng(3))
    visits = result.visits_frame()
    assert visits.groupby("respondent").size().max() == 2
    answered_pages = set(result.answers_frame().page_id)
    assert answered_pages <= {"woont", "oordeel"}


def test_same_generator_state_gives_the_same_answers(tiny_questionnaires):
    q = tiny_questionnaires["wijkonderzoek"]
    first = generate_answers(q, respondents(300), np.random.default_rng(9)).answers_frame()
    second = generate_answers(q, respondents(300), np.random.default_rng(9)).answers_frame()
    assert first.equals(second)
