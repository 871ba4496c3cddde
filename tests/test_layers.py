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
    assert not any(n.startswith("symbiotic_gym.results") for n in _imports_of("llm"))  # the cache is no run dir
    assert not any(n.startswith("symbiotic_gym.runner") for n in _imports_of("llm") | _imports_of("suites"))
    # the observation format's owner depends on nothing else of ours
    assert not any(n.startswith("symbiotic_gym.") for n in _imports_of("web/observation"))


def test_builtin_agents_are_entry_points() -> None:
    from importlib.metadata import entry_points

    from symbiotic_gym.agent import ENTRY_POINT_GROUP

    names = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert {"oracle", "random", "vanilla", "occam", "rag", "distilled", "speculative", "hybrid"} <= names


# The core's units from the bottom up: a unit may import units on its own level or below, never above.
# (The package entry, symbiotic_gym/__init__.py, registers the Gymnasium ids through the suites and is exempt.)
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "loading", "config_flags", "files", "file_names", "_compat"),  # shared helpers
    ("web",),  # the environment
    ("llm",),  # model clients (they know no run directory)
    ("results",),  # run directories, records, summaries, statistics
    ("privacy",),  # detector, redaction, cloud-request audit
    ("agent",),  # the agent interface and the LLM-agent base
    ("suites",),  # task suites
    ("knowledge",),  # knowledge base over trajectories
    ("distill",),  # prompt format, datasets, training
    ("runner",),  # the run engine
)
LEVEL = {unit: k for k, units in enumerate(LAYERS) for unit in units}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(CORE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_graph() -> dict[str, set[str]]:
    """module -> the core modules it imports, wherever the import is (module level, in a function, a
    relative import, or a ``"module:attr"`` string the code loads lazily)."""
    paths = {module_name(p): p for p in modules()}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in paths]
                targets += subs if len(subs) == len(node.names) else [base, *subs]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and ":" in node.value:
                targets.append(node.value.split(":", 1)[0])
        for target in targets:
            while target and target not in paths:  # `import a.b.c` of an attribute: the longest module prefix
                target = target.rpartition(".")[0]
            if target and target != name and target != "symbiotic_gym":
                graph.setdefault(name, set()).add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
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
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return sorted(found)


def test_no_import_cycle_between_the_cores_modules() -> None:
    """Every import counts, function-level ones too: a circle hidden in a function is still a circle."""
    assert cycles(module_graph()) == []


def test_the_cycle_finder_sees_a_circle_through_a_function_level_import() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def unit(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def test_every_unit_of_the_core_has_a_layer() -> None:
    units = {unit(module_name(p)) for p in modules()} - {"symbiotic_gym"}
    assert sorted(units - set(LEVEL)) == []


def test_no_unit_of_the_core_imports_one_above_it() -> None:
    upward = sorted(
        f"{source} -> {target}"
        for source, targets in module_graph().items()
        for target in targets
        if unit(source) != "symbiotic_gym" and LEVEL[unit(target)] > LEVEL[unit(source)]
    )
    assert upward == []


# hooks a suite, agent, task, env or progress reporter may implement: declared in base classes/Protocols
HOOK_NAMES = {
    "bind_suite",
    "settle_args",
    "obs_keys",
    "preflight",
    "before_run",
    "finalize_episode",
    "origins",
    "browsergym_action_set",
    "multi_tab",
    "allowed_origins",
    "on_blocked",
    "evaluate_answer",
    "element_timeout_ms",
    "refuse_url",
    "start",
    "stop",
}


# the BrowserGym adapter reads obs_keys off the wrapped BrowserGym/AgentLab agent: another package's object,
# which declares no interface of ours
FOREIGN_PROBES = {("symbiotic_gym/agent/browsergym.py", "obs_keys")}


def test_no_hook_is_found_by_its_name() -> None:
    probes = [
        f"{p.relative_to(CORE.parent)}:{node.lineno}: {node.func.id}(..., {node.args[1].value!r})"
        for p in modules()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "hasattr")
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in HOOK_NAMES
        and (str(p.relative_to(CORE.parent)), node.args[1].value) not in FOREIGN_PROBES
    ]
    assert probes == []


def test_every_builtin_suite_inherits_the_declared_hooks() -> None:
    from symbiotic_gym.loading import import_object
    from symbiotic_gym.suites import BUILTIN_SUITES, SuiteHooks

    assert [name for name, spec in BUILTIN_SUITES.items() if not issubclass(import_object(spec), SuiteHooks)] == []
