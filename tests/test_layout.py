"""The test suite's own layout: a test module imports helpers only from tests/support/, never
from another test module, a conftest or benchmarks/ (benchmarks may use tests/support/, not the
other way round), and apps are built one way (`tests.support.apps.make_app`, through the
fixtures in tests/conftest.py)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# tests whose subject is the app factory itself: its refusals without a key, its settings'
# defaults (they pass only what they test)
CALLS_CREATE_APP = {"security/test_secret_key.py", "unit/test_settings.py", "support/apps.py"}


def modules():
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def imported(tree):
    """(line, module) for every import in the file, nested ones included; `from a import b`
    gives both a and a.b, since b may be a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def forbidden(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "benchmarks":
        return "benchmarks/ (move what tests need into tests/support/)"
    if parts[0] != "tests" or len(parts) == 1:
        return None
    if parts[1] == "support":
        return None
    if parts[-1].startswith("test_") or parts[-1] == "conftest":
        return "another test module (move the helper into tests/support/)"
    if TESTS.joinpath(*parts[1:]).is_dir():
        return None  # a test folder as a package: only a test module after it counts
    return "a helper outside tests/support/"


def test_test_modules_import_helpers_only_from_tests_support():
    problems = []
    for path in modules():
        for line, module in imported(ast.parse(path.read_text(encoding="utf-8"))):
            why = forbidden(module)
            if why:
                problems.append(f"{path.relative_to(TESTS.parent)} line {line}: imports {module}: {why}")
    assert not problems, "\n".join(problems)


def test_helper_modules_live_in_tests_support():
    """Outside tests/support/, a .py file under tests/ is a test module, a conftest or a package
    marker (tests/corpus/ holds a script that builds corpus files)."""
    stray = [str(p.relative_to(TESTS.parent)) for p in modules()
             if "support" not in p.relative_to(TESTS).parts[:1] and "corpus" not in p.parts
             and not (p.name.startswith("test_") or p.name in ("conftest.py", "__init__.py"))]
    assert not stray, f"helpers outside tests/support/: {stray}"


def test_apps_are_built_one_way():
    direct = []
    for path in modules():
        relative = path.relative_to(TESTS).as_posix()
        if relative in CALLS_CREATE_APP:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "create_app":
                direct.append(f"{relative} line {node.lineno}")
    assert not direct, ("build test apps with the make_app fixture (tests/conftest.py) or "
                        f"tests.support.apps.make_app, not create_app: {direct}")


def test_the_rule_catches_what_it_should():
    assert forbidden("tests.integration.test_paper")
    assert forbidden("tests.browser.conftest")
    assert forbidden("benchmarks.load")
    assert forbidden("tests.staff_support")
    assert forbidden("tests.integration") is None  # a folder; `from tests.integration import test_x` is caught as tests.integration.test_x
    assert forbidden("tests.support.apps") is None
    assert forbidden("survey.storage") is None
