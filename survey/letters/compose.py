"""What a letter says: the invitation and the two reminders, composed from a recipient and the
letter settings into plain strings that `render` lays out on paper.

The main text is Dutch, from the Gemeente Rotterdam. Below the personal code, one short line
each in English, Turkish, Arabic and Polish says that the questionnaire is offered in that
language, with the start address that opens the site in it (`/start?lang=..`, see
`survey.i18n`). The back of the letter holds the privacy statement (AVG).

Texts that are the same for many letters (everything except the addressee, the salutation, the
code and the footer) come out as equal strings, so `render` can draw them once per PDF.

Fieldwork facts not found publicly and assumed here (see shared/domain/README.md): reminder 1
after about 3 weeks, reminder 2 after about 6; Dutch with English, Turkish, Arabic and Polish;
the helpdesk is the municipal number 14 010 unless `LETTER_HELPDESK_PHONE` says otherwise.
"""

from dataclasses import dataclass, field
from datetime import date

from survey import addresses, settings
from survey.access_codes import normalise
from survey.errors import ConfigError, WijkprofielError

KINDS = ("invitation", "reminder1", "reminder2")

KIND_LABELS = {
    "invitation": "uitnodiging",
    "reminder1": "herinnering 1",
    "reminder2": "herinnering 2",
}

# questionnaire id -> (name on the letter, what it is about)
QUESTIONNAIRES = {
    "veiligheidsmonitor": (
        "Veiligheidsmonitor",
        "De vragen gaan over hoe veilig u zich voelt in uw buurt, over overlast en over uw "
        "ervaringen met criminaliteit, politie en gemeente.",
    ),
    "wijkonderzoek": (
        "Wijkonderzoek",
        "De vragen gaan over uw woning en uw buurt, de voorzieningen, het contact met uw buren "
        "en over meedoen in de wijk.",
    ),
}

# language code -> (line in that language; {url} is the start address in that language), in
# the order printed. The codes are those of survey.i18n.LANGUAGES.
LANGUAGE_LINES = (
    ("en", "This questionnaire is also available in English: {url}"),
    ("tr", "Bu anket Türkçe olarak da doldurulabilir: {url}"),
    ("ar", "هذا الاستبيان متوفر أيضًا باللغة العربية: {url}"),
    ("pl", "Ankieta jest dostępna również w języku polskim: {url}"),
)
RTL_LANGUAGES = frozenset({"ar"})

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


@dataclass(frozen=True)
class LetterSettings:
    """Everything on a letter that is not about the recipient. Flask config keys `LETTER_*`
    (see `settings_from_config`) override the defaults."""

    edition_year: int
    letter_date: date
    # the defaults are the LETTER_* settings' (survey.settings)
    base_url: str = settings.default("LETTER_BASE_URL")
    helpdesk_phone: str = settings.default("LETTER_HELPDESK_PHONE")
    helpdesk_hours: str = settings.default("LETTER_HELPDESK_HOURS")
    return_address: str = settings.default("LETTER_RETURN_ADDRESS")
    privacy_email: str = settings.default("LETTER_PRIVACY_EMAIL")
    signatory: str = settings.default("LETTER_SIGNATORY")
    identity_retention: str = settings.default("LETTER_IDENTITY_RETENTION")

    @property
    def start_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/start"


SETTING_KEYS = {
    "LETTER_BASE_URL": "base_url",
    "LETTER_HELPDESK_PHONE": "helpdesk_phone",
    "LETTER_HELPDESK_HOURS": "helpdesk_hours",
    "LETTER_RETURN_ADDRESS": "return_address",
    "LETTER_PRIVACY_EMAIL": "privacy_email",
    "LETTER_SIGNATORY": "signatory",
    "LETTER_IDENTITY_RETENTION": "identity_retention",
}


def settings_from_config(config, edition_year: int, letter_date: date) -> LetterSettings:
    """Letter settings from a Flask config mapping: each `LETTER_*` key in `SETTING_KEYS`
    that is set replaces the default.

    Raises:
        ConfigError: a setting is not a non-empty string, or LETTER_BASE_URL is not http(s).

    >>> settings_from_config({"LETTER_BASE_URL": "https://example.org/"}, 2024,
    ...                      date(2024, 3, 4)).start_url
    'https://example.org/start'
    """
    values = {}
    for key, name in SETTING_KEYS.items():
        if key not in config or config[key] is None:
            continue
        value = config[key]
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{key}: expected a non-empty string, got {value!r}")
        values[name] = value.strip()
    base_url = values.get("base_url", LetterSettings.base_url)
    if not base_url.startswith(("https://", "http://")):
        raise ConfigError(f"LETTER_BASE_URL: expected an http(s) address, got {base_url!r}")
    return LetterSettings(edition_year=edition_year, letter_date=letter_date, **values)


@dataclass(frozen=True)
class Recipient:
    """One sample unit as the letter needs it: the identity side joined to the unit."""

    sample_unit_id: str
    wijk_code: int
    wijk: str
    questionnaire_id: str
    wave: int
    access_code: str
    given_name: str
    family_name: str
    street: str
    house_number: str
    postcode: str
    # the parts a BRP extract keeps apart (`survey.addresses`); empty when absent
    name_prefix: str = ""
    house_letter: str = ""
    house_number_addition: str = ""
    city: str = ""


@dataclass(frozen=True)
class Letter:
    """One composed letter: every string that goes on paper, and where it goes.

    `body` and `after_code` are tuples of paragraphs; `languages` holds (code, text) pairs;
    `privacy` holds (heading, paragraph) pairs for the back page.
    """

    kind: str
    sample_unit_id: str
    batch: str
    sequence: int
    address_lines: tuple[str, ...]
    reference: str
    sender_lines: tuple[str, ...]
    return_address: str
    date_line: str
    subject: str
    salutation: str
    body: tuple[str, ...]
    code_label: str
    code_display: str
    start_url: str
    qr_payload: str
    after_code: tuple[str, ...]
    closing: tuple[str, ...]
    languages_heading: tuple[str, ...]
    languages: tuple[tuple[str, str], ...]
    privacy_heading: str
    privacy: tuple[tuple[str, str], ...]
    footer: str
    rtl_languages: frozenset = field(default=RTL_LANGUAGES)


def format_code(code: str) -> str:
    """The personal code as printed: normalised, in groups of four joined by dashes, so it is
    easy to read out and type. The login page accepts it with or without the dashes.

    >>> format_code("hjsy36uy9b")
    'HJSY-36UY-9B'
    """
    plain = normalise(code)
    return "-".join(plain[i:i + 4] for i in range(0, len(plain), 4))


def start_url_with_code(settings: LetterSettings, code: str) -> str:
    """What the QR code encodes: the start page with the code filled in.

    >>> s = LetterSettings(edition_year=2024, letter_date=date(2024, 3, 4))
    >>> start_url_with_code(s, "hjsy-36uy-9b")
    'https://wijkprofiel.rotterdam.nl/start?code=HJSY36UY9B'
    """
    return f"{settings.start_url}?code={normalise(code)}"


def dutch_date(day: date) -> str:
    """>>> dutch_date(date(2024, 3, 4))
    '4 maart 2024'
    """
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def compose_letter(kind: str, recipient: Recipient, settings: LetterSettings, *,
                   batch: str, sequence: int) -> Letter:
    """Compose the letter of `kind` for `recipient`.

    Args:
        kind: "invitation", "reminder1" or "reminder2".
        recipient: the unit with its name, address, wijk, questionnaire and personal code.
        settings: edition year, letter date, start address, helpdesk and privacy contact.
        batch: the print batch label, e.g. "2024-W1-INV-001"; printed in the footer and window.
        sequence: the letter's number within its batch, from 1.
    Returns:
        a `Letter`.
    Raises:
        WijkprofielError: unknown kind or questionnaire, or a recipient without a code.

    >>> r = Recipient("u1", 1, "Stadsdriehoek", "wijkonderzoek", 1, "HJSY36UY9B", "Anna",
    ...               "de Vries", "Coolsingel", "40", "3011AD")
    >>> s = LetterSettings(edition_year=2024, letter_date=date(2024, 3, 4))
    >>> letter = compose_letter("invitation", r, s, batch="2024-W1-INV-001", sequence=7)
    >>> letter.address_lines
    ('Anna de Vries', 'Coolsingel 40', '3011 AD  ROTTERDAM')
    >>> letter.code_display, letter.qr_payload
    ('HJSY-36UY-9B', 'https://wijkprofiel.rotterdam.nl/start?code=HJSY36UY9B')
    """
    if kind not in KINDS:
        raise WijkprofielError(f"letter kind {kind!r} is not one of {', '.join(KINDS)}")
    if recipient.questionnaire_id not in QUESTIONNAIRES:
        raise WijkprofielError(
            f"sample unit {recipient.sample_unit_id}: questionnaire "
            f"{recipient.questionnaire_id!r} has no letter text; expected one of "
            f"{', '.join(QUESTIONNAIRES)}"
        )
    if not recipient.access_code or not normalise(recipient.access_code):
        raise WijkprofielError(f"sample unit {recipient.sample_unit_id} has no personal code")

    questionnaire, about = QUESTIONNAIRES[recipient.questionnaire_id]
    year = settings.edition_year
    address = addresses.address_lines(
        recipient.given_name, recipient.name_prefix, recipient.family_name, recipient.street,
        recipient.house_number, recipient.house_letter, recipient.house_number_addition,
        recipient.postcode, recipient.city)
    full_name = address[0]
    body = _body(kind, recipient.wijk, questionnaire, about, year)
    return Letter(
        kind=kind,
        sample_unit_id=recipient.sample_unit_id,
        batch=batch,
        sequence=sequence,
        address_lines=address,
        reference=f"{batch}/{sequence:05d}",
        sender_lines=(
            "Onderzoek en Business Intelligence",
            settings.return_address,
            f"Helpdesk {settings.helpdesk_phone}",
            settings.start_url.split("://", 1)[-1],
        ),
        return_address=f"Retouradres {settings.return_address}",
        date_line=f"Rotterdam, {dutch_date(settings.letter_date)}",
        subject=_subject(kind, year),
        salutation=f"Beste {full_name},",
        body=body,
        code_label="Uw persoonlijke code",
        code_display=format_code(recipient.access_code),
        start_url=settings.start_url,
        qr_payload=start_url_with_code(settings, recipient.access_code),
        after_code=_after_code(kind, settings),
        closing=(
            "Alvast hartelijk dank voor uw medewerking.",
            "Met vriendelijke groet,",
            "namens het college van burgemeester en wethouders van Rotterdam,",
            settings.signatory,
        ),
        languages_heading=("Other languages · Diğer diller", "Inne języki · لغات أخرى"),
        languages=tuple(
            (code, text.format(url=f"{settings.start_url}?lang={code}"))
            for code, text in LANGUAGE_LINES
        ),
        privacy_heading="Hoe wij met uw gegevens omgaan",
        privacy=_privacy(questionnaire, settings),
        footer=(
            f"Wijkprofiel {year} · {questionnaire} · {KIND_LABELS[kind]} · "
            f"batch {batch} · nr {sequence:05d}"
        ),
    )


def _subject(kind: str, year: int) -> str:
    return {
        "invitation": f"Uitnodiging voor het Wijkprofiel {year}: hoe is het in uw wijk?",
        "reminder1": f"Herinnering: uw mening over uw wijk telt (Wijkprofiel {year})",
        "reminder2": f"Laatste herinnering: doe mee aan het Wijkprofiel {year}",
    }[kind]


def _body(kind: str, wijk: str, questionnaire: str, about: str, year: int) -> tuple[str, ...]:
    duration = (f"U vult de vragenlijst {questionnaire} in. Dat duurt ongeveer 15 tot 20 "
                f"minuten. {about}")
    if kind == "invitation":
        return (
            f"Hoe is het om te wonen in {wijk}? Dat wil de gemeente Rotterdam graag van u "
            "weten. Elke twee jaar laat het Wijkprofiel zien hoe veilig, sociaal en prettig om "
            "te wonen de 71 Rotterdamse wijken zijn. U bent door loting gekozen uit de "
            "Basisregistratie Personen, en wij nodigen u van harte uit om mee te doen.",
            duration,
            "Met uw antwoorden zien de gemeente en haar partners waar uw wijk beter kan, en "
            "volgen zij of dat lukt. Elke mening telt, ook als u nog maar kort in de wijk "
            "woont of weinig te klagen hebt. Meedoen is vrijwillig.",
            "Zo doet u mee: ga naar de website hieronder en vul uw persoonlijke code in, of "
            "scan de QR-code met de camera van uw telefoon. U kunt tussendoor stoppen en later "
            "met dezelfde code verdergaan.",
        )
    if kind == "reminder1":
        return (
            f"Een paar weken geleden nodigden wij u uit voor het Wijkprofiel {year}, het "
            f"onderzoek naar wonen, veiligheid en meedoen in {wijk}. Wij hebben uw antwoorden "
            "nog niet (helemaal) ontvangen. Hebt u de vragenlijst de afgelopen dagen "
            "ingevuld? Dan danken wij u hartelijk en kunt u deze brief vergeten.",
            duration,
            "Juist uw antwoorden zijn belangrijk: hoe meer bewoners meedoen, hoe beter het "
            f"Wijkprofiel laat zien wat er in {wijk} speelt. Bent u al begonnen? Met uw code "
            "gaat u verder waar u was gebleven.",
            "Ga naar de website hieronder en vul uw persoonlijke code in, of scan de QR-code "
            "met de camera van uw telefoon.",
        )
    return (
        f"Onlangs vroegen wij u mee te doen aan het Wijkprofiel {year}. Wij hebben uw "
        "antwoorden nog niet (helemaal) ontvangen. Dit is de laatste brief die u hierover "
        "van ons krijgt; de vragenlijst sluit over ongeveer twee weken.",
        duration,
        f"Het Wijkprofiel is alleen betrouwbaar als ook in {wijk} genoeg bewoners meedoen. "
        "Wilt u de vragenlijst alsnog invullen? Bent u al begonnen? Met uw code gaat u "
        "verder waar u was gebleven. Hebt u de vragenlijst net ingevuld? Dan hartelijk dank.",
        "Ga naar de website hieronder en vul uw persoonlijke code in, of scan de QR-code met "
        "de camera van uw telefoon.",
    )


def _after_code(kind: str, settings: LetterSettings) -> tuple[str, ...]:
    return (
        "Liever op papier of telefonisch? Bel de helpdesk op "
        f"{settings.helpdesk_phone} ({settings.helpdesk_hours}). Dan sturen wij u een "
        "papieren vragenlijst met een antwoordenvelop zonder postzegel, of maken wij een "
        "afspraak om de vragen telefonisch te stellen. Ook met andere vragen kunt u de "
        "helpdesk bellen. Op de achterkant van deze brief leest u hoe wij met uw gegevens "
        "omgaan.",
    )


def _privacy(questionnaire: str, settings: LetterSettings) -> tuple[tuple[str, str], ...]:
    return (
        ("Waarvoor gebruiken wij uw antwoorden?",
         "De gemeente Rotterdam (afdeling Onderzoek en Business Intelligence) gebruikt uw "
         f"antwoorden op de {questionnaire} alleen voor onderzoek en statistiek: voor het "
         "Wijkprofiel en voor beleid dat wijken veiliger, socialer en prettiger maakt. Dat is "
         "een taak van algemeen belang (artikel 6 lid 1 onder e AVG). De gemeente gebruikt uw "
         "antwoorden nooit om over u persoonlijk een besluit te nemen."),
        ("Waar hebben wij uw naam en adres vandaan?",
         "Uit de Basisregistratie Personen (BRP), door loting. Wij gebruiken ze alleen om u "
         "deze brief en eventueel een herinnering te sturen, en, als u daarom vraagt, een "
         "papieren vragenlijst of een telefonische afspraak."),
        ("Uw antwoorden staan los van uw naam en adres",
         "Uw antwoorden worden apart bewaard van uw naam en adres; alleen uw persoonlijke code "
         "verbindt ze, en die code kennen de onderzoekers niet. Wie de antwoorden analyseert, "
         "ziet niet van wie ze zijn. De uitkomsten verschijnen alleen als cijfers over groepen "
         "bewoners, waarin niemand herkenbaar is."),
        ("Hoe lang bewaren wij uw gegevens?",
         f"Uw naam, adres en code verwijderen wij {settings.identity_retention}. Uw antwoorden "
         "bewaren wij daarna zonder naam en adres, zodat wij de wijken over de jaren kunnen "
         "vergelijken."),
        ("Uw rechten",
         "Meedoen is vrijwillig. Wilt u niet meedoen, of bezwaar maken tegen het gebruik van "
         f"uw gegevens voor dit onderzoek? Bel de helpdesk op {settings.helpdesk_phone} of mail "
         f"naar {settings.privacy_email}; dan sturen wij u geen herinneringen meer. U kunt "
         "ook vragen om inzage in of verwijdering van uw gegevens. Bent u niet tevreden over "
         "hoe wij met uw gegevens omgaan? Neem contact op met de functionaris "
         f"gegevensbescherming van de gemeente ({settings.privacy_email}) of dien een klacht in "
         "bij de Autoriteit Persoonsgegevens."),
    )
