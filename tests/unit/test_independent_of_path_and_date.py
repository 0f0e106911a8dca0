"""The suite runs on any day and without the virtual environment's bin on PATH (issue 12).

The code asks `survey.clock.today()` where a date matters (fieldwork open, a date question's
`max: today`, the date on a letter, an XLSForm's default edition), so a test can fix it with
`fixed_clock`; and every test or benchmark that starts the command does so as
`sys.executable -m survey`. This test keeps both true by reading the sources. In December
2026 the unit tests and the date-sensitive integration modules (privacy, letters, phone,
dashboard, conflicts, screening, sample import, respondent forms) were also run as if it were
15 February 2031 and 15 June 2023 (time-machine, not a dependency of the suite)."""

import re

from survey import clock
from survey.paths import PROJECT_ROOT
from tests.support.clock import FIXED_TODAY

SHELL_OUT = re.compile(r"""(?:Popen|run|check_output|check_call)\(\s*\[\s*["'](wijkprofiel|flask|gunicorn|pytest)["']""")
TODAY = re.compile(r"\b(?:date|datetime)\.today\(\)|\bdate\.today\b")


def sources(*folders):
    for folder in folders:
        yield from (PROJECT_ROOT / folder).rglob("*.py")


def test_no_test_or_benchmark_starts_a_command_through_path():
    found = [f"{path.relative_to(PROJECT_ROOT)}: {match.group(0)}"
             for path in sources("tests", "benchmarks")
             for match in SHELL_OUT.finditer(path.read_text(encoding="utf-8"))]
    assert found == [], "start it as [sys.executable, '-m', 'survey', ...]"


def test_the_toolkit_asks_the_clock_for_today():
    """Outside the demo (which seeds fixed editions), only survey/clock.py reads the date."""
    found = [str(path.relative_to(PROJECT_ROOT)) for path in sources("survey", "weighting")
             if "demo" not in path.parts and path.name != "clock.py"
             and TODAY.search(path.read_text(encoding="utf-8"))]
    assert found == [], "call survey.clock.today() so that tests can fix the date"


def test_python_minus_m_survey_is_the_command():
    assert (PROJECT_ROOT / "survey" / "__main__.py").read_text().count("main(prog_name=") == 1


def test_fixed_clock_fixes_what_the_toolkit_calls_today(fixed_clock):

    assert clock.today() == FIXED_TODAY == fixed_clock
