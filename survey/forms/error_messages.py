"""Every message a respondent can see about their input, in one keyed, translatable table.

Keys are stable; texts are Dutch msgids translated through the Babel catalogues. Placeholders
are %-style names, filled by `message(key, **values)`.

>>> from survey import create_app
>>> with create_app({"TESTING": True}).test_request_context():   # doctest: +SKIP
...     message("number_range", question="Hoe oud bent u?", min=15, max=110)
'Vul bij ‘Hoe oud bent u?’ een getal in van 15 tot en met 110.'
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
    # the login limit: the code typed was not checked, so it is not called wrong
    "too_many_attempts": lazy_gettext(
        "We hebben uw code nu niet gecontroleerd, omdat vanaf uw internetverbinding te vaak "
        "een verkeerde code is ingevuld."
    ),
    "attempts_none_left": lazy_gettext("U kunt nu even geen code meer proberen."),
    "call_us": lazy_gettext("Lukt het niet? Bel de gemeente Rotterdam op 14 010."),
    "cookies_needed": lazy_gettext(
        "Uw browser stuurde ons cookie niet terug. Deze vragenlijst heeft één cookie nodig om "
        "te onthouden dat u bent ingelogd; het verdwijnt als u de browser sluit. Zet cookies "
        "aan voor deze website, of gebruik een andere browser, en klik dan nog een keer op "
        "Start."
    ),
    "session_ended": lazy_gettext(
        "Uw sessie is afgelopen. Vul de code uit uw brief opnieuw in om verder te gaan. Uw "
        "opgeslagen antwoorden blijven bewaard."
    ),
    "form_expired": lazy_gettext(
        "Deze pagina was verlopen. Uw antwoorden staan er nog; controleer ze en klik nog een "
        "keer op de knop."
    ),
    # "save and continue later" with answers that did not check out: the rest was stored
    "not_saved": lazy_gettext(
        "Uw andere antwoorden zijn opgeslagen, maar dit antwoord niet, omdat het niet klopte: "
        "%(questions)s. U ziet die vraag weer als u verder gaat."
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
    # answers: every message names its question (`question`, the first sentence of its text,
    # see survey.respondent.forms.question_name) and says what that question expects
    "single_required": lazy_gettext("Kies een antwoord bij ‘%(question)s’."),
    "multiple_required": lazy_gettext("Kies ten minste één antwoord bij ‘%(question)s’."),
    "grid_row_required": lazy_gettext("Kies een antwoord bij ‘%(row)s’."),
    "option_unknown": lazy_gettext("Kies bij ‘%(question)s’ een van de antwoorden die er staan."),
    "exclusive": lazy_gettext(
        "U kunt bij ‘%(question)s’ niet ‘%(label)s’ en ook een ander antwoord kiezen. Kies "
        "‘%(label)s’ of de andere antwoorden."
    ),
    "number_required": lazy_gettext(
        "Vul bij ‘%(question)s’ een getal in van %(min)s tot en met %(max)s."
    ),
    "number_required_or_missing": lazy_gettext(
        "Vul bij ‘%(question)s’ een getal in van %(min)s tot en met %(max)s, of kies "
        "‘%(label)s’."
    ),
    "number_invalid": lazy_gettext(
        "Vul bij ‘%(question)s’ een getal in van %(min)s tot en met %(max)s, met alleen "
        "cijfers, bijvoorbeeld %(example)s."
    ),
    "number_whole": lazy_gettext(
        "Vul bij ‘%(question)s’ een heel getal in van %(min)s tot en met %(max)s, zonder komma."
    ),
    "number_decimals": lazy_gettext(
        "Vul bij ‘%(question)s’ een getal in van %(min)s tot en met %(max)s, met hoogstens "
        "%(decimals)s cijfers achter de komma."
    ),
    "number_range": lazy_gettext(
        "Vul bij ‘%(question)s’ een getal in van %(min)s tot en met %(max)s."
    ),
    "number_and_missing": lazy_gettext(
        "Vul bij ‘%(question)s’ een getal in of kies ‘%(label)s’, niet allebei."
    ),
    "text_required": lazy_gettext("Vul een antwoord in bij ‘%(question)s’."),
    "text_too_long": lazy_gettext(
        "Uw antwoord bij ‘%(question)s’ mag hoogstens %(max)s tekens lang zijn; het is nu "
        "%(count)s tekens."
    ),
    "date_required": lazy_gettext(
        "Vul bij ‘%(question)s’ een datum in: dag, maand en jaar, bijvoorbeeld %(example)s."
    ),
    "date_no_day": lazy_gettext(
        "Vul bij ‘%(question)s’ ook de dag in, bijvoorbeeld %(example)s."
    ),
    "date_no_month": lazy_gettext(
        "Vul bij ‘%(question)s’ ook de maand in, bijvoorbeeld %(example)s."
    ),
    "date_no_year": lazy_gettext(
        "Vul bij ‘%(question)s’ ook het jaar in, bijvoorbeeld %(example)s."
    ),
    "date_year_digits": lazy_gettext(
        "Vul bij ‘%(question)s’ het jaar in met 4 cijfers, bijvoorbeeld %(example)s."
    ),
    "date_invalid": lazy_gettext(
        "Vul bij ‘%(question)s’ een bestaande datum in, met dag, maand en jaar in cijfers, "
        "bijvoorbeeld %(example)s."
    ),
    "date_too_early": lazy_gettext(
        "Vul bij ‘%(question)s’ een datum in op of na %(min)s, bijvoorbeeld %(example)s."
    ),
    "date_too_late": lazy_gettext(
        "Vul bij ‘%(question)s’ een datum in op of voor %(max)s, bijvoorbeeld %(example)s."
    ),
}


def message(key: str, **values) -> str:
    """The message for `key` in the current language, with `values` filled in.

    Raises KeyError for a key that is not in the table, so that a typo fails in the tests
    rather than showing a respondent nothing."""
    text = str(ERROR_MESSAGES[key])
    return text % values if values else text


__all__ = ["ERROR_MESSAGES", "message"]
