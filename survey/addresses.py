"""Dutch names and addresses as the register holds them and as paper shows them.

The BRP keeps a name as voornamen, voorvoegsel (van, de, van 't, ...) and geslachtsnaam, and an
address as straat, huisnummer, huisletter, huisnummertoevoeging, postcode and woonplaats. The
Taalunie's rule for the voorvoegsel: in lower case after a given name or initials ("Johannes
Cornelis van 't Hoek"), with a capital when the surname stands alone ("Van 't Hoek"). The
number is written as BAG and PostNL do: huisnummer, huisletter straight after it, and the
toevoeging after a dash ("392a-rd", "12-2"). The last address line is the postcode, two spaces
and the woonplaats in capitals ("3151 AB  HOEK VAN HOLLAND"); the municipality Rotterdam has
several woonplaatsen (Rotterdam, Hoek van Holland, Rozenburg), so it comes from the register.
"""

DEFAULT_CITY = "Rotterdam"
"""The woonplaats assumed for a person imported without one (a register without the column)."""

__all__ = ["DEFAULT_CITY", "capitalised_prefix", "surname", "full_name", "sort_name",
           "house_number_display", "street_line", "format_postcode", "city_line",
           "address_lines"]


def capitalised_prefix(prefix: str) -> str:
    """The voorvoegsel with its first letter a capital, as at the start of a name.

    >>> capitalised_prefix("van 't"), capitalised_prefix("'t"), capitalised_prefix("de")
    ("Van 't", "'t", 'De')
    """
    prefix = " ".join((prefix or "").split())
    if not prefix or prefix.startswith("'"):  # 't, 's: the apostrophe stays first, lower case
        return prefix
    return prefix[0].upper() + prefix[1:]


def surname(prefix: str | None, family_name: str, *, alone: bool) -> str:
    """The surname with its voorvoegsel; capitalised when nothing precedes it.

    >>> surname("van 't", "Hoek", alone=False), surname("van 't", "Hoek", alone=True)
    ("van 't Hoek", "Van 't Hoek")
    """
    prefix = " ".join((prefix or "").split())
    if not prefix:
        return family_name.strip()
    return f"{capitalised_prefix(prefix) if alone else prefix} {family_name.strip()}"


def full_name(given_name: str | None, prefix: str | None, family_name: str) -> str:
    """Given names, voorvoegsel and surname, as on the envelope and in the salutation.

    >>> full_name("Johannes Cornelis", "van 't", "Hoek")
    "Johannes Cornelis van 't Hoek"
    >>> full_name("", "de", "Vries")
    'De Vries'
    """
    given = " ".join((given_name or "").split())
    return f"{given} {surname(prefix, family_name, alone=False)}" if given \
        else surname(prefix, family_name, alone=True)


def sort_name(given_name: str | None, prefix: str | None, family_name: str) -> str:
    """The name as a list sorts it: surname first, the voorvoegsel after the given names.

    >>> sort_name("Johannes Cornelis", "van 't", "Hoek")
    "Hoek, Johannes Cornelis van 't"
    """
    tail = " ".join(part for part in (" ".join((given_name or "").split()),
                                      " ".join((prefix or "").split())) if part)
    return f"{family_name.strip()}, {tail}" if tail else family_name.strip()


def house_number_display(number: str, letter: str | None = None,
                         addition: str | None = None) -> str:
    """Huisnummer, huisletter and toevoeging as one, in the BAG's way.

    >>> house_number_display("392", "a", "rd"), house_number_display("12", None, "2")
    ('392a-rd', '12-2')
    >>> house_number_display("14A")
    '14A'
    """
    text = f"{(number or '').strip()}{(letter or '').strip()}"
    addition = (addition or "").strip()
    return f"{text}-{addition}" if addition else text


def street_line(street: str, number: str, letter: str | None = None,
                addition: str | None = None) -> str:
    """The street and the whole house number.

    >>> street_line("Burgemeester Hoffmanplein", "392", "a", "rd")
    'Burgemeester Hoffmanplein 392a-rd'
    """
    return f"{(street or '').strip()} {house_number_display(number, letter, addition)}".strip()


def format_postcode(postcode: str) -> str:
    """Dutch postcode as PostNL wants it on the envelope: four digits, a space, two capitals.

    >>> format_postcode("3011ab")
    '3011 AB'
    """
    plain = "".join((postcode or "").split()).upper()
    return f"{plain[:4]} {plain[4:]}" if len(plain) == 6 else (postcode or "").strip().upper()


def city_line(postcode: str, city: str | None) -> str:
    """The last line in the window: postcode, two spaces, woonplaats in capitals.

    >>> city_line("3151ab", "Hoek van Holland")
    '3151 AB  HOEK VAN HOLLAND'
    """
    return f"{format_postcode(postcode)}  {((city or '').strip() or DEFAULT_CITY).upper()}"


def address_lines(given_name, prefix, family_name, street, number, letter, addition,
                  postcode, city) -> tuple[str, str, str]:
    """The three lines in the envelope window.

    >>> address_lines("Johannes Cornelis", "van 't", "Hoek", "Burgemeester Hoffmanplein",
    ...               "392", "a", "rd", "3151 AB", "Hoek van Holland")
    ("Johannes Cornelis van 't Hoek", 'Burgemeester Hoffmanplein 392a-rd', '3151 AB  HOEK VAN HOLLAND')
    """
    return (full_name(given_name, prefix, family_name),
            street_line(street, number, letter, addition),
            city_line(postcode, city))
