"""The coordinator's letters on the web and the helpdesk: a batch for a wave and some wijken
as a zip (PDFs and manifest), a returned letter keyed by its kenmerk with a Dutch date, one
letter reprinted with the same kenmerk, a caller found by address, and a request for a paper
questionnaire with when it was sent."""

import io
import zipfile
from datetime import datetime

from sqlalchemy import func, select

from survey import storage
from survey.models import (AuditEvent, IdentityLink, IdentityPerson, LetterReprint, MailedLetter,
                           PaperRequest, SampleUnit)
from tests.support.fieldwork_data import CODES, add_edition
from tests.support.staff import csrf_token


def add_addresses(url):
    """s6 and s7 get the whole Dutch address parts; s7 lives in Hoek van Holland."""
    with storage.transaction(url) as db:
        for person_id, unit_id, given, prefix, family, street, number, letter, addition, \
                postcode, city in (
                    (6, "s6", "Anna", "de", "Vries", "Lindenstraat", "12", None, "2",
                     "3081 AB", "Rotterdam"),
                    (7, "s7", "Johannes Cornelis", "van 't", "Hoek",
                     "Burgemeester Hoffmanplein", "392", "a", "rd", "3151 AB",
                     "Hoek van Holland")):
            db.add(IdentityPerson(id=person_id, register_id=f"R{person_id}", given_name=given,
                                  name_prefix=prefix, family_name=family, street=street,
                                  house_number=number, house_letter=letter,
                                  house_number_addition=addition, postcode=postcode, city=city,
                                  wijk_code=1, birth_date=datetime(1970, 1, 1).date(),
                                  sex="man", migration_background="", household_type=""))
            db.flush()
            db.add(IdentityLink(sample_unit_id=unit_id, person_id=person_id,
                                access_code=CODES[unit_id]))


def test_batch_for_chosen_wijken_then_return_by_kenmerk_and_reprint(staff_app, staff):
    url = staff_app.config["DATABASE_URL"]
    add_edition(url)
    add_addresses(url)
    staff.login("coordinator")
    page = staff.client.get("/staff/letters/")
    assert page.status_code == 200 and "Brieven drukken" in page.text
    token = csrf_token(staff.client, "/staff/letters/")
    response = staff.client.post("/staff/letters/print", data={
        "csrf_token": token, "kind": "invitation", "wave": "1", "wijken": ["1"],
        "letter_date": "04-03-2024", "batch_size": "5000"})
    assert response.status_code == 200, response.text[:2000]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["2024-W1-INV-001-manifest.csv",
                                          "2024-W1-INV-001.pdf"]
    manifest = archive.read("2024-W1-INV-001-manifest.csv").decode("utf-8").splitlines()
    # s1 (Coolsingel) and s6, s7; postcode order: 3011, 3081, 3151
    assert manifest[1:] == [
        "2024-W1-INV-001,1,s1,Stadsdriehoek,3011AD,invitation,2,40,Rotterdam",
        "2024-W1-INV-001,2,s6,Stadsdriehoek,3081 AB,invitation,2,12-2,Rotterdam",
        "2024-W1-INV-001,3,s7,Stadsdriehoek,3151 AB,invitation,2,392a-rd,Hoek van Holland"]
    with storage.transaction(url) as db:
        assert db.scalar(select(func.count()).select_from(MailedLetter)) == 3
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "print_letters"))
    assert "3 invitation letters, wave 1, edition 2024, wijken 1" in event.detail

    # the envelope of s7 comes back; the clerk types the kenmerk in its window
    response = staff.client.post("/staff/outcomes/", data={
        "csrf_token": csrf_token(staff.client, "/staff/outcomes/"),
        "reference": "2024-W1-INV-001/00003", "outcome": "undeliverable",
        "returned_on": "25-03-2024", "note": ""})
    assert response.status_code == 302
    with storage.transaction(url) as db:
        letter = db.scalar(select(MailedLetter).where(MailedLetter.sequence == 3))
        assert db.get(SampleUnit, "s7").disposition == "3.30"
        assert (letter.returned_at, letter.return_reason) == (datetime(2024, 3, 24, 23, 0),
                                                              "undeliverable")
    unit_page = staff.client.get("/staff/outcomes/unit?reference=2024-W1-INV-001/00003").text
    assert "Steekproefeenheid s7" in unit_page
    assert "25-03-2024 (brief onbestelbaar retour)" in unit_page  # the day, not 02:00
    assert "Hoek" not in unit_page.replace("Hoek van Holland", "")  # identity only on request
    shown = staff.client.get("/staff/outcomes/unit?reference=s7&identity=1").text
    assert "Johannes Cornelis van &#39;t Hoek" in shown
    assert "Burgemeester Hoffmanplein 392a-rd, 3151 AB  HOEK VAN HOLLAND" in shown

    # the resident of s6 lost the letter: reprint it, same kenmerk
    with storage.transaction(url) as db:
        letter_id = db.scalar(select(MailedLetter.id).where(MailedLetter.sample_unit_id == "s6"))
    assert f"/staff/letters/reprint/{letter_id}" in staff.client.get(
        "/staff/outcomes/unit?reference=s6").text
    reprint = staff.client.post(f"/staff/letters/reprint/{letter_id}", data={
        "csrf_token": csrf_token(staff.client, f"/staff/letters/reprint/{letter_id}"),
        "reason": "brief kwijt"})
    assert reprint.status_code == 200 and reprint.mimetype == "application/pdf"
    assert reprint.data.startswith(b"%PDF")
    with storage.transaction(url) as db:
        row = db.scalar(select(LetterReprint))
        assert (row.letter_id, row.reason, row.printed_by) == (letter_id, "brief kwijt",
                                                               "coordinator")
        assert db.scalar(select(func.count()).select_from(MailedLetter)) == 3


def test_the_helpdesk_finds_a_caller_by_address_and_records_a_paper_request(staff_app, staff):
    url = staff_app.config["DATABASE_URL"]
    add_edition(url)
    add_addresses(url)
    staff.login("coordinator")
    found = staff.client.get("/staff/outcomes/address?postcode=3151ab&huisnummer=392a-rd")
    assert found.status_code == 200
    assert "Johannes Cornelis van &#39;t Hoek" in found.text and "s7" in found.text
    assert "Anna" not in found.text
    nobody = staff.client.get("/staff/outcomes/address?postcode=3151AB&huisnummer=12")
    assert "Niemand van de steekproef op dit adres" in nobody.text
    token = csrf_token(staff.client, "/staff/outcomes/unit?reference=s7")
    assert staff.client.post("/staff/outcomes/unit/s7/paper-request", data={
        "csrf_token": token, "note": "wil op papier, in het Turks niet nodig"}).status_code == 302
    with storage.transaction(url) as db:
        request_id = db.scalar(select(PaperRequest.id))
    assert staff.client.post(f"/staff/outcomes/unit/s7/paper-request/{request_id}/sent", data={
        "csrf_token": token}).status_code == 302
    with storage.transaction(url) as db:
        row = db.get(PaperRequest, request_id)
        assert row.requested_by == "coordinator" and row.sent_by == "coordinator"
        actions = set(db.scalars(select(AuditEvent.action)))
    assert {"lookup_address", "paper_request", "paper_sent"} <= actions
    page = staff.client.get("/staff/outcomes/unit?reference=s7").text
    assert "wil op papier" in page and "door coordinator" in page
