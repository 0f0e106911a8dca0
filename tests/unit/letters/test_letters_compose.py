"""What the letters say: code, addresses, languages, privacy, per kind."""

from datetime import date

import pytest

from survey.errors import ConfigError, WijkprofielError
from survey.letters.compose import (
    KINDS,
    LetterSettings,
    Recipient,
    compose_letter,
    format_code,
    settings_from_config,
    start_url_with_code,
)

SETTINGS = LetterSettings(edition_year=2024, letter_date=date(2024, 3, 4))
RECIPIENT = Recipient("u1", 1, "Feijenoord", "veiligheidsmonitor", 1, "HJSY36UY9B", "Ayşe",
                      "Yılmaz", "Oranjeboomstraat", "12b", "3071sh")


def test_code_is_grouped_in_fours_for_reading():
    assert format_code("HJSY36UY9B") == "HJSY-36UY-9B"
    assert format_code(" hjsy-36uy 9b") == "HJSY-36UY-9B"


def test_qr_payload_is_the_start_page_with_the_plain_code():
    assert start_url_with_code(SETTINGS, "HJSY-36UY-9B") == \
        "https://wijkprofiel.rotterdam.nl/start?code=HJSY36UY9B"


def test_address_block_is_name_street_postcode_and_city_for_the_window():
    letter = compose_letter("invitation", RECIPIENT, SETTINGS, batch="2024-W1-INV-001",
                            sequence=3)
    assert letter.address_lines == ("Ayşe Yılmaz", "Oranjeboomstraat 12b", "3071 SH  ROTTERDAM")
    assert letter.reference == "2024-W1-INV-001/00003"
    assert "Ayşe Yılmaz" in letter.salutation


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_names_the_questionnaire_duration_wijk_and_helpdesk(kind):
    letter = compose_letter(kind, RECIPIENT, SETTINGS, batch="B", sequence=1)
    text = " ".join((letter.subject, *letter.body, *letter.after_code))
    assert "Veiligheidsmonitor" in text
    assert "15 tot 20 minuten" in text
    assert "Feijenoord" in text
    assert "14 010" in text
    assert letter.code_display == "HJSY-36UY-9B"
    assert "Wijkprofiel 2024" in letter.subject


def test_the_kinds_say_different_things():
    subjects = {compose_letter(k, RECIPIENT, SETTINGS, batch="B", sequence=1).subject
                for k in KINDS}
    assert len(subjects) == 3
    reminder = compose_letter("reminder2", RECIPIENT, SETTINGS, batch="B", sequence=1)
    assert "Laatste herinnering" in reminder.subject


def test_languages_offered_point_to_the_start_page_in_that_language():
    letter = compose_letter("invitation", RECIPIENT, SETTINGS, batch="B", sequence=1)
    assert [code for code, _ in letter.languages] == ["en", "tr", "ar", "pl"]
    for code, text in letter.languages:
        assert text.endswith(f"https://wijkprofiel.rotterdam.nl/start?lang={code}")
    assert "English" in letter.languages[0][1]
    assert "Türkçe" in letter.languages[1][1]
    assert "العربية" in letter.languages[2][1]
    assert "polskim" in letter.languages[3][1]


def test_privacy_statement_covers_purpose_separation_retention_contact_and_objection():
    letter = compose_letter("invitation", RECIPIENT, SETTINGS, batch="B", sequence=1)
    text = " ".join(f"{heading} {body}" for heading, body in letter.privacy)
    assert "onderzoek en statistiek" in text                      # purpose
    assert "apart bewaard van uw naam en adres" in text           # separation
    assert "verwijderen wij uiterlijk drie maanden" in text       # retention
    assert "privacy@rotterdam.nl" in text                         # contact
    assert "bezwaar" in text and "Autoriteit Persoonsgegevens" in text


def test_settings_come_from_the_flask_config():
    settings = settings_from_config(
        {"LETTER_BASE_URL": "https://test.example/", "LETTER_HELPDESK_PHONE": "010 123 45 67"},
        2026, date(2026, 3, 1))
    letter = compose_letter("invitation", RECIPIENT, settings, batch="B", sequence=1)
    assert letter.qr_payload == "https://test.example/start?code=HJSY36UY9B"
    assert "010 123 45 67" in letter.after_code[0]


@pytest.mark.parametrize("config, message", [
    ({"LETTER_BASE_URL": "wijkprofiel.rotterdam.nl"}, "LETTER_BASE_URL: expected an http(s)"),
    ({"LETTER_HELPDESK_PHONE": ""}, "LETTER_HELPDESK_PHONE: expected a non-empty string"),
])
def test_bad_settings_are_named(config, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings_from_config(config, 2024, date(2024, 3, 4))


def test_unknown_questionnaire_or_kind_is_a_clear_error():
    other = Recipient(**{**RECIPIENT.__dict__, "questionnaire_id": "gezondheidsmonitor"})
    with pytest.raises(WijkprofielError, match="sample unit u1: questionnaire "
                                                "'gezondheidsmonitor' has no letter text"):
        compose_letter("invitation", other, SETTINGS, batch="B", sequence=1)
    with pytest.raises(WijkprofielError, match="letter kind 'reminder3' is not one of"):
        compose_letter("reminder3", RECIPIENT, SETTINGS, batch="B", sequence=1)


def test_voorvoegsel_huisletter_toevoeging_and_woonplaats_on_the_envelope():
    recipient = Recipient("u2", 1, "Hoek van Holland", "wijkonderzoek", 1, "HJSY36UY9B",
                          "Johannes Cornelis", "Hoek", "Burgemeester Hoffmanplein", "392",
                          "3151ab", name_prefix="van 't", house_letter="a",
                          house_number_addition="rd", city="Hoek van Holland")
    letter = compose_letter("invitation", recipient, SETTINGS, batch="2024-W1-INV-001",
                            sequence=354)
    assert letter.address_lines == ("Johannes Cornelis van 't Hoek",
                                     "Burgemeester Hoffmanplein 392a-rd",
                                     "3151 AB  HOEK VAN HOLLAND")
    assert letter.salutation == "Beste Johannes Cornelis van 't Hoek,"
    assert letter.reference == "2024-W1-INV-001/00354"


def test_a_surname_standing_alone_takes_a_capital_voorvoegsel():
    from survey.addresses import full_name, sort_name

    assert full_name("", "van 't", "Hoek") == "Van 't Hoek"
    assert full_name(None, "'t", "Hart") == "'t Hart"
    assert sort_name("Johannes Cornelis", "van 't", "Hoek") == "Hoek, Johannes Cornelis van 't"
