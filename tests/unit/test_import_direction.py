"""The direction of imports between the toolkit's packages, read from the sources (ast), so that
a change that turns an arrow around fails here rather than in review.

- Real code never imports the demo: `survey/demo/` uses the product, never the other way. The
  only modules outside it that may name `survey.demo` are the command wiring: `survey/cli.py`
  registers the `demo` command group, and `survey/main_job.py` is `wijkprofiel demo run` (the
  demo's own main job, added to that group; nothing else imports it).
- `weighting/` is a library on its own: it never imports `survey`.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_WIRING = {"survey/cli.py", "survey/main_job.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports (absolute names; relative imports resolved), also inside
    functions; for `from a import b` both `a` and `a.b` (b may be a module)."""
    # the package a relative import starts from: the folder, for a module and an __init__ alike
    package = ".".join(path.relative_to(ROOT).parts[:-1])
    return imports_in(path.read_text(encoding="utf-8"), package, str(path))


def imports_in(text: str, package: str, filename: str = "<text>") -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(text, filename)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _from_module(node, package)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_graph(folder: str) -> dict[str, set[str]]:
    """Module -> the modules of `folder` it imports (also inside functions). `from a import b`
    points at `a.b` when that is a module, else at `a`; a package's `__init__` that Python runs
    on the way to a submodule is not an edge (every submodule has it)."""
    modules = {module_name(path): path for path in sources(folder)}
    graph = {}
    for name, path in modules.items():
        package = ".".join(path.relative_to(ROOT).parts[:-1])
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _from_module(node, package)
                edges.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                             else base for alias in node.names)
        graph[name] = {m for m in edges if m in modules and m != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan 1972, iteratively)."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def _from_module(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of `from ... import`, a relative one resolved against `package`."""
    if not node.level:
        return node.module
    parts = package.split(".")
    base = parts[:len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def sources(folder: str):
    return sorted((ROOT / folder).rglob("*.py"))


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_nothing_outside_the_demo_imports_the_demo_but_its_command_wiring():
    offenders = sorted(
        str(path.relative_to(ROOT))
        for folder in ("survey", "weighting")
        for path in sources(folder)
        if "demo" not in path.relative_to(ROOT).parts
        and path.relative_to(ROOT).as_posix() not in DEMO_WIRING
        and any(_is_within(m, "survey.demo") for m in imported_modules(path))
    )
    assert offenders == [], "real code must not depend on the demo; move what it needs to " \
                            "survey.population (or another real package)"


def test_the_weighting_library_never_imports_the_survey_app():
    offenders = sorted(str(path.relative_to(ROOT)) for path in sources("weighting")
                       if any(_is_within(m, "survey") for m in imported_modules(path)))
    assert offenders == []


def test_the_walk_sees_every_spelling_of_an_import():
    """Both spellings, imports inside functions, and relative imports."""
    assert "survey.population.selection" in imported_modules(ROOT / "survey/sampling/draw.py")
    text = ("def f():\n    from survey.demo import seed\nimport survey.demo.register\n"
            "from ..demo.story import load_story\n")
    found = imports_in(text, "survey.sampling")
    assert {"survey.demo", "survey.demo.seed", "survey.demo.register",
            "survey.demo.story"} <= found


def test_paths_questionnaires_and_the_population_load_without_the_web_app():
    """`survey/__init__.py` builds the app lazily, so what needs only a path, a questionnaire or
    the population tables does not load Flask or the database session layer."""
    probe = ("import sys\n"
             "import survey.paths, survey.questionnaire.loader, survey.questionnaire.check\n"
             "import survey.population.selection, survey.population.wijken\n"
             "print(sorted(m for m in ('flask', 'survey.storage') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_no_module_of_the_toolkit_imports_itself_round_a_cycle():
    cycles = import_cycles(module_graph("survey")) + import_cycles(module_graph("weighting"))
    assert cycles == [], "modules that import each other, directly or round a loop"


def test_the_cycle_finder_finds_a_loop_and_only_a_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph folded to survey's packages (`survey.fieldwork.outcomes` ->
    `survey.fieldwork`; a top-level module such as `survey.conflicts` stands for itself)."""
    def package(module):
        return ".".join(module.split(".")[:2])

    folded: dict[str, set[str]] = {}
    for module, imports in graph.items():
        folded.setdefault(package(module), set()).update(
            package(m) for m in imports if package(m) != package(module))
    return folded


def test_no_two_packages_of_the_survey_app_import_each_other():
    """The one-way flow, package by package: population -> sampling -> fieldwork (the units'
    state and its monitoring) -> the modes (letters, respondent, paper, phone) -> conflicts
    between modes -> routes. A package that needs something of a package above it moves that
    thing down instead."""
    assert import_cycles(package_graph(module_graph("survey"))) == []


def test_the_population_needs_neither_the_database_nor_the_app():
    allowed = {"survey.errors", "survey.access_codes"}
    graph = module_graph("survey")
    outside = {module: sorted(m for m in imports if not _is_within(m, "survey.population")
                              and m not in allowed)
               for module, imports in graph.items() if _is_within(module, "survey.population")}
    assert {module: found for module, found in outside.items() if found} == {}


def test_fieldwork_imports_none_of_the_modes_that_write_to_it():
    modes = ("survey.letters", "survey.respondent", "survey.paper", "survey.phone",
             "survey.sampling", "survey.routes", "survey.conflicts")
    graph = module_graph("survey")
    upward = sorted(f"{module} -> {m}" for module, imports in graph.items()
                    if _is_within(module, "survey.fieldwork")
                    for m in imports if any(_is_within(m, mode) for mode in modes))
    assert upward == []
