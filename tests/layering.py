"""The layering rules of the project, read from every import (function-local ones too).

    bot/   transports, wiring, CLI          may import skills, crm, knowledge
    skills/ capabilities, Request/Reply     may import crm, knowledge
    crm/    the domain and its persistence  imports only itself
    knowledge/ the knowledge engine         imports only itself

No import cycle between modules; `telegram`, `click` and `rich` only in bot/; SQL only in crm/.
`violations(root)` lists what breaks them; `tests/test_layers.py` holds it at zero.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

PACKAGES = ("bot", "skills", "crm", "knowledge")
ALLOWED = {
    "bot": {"bot", "skills", "crm", "knowledge"},
    "skills": {"skills", "crm", "knowledge"},
    "crm": {"crm"},
    "knowledge": {"knowledge"},
}
TRANSPORT_LIBRARIES = {"telegram": "bot", "click": "bot", "rich": "bot"}  # library -> the only package using it
SQL = re.compile(r"\b(SELECT\s+.+?\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.IGNORECASE | re.DOTALL)


def modules(root: Path) -> dict[str, Path]:
    """Every module of the layered packages under `root`, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imported_names(name: str, path: Path) -> set[str]:
    """Every module name an import statement anywhere in the file names (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def dependency_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the project modules it imports (the longest known name each import names)."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for imported in imported_names(name, path):
            target = imported
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
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
                    found.append(sorted(group))
    return found


def violations(root: Path) -> list[str]:
    """Every broken rule, one line each; an empty list means the layering holds."""
    known = modules(root)
    graph = dependency_graph(root)
    problems = [f"import cycle: {' -> '.join(group)}" for group in cycles(graph)]
    for name, targets in sorted(graph.items()):
        layer = name.split(".")[0]
        for target in sorted(targets):
            if target.split(".")[0] not in ALLOWED[layer]:
                problems.append(f"{name} imports {target} ({layer}/ may import only {', '.join(sorted(ALLOWED[layer]))})")
        for imported in sorted(imported_names(name, known[name])):
            library = imported.split(".")[0]
            if library in TRANSPORT_LIBRARIES and TRANSPORT_LIBRARIES[library] != layer:
                problems.append(f"{name} imports {library} (only {TRANSPORT_LIBRARIES[library]}/ may)")
        if layer != "crm" and SQL.search(known[name].read_text(encoding="utf-8")):
            problems.append(f"{name} runs SQL (only crm/ talks to the database)")
    return problems


def describe(problems: Iterable[str]) -> str:
    """The problems as a report for an assertion message."""
    return "\n".join(problems) or "no violations"
