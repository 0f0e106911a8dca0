"""Storage on both backends: migrations, SQLite settings, identity kept apart from answers."""

from sqlalchemy import inspect, select, text

from survey import storage
from survey.models import Answer, Area, Edition, IdentityLink, IdentityPerson, SampleUnit

IDENTITY_COLUMNS = {"register_id", "given_name", "family_name", "street", "house_number",
                    "postcode", "phone", "birth_date", "access_code"}


def test_migrations_create_every_table(database_url):
    tables = set(inspect(storage.get_engine(database_url)).get_table_names())
    assert {"edition", "area", "population_margin", "sample_unit", "answer", "page_visit",
            "identity_person", "identity_link", "alembic_version"} <= tables
    assert storage.current_revision(database_url) is not None


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url):
    with storage.get_engine(sqlite_url).connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_answer_tables_carry_no_identity_columns(database_url):
    inspector = inspect(storage.get_engine(database_url))
    for table in ("sample_unit", "answer", "page_visit", "population_margin"):
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert not columns & IDENTITY_COLUMNS, table


def test_answers_link_to_person_only_through_identity_link(database_url):
    with storage.transaction(database_url) as session:
        session.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        session.add(Area(wijk_code=71, wijk="Tarwewijk", gebied="Charlois"))
        session.flush()
        session.add(IdentityPerson(id=1, register_id="R1", given_name="Anna", family_name="Jansen",
                                   street="Dorpsweg", house_number="1", postcode="3083AA",
                                   wijk_code=71, birth_date=__import__("datetime").date(1980, 1, 1),
                                   sex="vrouw", migration_background="nederlands",
                                   household_type="alleenstaand"))
        session.add(SampleUnit(id="a1b2c3", edition_id=1, wijk_code=71,
                               questionnaire_id="veiligheidsmonitor", inclusion_probability=0.1,
                               design_weight=10.0, stratum_population=10000, age_group="25-44",
                               sex="vrouw", migration_background="nederlands",
                               household_type="alleenstaand", code_hash="x" * 64))
        session.flush()
        session.add(IdentityLink(sample_unit_id="a1b2c3", person_id=1, access_code="ABCDEFGH23"))
        session.add(Answer(sample_unit_id="a1b2c3", variable="buurt_cijfer", value="7",
                           page_id="buurt-oordeel", mode="web"))
    with storage.transaction(database_url) as session:
        answer = session.scalars(select(Answer)).one()
        assert answer.sample_unit_id == "a1b2c3"
        # deleting identity (retention) leaves the answer and the unit in place
        session.execute(IdentityLink.__table__.delete())
        session.execute(IdentityPerson.__table__.delete())
    with storage.transaction(database_url) as session:
        assert session.scalars(select(Answer.value)).one() == "7"
        assert session.get(SampleUnit, "a1b2c3").design_weight == 10.0


def test_migrations_build_exactly_the_models(database_url):
    # the schema changes only through migrations: a model changed without one shows up here
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from survey.models import Base

    with storage.get_engine(database_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_migrations_form_one_line_in_number_order():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(storage.alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    chain = [s.revision for s in scripts.walk_revisions()][::-1]
    assert [r[:4] for r in chain] == [f"{i:04d}" for i in range(1, len(chain) + 1)]
