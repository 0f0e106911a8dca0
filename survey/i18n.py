"""Languages of the respondent web pages: Flask-Babel set-up, locale choice and direction.

Dutch is the source language: every msgid, in the templates, the code and the questionnaire
files, is the Dutch text. The catalogues in `translations/` are `.po` files only (compiled
`.mo` files are never committed), so `init_app` compiles any missing or stale catalogue into
`<instance>/translations/` when the app starts and points Flask-Babel there.

The respondent picks a language on the start page (`?lang=ar`, remembered in the session);
before that the browser's Accept-Language decides, and Dutch is the fallback. Staff pages
(under /staff) are Dutch only, whatever the browser or the session asks; the one exception is
a phone interview's question block, which `survey.routes.phone` renders in the language the
interviewer chose for the unit (flask_babel's `force_locale`), marked with its lang and dir.
"""

import os
import re
from datetime import date
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import redirect, request, session
from flask_babel import Babel, format_date, get_locale, get_translations
from markupsafe import Markup, escape


# code -> (name in its own language, text direction)
LANGUAGES = {
    "nl": ("Nederlands", "ltr"),
    "en": ("English", "ltr"),
    "tr": ("Türkçe", "ltr"),
    "ar": ("العربية", "rtl"),
    "pl": ("Polski", "ltr"),
}
DEFAULT_LANGUAGE = "nl"
STAFF_PATH = "/staff"

babel = Babel()


def init_app(app):
    source = Path(app.config["TRANSLATIONS_DIR"])
    compiled = Path(app.instance_path) / "translations"
    compile_catalogues(source, compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=select_language)
    app.jinja_env.filters["qt"] = questionnaire_html
    app.jinja_env.filters["qt_plain"] = questionnaire_text
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["show_iso_date"] = show_iso_date
    app.before_request(_remember_language_from_query)
    app.context_processor(_language_context)


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Compile every `<lang>/LC_MESSAGES/messages.po` under `source` whose `.mo` under
    `target` is missing or older. Returns the `.mo` files written.

    Each file is written to a temporary name and renamed, so that several workers starting at
    once never read half a catalogue.
    """
    written = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        handle, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(tmp_name, mo_path)
        written.append(mo_path)
    return written


def select_language() -> str:
    """Dutch on staff pages; elsewhere the session's language, else the browser's best match,
    else Dutch."""
    if is_staff_page():
        # written in Dutch (<html lang="nl">): their messages, the catalogues' and the table
        # reader's alike, must not turn Turkish or English with a coordinator's browser
        return DEFAULT_LANGUAGE
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES.keys()) or DEFAULT_LANGUAGE


def is_staff_page() -> bool:
    """Whether this request is for a staff page: every staff blueprint lives under /staff."""
    return request.path == STAFF_PATH or request.path.startswith(STAFF_PATH + "/")


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def text_direction(language: str | None = None) -> str:
    return LANGUAGES.get(language or current_language(), LANGUAGES[DEFAULT_LANGUAGE])[1]


def questionnaire_text(text: str | None) -> str:
    """A questionnaire text in the current language: its msgid is the Dutch text. Unlike
    Jinja's `_()` this never %-formats, so a text may contain '%' freely."""
    if not text:
        return ""
    return get_translations().ugettext(text)


def questionnaire_html(text: str | None) -> Markup:
    """`questionnaire_text` for element content: a text not yet translated is shown in Dutch
    and marked `lang="nl"`, so a screen reader reads it with a Dutch voice (WCAG 3.1.2)."""
    if not text:
        return Markup("")
    translated = questionnaire_text(text)
    if translated == text and current_language() != DEFAULT_LANGUAGE:
        return Markup('<span lang="nl" dir="ltr">%s</span>') % text
    return mark_dutch_terms(translated, text)


# a bracketed term of at least three characters, not glued to a word ("sam(a)" is no term)
_BRACKETED = re.compile(r"(?<!\w)\(([^()]{3,}?)\)")


def mark_dutch_terms(translated: str, source: str) -> Markup:
    """`translated`, escaped, with each Dutch term the translation keeps in brackets, such as
    "(aangifte)" or "(huurtoeslag)", marked `lang="nl"` so that a screen reader says it with
    a Dutch voice (WCAG 3.1.2). A term counts as Dutch when the Dutch source has it as a
    whole word.

    >>> mark_dutch_terms("Kira yardımı (huurtoeslag) alıyor musunuz?",
    ...                  "Ontvangt u huurtoeslag?")
    Markup('Kira yardımı (<span lang="nl" class="dutch-term">huurtoeslag</span>) alıyor musunuz?')
    """
    if current_language() == DEFAULT_LANGUAGE or translated == source:
        return escape(translated)
    parts, end = [], 0
    for match in _BRACKETED.finditer(translated):
        term = match.group(1).strip()
        if not re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", source, re.I):
            continue
        parts += [escape(translated[end:match.start(1)]),
                  Markup('<span lang="nl" class="dutch-term">%s</span>') % match.group(1)]
        end = match.end(1)
    parts.append(escape(translated[end:]))
    return Markup("").join(parts)


def paragraphs(text: str | None) -> Markup:
    """A questionnaire text (translated as a whole) with blank lines as paragraph breaks,
    escaped, as HTML paragraphs; marked Dutch where it is not yet translated."""
    if not text:
        return Markup("")
    translated = questionnaire_text(text)
    untranslated = translated == text and current_language() != DEFAULT_LANGUAGE
    opening = Markup('<p lang="nl" dir="ltr">') if untranslated else Markup("<p>")
    parts = [p.strip() for p in str(translated).split("\n\n") if p.strip()]
    return Markup("").join(opening + mark_dutch_terms(p, text) + Markup("</p>") for p in parts)


def show_iso_date(value: str | None) -> str:
    """An ISO date as the current language writes it in full ('27 maart 1980')."""
    if not value:
        return ""
    try:
        if re.fullmatch(r"\d{4}-\d{2}", value):  # an estimate: year and month only
            return format_date(date(int(value[:4]), int(value[5:]), 1), format="LLLL y")
        return format_date(date.fromisoformat(value), format="long")
    except ValueError:
        return value


def _remember_language_from_query():
    """`?lang=xx` on any GET page sets the language and reloads the page without it, so the
    language links work without JavaScript and the address stays clean."""
    lang = request.args.get("lang")
    if request.method != "GET" or lang is None:
        return None
    if lang in LANGUAGES:
        session["lang"] = lang
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return redirect(request.path + ("?" + urlencode(rest) if rest else ""), code=303)


def _language_context():
    language = current_language()
    return {
        "current_language": language,
        "text_direction": text_direction(language),
        "languages": LANGUAGES,
    }
