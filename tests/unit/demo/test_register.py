import numpy as np
import pandas as pd
import pytest

from survey.demo.register import REFERENCE_DATE, age_counts, build_register
from survey.population.categories import (AGE_GROUPS, CATEGORIES, age_group_series, ages_on,
                                          default_reference_date)
from survey.population.margins import margins_by_wijk
from survey.population.wijken import load_wijken


@pytest.fixture(scope="module")
def wijken():
    return load_wijken()


@pytest.fixture(scope="module")
def register(wijken):
    return build_register(wijken, np.random.default_rng(11), scale=0.1)


def test_each_wijk_has_its_cbs_age_counts(wijken, register):
    counts = pd.crosstab(register["wijk_code"], register["age_group"]).reindex(
        index=wijken["wijk_code"], columns=AGE_GROUPS, fill_value=0)
    assert (counts.to_numpy() == age_counts(wijken, 0.1)).all()
    assert abs(len(register) - 53_479) < 100


def test_categories_and_identity_fields_are_well_formed(register):
    for variable, categories in CATEGORIES.items():
        assert set(register[variable].astype(str)) <= set(categories)
    assert register["register_id"].is_unique
    assert register["postcode"].str.fullmatch(r"3[01]\d\d [A-Z]{2}").all()
    assert register["postcode"].str[:2].isin(["30", "31"]).all()
    assert 0.57 < register["phone"].notna().mean() < 0.63
    assert register["phone"].dropna().str.fullmatch(r"06-\d{8}|010-\d{7}").all()
    assert register[["given_name", "family_name", "street", "house_number"]].notna().all().all()


def test_birth_dates_give_the_age_group_on_the_reference_date(register):
    birth = pd.to_datetime(register["birth_date"])
    ref = pd.Timestamp(REFERENCE_DATE)
    before_birthday = (birth.dt.month * 100 + birth.dt.day) > ref.month * 100 + ref.day
    age = ref.year - birth.dt.year - before_birthday
    bins = pd.cut(age, [14, 24, 44, 64, 200], labels=AGE_GROUPS)
    assert (bins.astype(str) == register["age_group"].astype(str)).all()


def test_an_earlier_editions_register_has_its_ages_on_its_own_reference_date(wijken):
    """The previous edition 2022 works in 2021: its residents' ages are those of 1 January
    2021, as the product groups a register's ages (`default_reference_date`)."""
    earlier = build_register(wijken, np.random.default_rng(11), scale=0.02, year=2022)
    on = default_reference_date(2022)
    groups = age_group_series(ages_on(earlier["birth_date"], on))
    assert (groups.astype(str) == earlier["age_group"].astype(str).to_numpy()).all()
    assert pd.to_datetime(earlier["birth_date"]).max() <= pd.Timestamp(2006, 1, 1)


def test_joint_distributions_are_not_independent(register):
    migration = pd.crosstab(register["age_group"], register["migration_background"],
                            normalize="index")
    assert migration.loc["15-24", "niet_westers"] > 2 * migration.loc["65+", "niet_westers"]
    household = pd.crosstab(register["age_group"], register["household_type"],
                            normalize="index")
    assert household.loc["15-24", "met_kinderen"] > 0.6
    assert household.loc["65+", "met_kinderen"] < 0.1
    sex = pd.crosstab(register["age_group"], register["sex"], normalize="index")
    assert sex.loc["65+", "vrouw"] > sex.loc["25-44", "vrouw"]


def test_wijken_differ_as_in_the_cbs_figures(register, wijken):
    code = wijken.set_index("wijk")["wijk_code"]
    share = register.groupby("wijk_code")["migration_background"].apply(
        lambda s: (s == "niet_westers").mean())
    assert share[code["Tarwewijk"]] > 0.5 > 0.2 > share[code["Kralingen Oost/Kralingse Bos"]]


def test_the_same_seed_gives_the_same_register(wijken):
    first = build_register(wijken, np.random.default_rng(3), scale=0.01)
    second = build_register(wijken, np.random.default_rng(3), scale=0.01)
    other = build_register(wijken, np.random.default_rng(4), scale=0.01)
    pd.testing.assert_frame_equal(first, second)
    assert not first["given_name"].equals(other["given_name"])


def test_margins_count_the_register_exactly(wijken, register):
    margins = margins_by_wijk(register, wijken["wijk_code"])
    assert len(margins) == 71 * (4 + 2 + 3 + 3)
    for variable in CATEGORIES:
        counted = register.groupby(["wijk_code", register[variable].astype(str)]).size()
        counted.index.names = ["wijk_code", "category"]
        part = margins[margins["variable"] == variable].set_index(["wijk_code", "category"])
        joined = part["total"].to_frame().join(counted.rename("n")).fillna(0)
        assert (joined["total"] == joined["n"]).all()
        assert part["total"].sum() == len(register)
