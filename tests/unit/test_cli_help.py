"""`wijkprofiel --help` lists every command without importing one: the short help texts stated
in survey.cli.SUBCOMMANDS are the commands' own, so the list reads exactly as click would
write it from the imported commands; `wijkprofiel CMD --help` still shows the command's full
help."""

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from survey.cli import SUBCOMMANDS, LazyCommands, main

ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter: the help with no command imported, which command modules that
# loaded, and the help again once every command is imported (as before they were lazy).
PROBE = """
import json, sys
from click.testing import CliRunner
from survey.cli import SUBCOMMANDS, main
before = CliRunner().invoke(main, ["--help"], prog_name="wijkprofiel")
modules = sorted({m for spec in SUBCOMMANDS.values() for m in spec.modules} & set(sys.modules))
for name in SUBCOMMANDS:
    main.commands[name]
after = CliRunner().invoke(main, ["--help"], prog_name="wijkprofiel")
print(json.dumps([before.exit_code, before.output, modules, after.output]))
"""


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_the_stated_short_help_is_the_commands_own(name):
    command = main.commands[name]
    stand_in = LazyCommands({}, {name: SUBCOMMANDS[name]}).listed(name)
    assert SUBCOMMANDS[name].short_help == command.get_short_help_str(limit=10_000), (
        f"survey/cli.py SUBCOMMANDS[{name!r}]: the short help differs from the command's "
        "(its docstring's first sentence); state the command's own")
    # shortened to any width of the list as the command's own would be
    for limit in range(10, 200):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), limit


def test_the_group_help_imports_no_command_and_lists_them_as_click_would():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    exit_code, before, modules, after = json.loads(done.stdout)
    assert exit_code == 0
    assert modules == []
    assert before == after
    assert "Commands:\n" in before
    for name in [*SUBCOMMANDS, "db", "run", "shell", "routes"]:
        assert f"\n  {name} " in before, name
    assert "  report         Weight an edition, estimate every indicator per wijk,..." in before


def test_a_commands_own_help_is_its_full_help():
    result = CliRunner().invoke(main, ["report", "--help"], prog_name="wijkprofiel")
    assert result.exit_code == 0
    assert "Usage: wijkprofiel report [OPTIONS]" in result.output
    # the docstring's first paragraph in full, beyond the listed sentence's shortening
    assert "a labelled SPSS file with codebook per edition" in " ".join(result.output.split())
    assert "--out" in result.output


def test_the_app_adds_no_command_the_list_would_miss(app):
    """The group lists its commands without building the app (FlaskGroup would, for the app's
    own `app.cli` commands): a command added there must go into the group instead."""
    assert app.cli.list_commands(click.Context(app.cli)) == []
