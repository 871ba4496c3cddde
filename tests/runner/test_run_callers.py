"""``run()`` works wherever Python runs: a plain script with no ``__main__`` guard, stdin, ``python -c`` and a
notebook cell, with process workers (one or two) and Ray. Each form runs as its own program, as a user runs it:
the workers start from the package's entry point and never re-import the caller's ``__main__``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def program(workers: int, backend: str = "process", limit: int = 2) -> str:
    """The README's example (no ``if __name__ == "__main__"`` guard), with a worker count and backend."""
    return (
        "from symbiotic_gym.runner import RunConfig, run\n"
        f'r = run(RunConfig(agent="oracle", suite="embedded", tasks="shop.*", limit={limit}, workers={workers}, '
        f'backend="{backend}", out="runs/api"))\n'
        'print("SR", r.success_rate)\n'
    )


def child_env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def run_python(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    """The program's stdout; its stderr must hold none of the workers' or libraries' output (run.log does)."""
    done = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=child_env(), input=stdin, capture_output=True, text=True, timeout=280
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert "Warning" not in done.stderr and "A worker died" not in done.stderr, done.stderr[-4000:]
    return done.stdout


def test_a_plain_script_with_two_workers(tmp_path: Path) -> None:
    (tmp_path / "myscript.py").write_text(program(workers=2))
    assert run_python(["myscript.py"], tmp_path).splitlines()[-1] == "SR 1.0"


def test_stdin_with_one_worker(tmp_path: Path) -> None:
    assert run_python(["-"], tmp_path, stdin=program(workers=1, limit=1)).splitlines()[-1] == "SR 1.0"


def test_python_c_with_one_worker(tmp_path: Path) -> None:
    assert run_python(["-c", program(workers=1, limit=1)], tmp_path).splitlines()[-1] == "SR 1.0"


NOTEBOOK = """
import sys
import nbclient, nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sys.stdin.read())])
nbclient.NotebookClient(nb, timeout=280, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
outputs = nb.cells[0].outputs
print("".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream") or outputs)
"""


def test_a_notebook_cell(tmp_path: Path) -> None:
    pytest.importorskip("nbformat", reason="the dev extra is not installed (nbformat)")
    pytest.importorskip("nbclient", reason="the dev extra is not installed (nbclient, ipykernel)")
    pytest.importorskip("ipykernel", reason="the dev extra is not installed (ipykernel)")
    # nbclient runs in its own program, as a notebook server does: in this process it would leave jupyter_core's
    # event-loop thread behind for every later test (Playwright's sync API among them)
    done = subprocess.run(
        [sys.executable, "-c", NOTEBOOK], cwd=tmp_path, env=child_env(), input=program(workers=1, limit=1),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0 and "SR 1.0" in done.stdout, f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"


def test_a_plain_script_on_ray(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'symbiotic-gym[ray]')")
    (tmp_path / "myscript.py").write_text(program(workers=2, backend="ray"))
    assert run_python(["myscript.py"], tmp_path).splitlines()[-1] == "SR 1.0"
