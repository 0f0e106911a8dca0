"""The stratified draw from an imported register: sizes, design, reproducibility, margins."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from survey import storage
from survey.access_codes import code_hash
from survey.demo.register import build_register
from survey.errors import InputError
from survey.models import (Edition, IdentityLink, IdentityPerson, PopulationMargin, SampleBatch,
                           SampleUnit)
from survey.population.allocation import gross_sizes
from survey.population.categories import age_group_series, ages_on
from survey.population.wijken import load_wijken
from survey.sampling.draw import plan
from tests.support.sampling import draw_edition, import_file

COLUMNS = ["register_id", "given_name", "family_name", "street", "house_number", "postcode",
           "phone", "wijk_code", "birth_date", "sex", "migration_background", "household_type"]


def test_gross_size_is_target_over_rate_rounded_up_and_capped_at_the_population():
    sizes = gross_sizes([420, 420, 100, 0, 7], [0.4, 0.35, 0.4, 0.5, 0.3], [5000, 5000, 180, 900, 900])
    assert sizes.tolist() == [1050, 1200, 180, 0, 24]


@pytest.fixture(scope="module")
def register_db(tmp_path_factory):
    """A database holding a demo register of 1% of Rotterdam (about 5,400 persons 15+),
    imported as a CSV extract; each test works on a copy."""
    folder = tmp_path_factory.mktemp("register")
    register = build_register(load_wijken(), np.random.default_rng(3), scale=0.01)
    extract = register[COLUMNS].copy()
    extract["birth_date"] = pd.to_datetime(extract["birth_date"]).dt.strftime("%d-%m-%Y")
    path = folder / "brp.csv"
    extract.to_csv(path, sep=";", index=False)
    url = f"sqlite:///{folder / 'template.db'}"
    storage.upgrade(url)
    import_file(url, path, "register", 2024)
    storage.get_engine(url).dispose()  # the WAL is checkpointed into the file
    return folder / "template.db", register


def copy_of(register_db, tmp_path, name="copy.db"):
    target = tmp_path / name
    shutil.copy(register_db[0], target)
    return f"sqlite:///{target}"


def units_of(url):
    with storage.transaction(url) as db:
        rows = db.execute(
            select(IdentityPerson.register_id, SampleUnit.wijk_code, SampleUnit.questionnaire_id,
                   SampleUnit.wave, SampleUnit.inclusion_probability, SampleUnit.design_weight,
                   SampleUnit.stratum_population, SampleUnit.age_group, SampleUnit.sex,
                   SampleUnit.migration_background, SampleUnit.household_type,
                   SampleUnit.code_hash, IdentityLink.access_code, IdentityPerson.birth_date,
                   IdentityPerson.sex.label("person_sex"))
            .join(IdentityLink, IdentityLink.sample_unit_id == SampleUnit.id)
            .join(IdentityPerson, IdentityPerson.id == IdentityLink.person_id)).all()
    return pd.DataFrame(rows, columns=[
        "register_id", "wijk_code", "questionnaire_id", "wave", "pi", "design_weight", "N",
        "age_group", "sex", "migration_background", "household_type", "code_hash",
        "access_code", "birth_date", "person_sex"]).sort_values("register_id")


def test_the_draw_is_a_stratified_srs_with_its_design_stored(register_db, tmp_path):
    url = copy_of(register_db, tmp_path)
    summary = draw_edition(url, 2024, 42, targets=20, response_rate=0.4)
    units = units_of(url)
    population = register_db[1].groupby("wijk_code").size()
    n = units.groupby("wijk_code").size()
    expected = np.minimum(50, population)  # ceil(20 / 0.4) = 50, capped at N_h
    assert n.to_dict() == expected[expected > 0].to_dict()
    assert summary.units == len(units) == expected.sum()
    assert np.allclose(units["pi"], units["wijk_code"].map(n / population))
    assert np.allclose(units["design_weight"] * units["pi"], 1)
    assert (units["N"] == units["wijk_code"].map(population)).all()
    assert np.allclose(units.groupby("wijk_code")["design_weight"].sum(), population[n.index])
    split = pd.crosstab(units["wijk_code"], units["questionnaire_id"])
    assert (split.max(axis=1) - split.min(axis=1)).max() <= 1
    assert units["register_id"].is_unique
    # the unit's register categories are the person's, the age group at 1 January 2023
    assert (units["sex"] == units["person_sex"]).all()
    ages = ages_on(units["birth_date"], pd.Timestamp("2023-01-01").date())
    assert (units["age_group"].to_numpy() == np.asarray(age_group_series(ages))).all()
    assert (units["access_code"].map(code_hash) == units["code_hash"]).all()
    with storage.transaction(url) as db:
        edition = db.scalar(select(Edition).where(Edition.year == 2024))
        batch = db.scalar(select(SampleBatch).where(SampleBatch.kind == "draw"))
        margins = pd.DataFrame(db.execute(select(
            PopulationMargin.wijk_code, PopulationMargin.variable, PopulationMargin.category,
            PopulationMargin.total)).all(), columns=["wijk_code", "variable", "category", "total"])
    assert edition.seed == 42 and (batch.seed, batch.rows) == (42, summary.units)
    # the margins count the register: every wijk's persons, per variable
    register = register_db[1]
    households = margins[margins.variable == "household_type"].pivot(
        index="wijk_code", columns="category", values="total")
    assert households.sum(axis=1).to_dict() == population.astype(float).to_dict()
    counted = register.groupby(["wijk_code", "household_type"], observed=True).size()
    assert all(households.at[w, h] == c for (w, h), c in counted.items())


def test_the_same_seed_draws_the_same_persons_but_never_the_same_codes(register_db, tmp_path):
    first, second, other = (copy_of(register_db, tmp_path, f"{k}.db") for k in "abc")
    for url, seed in ((first, 7), (second, 7), (other, 8)):
        draw_edition(url, 2024, seed, targets=20)
    a, b, c = units_of(first), units_of(second), units_of(other)
    design = ["register_id", "questionnaire_id", "wave", "pi"]
    assert a[design].values.tolist() == b[design].values.tolist()
    assert set(a["access_code"]).isdisjoint(b["access_code"])
    assert set(a["register_id"]) != set(c["register_id"])


def test_targets_and_response_rates_per_wijk_from_a_file(register_db, tmp_path):
    url = copy_of(register_db, tmp_path)
    targets = tmp_path / "targets.csv"
    targets.write_text("wijk_code,target,response_rate\n71,20,0.25\n72,30,\n")
    with storage.transaction(url) as db:
        table, _batch = plan(db, 2024, str(targets), 0.5)
    sizes = table.set_index("wijk_code")["sample_size"]
    # Tarwewijk: 20 / 0.25; Carnisse: 30 / 0.5; the rest the default 420 / 0.5, capped
    assert (sizes[71], sizes[72]) == (80, 60)
    assert (table.set_index("wijk_code").loc[[10, 17], "sample_size"] ==
            table.set_index("wijk_code").loc[[10, 17], "population"].clip(upper=840)).all()
    targets.write_text("wijk_code,target,response_rate\n71,30,1.5\n72,30,veel\n")
    with pytest.raises(InputError, match=r"2 bad response rate\(s\):\ntargets.csv row 2, "
                                         r"column 'response_rate': '1.5' is not a response rate"):
        with storage.transaction(url) as db:
            plan(db, 2024, str(targets), 0.5)


def test_no_register_no_draw_and_no_second_draw(register_db, tmp_path, sqlite_url):
    with pytest.raises(InputError, match="edition 2026: no register has been imported"):
        draw_edition(sqlite_url, 2026, 1)
    url = copy_of(register_db, tmp_path)
    draw_edition(url, 2024, 1, targets=5)
    with pytest.raises(InputError, match="edition 2024: already has a sample of"):
        draw_edition(url, 2024, 2, targets=5)
    with pytest.raises(InputError, match="--seed: -1 is not a seed"):
        draw_edition(url, 2024, -1)


def test_import_and_draw_on_both_backends(database_url):
    fixtures = Path(__file__).resolve().parents[2] / "fixtures" / "sampling"
    summary = import_file(database_url, fixtures / "register.csv", "register", 2024)
    again = import_file(database_url, fixtures / "register.csv", "register", 2024)
    assert (summary.persons_added, again.persons_updated) == (12, 12)
    drawn = draw_edition(database_url, 2024, 9, targets=1, response_rate=0.5)
    imported = import_file(database_url, fixtures / "sample.xlsx", "sample", 2026)
    assert (drawn.units, imported.units) == (6, 4)
    with storage.transaction(database_url) as db:
        births = db.scalars(select(IdentityPerson.birth_date)
                            .where(IdentityPerson.register_id == "BRP-0000003")).all()
        assert births == [pd.Timestamp("1988-02-29").date()]
        assert db.scalar(select(func.count()).select_from(SampleUnit)) == 10
