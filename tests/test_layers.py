"""The import graph reads as the floors in STYLE.md, read from the source (every import
statement, at the top of a module or inside a function): the ground under `partnerships/`
imports no app; models point campaigns -> contracts -> influencers -> partnerships; and no
module imports one that imports it back, however long the way round."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("partnerships", "influencers", "contracts", "campaigns", "portal")
DOMAIN_APPS = APPS[1:]
ROOF = "partnerships.workspace"
# An app's models may import the models of the apps after it here, never of those before.
MODEL_FLOORS = ("portal", "campaigns", "contracts", "influencers", "partnerships")


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imported_names(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield module
            # `from campaigns import roi` imports the module campaigns.roi.
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _project_module(name: str) -> str | None:
    """The module of the project a dotted name falls in (the longest known prefix)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(name: str) -> set[str]:
    found = {_project_module(imported) for imported in _imported_names(name, MODULES[name])}
    return found - {None, name}


GRAPH = {name: _imports(name) for name in MODULES}


def _app(module: str) -> str:
    return module.split(".")[0]


def _is_ground(module: str) -> bool:
    return _app(module) == "partnerships" and not (module + ".").startswith(ROOF + ".")


def test_the_graph_is_read_from_the_source():
    # A broken walk would pass every test below: these edges are known to exist.
    assert "partnerships.models" in GRAPH["contracts.models"]
    assert "campaigns.roi" in GRAPH[f"{ROOF}.dashboard"]
    assert "partnerships.workspace.reminders" in GRAPH[f"{ROOF}.apps"]  # inside ready()


def test_the_ground_imports_no_app_and_not_the_roof():
    upward = {
        module: sorted(
            imported
            for imported in imports
            if _app(imported) in DOMAIN_APPS or (imported + ".").startswith(ROOF + ".")
        )
        for module, imports in GRAPH.items()
        if _is_ground(module)
    }
    assert {module: found for module, found in upward.items() if found} == {}


@pytest.mark.parametrize("app", APPS)
def test_models_point_down_the_floors(app):
    lower = MODEL_FLOORS[MODEL_FLOORS.index(app) + 1 :]
    models = [module for module in GRAPH if module == f"{app}.models"]
    assert models, f"{app} has no models module"
    other_apps = {_app(imported) for imported in GRAPH[models[0]]} - {app}
    assert other_apps <= set(lower), f"{app}.models imports {sorted(other_apps - set(lower))}"


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in GRAPH[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    return groups


def test_no_module_imports_one_that_imports_it_back():
    assert _cycles() == []
