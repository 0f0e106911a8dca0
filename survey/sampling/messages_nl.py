"""The import's messages in Dutch, for the staff pages (which are Dutch); the command line
keeps the English ones (its documented contract). The outcomes batch page and the letters page
use them too, for what the table reader, the date parser and the print run say.

`survey.sampling.import_file` words every error and note in English with the values in it;
`dutch(text)` rewrites one into Dutch, pattern by pattern, keeping the values. A message no
pattern knows comes back as it is, so nothing is ever hidden; `tests/unit/sampling` runs the
whole bad-input corpus through the check and requires a Dutch text for every message.
"""

import re

# what a missing value should have been, as the checks word it
_WHAT = {
    "the person's register number": "het registernummer van de persoon",
    "the given name": "de voornaam",
    "the family name": "de achternaam",
    "the street name": "de straatnaam",
    "the house number, such as 12 or 12A": "het huisnummer, zoals 12 of 12A",
    "the house number, such as 12": "het huisnummer, zoals 12",
    "a Dutch postcode such as 3011 AB": "een Nederlandse postcode zoals 3011 AB",
    "the inclusion probability, such as 0,12": "de inclusiekans, zoals 0,12",
    "the birth date, such as 1980-02-28 or 28-02-1980": "de geboortedatum, zoals 28-02-1980",
}
_FIELDS = {
    "register_id": "registernummer", "given_name": "voornaam", "name_prefix": "voorvoegsel",
    "family_name": "achternaam", "street": "straat", "house_number": "huisnummer",
    "house_letter": "huisletter", "house_number_addition": "huisnummertoevoeging",
    "postcode": "postcode", "city": "woonplaats", "phone": "telefoon", "wijk_code": "wijk",
    "birth_date": "geboortedatum", "sex": "geslacht", "migration_background":
    "migratieachtergrond", "household_type": "huishoudtype", "questionnaire_id": "vragenlijst",
    "wave": "golf", "inclusion_probability": "inclusiekans",
}


def _what(match):
    return _WHAT.get(match["what"], match["what"])


def _field(name):
    return _FIELDS.get(name, name)


_PATTERNS = [
    (r"no header: the first row must name the columns",
     "geen kopregel: de eerste rij moet de kolommen een naam geven"),
    (r"the header names '(?P<name>.*)' twice \(columns (?P<a>\d+) and (?P<b>\d+)\); every "
     r"column needs its own name",
     "de kopregel noemt '{name}' twee keer (kolommen {a} en {b}); elke kolom heeft een eigen "
     "naam nodig"),
    (r"has (?P<n>\d+) values where the header has (?P<w>\d+) columns; is there a separator "
     r"inside a value that is not in quotes\?",
     "heeft {n} waarden waar de kopregel {w} kolommen heeft; staat er een scheidingsteken in "
     "een waarde zonder aanhalingstekens?"),
    (r"is neither UTF-8 nor Windows-1252 text \(byte (?P<b>0x[0-9a-f]+)\); save it as 'CSV "
     r"UTF-8' or as an Excel workbook",
     "is geen UTF-8- of Windows-1252-tekst (byte {b}); sla het op als 'CSV UTF-8' of als "
     "Excel-werkmap"),
    (r"(?P<s>.*) is not UTF-8 \(row (?P<r>\d+) has byte (?P<b>0x[0-9a-f]+)\); it was read as "
     r"Windows-1252, the encoding of Dutch Excel's CSV: check that names such as 'Çelik' and "
     r"'Müller' look right",
     "{s} is geen UTF-8 (rij {r} heeft byte {b}); het is gelezen als Windows-1252, de "
     "codering van CSV uit Nederlandse Excel: controleer of namen als 'Çelik' en "
     "'Müller' goed staan"),
    (r"is not a CSV file \(it holds binary data\); expected CSV UTF-8 or an Excel workbook "
     r"\(\.xlsx\)",
     "is geen CSV-bestand (het bevat binaire gegevens); verwacht CSV UTF-8 of een "
     "Excel-werkmap (.xlsx)"),
    (r"is not a readable CSV file \((?P<why>.*)\)", "is geen leesbaar CSV-bestand ({why})"),
    (r"is not a readable Excel workbook \(not a zip archive\); save it as \.xlsx or as CSV "
     r"UTF-8",
     "is geen leesbare Excel-werkmap (geen zip-archief); sla het op als .xlsx of als CSV UTF-8"),
    (r"is not a readable Excel workbook \((?P<why>.*?)\); save it as \.xlsx or as CSV UTF-8",
     "is geen leesbare Excel-werkmap ({why}); sla het op als .xlsx of als CSV UTF-8"),
    (r"is not a readable Excel workbook \((?P<why>.*?)\)(?P<rest>.*)",
     "is geen leesbare Excel-werkmap ({why}){rest}"),
    (r"no column is mapped to (?P<f>\w+) \((?P<label>.*)\); choose it in the mapping or "
     r"name a column (?P<ex>.*)",
     lambda m: f"geen kolom hoort bij {_field(m['f'])}; kies die in de kolomindeling of noem "
               f"een kolom {m['ex']}"),
    (r"(?P<f>\w+) is mapped to '(?P<h>.*)', which is not a column of the file; its columns are "
     r"(?P<cols>.*)",
     lambda m: f"bij {_field(m['f'])} is '{m['h']}' gekozen, maar het bestand heeft die kolom "
               f"niet; de kolommen zijn {m['cols']}"),
    (r"column '(?P<h>.*)' is mapped to both (?P<a>\w+) and (?P<b>\w+); a column holds one field",
     lambda m: f"kolom '{m['h']}' is gekozen voor zowel {_field(m['a'])} als {_field(m['b'])}; "
               "een kolom hoort bij één veld"),
    (r"empty while this row corrects the address; expected (?P<what>.*)",
     lambda m: f"leeg terwijl deze rij het adres verbetert; verwacht {_what(m)}"),
    (r"empty; expected one of (?P<list>.*)", "leeg; verwacht een van {list}"),
    (r"empty; expected (?P<what>.*)", lambda m: f"leeg; verwacht {_what(m)}"),
    (r"'(?P<v>.*)\.\.\.' is longer than (?P<n>\d+) characters",
     "'{v}...' is langer dan {n} tekens"),
    (r"duplicate person: register number '(?P<id>.*)' is also on row (?P<r>\d+); each person "
     r"may appear once",
     "dubbele persoon: registernummer '{id}' staat ook op rij {r}; elke persoon mag één keer "
     "voorkomen"),
    (r"duplicate person: register number '(?P<id>.*)' is already in the sample of edition "
     r"(?P<y>\d+)",
     "dubbele persoon: registernummer '{id}' zit al in de steekproef van editie {y}"),
    (r"register number '(?P<id>.*)' is not in the sample of edition (?P<y>\d+); contact data "
     r"are imported only for drawn persons",
     "registernummer '{id}' zit niet in de steekproef van editie {y}; contactgegevens worden "
     "alleen voor getrokken personen ingelezen"),
    (r"(?P<n>\d+) row\(s\) repeat an earlier row exactly \(rows (?P<rows>.*)\); each person is "
     r"imported once",
     "{n} rij(en) herhalen een eerdere rij precies (rijen {rows}); elke persoon wordt één keer "
     "ingelezen"),
    (r"edition (?P<y>\d+) already has a sample of (?P<n>\d+) units; a new register extract "
     r"would replace the margins its weighting uses\. .*",
     "editie {y} heeft al een steekproef van {n} eenheden; een nieuw registeruittreksel zou de "
     "marges vervangen waarmee wordt gewogen. Telefoonnummers of verbeterde adressen van "
     "getrokken personen leest u in als contactgegevens; die laten de marges ongemoeid"),
    (r"no contact column is mapped; map phone, or street, house_number and postcode \(a "
     r"corrected address\)",
     "geen kolom met contactgegevens gekozen; kies telefoon, of straat, huisnummer en postcode "
     "(een verbeterd adres)"),
    (r"a corrected address needs street, house_number and postcode; no column is mapped to "
     r"(?P<f>\w+)",
     lambda m: f"een verbeterd adres heeft straat, huisnummer en postcode nodig; geen kolom "
               f"hoort bij {_field(m['f'])}"),
    (r"no data rows: the file has a header but no persons",
     "geen gegevens: het bestand heeft een kopregel maar geen personen"),
    (r"no person of 15 or over: every row is under 15 or a repeat",
     "niemand van 15 jaar of ouder: elke rij is jonger dan 15 of een herhaling"),
    (r"'(?P<v>.*)' is not a voorvoegsel; expected words such as van, de, van 't, in 't or d' "
     r"\(or leave it empty\)",
     "'{v}' is geen voorvoegsel; verwacht woorden als van, de, van 't, in 't of d' (of laat "
     "het leeg)"),
    (r"no column for (?P<what>.*): those margins are not stored, and weighting calibrates on "
     r"the margins that exist",
     lambda m: f"geen kolom voor {m['what'].replace(' and ', ' en ')}: die marges worden niet "
               "opgeslagen, en de weging gebruikt de marges die er wel zijn"),
    (r"no woonplaats column: every letter will say ROTTERDAM, .*",
     "geen kolom woonplaats: op elke brief komt ROTTERDAM te staan, ook voor adressen in Hoek "
     "van Holland, Rozenburg en Pernis; kies de woonplaats als het uittreksel die heeft"),
    (r"'(?P<v>.*)' is not a wave; expected 1 \(spring\) or 2 \(after the summer\), or leave it "
     r"empty for 1",
     "'{v}' is geen golf; verwacht 1 (voorjaar) of 2 (na de zomer), of laat het leeg voor 1"),
    (r"'(?P<v>.*)' is not a probability; expected a number above 0 and at most 1, such as 0,12 "
     r"\(0\.12\)",
     "'{v}' is geen kans; verwacht een getal boven 0 en ten hoogste 1, zoals 0,12"),
    (r"(?P<n>\d+) person\(s\) under 15 on the reference date (?P<d>[\d-]+) are left out: the "
     r"Wijkprofiel samples residents aged 15 and over",
     "{n} perso(o)n(en) jonger dan 15 op de peildatum {d} zijn weggelaten: het Wijkprofiel "
     "ondervraagt inwoners van 15 jaar en ouder"),
    (r"'(?P<v>.*)' is not a house number; with huisletter and toevoeging in their own columns, "
     r"expected a whole number such as 392",
     "'{v}' is geen huisnummer; met huisletter en toevoeging in eigen kolommen verwacht een "
     "geheel getal zoals 392"),
    (r"'(?P<v>.*)' is not a huisletter; expected one letter, such as a or B \(or leave it "
     r"empty\)",
     "'{v}' is geen huisletter; verwacht één letter, zoals a of B (of laat het leeg)"),
    (r"'(?P<v>.*)' is not a huisnummertoevoeging; expected up to four letters or digits, such "
     r"as 2, rd or bis \(or leave it empty\)",
     "'{v}' is geen huisnummertoevoeging; verwacht ten hoogste vier letters of cijfers, zoals "
     "2, rd of bis (of laat het leeg)"),
    (r"'(?P<v>.*)' is not a Dutch postcode; expected four digits and two letters, such as "
     r"3011 AB",
     "'{v}' is geen Nederlandse postcode; verwacht vier cijfers en twee letters, zoals "
     "3011 AB"),
    (r"'(?P<v>.*)' is not a phone number; expected digits, such as 010-1234567 or 06-12345678 "
     r"\(or leave it empty\)",
     "'{v}' is geen telefoonnummer; verwacht cijfers, zoals 010-1234567 of 06-12345678 (of "
     "laat het leeg)"),
    (r"missing wijk; expected a wijk code such as 71 or a name such as Tarwewijk",
     "wijk ontbreekt; verwacht een wijkcode zoals 71 of een naam zoals Tarwewijk"),
    (r"wijk code (?P<v>\d+) is not a Rotterdam wijk; expected one of the (?P<n>\d+) wijk "
     r"codes, such as 71 \(Tarwewijk\)",
     "wijkcode {v} is geen Rotterdamse wijk; verwacht een van de {n} wijkcodes, zoals 71 "
     "(Tarwewijk)"),
    (r"'(?P<v>.*)' is not a Rotterdam wijk; did you mean '(?P<m>.*)'\?",
     "'{v}' is geen Rotterdamse wijk; bedoelt u '{m}'?"),
    (r"'(?P<v>.*)' is not a Rotterdam wijk; expected a wijk name such as Tarwewijk",
     "'{v}' is geen Rotterdamse wijk; verwacht een wijknaam zoals Tarwewijk"),
    (r"'(?P<v>.*)' is an impossible date \(no such day\); expected a date such as 1980-02-28 "
     r"or 28-02-1980",
     "'{v}' is een onmogelijke datum (die dag bestaat niet); verwacht een datum zoals "
     "28-02-1980"),
    (r"'(?P<v>.*)' is not a date; expected a date such as 1980-02-28 or 28-02-1980",
     "'{v}' is geen datum; verwacht een datum zoals 28-02-1980"),
    # the draw (`survey.sampling.draw`); its errors name the edition as their source
    (r"edition (?P<y>\d+)", "editie {y}"),
    (r"'(?P<v>.*)' is not a number; expected a response rate above 0 and at most 1, such as 0\.4",
     "'{v}' is geen getal; verwacht een responspercentage boven 0 en ten hoogste 1, zoals 0,4"),
    (r"'(?P<v>.*)' is not a response rate; expected a number above 0 and at most 1, such as 0\.4",
     "'{v}' is geen responspercentage; verwacht een getal boven 0 en ten hoogste 1, zoals 0,4"),
    (r"(?P<n>\d+) bad response rate\(s\):", "{n} foute responspercentage(s):"),
    (r"no register has been imported; import a register extract first \(wijkprofiel sample "
     r"import FILE --kind register\)",
     "er is nog geen register geïmporteerd; importeer eerst een registeruittreksel"),
    (r"'(?P<v>.*)' is not a seed; expected a whole number from 0 to (?P<m>\d+)",
     "'{v}' is geen startwaarde; verwacht een geheel getal van 0 tot en met {m}"),
    (r"already has a sample of (?P<n>\d+) units; a second draw would invite people twice",
     "heeft al een steekproef van {n} eenheden; een tweede trekking zou mensen twee keer "
     "uitnodigen"),
    (r"a drawn unit id is already in use; draw again",
     "een getrokken steekproefnummer is al in gebruik; trek opnieuw"),
    # the letters page (`survey.letters.batches`, `survey.letters.printing`)
    (r"edition (?P<y>\d+) has no sample units in wave (?P<w>\d+) in the chosen wijken",
     "editie {y} heeft geen steekproefeenheden in golf {w} in de gekozen wijken"),
    (r"--wave: edition (?P<y>\d+) has no sample units in wave (?P<w>\d+); waves: none",
     "editie {y} heeft geen steekproefeenheden in golf {w}, en ook in geen andere golf"),
    (r"--wave: edition (?P<y>\d+) has no sample units in wave (?P<w>\d+); waves: (?P<ws>.*)",
     "editie {y} heeft geen steekproefeenheden in golf {w}; golven met eenheden: {ws}"),
    (r"no edition (?P<y>\d+) in the database; editions: (?P<e>.*)",
     "editie {y} staat niet in de database; edities: {e}"),
    (r"the database holds no edition yet; run `wijkprofiel demo seed` or import a sample first",
     "de database heeft nog geen editie; importeer eerst een steekproef"),
    (r"no letter (?P<id>\d+)", "geen brief {id}"),
    (r"letter (?P<k>\S+): the name and address of its unit have been deleted; it cannot be "
     r"printed",
     "brief {k}: naam en adres van de eenheid zijn verwijderd; de brief kan niet meer worden "
     "gedrukt"),
    (r"another print run recorded (?P<kind>\w+) letters for wave (?P<w>\d+) at the same time; "
     r"the files of this run were removed\. Run it again to print what is left",
     "een andere drukopdracht legde tegelijk {kind}-brieven voor golf {w} vast; de bestanden "
     "van deze opdracht zijn verwijderd. Druk opnieuw om te drukken wat overblijft"),
    # the dates of returned letters and outcomes (`survey.fieldwork.dates`)
    (r"'(?P<v>.*)' is an impossible date \(no such day\); expected a date such as 25-03-2024 "
     r"\(or 2024-03-25\)",
     "'{v}' is een onmogelijke datum (die dag bestaat niet); verwacht een datum zoals "
     "25-03-2024 (of 2024-03-25)"),
    (r"'(?P<v>.*)' is not a date; expected a date such as 25-03-2024 \(or 2024-03-25\)",
     "'{v}' is geen datum; verwacht een datum zoals 25-03-2024 (of 2024-03-25)"),
    (r"'(?P<v>.*)' is an impossible birth date: after the register's reference date "
     r"(?P<d>[\d-]+)",
     "'{v}' is een onmogelijke geboortedatum: na de peildatum {d} van het register"),
    (r"'(?P<v>.*)': (?P<a>\d+) years old on (?P<d>[\d-]+), and the Wijkprofiel samples "
     r"residents aged 15 and over; was the sample drawn from the whole register\?",
     "'{v}': {a} jaar oud op {d}, en het Wijkprofiel ondervraagt inwoners van 15 jaar en "
     "ouder; is de steekproef uit het hele register getrokken?"),
    (r"'(?P<v>.*)' is an impossible birth date: (?P<a>\d+) years old on (?P<d>[\d-]+)",
     "'{v}' is een onmogelijke geboortedatum: {a} jaar oud op {d}"),
    # the targets file (`survey.fieldwork.targets`)
    (r"'(?P<v>.*)' is not a Rotterdam wijk; expected a wijk code such as 71 or a name such as "
     r"Tarwewijk",
     "'{v}' is geen Rotterdamse wijk; verwacht een wijkcode zoals 71 of een naam zoals "
     "Tarwewijk"),
    (r"empty; expected a wijk code such as 71", "leeg; verwacht een wijkcode zoals 71"),
    (r"wijk (?P<c>\d+) \((?P<n>.*)\) is also on row (?P<r>\d+); give each wijk one target",
     "wijk {c} ({n}) staat ook op rij {r}; geef elke wijk één doel"),
    (r"'(?P<v>.*)' is not a target; expected a whole number of net responses, 0 or more, such "
     r"as 420",
     "'{v}' is geen doel; verwacht een geheel aantal netto respondenten, 0 of meer, zoals 420"),
    (r"'(?P<v>.*)' is not a response rate; expected a number above 0 and at most 1, such as "
     r"0,4 or 40%",
     "'{v}' is geen responspercentage; verwacht een getal boven 0 en ten hoogste 1, zoals 0,4 "
     "of 40%"),
    (r"expected the columns wijk_code and target \(or wijk and doel\), optionally "
     r"response_rate; found (?P<found>.*)",
     "verwacht de kolommen wijk_code en target (of wijk en doel), eventueel response_rate; "
     "gevonden: {found}"),
    (r"no data rows: the file has a header but no wijken",
     "geen gegevens: het bestand heeft een kopregel maar geen wijken"),
    (r"(?P<n>\d+) errors?; nothing was stored", "{n} fout(en); er is niets opgeslagen"),
    (r"(?P<n>\d+) wijken are not in the file and get the default target of (?P<t>\d+)",
     "{n} wijken staan niet in het bestand en krijgen het standaarddoel van {t}"),
    (r"'(?P<v>.*)' is not a category of (?P<f>\w+); expected one of (?P<list>.*)",
     lambda m: f"'{m['v']}' is geen categorie van {_field(m['f'])}; verwacht een van "
               f"{m['list']}"),
]
_COMPILED = [(re.compile(pattern + r"\Z", re.S), template) for pattern, template in _PATTERNS]

__all__ = ["dutch", "translated", "dutch_error"]

_FORMATTED = re.compile(r"^(?P<source>.*?)(?: row (?P<row>\d+))?(?:, column '(?P<column>.*?)')?: "
                        r"(?P<detail>.*)$", re.S)


def translated(text: str) -> str | None:
    """The Dutch of one import message, or None when no pattern knows it.

    >>> translated("'308 AB' is not a Dutch postcode; expected four digits and two letters, "
    ...            "such as 3011 AB")
    "'308 AB' is geen Nederlandse postcode; verwacht vier cijfers en twee letters, zoals 3011 AB"
    """
    for pattern, template in _COMPILED:
        match = pattern.match(text)
        if match:
            return template(match) if callable(template) else template.format(**match.groupdict())
    return None


def dutch(text: str) -> str:
    """`translated(text)`, or the text itself when no pattern knows it."""
    return translated(text) or text


def _where(source, row=None, column=None) -> str:
    return (dutch(source) + (f" rij {row}" if row is not None else "")
            + (f", kolom '{column}'" if column is not None else ""))


def dutch_error(error) -> str:
    """An InputError as the Dutch pages show it: file, rij, kolom and the Dutch message; a
    message of several lines (one error per line, as `read_targets` gives) line by line."""
    head, *lines = str(error.detail).split("\n")
    text = f"{_where(error.source, error.row, error.column)}: {dutch(head)}"
    for line in lines:
        match = _FORMATTED.match(line.strip())
        text += "\n" + (f"{_where(match['source'], match['row'], match['column'])}: "
                        f"{dutch(match['detail'])}" if match else line)
    return text
