"""The report writes its Excel and SPSS tables only when what they are made of changed: the
same table again keeps the files; a changed value, a file deleted or edited by hand, or a
different edition writes them anew."""

import os

import pandas as pd

from survey.report import tables


def _scores(value=101.0):
    return pd.DataFrame({"level": ["stad", "gebied", "wijk"], "domain": ["Rotterdam", "Noord", "Bergpolder"],
                         "edition": [2024] * 3, "Veiligheidsindex": [value, 99.5, None]})


def _times(paths):
    return [os.stat(p).st_mtime_ns for p in paths]


def test_unchanged_tables_are_kept_and_changed_ones_rewritten(tmp_path):
    paths = tables.write_score_tables(tmp_path, _scores(), year=2024)
    written = _times(paths)
    # the same table: nothing written
    assert tables.write_score_tables(tmp_path, _scores(), year=2024) == paths
    assert _times(paths) == written
    # one value changed: all three written again, and read back with the new value
    tables.write_score_tables(tmp_path, _scores(102.0), year=2024)
    assert all(a != b for a, b in zip(_times(paths), written))
    assert pd.read_csv(tmp_path / "index_scores.csv")["Veiligheidsindex"].iloc[0] == 102.0
    # a file deleted, or edited by hand, is written again
    (tmp_path / "index_scores.xlsx").unlink()
    tables.write_score_tables(tmp_path, _scores(102.0), year=2024)
    assert (tmp_path / "index_scores.xlsx").exists()
    (tmp_path / "index_scores.csv").write_text("edited\n", encoding="utf-8")
    tables.write_score_tables(tmp_path, _scores(102.0), year=2024)
    assert "Veiligheidsindex" in (tmp_path / "index_scores.csv").read_text(encoding="utf-8")
    # another edition's label: written again
    before = _times(paths)
    tables.write_score_tables(tmp_path, _scores(102.0), year=2024, previous=2022)
    assert _times(paths) != before
