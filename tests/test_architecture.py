"""The package graph runs one way: read from the imports themselves, it has no cycle.

Each domain package (``eventdesk/<name>/``) and each top-level module
(``eventdesk/<name>.py``) is one node; an import anywhere inside it, at the top
of a module or inside a function, is an edge. The application factory and the
command line sit on top and may import everything; nothing imports them.
"""

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "eventdesk"
# Where everything meets: nothing below may import these.
TOP = {"eventdesk", "app", "cli", "__main__", "models", "worker", "demo", "server", "housekeeping"}
# The leaf every domain mails through: it imports none of its callers.
LEAF_MAIL_MAY_IMPORT = {"config", "db", "extensions", "inputs", "links", "i18n"}


def _node(module: str) -> str | None:
    """Return the graph node of a dotted module name inside eventdesk, or None."""
    parts = module.split(".")
    if parts[0] != "eventdesk":
        return None
    if len(parts) == 1:
        return "eventdesk"
    return parts[1]


def _imports(path: Path) -> list[str]:
    """Return the eventdesk modules one file imports, relative imports resolved."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    package = list(relative.parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "eventdesk":
                # ``from eventdesk import mail`` imports the package mail;
                # ``from eventdesk import create_app`` imports the top.
                found += [f"eventdesk.{alias.name}" if _is_submodule(alias.name) else module
                          for alias in node.names]
            else:
                found.append(module)
    return found


def _is_submodule(name: str) -> bool:
    return (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file()


def package_graph() -> dict[str, dict[str, list[str]]]:
    """Return node -> imported node -> the files that make the edge."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        source = "eventdesk" if parts == ("__init__",) else parts[0]
        for module in _imports(path):
            target = _node(module)
            if target and target != source:
                graph[source][target].append(str(path.relative_to(PACKAGE.parent)))
    return graph


def _cycles(graph) -> list[list[str]]:
    """Return the strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def _describe(graph, component: list[str]) -> str:
    lines = []
    for source in component:
        for target in sorted(graph[source]):
            if target in component:
                lines.append(f"  {source} -> {target}: {sorted(set(graph[source][target]))}")
    return "\n".join(lines)


def test_the_package_graph_has_no_cycle():
    graph = package_graph()
    cycles = _cycles(graph)
    assert not cycles, "import cycles between packages:\n" + "\n\n".join(
        _describe(graph, component) for component in cycles
    )


def test_nothing_imports_the_top():
    graph = package_graph()
    upward = [
        f"{source} -> {target}: {files}"
        for source, targets in graph.items() if source not in TOP
        for target, files in targets.items() if target in TOP
    ]
    assert not upward, "\n".join(upward)


def test_mail_is_a_leaf():
    graph = package_graph()
    callers = {target: files for target, files in graph["mail"].items()
               if target not in LEAF_MAIL_MAY_IMPORT}
    assert not callers, f"mail imports its callers: {callers}"


def test_the_graph_reader_sees_edges():
    # Guard against a reader that finds nothing and so no cycle.
    graph = package_graph()
    assert "events" in graph["registration"]
    assert "mail" in graph["tickets"]


def test_importing_the_mail_package_loads_no_back_office():
    loaded = subprocess.run(
        [sys.executable, "-c",
         "import sys, eventdesk.mail.outbox; "
         "print(' '.join(sorted({m.split('.')[1] for m in sys.modules "
         "if m.startswith('eventdesk.')})))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert "organiser" not in loaded and "checkin" not in loaded, loaded


# The order README's "Layout" states, bottom to top; base modules sit below
# all of them and the top (TOP) above.
LAYERS = ["mail", "events", "auth", "registration", "wallet", "tickets", "badges", "checkin",
          "invitations", "messages", "organiser", "operations"]


def test_imports_follow_the_order_the_readme_states():
    graph = package_graph()
    packages = {path.name for path in PACKAGE.iterdir()
                if path.is_dir() and (path / "__init__.py").exists() and path.name != "migrations"}
    assert packages == set(LAYERS), "a package is missing from LAYERS (and README's Layout)"
    wrong = [
        f"{source} -> {target}: {sorted(set(files))}"
        for source, targets in graph.items()
        for target, files in targets.items()
        if source in LAYERS and target in LAYERS and LAYERS.index(target) > LAYERS.index(source)
        or source not in LAYERS and source not in TOP
        and target in LAYERS
    ]
    assert not wrong, "imports going up:\n" + "\n".join(wrong)
