"""A command pointed at the wrong database (an empty file, a server that is down) stops with
one line naming the database and what to do, never a traceback."""

import pytest

from tests.support.bad_input import run_cli


def _clean_failure(result, database, *fragments):
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    error = next(line for line in result.output.splitlines() if line.startswith("Error: "))
    assert database in error, error
    for fragment in fragments:
        assert fragment in error, error


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
    _clean_failure(result, path, "db upgrade")


def test_a_database_server_that_is_down_is_named():
    url = "postgresql://wijkprofiel:secret@127.0.0.1:1/wijkprofiel"
    result = run_cli(["staff", "list"], env={"DATABASE_URL": url})
    _clean_failure(result, "127.0.0.1:1/wijkprofiel")
    assert "secret" not in result.output
