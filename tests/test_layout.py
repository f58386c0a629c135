"""The rooms of the code: imports flow corpus → index → qa/audit → cli/tui, with no circles, and no module is too
long to read. Read from the source with `ast`, so the test sees what a newcomer sees."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

STAGES = ["corpus", "index", "qa", "audit", "cli", "widgets", "tui"]
# what each stage may import of the others: the data flows one way
ALLOWED = {
    "corpus": set(),
    "index": {"corpus"},
    "qa": {"corpus", "index", "audit"},  # an answer's cross-check is the audit's rules about its figure
    "audit": {"corpus"},
    "cli": {"corpus", "index", "qa", "audit", "widgets", "tui"},
    "widgets": {"corpus", "index", "qa", "audit"},
    "tui": {"corpus", "index", "qa", "audit", "widgets"},
}
MAX_LINES = 700


def _modules() -> dict[str, Path]:
    found = {"tui": ROOT / "tui.py"}
    for stage in STAGES[:-1]:
        for path in sorted((ROOT / stage).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Our own modules this file imports (at any depth: a late import is still an import)."""
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body for n in ast.walk(stmt)
    }  # fmt: skip
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue  # a name for type hints only is no import at run time
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        out |= {n for n in names if n in modules}
    return out


def test_no_stage_imports_a_stage_above_it() -> None:
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        stage = name.split(".")[0]
        for target in _imports(path, modules):
            other = target.split(".")[0]
            if other != stage and other not in ALLOWED[stage]:
                wrong.append(f"{name} imports {target}")
    assert not wrong, wrong


def test_no_import_circles() -> None:
    modules = _modules()
    graph = {name: {t for t in _imports(path, modules) if t != name} for name, path in modules.items()}
    # a package's __init__ re-exporting its own modules is its door, not a circle
    graph = {
        n: {t for t in ts if not (n.startswith(t + ".") and modules[t].name == "__init__.py")}
        for n, ts in graph.items()
    }
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                circles.append(" → ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    assert not circles, circles


def test_no_module_is_too_long_to_read() -> None:
    long = {n: len(p.read_text(encoding="utf-8").splitlines()) for n, p in _modules().items()}
    assert not {n: k for n, k in long.items() if k > MAX_LINES}


def test_each_stage_names_its_public_surface() -> None:
    for stage in ("corpus", "index", "qa", "audit"):
        init = ROOT / stage / "__init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{stage}/__init__.py says what the stage is for"
        if stage != "corpus":
            assert any(isinstance(n, ast.Assign) and n.targets[0].id == "__all__" for n in tree.body), stage
