"""Phone fieldwork in tests: an edition with a call list (units, persons with phone numbers,
targets, earlier calls), the interviewers' app, and posting their forms."""

import re
from datetime import date, datetime, timedelta

from survey import access_codes, storage
from survey.models import (Area, CallAttempt, Edition, IdentityLink, IdentityPerson, PaperForm,
                           SampleUnit)
from tests.support.apps import make_app
from tests.support.respondent import FIXTURES
from tests.support.staff import StaffActions, add_accounts


AREAS = [(1, "Stadsdriehoek", "Centrum", 3), (2, "Hillesluis", "Feijenoord", 10),
         (3, "Pernis", "Pernis", 1)]


# unit, wijk, status, disposition, mode, phone
UNITS = [
    ("a1", 1, "invited", None, None, "0611111111"),
    ("a2", 1, "completed", "1.1", "web", "0622222222"),
    ("a3", 1, "invited", None, None, None),
    ("b1", 2, "invited", None, None, "0633333333"),
    ("b2", 2, "invited", "2.112", None, "0644444444"),
    ("b3", 2, "invited", None, None, "0655555555"),   # paper form received
    ("b4", 2, "invited", None, None, "0666666666"),   # called 5 times already
    ("b5", 2, "started", None, "web", "0677777777"),
    ("c1", 3, "completed", "1.1", "web", "0688888888"),
    ("c2", 3, "invited", None, None, "0699999999"),   # Pernis has reached its target
]


NOW = datetime.utcnow()


def add_fieldwork(url, tmp_path):
    targets = tmp_path / "targets.csv"
    targets.write_text("wijk_code,target\n" + "".join(f"{a[0]},{a[3]}\n" for a in AREAS))
    with storage.transaction(url) as db:
        db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
        for code, wijk, gebied, _target in AREAS:
            db.add(Area(wijk_code=code, wijk=wijk, gebied=gebied))
        db.flush()
        for number, (unit_id, wijk, status, disposition, mode, phone) in enumerate(UNITS, 1):
            db.add(SampleUnit(
                id=unit_id, edition_id=1, wijk_code=wijk, questionnaire_id="mini",
                inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
                age_group="35-44", sex="vrouw", migration_background="nederlands",
                household_type="alleenstaand", status=status, disposition=disposition, mode=mode,
                code_hash=access_codes.code_hash(f"TEL{number:07d}"),
                completed_at=NOW - timedelta(days=3) if status == "completed" else None))
            db.add(IdentityPerson(
                id=number, register_id=f"R{number:07d}", given_name=f"Voornaam{unit_id}",
                family_name=f"Achternaam{unit_id}", street="Coolsingel", house_number=str(number),
                postcode="3011AD", phone=phone, wijk_code=wijk, birth_date=date(1980, 1, 1),
                sex="vrouw", migration_background="nederlands", household_type="alleenstaand"))
            db.flush()
            db.add(IdentityLink(sample_unit_id=unit_id, person_id=number,
                                access_code=f"TEL{number:07d}"))
        db.add(PaperForm(sample_unit_id="b3", double_entry=True, status="entry",
                         registered_by="data_entry", registered_at=NOW))
        for attempt in range(5):
            db.add(CallAttempt(sample_unit_id="b4", outcome="no_answer", interviewer="x",
                               called_at=NOW - timedelta(days=5 - attempt)))
    return targets


def build_phone_app(url, tmp_path, **config):
    add_accounts(url)
    targets = add_fieldwork(url, tmp_path)
    return make_app(url, QUESTIONNAIRES_DIR=str(FIXTURES), FIELDWORK_TARGETS=str(targets),
                    **config)


def login(app, username):
    actions = StaffActions(app.test_client())
    actions.login(username)
    return actions.client


def post(client, path, form_page, data):
    page = client.get(form_page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(path, data={"csrf_token": token, **data})


def listed(page_text):
    """Unit ids in the order the call list shows them."""
    return re.findall(r'<a href="/staff/phone/([a-z0-9]+)" aria-label="Bellen', page_text)
