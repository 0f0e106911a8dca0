"""The demo's targets file follows its database, and never overrides configured targets."""

from survey.population.targets import (DEFAULT_TARGET, database_targets_path as targets_path,
                                       load_targets, targets_setting, write_targets)


def test_a_sqlite_database_keeps_its_targets_beside_it_a_server_one_in_the_instance(tmp_path):
    assert targets_path(f"sqlite:///{tmp_path}/a.db", tmp_path / "i") == \
        tmp_path / "a.db.fieldwork-targets.csv"
    first = targets_path("postgresql://u:geheim@db/wijkprofiel", tmp_path / "i")
    second = targets_path("postgresql://u:geheim@db/andere", tmp_path / "i")
    assert first.parent == tmp_path / "i" and first != second and "geheim" not in first.name


def test_the_written_file_is_what_the_dashboard_reads_and_configured_targets_win(tmp_path):
    url = f"sqlite:///{tmp_path}/demo.db"
    assert targets_setting({}, url, tmp_path) == DEFAULT_TARGET
    path = write_targets(targets_path(url, tmp_path), {3: 12, 1: 30})
    assert path.read_text(encoding="utf-8").splitlines() == ["wijk_code,target", "1,30", "3,12"]
    assert targets_setting({}, url, tmp_path) == str(path)
    assert load_targets(str(path), [1, 2, 3]) == {1: 30, 2: 420, 3: 12}
    assert targets_setting({"FIELDWORK_TARGETS": 300}, url, tmp_path) == 300
    assert targets_setting({}, f"sqlite:///{tmp_path}/other.db", tmp_path) == \
        DEFAULT_TARGET
