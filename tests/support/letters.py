"""Letters in tests: an edition of six units in two wijken, with persons and addresses, whose
statuses and postcodes exercise who gets a letter and in which order."""

from datetime import date

from survey import storage
from survey.access_codes import code_hash
from survey.models import Area, Edition, IdentityLink, IdentityPerson, SampleUnit


CODES = ["HJSY36UY9B", "VFAUAFNK42", "KT7PQ3MN8W", "ZX4RB9CD2E", "MN5TWQ8YHA", "P3R7KX2NEV"]


# unit id, status, disposition, postcode: the print order is by postcode
UNITS = [
    ("u-invited", "invited", None, "3071SH"),
    ("u-started", "started", "1.2", "3011AD"),
    ("u-complete", "completed", "1.1", "3012CA"),
    ("u-refused", "invited", "2.112", "3013AA"),
    ("u-deceased", "invited", "2.31", "3014BB"),
    ("u-wave2", "invited", None, "3015CC"),
]


def add_fixture_units(url):
    with storage.transaction(url) as session:
        edition = Edition(year=2024, title="Wijkprofiel 2024", seed=1)
        session.add(edition)
        session.add_all([Area(wijk_code=1, wijk="Feijenoord", gebied="Feijenoord"),
                         Area(wijk_code=2, wijk="Ommoord", gebied="Prins Alexander")])
        session.flush()
        for i, (unit_id, status, disposition, postcode) in enumerate(UNITS):
            session.add(SampleUnit(
                id=unit_id, edition_id=edition.id, wijk_code=1 + i % 2,
                questionnaire_id=("veiligheidsmonitor", "wijkonderzoek")[i % 2],
                wave=2 if unit_id == "u-wave2" else 1, inclusion_probability=0.1,
                design_weight=10.0, stratum_population=1000, age_group="35-44", sex="vrouw",
                migration_background="nederlands", household_type="alleenstaand",
                code_hash=code_hash(CODES[i]), status=status, disposition=disposition))
            person = IdentityPerson(
                register_id=f"r{i}", given_name=f"Naam{i}", family_name=f"Achternaam{i}",
                street="Teststraat", house_number=str(10 + i), postcode=postcode,
                wijk_code=1 + i % 2, birth_date=date(1980, 1, 1), sex="vrouw",
                migration_background="nederlands", household_type="alleenstaand")
            session.add(person)
            session.flush()
            session.add(IdentityLink(sample_unit_id=unit_id, person_id=person.id,
                                     access_code=CODES[i]))
