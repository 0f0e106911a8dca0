"""Contact data of drawn persons (`wijkprofiel sample import FILE --kind contact`): phone
numbers and corrected addresses added after the draw, in their own import that never touches
the edition's margins; a register re-import for an edition with a sample is refused. The bad
input corpus is `tests/corpus/contact/`: each broken file stops with file, row and column, and
nothing is changed."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey import storage
from survey.models import IdentityPerson, PopulationMargin, SampleBatch

from tests.support.bad_input import assert_clean_failure, run_cli

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CONTACT = CORPUS / "contact"
REGISTER = CORPUS / "register" / "dutch_address.csv"

CONTACT_BROKEN = {
    "empty.csv": ["row 1", "no header"],
    "header_only.csv": ["no data rows"],
    "not_in_sample.csv": ["row 3, column 'registernummer'",
                          "'BRP-9999999' is not in the sample of edition 2024"],
    "bad_phone.csv": ["row 3, column 'telefoon'", "'bel me niet' is not a phone number"],
    "formula_phone.csv": ["row 3, column 'telefoon'", "'=HYPERLINK(", "is not a phone number"],
    "duplicate.csv": ["row 3, column 'registernummer'", "also on row 2"],
    "partial_address.csv": ["row 2, column 'huisnummer'",
                            "empty while this row corrects the address"],
    "no_house_number_column.csv": ["a corrected address needs street, house_number and "
                                   "postcode; no column is mapped to house_number"],
    "no_contact_column.csv": ["no contact column is mapped"],
    "no_register_id.csv": ["no column is mapped to register_id"],
    "bad_postcode.csv": ["row 2, column 'postcode'", "'31510CD' is not a Dutch postcode"],
}
CONTACT_ACCEPTED = ["phones.csv", "address.csv", "windows_1252.csv"]


@pytest.fixture
def drawn(make_app, sqlite_url):
    """Edition 2024 with the two persons of the register corpus drawn."""

    app = make_app(sqlite_url)
    result = run_cli(["sample", "import", REGISTER, "--kind", "register", "--edition", "2024"],
                     app=app)
    assert result.exit_code == 0, result.output
    result = run_cli(["sample", "draw", "--edition", "2024", "--seed", "7"], app=app)
    assert result.exit_code == 0, result.output
    return app


def state(url):
    with storage.transaction(url) as db:
        persons = [tuple(row) for row in db.execute(
            select(IdentityPerson.register_id, IdentityPerson.phone, IdentityPerson.street,
                   IdentityPerson.house_number, IdentityPerson.house_letter,
                   IdentityPerson.house_number_addition, IdentityPerson.postcode,
                   IdentityPerson.city).order_by(IdentityPerson.register_id))]
        margins = [tuple(row) for row in db.execute(
            select(PopulationMargin.wijk_code, PopulationMargin.variable,
                   PopulationMargin.category, PopulationMargin.total)
            .order_by(PopulationMargin.id))]
        batches = db.scalar(select(func.count()).select_from(SampleBatch))
    return persons, margins, batches


def test_the_contact_corpus_is_complete():
    assert {p.name for p in CONTACT.iterdir()} == set(CONTACT_BROKEN) | set(CONTACT_ACCEPTED)


@pytest.mark.parametrize("name", sorted(CONTACT_BROKEN))
def test_broken_contact_file_changes_nothing(drawn, name):
    url = drawn.config["DATABASE_URL"]
    before = state(url)
    result = run_cli(["sample", "import", CONTACT / name, "--kind", "contact", "--edition",
                      "2024"], app=drawn)
    assert_clean_failure(result, name, CONTACT_BROKEN[name])
    assert state(url) == before


def test_phone_numbers_after_the_draw_leave_the_margins_as_they_were(drawn):
    url = drawn.config["DATABASE_URL"]
    persons, margins, batches = state(url)
    assert margins and sum(total for *_, total in margins) > 0
    result = run_cli(["sample", "import", CONTACT / "phones.csv", "--kind", "contact",
                      "--edition", "2024"], app=drawn)
    assert result.exit_code == 0, result.output
    assert "contact data of 2 drawn persons updated in edition 2024; the margins are " \
           "unchanged" in result.output
    after, margins_after, batches_after = state(url)
    assert margins_after == margins and batches_after == batches + 1
    assert [p[1] for p in after] == ["010-1234567", "06-12345678"]
    # the address stayed as the register had it
    assert [p[2:] for p in after] == [p[2:] for p in persons]


def test_a_corrected_address_replaces_the_old_one_whole(drawn):
    url = drawn.config["DATABASE_URL"]
    result = run_cli(["sample", "import", CONTACT / "address.csv", "--kind", "contact",
                      "--edition", "2024"], app=drawn)
    assert result.exit_code == 0, result.output
    persons, _margins, _batches = state(url)
    assert persons[0][2:] == ("Kerkstraat", "3", "b", None, "3151 CD", "Hoek van Holland")
    assert persons[1][2:] == ("Lindenstraat", "12", None, "2", "3081 AB", "Rotterdam")


def test_windows_1252_contact_file_is_read_with_a_note(drawn):
    url = drawn.config["DATABASE_URL"]
    result = run_cli(["sample", "import", CONTACT / "windows_1252.csv", "--kind", "contact",
                      "--edition", "2024"], app=drawn)
    assert result.exit_code == 0, result.output
    assert "read as Windows-1252" in result.output
    assert state(url)[0][0][2] == "Mühlenweg"


def test_a_register_for_an_edition_with_a_sample_is_refused_and_changes_nothing(drawn):
    url = drawn.config["DATABASE_URL"]
    before = state(url)
    result = run_cli(["sample", "import", CORPUS / "register" / "semicolon.csv", "--kind",
                      "register", "--edition", "2024"], app=drawn)
    assert_clean_failure(result, "semicolon.csv", [
        "edition 2024 already has a sample of 2 units; a new register extract would replace "
        "the margins its weighting uses", "import the file as contact data (kind contact)"])
    assert state(url) == before


def test_show_mapping_lists_the_columns_it_does_not_use(drawn, tmp_path):
    extra = tmp_path / "extract.csv"
    extra.write_text(REGISTER.read_text(encoding="utf-8").replace(
        "geslacht\n", "geslacht;opmerking\n", 1).replace(";m\n", ";m;x\n").replace(
        ";v\n", ";v;y\n"), encoding="utf-8")
    result = run_cli(["sample", "import", extra, "--kind", "register", "--edition", "2026",
                      "--show-mapping"], app=drawn)
    assert result.exit_code == 0, result.output
    assert "name_prefix            <- voorvoegsel" in result.output
    assert "city                   <- woonplaats" in result.output
    assert "unused columns: opmerking" in result.output
