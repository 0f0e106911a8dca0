"""What an imported register, sample or contact file may hold: our fields (`FIELDS`) with the
header names they are known by in Dutch and English, the values of the categorical ones
(`VALUES`, in Dutch or English, mapped to the register categories of
`survey.population.categories`), and `guess_mapping`, which finds each field's column.
"""

import re
from dataclasses import dataclass

from survey.errors import InputError
from survey.population.categories import CATEGORIES
from survey.population.selection import QUESTIONNAIRE_IDS

KINDS = ("register", "sample", "contact")
PERSON_KINDS = ("register", "sample")
"""Files that bring whole persons; `contact` only updates phone and address of drawn persons."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    """Dutch label on the staff page."""
    headers: tuple[str, ...]
    """Header names that map to this field (compared without case, spaces, dashes, dots)."""
    required: tuple[str, ...]
    """The kinds of file that must have it."""
    kinds: tuple[str, ...] = KINDS
    """The kinds of file that use it."""


FIELDS = {f.name: f for f in [
    Field("register_id", "Registernummer (BRP)",
          ("register_id", "registernummer", "registratienummer", "anummer", "a_nummer",
           "bsn", "burgerservicenummer", "persoonsnummer", "persoon_id", "person_id", "id"),
          KINDS),
    Field("given_name", "Voornaam", ("given_name", "voornaam", "voornamen", "roepnaam",
                                     "first_name", "firstname", "forename"), PERSON_KINDS,
          PERSON_KINDS),
    Field("name_prefix", "Voorvoegsel (niet verplicht)",
          ("name_prefix", "voorvoegsel", "voorvoegsels", "voorvoegsel_geslachtsnaam",
           "voorvoegselgeslachtsnaam", "tussenvoegsel", "tussenvoegsels", "prefix", "infix"),
          (), PERSON_KINDS),
    Field("family_name", "Achternaam", ("family_name", "achternaam", "geslachtsnaam",
                                        "familienaam", "surname", "last_name", "lastname",
                                        "naam"), PERSON_KINDS, PERSON_KINDS),
    Field("street", "Straat", ("street", "straat", "straatnaam", "openbare_ruimte",
                               "openbareruimtenaam", "street_name"), PERSON_KINDS),
    Field("house_number", "Huisnummer", ("house_number", "huisnummer", "huisnr", "nummer",
                                         "number", "housenumber"), PERSON_KINDS),
    Field("house_letter", "Huisletter (niet verplicht)",
          ("house_letter", "huisletter", "letter"), ()),
    Field("house_number_addition", "Huisnummertoevoeging (niet verplicht)",
          ("house_number_addition", "huisnummertoevoeging", "huisnummer_toevoeging",
           "toevoeging", "huisnr_toev", "huisnrtoev", "toev", "addition"), ()),
    Field("postcode", "Postcode", ("postcode", "post_code", "postal_code", "zip", "zipcode",
                                   "pc6"), PERSON_KINDS),
    Field("city", "Woonplaats (niet verplicht: Rotterdam)",
          ("city", "woonplaats", "woonplaatsnaam", "plaats", "plaatsnaam", "place", "town"), ()),
    Field("phone", "Telefoon (niet verplicht)", ("phone", "telefoon", "telefoonnummer", "tel",
                                                 "mobiel", "phone_number", "telephone"), ()),
    Field("wijk_code", "Wijk (code of naam)",
          ("wijk_code", "wijkcode", "wijknr", "wijknummer", "wijk", "wijknaam", "wijk_naam",
           "neighbourhood", "neighborhood", "district"), PERSON_KINDS, PERSON_KINDS),
    Field("birth_date", "Geboortedatum", ("birth_date", "geboortedatum", "geb_datum",
                                          "gebdatum", "date_of_birth", "birthdate", "dob"),
          PERSON_KINDS, PERSON_KINDS),
    Field("sex", "Geslacht", ("sex", "geslacht", "gender"), PERSON_KINDS, PERSON_KINDS),
    # a plain BRP extract has neither; weighting then calibrates on the margins that exist
    Field("migration_background", "Migratieachtergrond (niet verplicht)",
          ("migration_background", "migratieachtergrond", "herkomst", "herkomstgroepering",
           "origin", "migration"), (), PERSON_KINDS),
    Field("household_type", "Huishoudtype (niet verplicht)",
          ("household_type", "huishoudtype", "type_huishouden", "huishouden", "household",
           "huishoudenssamenstelling"), (), PERSON_KINDS),
    Field("questionnaire_id", "Vragenlijst", ("questionnaire_id", "vragenlijst",
                                              "questionnaire", "onderzoek"),
          ("sample",), ("sample",)),
    Field("wave", "Golf (niet verplicht: 1)", ("wave", "golf", "ronde", "tranche"), (),
          ("sample",)),
    Field("inclusion_probability", "Inclusiekans",
          ("inclusion_probability", "inclusiekans", "trekkingskans", "selectiekans",
           "selection_probability", "pi"), ("sample",), ("sample",)),
]}
CONTACT_FIELDS = ("phone", "street", "house_number", "house_letter", "house_number_addition",
                  "postcode", "city")
"""What a contact import may change of a drawn person; the address parts go together."""

# accepted spellings of each category (compared after `value_key`)
VALUES = {
    "sex": {"man": ["man", "m", "male", "mannelijk", "men"],
            "vrouw": ["vrouw", "v", "f", "w", "female", "vrouwelijk", "women"]},
    "migration_background": {
        "nederlands": ["nederlands", "nl", "nederland", "nederlandse", "autochtoon",
                       "geen migratieachtergrond", "dutch"],
        "westers": ["westers", "westerse", "westerse migratieachtergrond", "western",
                    "europees", "europa"],
        "niet_westers": ["niet westers", "niet westerse", "nietwesters",
                         "niet westerse migratieachtergrond", "non western", "buiten europa"]},
    "household_type": {
        "alleenstaand": ["alleenstaand", "alleenstaande", "eenpersoonshuishouden",
                         "eenpersoons", "single", "one person"],
        "zonder_kinderen": ["zonder kinderen", "paar zonder kinderen", "samenwonend zonder kinderen",
                            "meerpersoonshuishouden zonder kinderen", "without children",
                            "couple without children"],
        "met_kinderen": ["met kinderen", "paar met kinderen", "eenoudergezin",
                         "eenouderhuishouden", "eenouder", "with children",
                         "couple with children", "single parent"]},
    "questionnaire_id": {"veiligheidsmonitor": ["veiligheidsmonitor", "vm", "veiligheid"],
                         "wijkonderzoek": ["wijkonderzoek", "wo", "wijk onderzoek"]},
}
assert all(list(VALUES[v]) == CATEGORIES[v] for v in CATEGORIES if v in VALUES)
assert list(VALUES["questionnaire_id"]) == list(QUESTIONNAIRE_IDS)

POSTCODE = r"[1-9][0-9]{3} ?[A-Za-z]{2}"
# BRP voorvoegsels: van, de, van der, van 't, in 't, d', 's, ter, ... (letters, ' and spaces)
NAME_PREFIX = r"(?:[^\W\d_]|['’ ])+"
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y%m%d", "%Y/%m/%d")
DATE_SHAPE = re.compile(r"^(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{8})$")

__all__ = ["KINDS", "PERSON_KINDS", "FIELDS", "CONTACT_FIELDS", "VALUES", "Field",
           "fields_for", "guess_mapping"]


# --------------------------------------------------------------------------- mapping


def value_key(text: str) -> str:
    """Header or value compared without case, accents of spacing: 'Geb. datum' ~ 'geb_datum'."""
    return re.sub(r"[\s_\-./]+", " ", str(text).casefold()).strip()


def _header_key(text: str) -> str:
    return value_key(text).replace(" ", "")


def fields_for(kind: str) -> list[Field]:
    """Our fields a file of `kind` can have, in display order."""
    check_kind(kind)
    return [f for f in FIELDS.values() if kind in f.kinds]


def guess_mapping(headers, kind: str) -> dict[str, str | None]:
    """For each field of `kind`, the file's header that holds it, or None.

    >>> guess_mapping(["Voornaam", "Achternaam", "Geb. datum", "Wijk"], "register")["birth_date"]
    'Geb. datum'
    """
    free = {_header_key(h): h for h in reversed(list(headers))}
    mapping = {}
    for f in fields_for(kind):
        mapping[f.name] = None
        for candidate in f.headers:
            header = free.get(_header_key(candidate))
            if header is not None:
                mapping[f.name] = header
                free = {k: v for k, v in free.items() if v != header}
                break
    return mapping


def check_kind(kind):
    if kind not in KINDS:
        raise InputError("--kind", f"{kind!r} is not a kind of file; expected register or sample")


