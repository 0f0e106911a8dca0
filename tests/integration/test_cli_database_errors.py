"""A command pointed at the wrong database (an empty file, a server that is down) stops with
one line naming the database and what to do, never a traceback."""

import pytest

from tests.support.bad_input import assert_clean_failure, run_cli


@pytest.fixture
def empty_database(tmp_path):
    path = tmp_path / "empty.db"
    return f"sqlite:///{path}", str(path)


@pytest.mark.parametrize("command", [
    ["report", "--no-pdf"],
    ["publish", "--report", "{report}"],
    ["staff", "list"],
])
def test_a_database_without_our_tables_is_named_with_the_way_out(command, empty_database,
                                                                 tmp_path):
    url, path = empty_database
    report = tmp_path / "report"
    report.mkdir()
    args = [part.format(report=report) for part in command] + (
        ["--out", str(tmp_path / "out")] if command[0] in ("report", "publish") else [])
    result = run_cli(args, env={"DATABASE_URL": url})
    error = assert_clean_failure(result, path, [])
    assert "db upgrade" in error, error


def test_a_database_server_that_is_down_is_named():
    url = "postgresql://wijkprofiel:secret@127.0.0.1:1/wijkprofiel"
    result = run_cli(["staff", "list"], env={"DATABASE_URL": url})
    assert_clean_failure(result, "127.0.0.1:1/wijkprofiel", [])
    assert "secret" not in result.output
