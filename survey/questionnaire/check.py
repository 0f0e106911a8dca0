"""`wijkprofiel questionnaire check`: everything the schema cannot see.

The schema checks the shape of one file; `survey.questionnaire.references` checks its
references: scales that exist, unique ids and variables, conditions that name variables asked
before them, routing that only jumps forward to pages that exist, indicators that count answers
their variables can have. Every problem is collected (not just the first) as a
QuestionnaireError naming file and line; this module runs both over files.

>>> [str(e) for e in check_file("questionnaires/veiligheidsmonitor.yaml").problems]  # doctest: +SKIP
[]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from survey.paths import QUESTIONNAIRES_DIR
from survey.questionnaire.loader import parse, questionnaire_files
from survey.questionnaire.model import Questionnaire

__all__ = ["CheckResult", "check_file", "check_paths"]


@dataclass
class CheckResult:
    path: Path
    questionnaire: Questionnaire | None
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """"OK <file>: N sections, N pages, ..." for a good file."""
        q = self.questionnaire
        return (f"OK {self.path}: {len(q.sections)} sections, {len(q.pages)} pages, "
                f"{len(q.questions)} questions, {len(q.variables())} variables, "
                f"{len(q.indicators)} indicators")


def check_file(path) -> CheckResult:
    """Check one questionnaire file; never raises for bad input.

    >>> check_file("tests/fixtures/questionnaires/minimal.yaml").ok   # doctest: +SKIP
    True
    """
    questionnaire, problems = parse(path)
    return CheckResult(Path(path), questionnaire, problems)


def check_paths(paths=None) -> list[CheckResult]:
    """Check the given files (default: every questionnaire in questionnaires/)."""
    if not paths:
        paths = [_shown(p) for p in questionnaire_files(QUESTIONNAIRES_DIR)]
    return [check_file(p) for p in paths]


def _shown(path: Path) -> Path:
    """The path relative to the working directory when it is below it: shorter messages."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
