"""The dashboard's roll-up, sorting, cumulative series and target table, on small inputs."""

from datetime import date

import pytest

from survey.errors import InputError
from survey.fieldwork import dashboard
from survey.fieldwork.dashboard import Filters, Row
from survey.population import targets

AREAS = [(1, "Stadsdriehoek", "Centrum"), (2, "Oude Westen", "Centrum"),
         (3, "Hillesluis", "Feijenoord")]
# (wijk_code, wave, mode, disposition, units, started), as from group_counts
COUNTS = [
    (1, 1, "web", "1.1", 3, 3), (1, 1, "paper", "1.1", 1, 1), (1, 1, "web", "2.12", 1, 1),
    (1, 1, None, "3.19", 2, 0), (1, 1, None, "2.11", 1, 0),
    (2, 2, "phone", "1.1", 1, 1), (2, 2, "web", "1.2", 1, 1), (2, 2, None, "4.10", 1, 0),
    (2, 2, None, "3.30", 1, 0),
]


def table(**kwargs):
    targets = {1: 10, 2: 4, 3: 5}
    return dashboard.build_table(COUNTS, AREAS, targets, **kwargs)


def test_wijk_gebied_and_total_rows_add_up_to_the_hand_counts():
    result = table()
    wijk = {row.name: row for row in result.wijken}
    assert (wijk["Stadsdriehoek"].gross, wijk["Stadsdriehoek"].started,
            wijk["Stadsdriehoek"].completed) == (8, 5, 4)
    assert wijk["Stadsdriehoek"].completed_by_mode == {"web": 3, "paper": 1}
    assert wijk["Stadsdriehoek"].rates["RR1"] == pytest.approx(0.5)
    assert wijk["Oude Westen"].rates["RR2"] == pytest.approx(2 / 3)
    assert wijk["Hillesluis"].gross == 0 and wijk["Hillesluis"].response is None
    gebied = {row.name: row for row in result.gebieden}
    assert gebied["Centrum"].gross == 12 and gebied["Centrum"].target == 14
    assert result.total.rates["RR1"] == pytest.approx(5 / 11)
    assert result.total.rates["RR2"] == pytest.approx(6 / 11)
    assert result.total.completed_by_wave == {1: 4, 2: 1}
    assert result.total.target_share == pytest.approx(5 / 19)
    assert result.waves == [1, 2]


def test_gebied_filter_keeps_only_its_wijken():
    result = table(filters=Filters(gebied="Feijenoord"))
    assert [row.name for row in result.wijken] == ["Hillesluis"]
    assert result.total.gross == 0


def test_unknown_codes_are_reported_not_swallowed():
    result = dashboard.build_table([(1, 1, None, "9.9", 2, 0)], AREAS, {})
    assert result.unknown_codes == {"9.9": 2}
    assert result.total.outcomes.UO == 2


def test_sort_by_a_rate_puts_empty_values_last_in_both_directions():
    rows = table().wijken
    ascending = [row.name for row in dashboard.sort_rows(rows, "RR1")]
    descending = [row.name for row in dashboard.sort_rows(rows, "RR1", descending=True)]
    assert ascending == ["Oude Westen", "Stadsdriehoek", "Hillesluis"]
    assert descending == ["Stadsdriehoek", "Oude Westen", "Hillesluis"]
    assert [r.name for r in dashboard.sort_rows(rows, "mode_phone", True)][0] == "Oude Westen"


def test_cumulative_series_runs_per_mode_and_in_total():
    series = dashboard.cumulative_series([
        (date(2023, 3, 10), "web", 2), (date(2023, 3, 12), "web", 1),
        (date(2023, 3, 12), "paper", 1), (date(2023, 9, 20), "phone", 1)])
    assert series["all"][-1] == (date(2023, 9, 20), 5)
    assert series["web"] == [(date(2023, 3, 10), 2), (date(2023, 3, 12), 3),
                             (date(2023, 9, 20), 3)]
    assert list(series) == ["all", "web", "paper", "phone"]


def test_targets_from_a_number_or_a_csv(tmp_path):
    assert targets.load_targets(420, [1, 2]) == {1: 420, 2: 420}
    assert targets.load_targets("300", [1]) == {1: 300}
    path = tmp_path / "targets.csv"
    path.write_text("wijk_code,target\n1,500\n", encoding="utf-8")
    assert targets.load_targets(str(path), [1, 2]) == {1: 500, 2: targets.DEFAULT_TARGET}


@pytest.mark.parametrize("content, message", [
    ("wijk,target\n1,5\n", "targets.csv line 1: missing column(s) wijk_code"),
    ("wijk_code,target\n1,5\nxx,3\n", "targets.csv row 3, column 'wijk_code': 'xx' is not a wijk code"),
    ("wijk_code,target\n99,5\n", "targets.csv row 2, column 'wijk_code': wijk code 99 is not one"),
    ("wijk_code,target\n1,veel\n", "targets.csv row 2, column 'target': 'veel' is not a whole number"),
    ("wijk_code,target\n1,-4\n", "targets.csv row 2, column 'target': -4 is negative"),
])
def test_bad_target_files_name_file_row_and_column(tmp_path, content, message):
    path = tmp_path / "targets.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        targets.load_targets(str(path), [1, 2])
    assert str(error.value).startswith(str(tmp_path / message.split(" ")[0]) + " ")
    assert message.split(" ", 1)[1] in str(error.value)


def test_a_target_setting_that_is_neither_number_nor_file_is_named():
    with pytest.raises(InputError, match="FIELDWORK_TARGETS: 'lots' is neither"):
        targets.load_targets("lots", [1])
    with pytest.raises(InputError, match="FIELDWORK_TARGETS: -5 is not a whole number of 0 or more"):
        targets.load_targets(-5, [1])
    with pytest.raises(InputError, match="FIELDWORK_TARGETS: 12.5 is not a whole number"):
        targets.load_targets(12.5, [1])
    assert targets.load_targets(400.0, [1]) == {1: 400}


def test_row_value_reads_every_column():
    row = Row("wijk", "A", "G", gross=10, target=4, completed_by_mode={"web": 2},
              completed_by_wave={1: 2}, dispositions={"1.1": 2, "3.19": 8})
    values = {column.key: row.value(column.key) for column in dashboard.columns([1])}
    assert values["completed"] == 2 and values["mode_web"] == 2 and values["wave_1"] == 2
    assert values["target_share"] == 0.5 and values["response"] == 0.2 and values["UH"] == 8
