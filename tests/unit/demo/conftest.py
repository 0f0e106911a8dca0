"""A tiny pair of questionnaires with every question type and every routing device (page
`when`, question `when`, a forward `goto`, a `goto: end`), written as YAML and read with the
real loader, so that the demo generator is tested against the format and not against the
full questionnaires."""

import pytest

from survey.questionnaire.loader import load_questionnaire

TINY = """
schema_version: 1
id: {id}
version: "2024.test"
edition: 2024
title: Kleine vragenlijst
scales:
  tevreden:
    options:
      - {{value: zeer_tevreden, label: Zeer tevreden}}
      - {{value: tevreden, label: Tevreden}}
      - {{value: neutraal, label: Neutraal}}
      - {{value: ontevreden, label: Ontevreden}}
      - {{value: zeer_ontevreden, label: Zeer ontevreden}}
  vaak_soms_nooit:
    options:
      - {{value: vaak, label: Vaak}}
      - {{value: soms, label: Soms}}
      - {{value: nooit, label: Nooit}}
  ja_nee:
    options:
      - {{value: ja, label: Ja}}
      - {{value: nee, label: Nee}}
  weet_niet:
    options:
      - {{value: weet_niet, label: Weet ik niet}}
sections:
  - id: buurt
    title: Buurt
    module: kern
    pages:
      - id: woont
        title: Adres
        questions:
          - {{id: woont-adres, variable: woont_adres, type: single, text: "Woont u hier?", scale: ja_nee, required: true}}
        routing:
          - {{when: {{variable: woont_adres, in: [nee]}}, goto: end}}
      - id: oordeel
        title: Oordeel
        questions:
          - {{id: buurt-cijfer, variable: buurt_cijfer, type: number, text: "Cijfer?", min: 1, max: 10, missing: weet_niet}}
          - {{id: tevreden-buurt, variable: tevreden_buurt, type: single, text: "Tevreden?", scale: tevreden, missing: weet_niet}}
          - id: problemen
            variable: buurtproblemen
            type: grid
            text: "Komt dit voor?"
            scale: vaak_soms_nooit
            missing: weet_niet
            rows:
              - {{id: prob-rommel, variable: prob_rommel, text: Rommel op straat}}
              - {{id: prob-inbraak, variable: prob_inbraak, text: Inbraak}}
      - id: onveilig
        title: Onveilig
        questions:
          - {{id: onveilig-ooit, variable: onveilig_ooit, type: single, text: "Wel eens onveilig?", scale: ja_nee, missing: weet_niet}}
        routing:
          - {{when: {{variable: onveilig_ooit, not_in: [ja]}}, goto: slachtoffer}}
      - id: onveilig-vervolg
        title: Hoe vaak
        questions:
          - {{id: onveilig-buurt, variable: onveilig_buurt, type: single, text: "Hoe vaak?", scale: vaak_soms_nooit}}
          - {{id: onveilig-avond, variable: onveilig_avond, type: single, text: "'s Avonds?", scale: vaak_soms_nooit, when: {{variable: buurt_cijfer, max: 5}}}}
      - id: slachtoffer
        title: Slachtoffer
        questions:
          - id: slachtoffer-wat
            variable: slachtoffer
            type: multiple
            text: "Waarvan slachtoffer?"
            options:
              - {{value: fietsdiefstal, label: Fietsdiefstal}}
              - {{value: inbraak, label: Inbraak}}
              - {{value: geen, label: Geen van deze}}
            exclusive: [geen]
      - id: slachtoffer-fiets
        title: Fiets
        when: {{variable: slachtoffer, in: [fietsdiefstal]}}
        questions:
          - {{id: fiets-datum, variable: fiets_datum, type: date, text: "Wanneer?", min: "2022-01-01", max: today}}
          - {{id: fiets-aangifte, variable: fiets_aangifte, type: single, text: "Aangifte?", scale: ja_nee}}
  - id: achtergrond
    title: Over uzelf
    module: kern
    pages:
      - id: over-uzelf
        title: Over uzelf
        questions:
          - {{id: geboortejaar, variable: geboortejaar, type: number, text: "Geboortejaar?", min: 1900, max: 2010}}
          - id: geslacht
            variable: geslacht
            type: single
            text: "Geslacht?"
            options:
              - {{value: man, label: Man}}
              - {{value: vrouw, label: Vrouw}}
              - {{value: anders, label: Anders}}
          - {{id: opmerking, variable: opmerking, type: text, text: "Opmerkingen?"}}
"""


def write_tiny(directory, questionnaire_id):
    path = directory / f"{questionnaire_id}.yaml"
    path.write_text(TINY.format(id=questionnaire_id), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_questionnaires(tmp_path_factory):
    """{"veiligheidsmonitor": Questionnaire, "wijkonderzoek": Questionnaire}, both tiny."""
    directory = tmp_path_factory.mktemp("tiny-questionnaires")
    return {
        q: load_questionnaire(write_tiny(directory, q))
        for q in ("veiligheidsmonitor", "wijkonderzoek")
    }
