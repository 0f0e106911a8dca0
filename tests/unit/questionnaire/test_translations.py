"""The translation workflow: messages.pot is current, every catalogue has its msgids and
compiles, and the questionnaire extractor finds every text with line and question id."""

import io
import re

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from survey.errors import QuestionnaireError
from survey.paths import PROJECT_ROOT, TRANSLATIONS_DIR
from survey.questionnaire.babel_extract import extract_questionnaire
from tests.support import bombs

LANGUAGES = ["en", "tr", "ar", "pl"]


def msgids(path):
    with open(path, "rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_messages_pot_is_current(tmp_path, monkeypatch):
    fresh = tmp_path / "messages.pot"
    monkeypatch.chdir(PROJECT_ROOT)
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "lazy_gettext",
                                "--add-comments=TRANSLATORS:", "-o", str(fresh), "."])
    current, wanted = msgids(TRANSLATIONS_DIR / "messages.pot"), msgids(fresh)
    assert current == wanted, (
        f"translations/messages.pot is stale: {len(wanted - current)} new, "
        f"{len(current - wanted)} gone, e.g. {sorted(wanted ^ current)[:3]}; "
        f"re-extract as in translations/README.md")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_msgid_and_compiles(language):
    po = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale=language)
    missing = msgids(TRANSLATIONS_DIR / "messages.pot") - {m.id for m in catalog if m.id}
    assert not missing, f"{po}: run `pybabel update` (missing e.g. {sorted(missing)[:3]})"
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert not problems, problems
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert buffer.getvalue()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # .mo magic


def _translations(message):
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_translates_every_string(language):
    """A respondent never meets Dutch in the middle of her language: every msgid, of the
    interface and of both questionnaires, has a translation that is not marked fuzzy."""
    po = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale=language)
    untranslated = [m.id for m in catalog
                    if m.id and (m.fuzzy or not all(s.strip() for s in _translations(m)))]
    assert not untranslated, (
        f"{po}: {len(untranslated)} strings without a translation, e.g. {untranslated[:3]}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translation_keeps_paragraphs_and_placeholders(language):
    """The page splits a text into paragraphs on blank lines and fills in placeholders, so a
    translation must have as many paragraphs and the same placeholders as its Dutch source."""
    po = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale=language)
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    wrong = []
    for m in catalog:
        if not m.id or isinstance(m.id, tuple) or not m.string:
            continue
        if m.id.count("\n\n") != m.string.count("\n\n"):
            wrong.append((m.id[:40], "paragraphs"))
        if sorted(placeholder.findall(m.id)) != sorted(placeholder.findall(m.string)):
            wrong.append((m.id[:40], "placeholders"))
    assert not wrong, f"{po}: {wrong[:5]}"


# A buurt (the streets around the home, the questionnaires' unit) and a wijk (one of Rotterdam's
# 71 districts) are different areas; each language keeps one word for each, so a respondent never
# reads one for the other. Stems, so that inflected forms count.
GLOSSARY = {"en": ("neighbourhood", "district"), "tr": ("mahalle", "semt"),
            "ar": ("حي", "منطق"), "pl": ("okolic", "dzielnic")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_buurt_and_wijk_keep_their_own_words(language):
    buurt_word, wijk_word = GLOSSARY[language]
    po = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale=language)
    wrong = []
    for m in catalog:
        if not m.id or isinstance(m.id, tuple) or not m.string:
            continue
        if re.search(r"\bbuurt\b", m.id, re.I) and buurt_word not in m.string.lower():
            wrong.append((m.id[:50], f"buurt is '{buurt_word}'"))
        if re.search(r"\bwijk\b", m.id, re.I) and wijk_word not in m.string.lower():
            wrong.append((m.id[:50], f"wijk is '{wijk_word}'"))
    assert not wrong, f"{po}: {wrong[:5]}"


def test_polish_addresses_the_respondent_as_pan_pani():
    """The questionnaires say Pan/Pani, so the interface does too: no ty-forms (Twoje, Możesz)
    and no past tense in one gender only (odpowiedziałeś), which `odpowiedział(a)` avoids."""
    po = TRANSLATIONS_DIR / "pl" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale="pl")
    informal = re.compile(r"\b(?:ty|cię|ciebie|tobie|twó[jy]|twoj\w*|twoi\w*|jesteś|możesz|chcesz"
                          r"|musisz|masz|wiesz|\w+ł[ae]ś)\b", re.I)
    found = [(m.id[:40], informal.findall(m.string)) for m in catalog
             if m.id and isinstance(m.string, str) and informal.search(m.string)]
    assert not found, f"{po}: {found[:5]}"


def test_extractor_takes_every_text_with_line_and_owner(minimal_path):
    with open(minimal_path, "rb") as f:
        messages = list(extract_questionnaire(f, [], [], {}))
    found = {(line, text): comments[0] for line, _, text, comments in messages}
    assert found[(5, "Kleine testvragenlijst")] == "minimal: title"
    assert found[(6, "Een vragenlijst om de motor mee te testen.")] == "minimal: intro"
    assert found[(32, "jaar")] == "minimal: question 'leeftijd' unit"
    assert found[(39, "Welk rapportcijfer geeft u uw buurt?")] == "minimal: question 'buurt-rapportcijfer' text"
    assert found[(40, "1 is zeer slecht, 10 is uitstekend.")] == "minimal: question 'buurt-rapportcijfer' help"
    assert found[(10, "Ja")] == "minimal: scale 'ja_nee' option 'ja' label"
    assert found[(55, "Ik voel me thuis in deze buurt.")] == (
        "minimal: question 'cohesie-stellingen' row 'thuis' text")
    assert found[(63, "Van niemand")] == "minimal: question 'hulp' option 'geen' label"
    assert found[(22, "Uw buurt")] == "minimal: section 'buurt' title"
    assert found[(26, "Over u")] == "minimal: page 'over-u' title"
    # nothing but texts: no ids, variables or values
    assert not {text for _, text in found} & {"leeftijd", "ja", "buurt", "kern", "minimal"}
    # one message per `title:`, `intro:`, `text:`, `help:`, `label:`, `unit:` a respondent reads:
    # all of the file but the indicators' labels, which are the report's Dutch column names
    source = minimal_path.read_text()
    respondent_part, indicator_part = source.split("\nindicators:\n")
    keys = re.findall(r"\b(?:title|intro|text|help|label|unit): ", respondent_part)
    assert len(messages) == len(keys) == 34
    assert not any("indicator" in comment for comment in found.values())
    assert not {text for _, text in found} & set(re.findall(r"label: (.+)", indicator_part))


@pytest.mark.parametrize("text, message", [
    ("id: x\ntitle: Een\ntitle: Twee\n", "x.yaml line 3: duplicate key 'title' (first on line 2)"),
    ("id: x\ntitle: [Een\n", "x.yaml line 3: not valid YAML"),
    ("id: x\n" + bombs.yaml_alias_bomb(), "x.yaml line 7: YAML too large: expands to more than"),
    (bombs.yaml_deep_nesting(), "x.yaml line 1: YAML too large: nested more than"),
], ids=["duplicate key", "syntax", "alias bomb", "deep nesting"])
def test_extractor_refuses_what_the_questionnaire_check_refuses(text, message):
    """The extractor reads the YAML as the checker does (`weighting.yaml_lines`): a file the
    check refuses stops `pybabel extract` with its line, an alias bomb before it is expanded."""
    source = io.BytesIO(text.encode("utf-8"))
    source.name = "x.yaml"
    with pytest.raises(QuestionnaireError) as refused:
        list(extract_questionnaire(source, [], [], {}))
    assert str(refused.value).startswith(message)
