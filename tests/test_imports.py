"""No import cycles in ``pipelines``, and every module imports in a fresh interpreter.

The check is static: every ``import`` of a ``pipelines`` module counts, at module level, inside a
function or under ``TYPE_CHECKING`` alike, since a cycle hidden in a function body or a type-only
import is still two modules that cannot be read (or moved) one without the other. A cycle is a
strongly connected component of that graph. ``from pkg import sub`` depends on the submodule,
not on ``pkg/__init__``. Standard library ``ast`` reads the ~100 modules in well under a second;
import-linter's contracts (layers, independence, acyclic siblings) check packages against each
other, not module-level cycles, so it would add a dependency without doing this job.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# No cycle is tolerated: a new one fails the test (add an entry here only with its reason).
KNOWN_CYCLES: set[frozenset[str]] = set()


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "pipelines").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def import_graph(found: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in found}
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                subs = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in found]
                targets = subs + ([base] if len(subs) < len(node.names) else [])
            else:
                continue
            graph[name].update(t for t in targets if t in found and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
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
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_cycle_finder_finds_cycles_through_function_and_type_only_imports(tmp_path):
    package = tmp_path / "pipelines"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pipelines.b import f\n")
    (package / "b.py").write_text("from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from pipelines.c import C\n")
    (package / "c.py").write_text("def g():\n    from pipelines import a\n")
    (package / "d.py").write_text("from pipelines import a\n")
    found = {name: path for name, path in
             ((".".join(p.relative_to(tmp_path).with_suffix("").parts).removesuffix(".__init__"), p)
              for p in package.glob("*.py"))}
    assert cycles(import_graph(found)) == [{"pipelines.a", "pipelines.b", "pipelines.c"}]


def test_pipelines_has_no_import_cycles():
    found = cycles(import_graph(modules()))
    new = [sorted(c) for c in found if frozenset(c) not in KNOWN_CYCLES]
    assert not new, f"import cycles: {new}"


def test_every_pipelines_module_imports_in_a_fresh_interpreter():
    names = sorted(modules())
    code = ("import importlib, sys\nbad = []\nfor name in sys.argv[1:]:\n    try:\n"
            "        importlib.import_module(name)\n    except Exception as exc:\n"
            "        bad.append(f'{name}: {exc!r}')\nprint('\\n'.join(bad))\nsys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code, *names], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
