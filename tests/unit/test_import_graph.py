"""The import graph of forum/: no cycles, no import up the layers, no other package's views.

This file is the one place the layers are written down (README "Architecture" copies it).
A package may import its own modules and packages of the layers below it, never one beside
or above it; content reaches the upper layers by registering itself at start-up.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "forum"

LAYERS = [
    {"config", "extensions", "core"},
    {"accounts", "attachments"},
    {"places"},
    {"twinnings", "discussions"},
    {"practices", "calls"},
    {"search", "moderation", "notifications", "engagement", "opendata"},
    # The wiring at the top: the home page, the site's own files (robots, sitemap, source),
    # the app factory, commands and seed data.
    {"home", "site", "app", "cli", "models", "seed", "bench_data", "__init__"},
]
LAYER = {package: level for level, packages in enumerate(LAYERS) for package in packages}

# Debt measured when this test was written: imports that go up or across the layers. Each
# goes when its package registers itself instead (see README "Architecture"); the list may
# only shrink, and an entry that no longer happens fails the test so the list stays true.
KNOWN_UPWARD = {
    ("accounts", "places"), ("calls", "notifications"),
    # Services telling notifications what happened (events.emit, follows), like calls above.
    ("discussions", "notifications"), ("twinnings", "notifications"),
    ("calls", "practices"), ("discussions", "moderation"),
    ("discussions", "twinnings"), ("engagement", "moderation"), ("moderation", "notifications"),
    ("practices", "notifications"), ("practices", "search"),
    ("twinnings", "discussions"),
}
# Module cycles: none left (content registers itself with search and moderation from
# create_app). Kept as a list so a cycle that must stay a while is written down, not hidden.
KNOWN_CYCLES: set[frozenset[str]] = set()


def _module_name(path: Path) -> str:
    parts = ("forum", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every forum.* module this file imports (at the top or inside a function)."""
    found = []
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name.startswith("forum.")]


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in ROOT.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {target for target, _line in _imports(path)
                       if target in modules and target != name}
    return graph


def _package(module: str) -> str:
    return module.split(".")[1] if "." in module else "__init__"


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _upward(graph) -> set[tuple[str, str]]:
    edges = set()
    for module, targets in graph.items():
        for target in targets:
            source, dest = _package(module), _package(target)
            # The settings and core modules lean on each other, as does the wiring at the top.
            free = LAYER[source] == LAYER[dest] in (0, len(LAYERS) - 1)
            if source != dest and LAYER[dest] >= LAYER[source] and not free:
                edges.add((source, dest))
    return edges


@pytest.fixture(scope="module")
def graph():
    return _graph()


def test_every_package_has_a_layer(graph):
    assert {_package(module) for module in graph} <= set(LAYER)


def test_no_new_import_cycle(graph):
    cycles = {frozenset(component) for component in _cycles(graph)}
    assert cycles - KNOWN_CYCLES == set(), "import cycle"
    assert KNOWN_CYCLES - cycles == set(), "a known cycle is gone: take it off KNOWN_CYCLES"


def test_no_new_import_up_or_across_the_layers(graph):
    edges = _upward(graph)
    assert edges - KNOWN_UPWARD == set(), "import up or across the layers"
    assert KNOWN_UPWARD - edges == set(), "a known upward import is gone: take it off"


def test_no_package_imports_another_packages_views(graph):
    offenders = sorted(f"{module} -> {target}" for module, targets in graph.items()
                       for target in targets
                       if target.endswith(".views") and _package(target) != _package(module)
                       and _package(module) not in LAYERS[-1])
    assert offenders == []
