"""The core library never reaches up: no import (module-level, in a function, or by importlib string) of
agents, baselines or benchmarks anywhere in symbiotic_gym, and the layers named in ARCHITECTURE stay one-way."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "symbiotic_gym"
UPPER = ("agents", "baselines", "benchmarks")


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, wherever the import statement is, plus string arguments of
    import_module / __import__ / "module:attr" specs that name a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
            # `from symbiotic_gym import observation` imports the module symbiotic_gym.observation
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            head = node.value.split(":", 1)[0].split(".", 1)[0]
            if head in UPPER and (":" in node.value or "." in node.value.split(":", 1)[0]):
                out.append((node.lineno, node.value))
    return out


def modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_core_imports_nothing_above_it() -> None:
    bad = [
        f"{p.relative_to(CORE.parent)}:{line}: {name}"
        for p in modules()
        for line, name in imports(p)
        if name.split(".", 1)[0].split(":", 1)[0] in UPPER
    ]
    assert bad == []


def _imports_of(package: str) -> set[str]:
    """Imports of a package (``web``) or a module (``web/observation``) of the core."""
    root = CORE / package
    files = sorted(root.rglob("*.py")) if root.is_dir() else [CORE / f"{package}.py"]
    return {name for p in files for _, name in imports(p)}


def test_lower_layers_know_nothing_of_higher_ones() -> None:
    # the env knows no suite; the LLM layer does not know the privacy audit (the audit uses the LLM layer)
    assert not any(n.startswith("symbiotic_gym.suites") for n in _imports_of("web"))
    assert not any(n.startswith("symbiotic_gym.privacy") for n in _imports_of("llm"))
    assert not any(n.startswith("symbiotic_gym.runner") for n in _imports_of("llm") | _imports_of("suites"))
    # the observation format's owner depends on nothing else of ours
    assert not any(n.startswith("symbiotic_gym.") for n in _imports_of("web/observation"))


def test_builtin_agents_are_entry_points() -> None:
    from importlib.metadata import entry_points

    from symbiotic_gym.agent import ENTRY_POINT_GROUP

    names = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert {"oracle", "random", "vanilla", "occam", "rag", "distilled", "speculative", "hybrid"} <= names


def test_no_import_cycle_between_the_cores_modules_and_packages() -> None:
    """Units are the top-level modules and packages of symbiotic_gym; every import counts, function-level too."""
    graph: dict[str, set[str]] = {}
    for p in modules():
        rel = p.relative_to(CORE).parts
        src = rel[0].removesuffix(".py")
        for _, name in imports(p):
            parts = name.split(":", 1)[0].split(".")
            if parts[0] == "symbiotic_gym" and len(parts) > 1 and parts[1] != src:
                graph.setdefault(src, set()).add(parts[1])

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            for nxt in graph.get(node, ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    cycles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if reaches(b, a))
    assert cycles == []
