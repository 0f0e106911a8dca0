"""The bad-input corpus in tests: where it lives, running a command on it, and what a clean
failure looks like (one message naming the file and where, nothing written)."""

from pathlib import Path

from click.testing import CliRunner

from survey.cli import main


CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def run_cli(args, app=None, **kwargs):
    runner = app.test_cli_runner() if app is not None else CliRunner()
    return runner.invoke(main, [str(a) for a in args], **kwargs)


def assert_clean_failure(result, name, fragments):
    """Exit 1, one `Error: <file>...` message with every fragment, and no traceback; returns
    the error line."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    error = next(line for line in result.output.splitlines() if line.startswith("Error: "))
    assert name in error, error
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} not in {result.output!r}"
    return error
