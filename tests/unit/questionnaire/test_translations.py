"""The translation workflow: messages.pot is current, every catalogue has its msgids and
compiles, and the questionnaire extractor finds every text with line and question id."""

import io
import re

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from survey import PROJECT_ROOT, TRANSLATIONS_DIR
from survey.questionnaire.babel_extract import extract_questionnaire

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
    assert "minimal: indicator 'sociale_cohesie' label" in found.values()
    # nothing but texts: no ids, variables or values
    assert not {text for _, text in found} & {"leeftijd", "ja", "buurt", "kern", "minimal"}
    # one message per `title:`, `intro:`, `text:`, `help:`, `label:`, `unit:` in the file
    keys = re.findall(r"\b(?:title|intro|text|help|label|unit): ", minimal_path.read_text())
    assert len(messages) == len(keys) == 37
