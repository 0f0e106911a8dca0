import pytest

from survey.population.wijken import WIJKEN_CSV, load_wijken
from survey.errors import InputError


def test_the_shipped_table_has_71_wijken_in_14_gebieden():
    wijken = load_wijken()
    assert len(wijken) == 71
    assert wijken["gebied"].nunique() == 14
    # CBS 1-1-2018: 534,794 residents aged 15+ in the 71 wijken (sum of the age columns)
    assert wijken["population_15_plus"].sum() == 534_794
    tarwewijk = wijken.set_index("wijk").loc["Tarwewijk"]
    assert (tarwewijk["gebied"], tarwewijk["wijk_code"]) == ("Charlois", 71)


def write(tmp_path, transform):
    lines = WIJKEN_CSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "wijken.csv"
    path.write_text("\n".join(transform(lines)) + "\n", encoding="utf-8")
    return path


def test_a_missing_column_is_named(tmp_path):
    path = write(tmp_path, lambda lines: [lines[0].replace("age_65_plus", "age_65")] + lines[1:])
    with pytest.raises(InputError, match=r"wijken.csv row 1: missing column\(s\) age_65_plus"):
        load_wijken(path)


def test_a_bad_count_names_row_and_column(tmp_path):
    def corrupt(lines):
        cells = lines[3].split(",")
        cells[8] = "veel"  # age_15_24 of the third wijk
        return lines[:3] + [",".join(cells)] + lines[4:]

    with pytest.raises(InputError) as error:
        load_wijken(write(tmp_path, corrupt))
    assert str(error.value) == (
        f"{tmp_path / 'wijken.csv'} row 4, column 'age_15_24': "
        "'veel' is not a whole number >= 0"
    )


def test_a_duplicate_wijk_code_is_refused(tmp_path):
    path = write(tmp_path, lambda lines: lines + [lines[1].replace("Tarwewijk", "Tarwewijk 2")])
    with pytest.raises(InputError, match=r"row 73, column 'wijk_code': '71' appears twice"):
        load_wijken(path)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_wijken(tmp_path / "nope.csv")
