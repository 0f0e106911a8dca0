"""A small hand-built edition for the fieldwork and staff tests, small enough to count by hand.

    wijk 1 Stadsdriehoek (Centrum), wave 1, veiligheidsmonitor:
        4 complete (3 web, 1 paper), 1 started with 2 answers (no code: 2.12 below the
        partial threshold), 2 invited (no code: 3.19), 1 refusal (2.11)
    wijk 2 Oude Westen (Centrum), wave 2, wijkonderzoek:
        1 complete (phone), 1 partial (1.2), 1 not eligible (4.10), 1 undeliverable (3.30)
    wijk 3 Hillesluis (Feijenoord): no units

By hand, with the default partial threshold (20 answers):
    Stadsdriehoek: gross 8, started 5, I 4, P 0, R 2, UH 2, UO 0, NE 0 -> RR1 = RR2 = 4/8
    Oude Westen:   gross 4, started 2, I 1, P 1, UO 1, NE 1 -> RR1 = 1/3, RR2 = 2/3
    Centrum and Rotterdam: gross 12, I 5, P 1, R 2, UH 2, UO 1, NE 1 -> RR1 = 5/11, RR2 = 6/11
"""

from datetime import date, datetime

from survey import access_codes, storage
from survey.models import Answer, Area, Edition, IdentityLink, IdentityPerson, SampleUnit

AREAS = [(1, "Stadsdriehoek", "Centrum"), (2, "Oude Westen", "Centrum"),
         (3, "Hillesluis", "Feijenoord")]

# id, wijk, questionnaire, wave, status, disposition, mode, completed_at
UNITS = [
    ("s1", 1, "veiligheidsmonitor", 1, "completed", "1.1", "web", datetime(2023, 3, 10, 9)),
    ("s2", 1, "veiligheidsmonitor", 1, "completed", "1.1", "web", datetime(2023, 3, 10, 20)),
    ("s3", 1, "veiligheidsmonitor", 1, "completed", "1.1", "web", datetime(2023, 3, 12, 11)),
    ("s4", 1, "veiligheidsmonitor", 1, "completed", "1.1", "paper", datetime(2023, 3, 15, 14)),
    ("s5", 1, "veiligheidsmonitor", 1, "started", None, "web", None),
    ("s6", 1, "veiligheidsmonitor", 1, "invited", None, None, None),
    ("s7", 1, "veiligheidsmonitor", 1, "invited", None, None, None),
    ("s8", 1, "veiligheidsmonitor", 1, "invited", "2.11", None, None),
    ("o1", 2, "wijkonderzoek", 2, "completed", "1.1", "phone", datetime(2023, 9, 20, 16)),
    ("o2", 2, "wijkonderzoek", 2, "started", "1.2", "web", None),
    ("o3", 2, "wijkonderzoek", 2, "invited", "4.10", None, None),
    ("o4", 2, "wijkonderzoek", 2, "invited", "3.30", None, None),
]

CODES = {unit_id: f"CODE{index:06d}" for index, (unit_id, *_rest) in enumerate(UNITS)}


def add_edition(url: str) -> None:
    """Write the edition above (with answers for the started and completed units and an
    identity record for s1) into the migrated database at `url`."""
    with storage.transaction(url) as db:
        db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024",
                       fieldwork_start=date(2023, 3, 1), fieldwork_end=date(2023, 11, 30)))
        for wijk_code, wijk, gebied in AREAS:
            db.add(Area(wijk_code=wijk_code, wijk=wijk, gebied=gebied))
        db.flush()
        for unit_id, wijk_code, questionnaire, wave, status, disposition, mode, completed in UNITS:
            started = completed or (datetime(2023, 3, 11, 10) if status == "started" else None)
            db.add(SampleUnit(
                id=unit_id, edition_id=1, wijk_code=wijk_code, questionnaire_id=questionnaire,
                wave=wave, inclusion_probability=0.1, design_weight=10.0, stratum_population=100,
                age_group="25-44", sex="vrouw", migration_background="nederlands",
                household_type="alleenstaand", code_hash=access_codes.code_hash(CODES[unit_id]),
                status=status, disposition=disposition, mode=mode, started_at=started,
                completed_at=completed))
        db.flush()
        for unit_id, _wijk, _q, _wave, status, _d, mode, _c in UNITS:
            if status == "invited":
                continue
            for variable, value in (("rapportcijfer-buurt", "7"), ("veilig-buurt", "2")):
                db.add(Answer(sample_unit_id=unit_id, variable=variable, value=value,
                              page_id="p1", mode=mode or "web", saved_at=datetime(2023, 3, 10)))
        db.add(IdentityPerson(id=1, register_id="R0000001", given_name="Fatima",
                              family_name="Zwanenburg", street="Coolsingel", house_number="40",
                              postcode="3011AD", phone="0612345678", wijk_code=1,
                              birth_date=date(1980, 5, 1), sex="vrouw",
                              migration_background="nederlands", household_type="alleenstaand"))
        db.flush()
        db.add(IdentityLink(sample_unit_id="s1", person_id=1, access_code=CODES["s1"]))


def read_at(function, url, *args, **kwargs):
    """`function(db, *args, **kwargs)` in a transaction of its own on the database at `url`:
    the domain functions take a session, the tests name their database by URL."""
    with storage.transaction(url) as db:
        return function(db, *args, **kwargs)


def estimate_at(url, *args, **kwargs):
    """`estimate_edition` on a session of its own on the database at `url` (it reads in a
    transaction it opens itself)."""
    from survey.report.edition_report import estimate_edition

    with storage.session_at(url) as db:
        return estimate_edition(db, *args, **kwargs)
