"""Every Python and shell example of the README and of docs/ runs, as written, in a fresh process.

The rules (documented in docs/testing.md, "Examples run in CI"):

* each page's blocks run in order in one temporary working folder of its own, so a block can read what an
  earlier one wrote (``runs/...``); the checkout's ``docs/`` and ``tests/`` are linked into it, so a block
  that names their files (``python docs/webapp-example/app.py``) runs as from the checkout's root; a
  ``python`` block is saved to a file and run with ``python FILE``; a ``bash`` block runs with
  ``bash -euo pipefail``;
* a comment line ``<!-- example: skip REASON -->`` right above a block leaves it out with that reason shown
  in the test report (used only for what needs a cloud key, a WebArena instance or a cluster);
  ``<!-- example: slow -->`` runs it only with ``-m slow``; ``<!-- example: save NAME -->`` saves a python
  block as ``NAME`` (and runs it) so that later blocks can import it;
* shell commands are run with these substitutions, so long jobs stay short: ``bash scripts/X`` points at the
  checkout's scripts; ``source .venv/bin/activate`` is a no-op (the tests run inside the venv), and so is
  ``bash scripts/test.sh`` (it is the run executing the example); every
  ``python -m benchmarks.run`` and ``bash scripts/quickstart.sh`` gets ``--limit 1`` (replacing a larger
  one) and ``--max-steps 10`` (unless it asks for fewer).

A block whose command fails, fails its test with the output. Nothing is skipped silently.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = {"python", "bash", "sh"}
MARKER = re.compile(r"<!--\s*example:\s*(skip|slow|save)\s*(.*?)\s*-->")
FENCE = re.compile(r"^```(\w*)")
EXAMPLE_LIMIT = 1
EXAMPLE_MAX_STEPS = 10
CHECKOUT_LINKS = ("docs", "tests")  # linked into each page's folder


@dataclass(frozen=True)
class Example:
    page: Path
    line: int
    lang: str
    code: str
    marker: str = ""
    argument: str = ""

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def examples(page: Path) -> list[Example]:
    """The runnable fenced blocks of one Markdown page, with the marker comment above each, if any."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Example] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        end = i + 1
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        lang = m.group(1)
        if lang in RUNNABLE:
            above = lines[i - 1] if i > 0 else ""
            mk = MARKER.search(above)
            found.append(
                Example(
                    page,
                    i + 1,
                    lang,
                    "\n".join(lines[i + 1 : end]) + "\n",
                    mk.group(1) if mk else "",
                    mk.group(2) if mk else "",
                )
            )
        i = end + 1
    return found


def _cap_flag(command: str, flag: str, cap: int) -> str:
    m = re.search(rf"{flag}[ =](\d+)", command)
    if m is None:
        return f"{command} {flag} {cap}"
    if int(m.group(1)) > cap:
        return command[: m.start()] + f"{flag} {cap}" + command[m.end() :]
    return command


def substitute(code: str) -> str:
    """The documented substitutions that keep shell examples short (see the module docstring)."""
    out = []
    # join backslash continuations first so a command's flags are on one line
    for line in code.replace("\\\n", " ").splitlines():
        line = re.sub(r"^source \.venv/bin/activate.*$", ":", line)
        line = re.sub(r"^bash scripts/test\.sh.*$", ":", line)  # the test run that is executing this example
        line = re.sub(r"\bbash scripts/", f"bash {ROOT}/scripts/", line)
        command, sep, comment = line.partition(" #")
        if re.search(r"python -m benchmarks\.run\b|scripts/quickstart\.sh", command):
            tail = ""
            if "; done" in command:  # a one-line for loop: flags go before the loop's end
                command, tail = command.split("; done", 1)
                tail = "; done" + tail
            command = _cap_flag(command.rstrip(), "--limit", EXAMPLE_LIMIT)
            command = _cap_flag(command, "--max-steps", EXAMPLE_MAX_STEPS) + tail
            line = command + (sep + comment if sep else "")
        out.append(line)
    return "\n".join(out) + "\n"


def _params() -> list:
    params = []
    for page in PAGES:
        for ex in examples(page):
            marks = [pytest.mark.slow] if ex.marker == "slow" else []
            params.append(pytest.param(ex, id=ex.id, marks=marks))
    return params


_WORKDIRS: dict[Path, Path] = {}


@pytest.fixture
def page_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    page = request.node.callspec.params["example"].page
    if page not in _WORKDIRS:
        work = tmp_path_factory.mktemp(page.stem.replace(".", "-"))
        for name in CHECKOUT_LINKS:  # examples that name the checkout's files, as from its root
            (work / name).symlink_to(ROOT / name, target_is_directory=True)
        _WORKDIRS[page] = work
    return _WORKDIRS[page]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("example", _params())
def test_example_runs(example: Example, page_dir: Path) -> None:
    if example.marker == "skip":
        assert example.argument, f"{example.id}: a skipped example must say why (<!-- example: skip REASON -->)"
        pytest.skip(f"not run here: {example.argument}")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if example.lang == "python":
        name = example.argument if example.marker == "save" else f"example_{example.line}.py"
        script = page_dir / name
        script.write_text(example.code, encoding="utf-8")
        cmd = [sys.executable, script.name]
    else:
        script = page_dir / f"example_{example.line}.sh"
        script.write_text(substitute(example.code), encoding="utf-8")
        cmd = ["bash", "-euo", "pipefail", script.name]
    proc = subprocess.run(cmd, cwd=page_dir, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, (
        f"{example.id} exited {proc.returncode}\n--- script ---\n{script.read_text()}\n"
        f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
    )


def test_substitutions_cap_long_commands() -> None:
    code = "python -m benchmarks.run --agent oracle --limit 5 --out runs/x   # five tasks\nbash scripts/test.sh\n"
    out = substitute(code)
    assert "--limit 1" in out and "--max-steps 10" in out and "# five tasks" in out
    assert "scripts/test.sh" not in out  # the run executing the examples is not started again
    loop = "for s in 0 1; do python -m benchmarks.run --agent random --seed $s --out runs/r-$s; done\n"
    assert substitute(loop).strip().endswith("--limit 1 --max-steps 10; done")


def test_docs_site_builds_strictly(tmp_path: Path) -> None:
    """`mkdocs build --strict`: a broken link or anchor, or a page missing from the nav, fails."""
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_option_tables_match_the_clis() -> None:
    """The option tables of docs/ are generated from the CLIs' parsers; an edited flag must regenerate them."""
    from benchmarks.docs_tables import main

    assert main(["--check"]) == 0, "run python -m benchmarks.docs_tables"
