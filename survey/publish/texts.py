"""The public site's words: the key indicators it shows, in plain language, and the names of
indices, parts, themes and bands. Every text is Dutch and goes through the Babel catalogues
(`N_` marks it for extraction; the page translates it when it renders with the catalogue that
`translations` compiles from the .po file).

The report's indicator labels are the 2014 export's column names, written for statisticians;
the site shows a short list of key indicators per index under plain labels instead, and the
open data keep every indicator under its report label.
"""

import io
import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from survey.paths import TRANSLATIONS_DIR


def translations(language: str, source: Path = TRANSLATIONS_DIR):
    """The language's catalogue, compiled in memory from its .po file (Dutch is the source)."""
    if language == "nl":
        return NullTranslations()
    with (source / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def N_(text: str) -> str:
    """Mark a text for extraction; it is translated where it is shown."""
    return text


# per index: (indicator id, plain label, unit) in the order shown; the first of the
# Veiligheidsindex is the headline (feeling unsafe in one's own buurt)
KEY_INDICATORS = {
    "Veiligheidsindex": [
        ("onveilig_eigen_buurt", N_("Voelt zich wel eens onveilig in de eigen buurt")),
        ("onveilig_ooit", N_("Voelt zich wel eens onveilig")),
        ("rapportcijfer_veiligheid", N_("Rapportcijfer voor de veiligheid in de buurt")),
        ("onveilige_plekken_in_buurt", N_("Zegt dat er onveilige plekken in de buurt zijn")),
        ("tevreden_met_buurt", N_("Is tevreden met de buurt")),
        ("inbraak_buurtprobleem", N_("Vindt inbraak een groot probleem in de buurt")),
        ("overlast_groepen_jongeren", N_("Heeft veel last van groepen jongeren")),
        ("overlast_drugs", N_("Heeft veel last van drugs")),
        ("respectloos_gedrag_buurt", N_("Ziet vaak respectloos gedrag in de buurt")),
        ("politie_doet_genoeg", N_("Vindt dat de politie genoeg doet voor de buurt")),
    ],
    "Sociale index": [
        ("rapportcijfer_leven", N_("Rapportcijfer voor het eigen leven")),
        ("moeite_met_rondkomen", N_("Heeft moeite om rond te komen")),
        ("voelt_zich_eenzaam", N_("Voelt zich vaak alleen")),
        ("steunnetwerk", N_("Heeft genoeg mensen om op terug te vallen")),
        ("sociale_cohesie", N_("Score voor contact tussen buren (0 tot 10)")),
        ("vrijwilligerswerk", N_("Doet vrijwilligerswerk")),
        ("verbonden_met_buurt", N_("Voelt zich verbonden met de buurt")),
        ("vertrouwt_de_gemeente", N_("Vertrouwt de gemeente")),
    ],
    "Fysieke index": [
        ("tevreden_met_woning", N_("Is tevreden met de eigen woning")),
        ("wil_in_buurt_blijven", N_("Woont graag in de buurt en wil blijven")),
        ("rapportcijfer_openbare_ruimte", N_("Rapportcijfer voor straten, stoepen en groen")),
        ("tevreden_schone_straten", N_("Is tevreden over hoe schoon de straten zijn")),
        ("rommel_buurtprobleem", N_("Vindt rommel op straat een groot probleem")),
        ("tevreden_voorzieningen", N_("Score voor voorzieningen in de buurt (0 tot 10)")),
        ("genoeg_groen", N_("Vindt dat er genoeg groen in de buurt is")),
        ("last_van_verkeerslawaai", N_("Heeft veel last van verkeerslawaai")),
    ],
}
HEADLINE = "onveilig_eigen_buurt"

# the report's `index` column of an indicator -> the index it belongs to
INDEX_OF_INDICATOR = {"veiligheid": "Veiligheidsindex", "sociaal": "Sociale index",
                      "fysiek": "Fysieke index"}

INDEX_NAMES = {
    "Veiligheidsindex": N_("Veiligheidsindex"),
    "Sociale index": N_("Sociale index"),
    "Fysieke index": N_("Fysieke index"),
}
INDEX_ABOUT = {
    "Veiligheidsindex": N_("Hoe veilig de wijk is en hoe veilig bewoners zich voelen."),
    "Sociale index": N_("Hoe bewoners meedoen, rondkomen en met elkaar omgaan."),
    "Fysieke index": N_("Hoe de woningen, de straten, het groen en de voorzieningen zijn."),
}
PART_NAMES = {
    "subjectief": N_("Ervaring van bewoners (subjectief)"),
    "objectief": N_("Cijfers uit registers (objectief)"),
}
THEME_NAMES = {
    "veiligheidsbeleving": N_("Veiligheidsbeleving"), "diefstal": N_("Diefstal"),
    "geweld": N_("Geweld"), "inbraak": N_("Inbraak"), "vandalisme": N_("Vandalisme"),
    "overlast": N_("Overlast"),
    "kwaliteit van leven": N_("Kwaliteit van leven"), "zelfredzaamheid": N_("Zelfredzaamheid"),
    "samenredzaamheid": N_("Samenredzaamheid"), "participatie": N_("Participatie"),
    "binding": N_("Binding"),
    "woonbeleving": N_("Woonbeleving"), "wonen": N_("Wonen"),
    "openbare ruimte": N_("Openbare ruimte"), "voorzieningen": N_("Voorzieningen"),
    "milieu": N_("Milieu"),
}

# The five bands are the report's (`indices/bands.yaml`, `survey.report.bands`); their labels
# are marked here for the catalogues. A band key is the report's id with a hyphen (CSS class).
BAND_LABELS = {
    "ver-onder": N_("ver onder het Rotterdamse gemiddelde"),
    "onder": N_("onder het Rotterdamse gemiddelde"),
    "rond": N_("rond het Rotterdamse gemiddelde"),
    "boven": N_("boven het Rotterdamse gemiddelde"),
    "ver-boven": N_("ver boven het Rotterdamse gemiddelde"),
}


def bands():
    """[(key, label, lower bound or None, upper bound or None)], lowest first."""
    from survey.report.bands import load_bands

    result, lower = [], None
    for item in load_bands():
        key = item.id.replace("_", "-")
        result.append((key, BAND_LABELS.get(key, item.label), lower, item.below))
        lower = item.below
    return result


def band(value, given=None):
    """The band key of a score: the report's own band (`given`, a band name or key) when a
    table carries one, else the report's bands (a score on a bound is in the band above).

    >>> band(105), band(110), band(89.9), band(69.5), band(float('nan'))
    ('rond', 'boven', 'onder', 'ver-onder', None)
    """
    if given is not None and isinstance(given, str) and given.strip():
        text = re.sub(r"\s+", " ", given.strip().lower())
        by_label = {str(label).lower(): key for key, label in BAND_LABELS.items()}
        return by_label.get(text, text.replace(" ", "-").replace("_", "-"))
    if value is None or value != value:
        return None
    from survey.report.bands import band_of

    return band_of(value).id.replace("_", "-")


def band_label(key):
    return BAND_LABELS.get(key, key)


def theme_key(column: str) -> tuple[str, str | None]:
    """(theme name, part) of a theme column: "Diefstal-objectief" -> ("diefstal",
    "objectief"), "Overlast subjectief" -> ("overlast", "subjectief"), "Veiligheidsbeleving" ->
    ("veiligheidsbeleving", None)."""
    match = re.match(r"^(.*?)[\s-]+(subjectief|objectief)$", column.strip(), flags=re.I)
    if match:
        return match[1].strip().lower(), match[2].lower()
    return column.strip().lower(), None
