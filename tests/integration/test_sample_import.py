"""A coordinator imports the register (or an already drawn sample) on the staff pages: upload,
mapping and preview with every error, import only when the file is valid; and draws the
sample from the register."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey import storage
from survey.models import (AuditEvent, EditionTarget, IdentityFrameMember, IdentityLink,
                           IdentityPerson, PopulationMargin, SampleBatch, SampleUnit)

from tests.support.staff import StaffActions, add_accounts, csrf_token

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sampling"


@pytest.fixture
def sample_app(make_app, sqlite_url, tmp_path):
    add_accounts(sqlite_url)
    app = make_app(sqlite_url)
    app.instance_path = str(tmp_path / "instance")  # uploads stay in the test's folder
    return app


@pytest.fixture
def coordinator(sample_app):
    actions = StaffActions(sample_app.test_client())
    actions.login("coordinator")
    return actions


def count(url, model):
    with storage.transaction(url) as db:
        return db.scalar(select(func.count()).select_from(model))


def upload(client, path, kind="register", edition=2024, name=None, content=None):
    token = csrf_token(client, "/staff/sample/")
    data = content if content is not None else Path(path).read_bytes()
    return client.post("/staff/sample/upload", data={
        "csrf_token": token, "kind": kind, "edition": str(edition),
        "upload": (io.BytesIO(data), name or Path(path).name)},
        content_type="multipart/form-data")


def submit(client, check_url, action, mapping=None, page=None):
    page = page or client.get(check_url).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {}
    for name, options in re.findall(r'<select id="map-(\w+)".*?>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        form[f"map-{name}"] = chosen.group(1) if chosen else ""
    form.update({f"map-{k}": v for k, v in (mapping or {}).items()})
    form.update({"csrf_token": token, "action": action})
    return client.post(check_url, data=form)


def test_bad_rows_are_listed_with_row_and_column_and_nothing_is_imported(sample_app,
                                                                          coordinator):
    url = sample_app.config["DATABASE_URL"]
    response = upload(coordinator.client, FIXTURES / "register_bad.csv")
    assert response.status_code == 302
    check_url = response.headers["Location"]
    page = coordinator.client.get(check_url)
    assert page.status_code == 200
    text = page.text
    assert "3 fouten in 3 rijen: er is niets geïmporteerd" in text
    assert re.search(r'<td class="num">4</td><td>wijk</td><td class="wrap">wijk ontbreekt', text)
    assert re.search(r"<td class=\"num\">7</td><td>geboortedatum</td><td class=\"wrap\">"
                     r"&#39;31-02-1990&#39; is een onmogelijke datum", text)
    assert re.search(r"<td class=\"num\">11</td><td>registernummer</td><td class=\"wrap\">"
                     r"dubbele persoon: registernummer &#39;BRP-0000004&#39; staat ook op rij 5",
                     text)
    assert "regels importeren</button>" not in text  # no import button while there are errors
    # the preview shows the first rows as mapped, and flags the bad ones
    assert "Lindenstraat" in text and ">4 (fout)<" in text and ">7 (fout)<" in text

    forced = submit(coordinator.client, check_url, "import", page=text)
    assert forced.status_code == 400
    assert count(url, IdentityPerson) == 0 and count(url, SampleBatch) == 0
    with storage.transaction(url) as db:
        actions = list(db.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("sample_%")).order_by(AuditEvent.id)))
        details = " ".join(db.scalars(select(AuditEvent.detail).where(
            AuditEvent.action.like("sample_%"))))
    assert actions == ["sample_upload", "sample_check", "sample_import"]
    assert "3 errors" in details and "Lindenstraat" not in details and "Anna" not in details


def test_a_valid_register_is_imported_whole_with_its_margins(sample_app, coordinator):
    url = sample_app.config["DATABASE_URL"]
    check_url = upload(coordinator.client, FIXTURES / "register.csv").headers["Location"]
    page = coordinator.client.get(check_url).text
    assert "Geen fouten: alle 12 regels kunnen worden geïmporteerd." in page
    response = submit(coordinator.client, check_url, "import", page=page)
    assert response.status_code == 302
    home = coordinator.client.get("/staff/sample/").text
    assert "register.csv: 12 personen geïmporteerd als registeruittreksel van editie 2024" in home
    assert count(url, IdentityPerson) == 12 and count(url, IdentityFrameMember) == 12
    with storage.transaction(url) as db:
        tarwewijk = dict(db.execute(select(PopulationMargin.category, PopulationMargin.total)
                                    .where(PopulationMargin.wijk_code == 71,
                                           PopulationMargin.variable == "age_group")).all())
    # Tarwewijk: born 1961, 1985, 1988, 1999 -> ages 61, 37, 34, 23 on 1 January 2023
    assert tarwewijk == {"15-24": 1, "25-44": 2, "45-64": 1, "65+": 0}
    # the upload is gone once imported
    assert coordinator.client.get(check_url).status_code == 404


def test_the_mapping_can_be_changed_when_the_guess_is_wrong(sample_app, coordinator):
    url = sample_app.config["DATABASE_URL"]
    text = (FIXTURES / "register.csv").read_text(encoding="utf-8-sig")
    text = text.replace("geboortedatum", "gd", 1)
    check_url = upload(coordinator.client, None, content=text.encode(),
                       name="odd.csv").headers["Location"]
    page = coordinator.client.get(check_url).text
    assert "geen kolom hoort bij geboortedatum" in page  # the pages speak Dutch
    rechecked = submit(coordinator.client, check_url, "check", {"birth_date": "gd"}, page=page)
    assert rechecked.status_code == 200
    assert "Geen fouten: alle 12 regels" in rechecked.text
    assert submit(coordinator.client, check_url, "import").status_code == 302
    assert count(url, IdentityPerson) == 12


def test_an_already_drawn_sample_from_excel_becomes_units_with_codes(sample_app, coordinator):
    url = sample_app.config["DATABASE_URL"]
    check_url = upload(coordinator.client, FIXTURES / "sample.xlsx", kind="sample") \
        .headers["Location"]
    page = coordinator.client.get(check_url).text
    assert "Geen fouten: alle 4 regels" in page
    assert submit(coordinator.client, check_url, "import", page=page).status_code == 302
    with storage.transaction(url) as db:
        units = db.scalars(select(SampleUnit).order_by(SampleUnit.wijk_code)).all()
        links = db.scalars(select(IdentityLink)).all()
    assert [(u.wijk_code, u.design_weight, u.stratum_population) for u in units] == [
        (17, 4.0, 8), (17, 4.0, 8), (71, 10.0, 20), (71, 10.0, 20)]
    assert len(links) == 4 and all(len(link.access_code) == 10 for link in links)
    # a second time, everyone is a duplicate person
    again = upload(coordinator.client, FIXTURES / "sample.xlsx", kind="sample")
    page = coordinator.client.get(again.headers["Location"]).text
    assert "zit al in de steekproef van editie 2024" in page and count(url, SampleUnit) == 4


def test_the_coordinator_draws_the_sample_from_the_register(sample_app, coordinator):
    url = sample_app.config["DATABASE_URL"]
    check_url = upload(coordinator.client, FIXTURES / "register.csv").headers["Location"]
    submit(coordinator.client, check_url, "import")
    page = coordinator.client.get("/staff/sample/draw")
    assert page.status_code == 200 and "Bruto steekproef per wijk" in page.text
    token = csrf_token(coordinator.client, "/staff/sample/draw")
    stored = coordinator.client.post("/staff/sample/targets", data={
        "csrf_token": token, "edition": "2024",
        "targets": (io.BytesIO(b"wijk_code;target\n71;1\n17;1\nStadsdriehoek;2\n"),
                    "doelen.csv")}, content_type="multipart/form-data")
    assert stored.status_code == 302
    page = coordinator.client.get("/staff/sample/draw").text
    assert "Editie 2024 heeft eigen doelen: <strong>doelen.csv</strong>" in page
    form = {"csrf_token": token, "edition": "2024", "seed": "11", "response_rate": "0,5"}
    plan = coordinator.client.post("/staff/sample/draw", data={**form, "action": "plan"})
    assert plan.status_code == 200
    assert re.search(r"Tarwewijk</th><td class=\"num\">4</td><td class=\"num\">1</td>"
                     r"<td class=\"num\">50%</td><td class=\"num\">2</td>", plan.text)
    assert count(url, SampleUnit) == 0
    # the plan page keeps the stored targets: drawing right after uses them, not 420
    drawn = coordinator.client.post("/staff/sample/draw", data={**form, "action": "draw"})
    assert drawn.status_code == 302
    with storage.transaction(url) as db:
        sizes = dict(db.execute(select(SampleUnit.wijk_code, func.count())
                                .group_by(SampleUnit.wijk_code)).all())
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "sample_draw"))
    assert sizes == {71: 2, 17: 2, 10: 4}  # ceil(1/0.5), ceil(1/0.5), ceil(2/0.5) capped at 4
    assert event.username == "coordinator" and "seed 11" in event.detail
    again = coordinator.client.post("/staff/sample/draw", data={**form, "action": "draw"})
    assert again.status_code == 400 and "heeft al een steekproef van 8 eenheden" in again.text
    # the dashboard measures against the same targets
    dashboard = coordinator.client.get("/staff/dashboard").text
    assert re.search(r"Stadsdriehoek.*?<td class=\"num\">2</td>", dashboard, re.S)


def test_a_bad_targets_file_is_refused_with_every_row_and_nothing_stored(sample_app,
                                                                         coordinator):
    token = csrf_token(coordinator.client, "/staff/sample/draw")
    response = coordinator.client.post("/staff/sample/targets", data={
        "csrf_token": token, "edition": "2024",
        "targets": (io.BytesIO(b"wijk;doel;respons\nTarwewyk;200;0,4\n71;veel;0,4\n"
                               b"72;200;1,5\n"), "doelen.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    text = response.text.replace("&#39;", "'")
    assert "doelen.csv rij 2, kolom 'wijk': 'Tarwewyk' is geen Rotterdamse wijk" in text
    assert "doelen.csv rij 3, kolom 'doel': 'veel' is geen doel" in text
    assert "doelen.csv rij 4, kolom 'respons': '1,5' is geen responspercentage" in text
    assert "Er is niets opgeslagen." in text
    with storage.transaction(sample_app.config["DATABASE_URL"]) as db:
        assert db.scalar(select(func.count()).select_from(EditionTarget)) == 0


@pytest.mark.parametrize("role", ["interviewer", "data_entry", "statistician"])
def test_other_roles_may_not_touch_the_sample(sample_app, role):
    actions = StaffActions(sample_app.test_client())
    actions.login(role)
    assert actions.client.get("/staff/sample/").status_code == 403
    assert actions.client.get("/staff/sample/draw").status_code == 403
    assert "Steekproef" not in actions.client.get("/staff/").text


def test_an_upload_is_only_seen_by_whoever_uploaded_it(sample_app, coordinator):
    check_url = upload(coordinator.client, FIXTURES / "register.csv").headers["Location"]
    admin = StaffActions(sample_app.test_client())
    admin.login("admin")
    assert admin.client.get("/staff/sample/").status_code == 200
    assert admin.client.get(check_url).status_code == 404
    assert admin.client.get("/staff/sample/check?upload=../../etc").status_code == 404


def test_an_unreadable_file_is_refused_on_the_upload_page(sample_app, coordinator):
    response = upload(coordinator.client, None, content=b"\x00\x01binary\xff\xfe",
                      name="photo.csv")
    assert response.status_code == 400
    assert "photo.csv: is geen CSV-bestand (het bevat binaire gegevens)" in response.text


def test_the_fieldwork_period_is_set_on_the_sample_page_and_by_command(sample_app, coordinator):
    from survey.cli import main
    from survey.models import Edition

    url = sample_app.config["DATABASE_URL"]
    token = csrf_token(coordinator.client, "/staff/sample/")
    bad = coordinator.client.post("/staff/sample/period", data={
        "csrf_token": token, "period-edition": "2024", "period-start": "30-11-2023",
        "period-end": "01-03-2023"})
    assert bad.status_code == 400 and "De laatste dag ligt vóór de eerste." in bad.text
    good = coordinator.client.post("/staff/sample/period", data={
        "csrf_token": token, "period-edition": "2024", "period-start": "01-03-2023",
        "period-end": "30-11-2023"})
    assert good.status_code == 302
    page = coordinator.client.get("/staff/sample/").text
    assert "Editie 2024: van 01-03-2023 tot en met 30-11-2023." in page
    result = sample_app.test_cli_runner().invoke(main, [
        "sample", "period", "--edition", "2024", "--start", "1-3-2023", "--end", "31-12-2023"])
    assert result.exit_code == 0 and "fieldwork from 01-03-2023 to 31-12-2023" in result.output
    with storage.transaction(url) as db:
        edition = db.scalar(select(Edition).where(Edition.year == 2024))
        assert (edition.fieldwork_start.isoformat(), edition.fieldwork_end.isoformat()) == (
            "2023-03-01", "2023-12-31")
    wrong = sample_app.test_cli_runner().invoke(main, [
        "sample", "period", "--start", "31-02-2023", "--end", "31-12-2023"])
    assert wrong.exit_code != 0 and "Traceback" not in wrong.output
    assert "'31-02-2023' is an impossible date" in wrong.output
