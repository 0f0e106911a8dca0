"""The commands the README and docs/ show are true: every `wijkprofiel ...` (or `python -m
survey ...`) names commands that exist, each answers `--help`, and the options shown are
options of that command; and CI runs the test command the README gives."""

import re

import click
import pytest
from click.testing import CliRunner

from survey.cli import main
from survey.paths import PROJECT_ROOT

PAGES = sorted([PROJECT_ROOT / "README.md", PROJECT_ROOT / "deploy" / "README.md",
                *(PROJECT_ROOT / "docs").glob("*.md")])
PROGRAM = re.compile(r"(?:wijkprofiel|python3? -m survey)(?![\w./-])")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)


def shown_commands(text):
    """The command lines in inline code and at the start of lines in code blocks."""
    for block in FENCE.findall(text):
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ")
            for segment in re.split(r"&&|;", line):
                if PROGRAM.match(segment.strip()):
                    yield segment.strip()
    prose = FENCE.sub("", text)
    for span in re.findall(r"`([^`\n]+)`", prose):
        span = span.strip()
        if PROGRAM.match(span):
            yield span
        elif len(span.split()) > 1 and span.split()[0] in main.commands:
            # a subcommand written without the program, as tables do: `sample draw --seed N`
            yield f"wijkprofiel {span}"


def resolve(line):
    """(command path, the click command, options shown) for one shown command line."""
    line = line.replace("\\|", "|").split("#", 1)[0]
    tokens = PROGRAM.sub("", line, count=1).split()
    path, command = [], main
    for token in tokens:
        if not isinstance(command, click.Group):
            break
        word = token.strip("[]()")
        if word not in command.commands:
            word = default_subcommand(command, word) or word
        if word in command.commands:
            path.append(word)
            command = command.commands[word]
        elif re.fullmatch(r"[a-z][a-z-]*", word) and not command.params:
            raise AssertionError(f"{line!r}: {word!r} is not a command of "
                                 f"`wijkprofiel {' '.join(path)}` ({', '.join(sorted(command.commands))})")
        else:
            break
    options = {option for t in tokens if t.strip("[(").startswith("--")
               for option in re.sub(r"[=,.)\]]+.*$", "", t.strip("[(")).split("/")}
    return path, command, options - {"--help"}


def default_subcommand(group, word):
    """The subcommand a group runs when its first argument names none (`wijkprofiel index
    EXPORT.csv` is `index compute EXPORT.csv`), as the group itself parses it."""
    ctx = click.Context(group, info_name=group.name, resilient_parsing=True)
    try:
        group.parse_args(ctx, [word])
    except click.ClickException:
        return None
    rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
    return rest[0] if rest and rest[0] in group.commands else None


def documented():
    found = {}
    for page in PAGES:
        for line in shown_commands(page.read_text(encoding="utf-8")):
            found.setdefault(line, page.relative_to(PROJECT_ROOT).as_posix())
    return found


COMMANDS = documented()


def test_the_docs_show_commands():
    pages = set(COMMANDS.values())
    assert "README.md" in pages and len(COMMANDS) > 40, COMMANDS


@pytest.mark.parametrize("line", sorted(COMMANDS), ids=lambda line: line[:60])
def test_a_shown_command_exists_and_answers_help(line):
    path, command, options = resolve(line)
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, f"{COMMANDS[line]}: `{line}`: {result.output}"
    known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
    unknown = sorted(o for o in options if o not in known)
    assert not unknown, (f"{COMMANDS[line]}: `{line}`: `wijkprofiel {' '.join(path)}` has no "
                         f"{', '.join(unknown)}")


def test_ci_runs_the_readmes_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    first_block = FENCE.search(readme).group(1).strip().splitlines()
    assert len(first_block) == 2, "the README opens with the two commands for a fresh machine"
    main_job, test_command = first_block
    assert main_job.endswith("wijkprofiel demo run")
    ci = [line.strip() for line in (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.lstrip().startswith("#")]
    assert ci[-1] == test_command, f".ci/run ends with {ci[-1]!r}, the README says {test_command!r}"
