"""Every message a respondent can see about their input, in one keyed, translatable table.

Keys are stable; texts are Dutch msgids translated through the Babel catalogues. Placeholders
are %-style names, filled by `message(key, **values)`.

>>> from survey import create_app
>>> with create_app({"TESTING": True}).test_request_context():   # doctest: +SKIP
...     message("number_range", min=0, max=100)
'Vul een getal in van 0 tot en met 100.'
"""

from flask_babel import lazy_gettext

ERROR_MESSAGES = {
    # the start page
    "code_empty": lazy_gettext("Vul de code uit uw brief in."),
    "code_format": lazy_gettext(
        "Een code bestaat uit %(length)s letters en cijfers. Controleer de code in uw brief."
    ),
    "code_unknown": lazy_gettext(
        "Deze code kennen we niet. Controleer de code in uw brief en probeer het opnieuw."
    ),
    "too_many_attempts": lazy_gettext(
        "U heeft te vaak een verkeerde code ingevuld. Wacht een kwartier en probeer het dan "
        "opnieuw."
    ),
    "session_ended": lazy_gettext(
        "Uw sessie is afgelopen. Vul de code uit uw brief opnieuw in om verder te gaan. Uw "
        "opgeslagen antwoorden blijven bewaard."
    ),
    "form_expired": lazy_gettext(
        "Deze pagina was verlopen. Uw antwoorden staan er nog; controleer ze en klik nog een "
        "keer op de knop."
    ),
    # the database could not be reached or written (full disk, restart): nothing was stored
    "database_unavailable": lazy_gettext(
        "Het lukte ons even niet om uw antwoorden op te slaan. De antwoorden op deze pagina "
        "zijn niet opgeslagen; wat u eerder opsloeg blijft bewaard. Probeer het over een paar "
        "minuten opnieuw."
    ),
    # any text field: control characters were taken out (survey.security)
    "control_characters_removed": lazy_gettext(
        "Uit wat u intypte zijn onzichtbare stuurtekens weggelaten. Kijk uw antwoord nog even na."
    ),
    # answers
    "single_required": lazy_gettext("Kies een antwoord."),
    "multiple_required": lazy_gettext("Kies ten minste één antwoord."),
    "grid_row_required": lazy_gettext("Kies een antwoord bij ‘%(row)s’."),
    "option_unknown": lazy_gettext("Kies een van de antwoorden die er staan."),
    "exclusive": lazy_gettext("U kunt ‘%(label)s’ niet samen met een ander antwoord kiezen."),
    "number_required": lazy_gettext("Vul een getal in."),
    "number_required_or_missing": lazy_gettext("Vul een getal in of kies ‘%(label)s’."),
    "number_invalid": lazy_gettext("Vul een getal in met alleen cijfers, bijvoorbeeld 12."),
    "number_whole": lazy_gettext("Vul een heel getal in, zonder komma."),
    "number_decimals": lazy_gettext(
        "Vul een getal in met hoogstens %(decimals)s cijfers achter de komma."
    ),
    "number_range": lazy_gettext("Vul een getal in van %(min)s tot en met %(max)s."),
    "number_and_missing": lazy_gettext("Vul een getal in of kies ‘%(label)s’, niet allebei."),
    "text_required": lazy_gettext("Vul een antwoord in."),
    "text_too_long": lazy_gettext(
        "Uw antwoord mag hoogstens %(max)s tekens lang zijn; het is nu %(count)s tekens."
    ),
    "date_required": lazy_gettext("Vul een datum in."),
    "date_incomplete": lazy_gettext("Vul een dag, een maand en een jaar in."),
    "date_invalid": lazy_gettext("Vul een bestaande datum in, bijvoorbeeld 27 3 1980."),
    "date_too_early": lazy_gettext("Vul een datum in op of na %(min)s."),
    "date_too_late": lazy_gettext("Vul een datum in op of voor %(max)s."),
}


def message(key: str, **values) -> str:
    """The message for `key` in the current language, with `values` filled in.

    Raises KeyError for a key that is not in the table, so that a typo fails in the tests
    rather than showing a respondent nothing."""
    text = str(ERROR_MESSAGES[key])
    return text % values if values else text


__all__ = ["ERROR_MESSAGES", "message"]
