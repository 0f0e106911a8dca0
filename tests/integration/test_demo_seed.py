"""The demo edition end to end: a scaled-down seed (2% of Rotterdam) with the real
questionnaires into a fresh database, checked on what a statistician would check."""

import sqlite3

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from survey.paths import QUESTIONNAIRES_DIR
from survey.demo.register import age_counts
from survey.demo.seed import EditionExistsError, seed_edition
from survey.fieldwork.answers import UNIT_COLUMNS, answers_frame
from survey.population.wijken import load_wijken
from survey.questionnaire.loader import load_questionnaire
from tests.support.demo_walk import path_of
from tests.support.fieldwork_data import read_at

SCALE = 0.02
IDENTITY_COLUMNS = {
    "register_id", "given_name", "family_name", "street", "house_number", "postcode", "phone",
    "birth_date", "person_id", "access_code", "code_hash",
}


@pytest.fixture(scope="module")
def questionnaires():
    return {
        q: load_questionnaire(QUESTIONNAIRES_DIR / f"{q}.yaml")
        for q in ("veiligheidsmonitor", "wijkonderzoek")
    }


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, questionnaires):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    stages = []
    summary = seed_edition(url, seed=7, scale=SCALE, questionnaires=questionnaires,
                           progress=lambda stage, done: stages.append((stage, done)))
    return url, path, summary, stages


def query(path, sql):
    with sqlite3.connect(path) as connection:
        return pd.read_sql_query(sql, connection)


def test_counts_are_those_of_a_two_percent_rotterdam(seeded):
    _, path, summary, stages = seeded
    c = summary.counts
    assert c["persons"] == age_counts(load_wijken(), SCALE).sum()
    assert c["areas"] == 71 and c["margins"] == 71 * 12
    assert abs(c["sample_units"] - 1500) <= 20
    assert 0.35 < c["completed"] / c["sample_units"] < 0.45       # about 30,000 of 75,000
    assert 0 < c["started"] < 0.03 * c["sample_units"]
    assert c["completed"] + c["screened_out"] + c["started"] + c["invited"] == c["sample_units"]
    # about 2% of those who answer no longer live at the address (answer_targets.yaml)
    assert 0.005 < c["screened_out"] / (c["completed"] + c["screened_out"]) < 0.05
    tables = query(path, "SELECT (SELECT COUNT(*) FROM identity_person) persons, "
                         "(SELECT COUNT(*) FROM identity_link) links, "
                         "(SELECT COUNT(*) FROM sample_unit) units, "
                         "(SELECT COUNT(*) FROM answer) answers, "
                         "(SELECT COUNT(*) FROM page_visit) visits, "
                         "(SELECT COUNT(*) FROM area) areas").iloc[0]
    assert tables["persons"] == c["persons"] and tables["answers"] == c["answers"]
    assert tables["links"] == tables["units"] == c["sample_units"]
    assert tables["visits"] == c["page_visits"] and tables["areas"] == 71
    assert c["answers"] > 60 * c["completed"]
    assert query(path, "PRAGMA foreign_key_check").empty
    assert stages[-1][1] == pytest.approx(1.0)
    assert [d for _, d in stages] == sorted(d for _, d in stages)


def test_margins_equal_the_register_counts(seeded):
    _, path, _, _ = seeded
    margins = query(path, "SELECT wijk_code, variable, category, total FROM population_margin")
    persons = query(path, "SELECT wijk_code, birth_date, sex, migration_background, "
                          "household_type FROM identity_person")
    age = 2023 - pd.to_datetime(persons["birth_date"]).dt.year - 1  # on 1 January 2023
    persons["age_group"] = pd.cut(age, [14, 24, 44, 64, 200],
                                  labels=["15-24", "25-44", "45-64", "65+"]).astype(str)
    for variable in ("age_group", "sex", "migration_background", "household_type"):
        counted = persons.groupby(["wijk_code", variable]).size()
        stated = margins[margins.variable == variable].set_index(["wijk_code", "category"])
        stated = stated["total"][stated["total"] > 0]
        assert dict(counted) == {k: int(v) for k, v in stated.items()}, variable
    units = query(path, "SELECT wijk_code, stratum_population, design_weight FROM sample_unit")
    population = margins[margins.variable == "sex"].groupby("wijk_code")["total"].sum()
    assert (units["stratum_population"] == units["wijk_code"].map(population)).all()
    assert np.allclose(units.groupby("wijk_code")["design_weight"].sum(),
                       population[units["wijk_code"].unique()].sort_index())


def test_the_same_seed_gives_the_same_edition(seeded, tmp_path, questionnaires):
    _, path, _, _ = seeded
    again = tmp_path / "again.db"
    seed_edition(f"sqlite:///{again}", seed=7, scale=SCALE, questionnaires=questionnaires)
    other = tmp_path / "other.db"
    seed_edition(f"sqlite:///{other}", seed=8, scale=SCALE, questionnaires=questionnaires)
    for table, order in [("identity_person", "id"), ("sample_unit", "id"),
                         ("identity_link", "sample_unit_id"), ("answer", "id"),
                         ("page_visit", "id"), ("population_margin", "id"), ("area", "wijk_code")]:
        first = query(path, f"SELECT * FROM {table} ORDER BY {order}")
        second = query(again, f"SELECT * FROM {table} ORDER BY {order}")
        pd.testing.assert_frame_equal(first, second, obj=table)
    edition = "SELECT year, title, fieldwork_start, fieldwork_end, seed FROM edition"
    pd.testing.assert_frame_equal(query(path, edition), query(again, edition).assign(seed=7))
    codes = "SELECT access_code FROM identity_link ORDER BY sample_unit_id"
    assert not query(path, codes).equals(query(other, codes))


def test_no_answer_off_the_routed_path(seeded, questionnaires):
    _, path, _, _ = seeded
    answers = query(path, "SELECT a.sample_unit_id, a.variable, a.value, a.page_id, "
                          "u.questionnaire_id, u.status FROM answer a "
                          "JOIN sample_unit u ON u.id = a.sample_unit_id ORDER BY a.id")
    visits = query(path, "SELECT sample_unit_id, page_id FROM page_visit ORDER BY id")
    visited = visits.groupby("sample_unit_id")["page_id"].apply(list).to_dict()
    checked = 0
    for unit, rows in answers.groupby("sample_unit_id"):
        q = questionnaires[rows["questionnaire_id"].iloc[0]]
        mine = dict(zip(rows["variable"], rows["value"]))
        pages, allowed = path_of(q, mine)
        assert set(mine) <= allowed, unit
        if rows["status"].iloc[0] == "completed":
            assert visited[unit] == pages, unit
        else:  # a break-off answered the first pages of its path only
            assert visited[unit] == pages[: len(visited[unit])], unit
        checked += 1
    assert checked > 500


def test_statistics_and_identity_stay_apart(seeded):
    url, path, summary, _ = seeded
    frame = read_at(answers_frame, url)
    assert len(frame) == summary.counts["completed"]
    assert list(frame.columns[: len(UNIT_COLUMNS)]) == UNIT_COLUMNS
    assert not IDENTITY_COLUMNS & set(frame.columns)
    assert (frame["design_weight"] >= 1).all()  # 1 in a wijk so small it is a census
    assert frame[["buurt_cijfer", "geboortejaar"]].notna().mean().min() > 0.4
    # no identity value leaks into the answers, and identity tables hold no answers
    codes = set(query(path, "SELECT access_code FROM identity_link")["access_code"])
    names = set(query(path, "SELECT family_name FROM identity_person")["family_name"])
    values = set(query(path, "SELECT DISTINCT value FROM answer")["value"].dropna())
    assert not values & codes and not values & names
    for table in ("identity_person", "identity_link"):
        columns = set(query(path, f"SELECT * FROM {table} LIMIT 1").columns)
        assert not columns & set(frame.columns[len(UNIT_COLUMNS):])
    # demo codes are real codes of units in the stated status
    link = query(path, "SELECT l.access_code, u.status, u.questionnaire_id FROM identity_link l "
                       "JOIN sample_unit u ON u.id = l.sample_unit_id").set_index("access_code")
    for questionnaire_id, by_status in summary.demo_codes.items():
        for status, demo_codes in by_status.items():
            assert demo_codes
            for code in demo_codes:
                assert tuple(link.loc[code]) == (status, questionnaire_id)


def test_response_depends_on_age_and_origin_so_weighting_matters(seeded):
    url, path, _, _ = seeded
    units = query(path, "SELECT age_group, migration_background, status, mode "
                        "FROM sample_unit")
    rate = units.assign(done=units.status == "completed").groupby("age_group")["done"].mean()
    assert rate["65+"] > rate["15-24"] + 0.15
    by_origin = units.assign(done=units.status == "completed").groupby(
        "migration_background")["done"].mean()
    assert by_origin["niet_westers"] < by_origin["nederlands"] - 0.1
    modes = units.loc[units.status == "completed", "mode"].value_counts(normalize=True)
    assert 0.6 < modes["web"] < 0.8 and 0.1 < modes["paper"] < 0.3 and modes["phone"] < 0.2

    frame = read_at(answers_frame, url)
    margins = query(path, "SELECT category, SUM(total) AS total FROM population_margin "
                          "WHERE variable = 'age_group' GROUP BY category").set_index("category")
    population_share = margins["total"]["65+"] / margins["total"].sum()
    respondent_share = (frame["age_group"] == "65+").mean()
    assert respondent_share > population_share + 0.04
    # answers differ by place: the report mark is lower in gebieden with more niet-westerse
    # residents (the demo's wijk quality follows that share, r about -0.85, as the published
    # Wijkprofiel does); over the 14 gebieden the rank correlation is strongly negative
    mark = pd.to_numeric(frame["buurt_cijfer"], errors="coerce")
    by_gebied = mark.groupby(frame["gebied"]).mean()
    origin = query(path, "SELECT a.gebied, m.category, SUM(m.total) AS total "
                         "FROM population_margin m JOIN area a ON a.wijk_code = m.wijk_code "
                         "WHERE m.variable = 'migration_background' GROUP BY a.gebied, m.category")
    shares = origin.pivot(index="gebied", columns="category", values="total")
    nonwestern = shares["niet_westers"] / shares.sum(axis=1)
    assert by_gebied.corr(nonwestern.loc[by_gebied.index], method="spearman") < -0.5


def test_the_command_refuses_to_seed_twice_unless_replacing(tmp_path):
    from survey.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "seed", "--scale", "0.01", "--seed", "3",
                                 "--database-url", url])
    assert first.exit_code == 0, first.output
    assert "edition 2024 (seed 3, scale 0.01) seeded" in first.output
    assert "demo login codes:" in first.output
    again = runner.invoke(main, ["demo", "seed", "--scale", "0.01", "--database-url", url])
    assert again.exit_code == 1
    assert "edition 2024 already exists; use --replace" in again.output
    assert "Traceback" not in again.output
    path = tmp_path / "cli.db"
    with sqlite3.connect(path) as connection:  # a table from a later migration, say
        connection.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, sample_unit_id "
                           "VARCHAR(32) REFERENCES sample_unit (id))")
        connection.execute("INSERT INTO note (sample_unit_id) SELECT id FROM sample_unit")
        connection.execute("CREATE TABLE note_reply (id INTEGER PRIMARY KEY, note_id INTEGER "
                           "REFERENCES note (id))")
        connection.execute("INSERT INTO note_reply (note_id) SELECT id FROM note")
    replaced = runner.invoke(main, ["demo", "seed", "--scale", "0.01", "--seed", "4",
                                    "--database-url", url, "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert query(path, "SELECT COUNT(*) AS n FROM note")["n"][0] == 0
    assert query(path, "SELECT COUNT(*) AS n FROM note_reply")["n"][0] == 0
    assert query(path, "PRAGMA foreign_key_check").empty
    counts = query(path, "SELECT (SELECT COUNT(*) FROM edition) editions, "
                         "(SELECT COUNT(*) FROM identity_person) persons, "
                         "(SELECT COUNT(*) FROM sample_unit) units, "
                         "(SELECT seed FROM edition) seed").iloc[0]
    assert counts["editions"] == 1 and counts["seed"] == 4
    assert counts["persons"] == age_counts(load_wijken(), 0.01).sum()
    bad = runner.invoke(main, ["demo", "seed", "--scale", "2", "--database-url", url])
    assert bad.exit_code == 2 and "0<x<=1" in bad.output


def test_seeding_over_an_edition_raises_a_clean_error(seeded, questionnaires):
    url, _, _, _ = seeded
    with pytest.raises(EditionExistsError, match="already exists"):
        seed_edition(url, seed=7, scale=SCALE, questionnaires=questionnaires)


@pytest.mark.postgres
def test_postgresql_through_copy(postgres_server, questionnaires):
    url = postgres_server.create_database()
    summary = seed_edition(url, seed=7, scale=0.01, questionnaires=questionnaires)
    frame = read_at(answers_frame, url)
    assert len(frame) == summary.counts["completed"] > 0
    again = seed_edition(url, seed=7, scale=0.01, questionnaires=questionnaires, replace=True)
    assert {**again.counts, "areas_added": 0} == {**summary.counts, "areas_added": 0}
    from survey import storage

    with storage.get_engine(url).connect() as connection:
        persons = connection.exec_driver_sql("SELECT COUNT(*) FROM identity_person").scalar()
        answers = connection.exec_driver_sql("SELECT COUNT(*) FROM answer").scalar()
        # the serial moved past the explicit ids: an ORM insert still works
        connection.exec_driver_sql(
            "INSERT INTO identity_person (register_id, given_name, family_name, street, "
            "house_number, postcode, wijk_code, birth_date, sex, migration_background, "
            "household_type) VALUES ('x', 'a', 'b', 'c', '1', '3011 AA', 71, '1980-01-01', "
            "'man', 'nederlands', 'alleenstaand')")
    assert persons == summary.counts["persons"] and answers == summary.counts["answers"]


def test_who_no_longer_lives_at_the_address_is_screened_out_not_a_respondent(seeded):
    url, path, _, _ = seeded
    units = query(path, "SELECT id, status, disposition, mode, completed_at, questionnaire_id, "
                        "questionnaire_version FROM sample_unit")
    answered = query(path, "SELECT sample_unit_id, variable, value FROM answer")
    nee = set(answered.loc[(answered.variable == "woont_adres") & (answered.value == "nee"),
                           "sample_unit_id"])
    screened = units[units.status == "screened_out"]
    assert set(screened["id"]) == nee and len(nee) > 0
    assert (screened["disposition"] == "4.10").all() and screened["completed_at"].notna().all()
    assert screened["mode"].notna().all()
    # the screening answer is all they gave
    assert set(answered.loc[answered.sample_unit_id.isin(nee), "variable"]) == {"woont_adres"}
    # every unit with answers records the questionnaire version it answered; none without
    with_answers = units[units.status != "invited"]
    versions = {q: load_questionnaire(QUESTIONNAIRES_DIR / f"{q}.yaml").version
                for q in ("veiligheidsmonitor", "wijkonderzoek")}
    assert (with_answers["questionnaire_version"] == with_answers["questionnaire_id"].map(versions)).all()
    assert units.loc[units.status == "invited", "questionnaire_version"].isna().all()
    # not in the analysis file that weighting reads
    frame = read_at(answers_frame, url)
    assert not nee & set(frame["sample_unit_id"])
    assert len(frame) == (units.status == "completed").sum()
