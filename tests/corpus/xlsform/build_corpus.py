"""Writes the broken XLSForm workbooks of this folder (run it after changing a case:
`python tests/corpus/xlsform/build_corpus.py`). The text files here were written by hand."""

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
HEADER = ["type", "name", "label::Nederlands (nl)", "required", "constraint"]
AGE = ". >= 15 and . <= 120"
GOOD = [
    ["begin group", "buurt", "Uw buurt", None, None],
    ["integer", "leeftijd", "Wat is uw leeftijd?", "yes", AGE],
    ["select_one ja_nee", "woont_buurt", "Woont u in deze buurt?", None, None],
    ["end group", None, None, None, None],
]
CHOICES = [["list_name", "name", "label::Nederlands (nl)"], ["ja_nee", "ja", "Ja"],
           ["ja_nee", "nee", "Nee"]]
SETTINGS = [["form_title", "form_id", "version"], ["Buurt", "buurt", "2024.1"]]


def write(name, survey, choices=CHOICES, settings=SETTINGS, survey_title="survey"):
    workbook = openpyxl.Workbook()
    sheets = [(survey_title, survey), ("choices", choices), ("settings", settings)]
    for index, (title, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet(title)
        sheet.title = title
        for row in rows:
            sheet.append(row)
    workbook.save(HERE / name)


def build():
    write("good.xlsx", [HEADER, *GOOD])
    write("no_survey_sheet.xlsx", [HEADER, *GOOD], survey_title="vragen")
    write("missing_type_column.xlsx", [HEADER[1:], *[row[1:] for row in GOOD]])
    write("duplicate_names.xlsx", [HEADER, *GOOD[:3], ["integer", "leeftijd", "Nog eens?", None, AGE],
                                   GOOD[3]])
    # a formula instead of a label: the workbook holds no value for it
    write("formula_label.xlsx", [HEADER, GOOD[0], ["integer", "leeftijd", "=1+1", "yes", AGE],
                                 *GOOD[2:]])
    write("unknown_type.xlsx", [HEADER, GOOD[0], ["barcode", "scan", "Scan de code", None, None],
                                *GOOD[1:]])
    write("unknown_choice_list.xlsx", [HEADER, GOOD[0], GOOD[1],
                                       ["select_one kleuren", "kleur", "Welke kleur?", None, None],
                                       GOOD[3]])
    write("formula_name.xlsx", [HEADER, GOOD[0], ["integer", "=cmd|' /C calc'!A0", "Leeftijd", None, AGE],
                                *GOOD[2:]])
    (HERE / "not_a_workbook.xlsx").write_text("type,name,label\ninteger,leeftijd,Leeftijd\n",
                                              encoding="utf-8")
    (HERE / "semicolon_csv.xlsx").write_text("type;name;label\ninteger;leeftijd;Leeftijd\n",
                                             encoding="utf-8")
    (HERE / "empty.xlsx").write_bytes(b"")


if __name__ == "__main__":
    build()
