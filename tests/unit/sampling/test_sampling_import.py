"""Reading, mapping and checking a register extract or a drawn sample: every bad row named by
file, row and column; nothing stored unless the whole file is valid."""

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from survey import storage
from survey.errors import InputError
from survey.models import IdentityPerson, PopulationMargin, SampleBatch
from survey.sampling.checks import MAX_ERRORS, Context, FileErrors, check
from survey.sampling.fields import guess_mapping
from tests.support.sampling import import_file
from weighting.tables import read_table

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sampling"
HEADER = ("registernummer;voornaam;achternaam;straat;huisnummer;postcode;telefoon;wijk;"
          "geboortedatum;geslacht;migratieachtergrond;huishoudtype")
GOOD = "R1;Anna;de Vries;Lindenstraat;12;3081 AB;;Tarwewijk;14-03-1961;v;nederlands;alleenstaand"
CONTEXT = Context({71: "Tarwewijk", 72: "Carnisse", 17: "Kop van Zuid"}, date(2023, 1, 1))


def table_of(*rows, header=HEADER, name="extract.csv"):
    return read_table(("\n".join([header, *rows]) + "\n").encode("utf-8"), name)


def checked(*rows, kind="register", context=CONTEXT, **kwargs):
    table = table_of(*rows, **kwargs)
    return check(table, guess_mapping(table.headers, kind), kind, context)


def messages(result):
    return [str(e) for e in result.errors]


@pytest.mark.parametrize("content", [
    "\ufeffa;b\n1;2\n".encode("utf-8"),      # BOM, semicolon (Excel NL)
    b"a,b\r\n1,2\r\n",                        # comma, CRLF
    b"a\tb\n1\t2\n",                          # tab
])
def test_csv_with_or_without_bom_and_its_separator_detected(content):
    table = read_table(content, "x.csv")
    assert table.headers == ["a", "b"] and table.data.iloc[0].tolist() == ["1", "2"]


def test_excel_cells_read_as_text_dates_as_iso_and_whole_numbers_without_decimals():
    book = Workbook()
    book.active.append(["id", "geboortedatum", "huisnummer", "pi"])
    book.active.append([1234567, datetime(1961, 3, 14), 12.0, 0.125])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "s.xlsx")
    assert table.data.iloc[0].tolist() == ["1234567", "1961-03-14", "12", "0.125"]


def test_dutch_excel_windows_1252_csv_is_read_with_a_notice():
    table = read_table("a;b\n1;2\nÇelik;Müller\n".encode("cp1252"), "x.csv")
    assert table.data.iloc[1].tolist() == ["Çelik", "Müller"]
    assert len(table.notices) == 1
    assert "x.csv is not UTF-8 (row 3 has byte 0xc7); it was read as Windows-1252" \
        in table.notices[0]


def test_unreadable_files_are_named():
    # 0x81 is no character in Windows-1252 either
    with pytest.raises(InputError, match=r"x.csv row 3: is neither UTF-8 nor Windows-1252 "
                                         r"text \(byte 0x81\)"):
        read_table(b"a;b\n1;2\ncaf\x81;3\n", "x.csv")
    with pytest.raises(InputError, match="old Excel format"):
        read_table(b"whatever", "x.xls")
    with pytest.raises(InputError, match="is not a readable Excel workbook"):
        read_table(b"PK\x03\x04broken", "x.xlsx")
    with pytest.raises(InputError, match="x.csv row 1: the header names 'Wijk' twice"):
        read_table(b"wijk;Wijk\n1;2\n", "x.csv")


def test_a_row_with_too_many_values_is_an_error_of_that_row():
    result = checked(GOOD, GOOD.replace("R1", "R2") + ";3081;", GOOD.replace("R1", "R3") + ";;")
    assert messages(result) == ["extract.csv row 3: has 14 values where the header has 12 "
                                "columns; is there a separator inside a value that is not in "
                                "quotes?"]


def test_mapping_guessed_from_dutch_and_english_headers():
    dutch = guess_mapping(HEADER.split(";"), "register")
    assert dutch["wijk_code"] == "wijk" and dutch["birth_date"] == "geboortedatum"
    english = guess_mapping(["Person ID", "First name", "Surname", "Date of birth", "Gender",
                             "Wijkcode", "Inclusion probability", "Questionnaire"], "sample")
    assert english == {
        "register_id": "Person ID", "given_name": "First name", "name_prefix": None,
        "family_name": "Surname", "street": None, "house_number": None, "house_letter": None,
        "house_number_addition": None, "postcode": None, "city": None, "phone": None,
        "wijk_code": "Wijkcode", "birth_date": "Date of birth", "sex": "Gender",
        "migration_background": None, "household_type": None,
        "questionnaire_id": "Questionnaire", "wave": None,
        "inclusion_probability": "Inclusion probability"}


def test_a_good_row_is_cleaned():
    result = checked(GOOD, "R2;Mehmet;Yilmaz;Lindenstraat;14A;3081ab;06-12345678;72;"
                           "2007-12-31;M;niet-westers;eenoudergezin")
    assert result.ok
    frame = result.frame
    assert frame["wijk_code"].tolist() == [71, 72]
    assert frame["postcode"].tolist() == ["3081 AB", "3081 AB"]
    assert frame["birth_date"].tolist() == [date(1961, 3, 14), date(2007, 12, 31)]
    assert frame["age_group"].tolist() == ["45-64", "15-24"]  # 61 and 15 on 1 January 2023
    assert frame["sex"].tolist() == ["vrouw", "man"]
    assert frame["migration_background"].tolist() == ["nederlands", "niet_westers"]
    assert frame["household_type"].tolist() == ["alleenstaand", "met_kinderen"]
    assert frame["phone"].tolist() == [None, "06-12345678"]


def test_every_bad_row_is_listed_with_row_and_column_not_only_the_first():
    rows = [
        GOOD,                                                                    # row 2
        GOOD.replace("R1", "R2").replace(";Tarwewijk;", ";;"),                   # 3 no wijk
        GOOD.replace("R1", "R3").replace("14-03-1961", "31-02-1961"),            # 4 no such day
        GOOD.replace("R1", "R4").replace("14-03-1961", "14-03-2030"),            # 5 future
        GOOD.replace("R1", "R5").replace("4-03-1961", "4-03-1900"),              # 6 aged 122
        GOOD.replace("Anna", "Anne"),                                            # 7 duplicate
        GOOD.replace("R1", "R7").replace(";Tarwewijk;", ";Tarwewyk;"),           # 8 misspelt
        GOOD.replace("R1", "R8").replace(";Tarwewijk;", ";99;"),                 # 9 unknown code
        GOOD.replace("R1", "R9").replace(";v;", ";x;").replace("3081 AB", "308 AB"),  # 10 two
        GOOD.replace("R1", "R10").replace("14-03-1961", "gisteren"),             # 11 no date
    ]
    result = checked(*rows)
    assert messages(result) == [
        "extract.csv row 3, column 'wijk': missing wijk; expected a wijk code such as 71 or a "
        "name such as Tarwewijk",
        "extract.csv row 4, column 'geboortedatum': '31-02-1961' is an impossible date (no "
        "such day); expected a date such as 1980-02-28 or 28-02-1980",
        "extract.csv row 5, column 'geboortedatum': '14-03-2030' is an impossible birth date: "
        "after the register's reference date 2023-01-01",
        "extract.csv row 6, column 'geboortedatum': '14-03-1900' is an impossible birth date: "
        "122 years old on 2023-01-01",
        "extract.csv row 7, column 'registernummer': duplicate person: register number 'R1' is "
        "also on row 2; each person may appear once",
        "extract.csv row 8, column 'wijk': 'Tarwewyk' is not a Rotterdam wijk; did you mean "
        "'Tarwewijk'?",
        "extract.csv row 9, column 'wijk': wijk code 99 is not a Rotterdam wijk; expected one "
        "of the 3 wijk codes, such as 71 (Tarwewijk)",
        "extract.csv row 10, column 'postcode': '308 AB' is not a Dutch postcode; expected four "
        "digits and two letters, such as 3011 AB",
        "extract.csv row 10, column 'geslacht': 'x' is not a category of sex; expected one of "
        "man, vrouw",
        "extract.csv row 11, column 'geboortedatum': 'gisteren' is not a date; expected a date "
        "such as 1980-02-28 or 28-02-1980",
    ]
    assert result.error_count == 10 and result.error_rows == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert result.frame is None


def test_a_missing_column_is_named_once_not_per_row():
    header = HEADER.replace(";geboortedatum", ";gd")
    result = checked(GOOD, GOOD.replace("R1", "R2"), header=header)
    assert messages(result) == [
        "extract.csv: no column is mapped to birth_date (geboortedatum); choose it in the "
        "mapping or name a column birth_date, geboortedatum, geb_datum"]


def test_errors_are_capped_but_all_counted():
    rows = [GOOD.replace("R1", f"R{i}").replace("3081 AB", "x") for i in range(MAX_ERRORS + 50)]
    result = checked(*rows)
    assert len(result.errors) == MAX_ERRORS and result.error_count == MAX_ERRORS + 50
    assert "... and 50 more" in str(FileErrors(result))


def test_a_drawn_sample_needs_questionnaire_and_a_probability():
    header = HEADER + ";vragenlijst;golf;inclusiekans"
    result = checked(GOOD + ";VM;2;0,25", GOOD.replace("R1", "R2") + ";enquête;3;1,5",
                     kind="sample", header=header)
    assert messages(result) == [
        "extract.csv row 3, column 'vragenlijst': 'enquête' is not a category of "
        "questionnaire_id; expected one of veiligheidsmonitor, wijkonderzoek",
        "extract.csv row 3, column 'golf': '3' is not a wave; expected 1 (spring) or 2 (after "
        "the summer), or leave it empty for 1",
        "extract.csv row 3, column 'inclusiekans': '1,5' is not a probability; expected a "
        "number above 0 and at most 1, such as 0,12 (0.12)"]
    ok = checked(GOOD + ";VM;2;0,25", kind="sample", header=header)
    assert ok.frame[["questionnaire_id", "wave", "inclusion_probability"]].values.tolist() == [
        ["veiligheidsmonitor", 2, 0.25]]


def test_nothing_is_stored_from_a_file_with_one_bad_row(sqlite_url, tmp_path):
    bad = tmp_path / "extract.csv"
    lines = (FIXTURES / "register.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[12] = lines[12].replace("01-01-1938", "01-13-1938")  # the last row only
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FileErrors, match=r"1 error in 1 row; nothing was imported\n"
                                         r"extract.csv row 13, column 'geboortedatum'"):
        import_file(sqlite_url, bad, "register", 2024)
    with storage.transaction(sqlite_url) as db:
        assert db.scalar(select(func.count()).select_from(IdentityPerson)) == 0
        assert db.scalar(select(func.count()).select_from(SampleBatch)) == 0


def test_a_newer_extract_updates_the_persons_and_is_the_new_frame(sqlite_url, tmp_path):
    first = import_file(sqlite_url, FIXTURES / "register.csv", "register", 2024)
    moved = tmp_path / "register-2.csv"
    text = (FIXTURES / "register.csv").read_text(encoding="utf-8-sig")
    moved.write_text(text.replace("Lindenstraat;12;3081 AB", "Rozenlaan;7;3081 AC"),
                     encoding="utf-8")
    second = import_file(sqlite_url, moved, "register", 2024)
    assert (first.persons_added, second.persons_added, second.persons_updated) == (12, 0, 12)
    with storage.transaction(sqlite_url) as db:
        anna = db.scalar(select(IdentityPerson).where(IdentityPerson.register_id == "BRP-0000001"))
        margins = db.scalar(select(func.sum(PopulationMargin.total))
                            .where(PopulationMargin.variable == "sex"))
    assert (anna.street, anna.house_number, anna.postcode) == ("Rozenlaan", "7", "3081 AC")
    assert margins == 12  # replaced, not added up


def test_persons_under_15_are_left_out_of_a_register_and_counted():
    result = checked(GOOD, GOOD.replace("R1", "R2").replace("14-03-1961", "14-03-2010"),
                     GOOD.replace("R1", "R3").replace("14-03-1961", "02-01-2008"))
    assert result.ok and result.left_out_young == 2
    assert result.frame["register_id"].tolist() == ["R1"]
    assert any("2 person(s) under 15 on the reference date 2023-01-01 are left out" in n
               for n in result.notices)


def test_a_drawn_sample_holding_a_child_is_an_error():
    header = HEADER + ";vragenlijst;inclusiekans"
    row = GOOD.replace("14-03-1961", "14-03-2010") + ";vm;0,1"
    result = checked(row, kind="sample", header=header)
    assert messages(result) == [
        "extract.csv row 2, column 'geboortedatum': '14-03-2010': 12 years old on 2023-01-01, "
        "and the Wijkprofiel samples residents aged 15 and over; was the sample drawn from the "
        "whole register?"]


def test_the_very_same_row_twice_is_imported_once_with_a_notice():
    result = checked(GOOD, GOOD)
    assert result.ok and result.frame["register_id"].tolist() == ["R1"]
    assert any("1 row(s) repeat an earlier row exactly (rows 3)" in n for n in result.notices)


def test_a_plain_brp_extract_without_migration_background_and_household_type():
    header = "registernummer;voornaam;achternaam;straat;huisnummer;postcode;wijk;geboortedatum;geslacht"
    result = checked("R1;Anna;de Vries;Lindenstraat;12;3081 AB;Tarwewijk;14-03-1961;v",
                     header=header)
    assert result.ok
    assert result.frame["migration_background"].tolist() == [""]
    assert any("no column for migratieachtergrond and huishoudtype" in n for n in result.notices)


DUTCH_HEADER = ("registernummer;voornamen;voorvoegsel;geslachtsnaam;straatnaam;huisnummer;"
                "huisletter;huisnummertoevoeging;postcode;woonplaats;wijk;geboortedatum;geslacht")


def test_voorvoegsel_huisletter_toevoeging_and_woonplaats_are_fields_of_their_own():
    table = table_of("R1;Johannes Cornelis;van 't;Hoek;Burgemeester Hoffmanplein;392;a;rd;"
                     "3151 AB;Hoek van Holland;Tarwewijk;14-03-1961;m",
                     "R2;Anna;;Jansen;Lindenstraat;12;;;3081AB;Rotterdam;Tarwewijk;14-03-1961;v",
                     header=DUTCH_HEADER)
    mapping = guess_mapping(table.headers, "register")
    assert (mapping["name_prefix"], mapping["house_letter"], mapping["house_number_addition"],
            mapping["city"]) == ("voorvoegsel", "huisletter", "huisnummertoevoeging",
                                 "woonplaats")
    result = check(table, mapping, "register", CONTEXT)
    assert result.ok and result.unused_columns == []
    first = result.frame.iloc[0]
    assert (first.name_prefix, first.house_letter, first.house_number_addition, first.city) == (
        "van 't", "a", "rd", "Hoek van Holland")
    second = result.frame.iloc[1]
    assert (second.name_prefix, second.house_letter, second.city) == (None, None, "Rotterdam")


def test_bad_address_parts_are_named():
    result = checked("R1;Jan;van der;Berg;Straat;12a;b;toolong;3081 AB;Rotterdam;Tarwewijk;"
                     "14-03-1961;m",
                     "R2;Jan;v4n;Berg;Straat;12;bb;1;3081 AB;Rotterdam;Tarwewijk;14-03-1961;m",
                     header=DUTCH_HEADER)
    assert messages(result) == [
        "extract.csv row 2, column 'huisnummer': '12a' is not a house number; with huisletter "
        "and toevoeging in their own columns, expected a whole number such as 392",
        "extract.csv row 2, column 'huisnummertoevoeging': 'toolong' is not a "
        "huisnummertoevoeging; expected up to four letters or digits, such as 2, rd or bis (or "
        "leave it empty)",
        "extract.csv row 3, column 'voorvoegsel': 'v4n' is not a voorvoegsel; expected words "
        "such as van, de, van 't, in 't or d' (or leave it empty)",
        "extract.csv row 3, column 'huisletter': 'bb' is not a huisletter; expected one letter, "
        "such as a or B (or leave it empty)"]


def test_unused_columns_are_listed():
    table = table_of(GOOD + ";x", header=HEADER + ";opmerking")
    result = check(table, guess_mapping(table.headers, "register"), "register", CONTEXT)
    assert result.unused_columns == ["opmerking"]


def test_a_register_for_an_edition_that_has_a_sample_is_refused():
    context = Context(CONTEXT.wijk_names, CONTEXT.reference_date, set(), 2024, sample_size=852)
    result = checked(GOOD, context=context)
    assert not result.ok
    assert "edition 2024 already has a sample of 852 units; a new register extract would " \
           "replace the margins" in messages(result)[0]
