"""Worker processes start from this module, never from the caller's ``__main__``.

``python -m symbiotic_gym.runner.worker_program FD`` is a worker: it reads its :class:`WorkerSpec` (as a dict)
from the connection on file descriptor ``FD`` and then serves episodes
(:func:`symbiotic_gym.runner.pool.worker_main`). This module is the parent's side (start a worker, watch it);
the program is its own module so that neither imports the other in a circle.

Why not ``multiprocessing``'s spawn context: a spawned child first re-creates the parent's ``__main__``
(``multiprocessing.spawn.prepare`` -> ``_fixup_main_from_path``): it runs the caller's script again as
``__mp_main__``, so a plain script that calls ``run()`` with no ``if __name__ == "__main__"`` guard starts a
second run in every worker, and a program read from stdin (``python - <<EOF``) fails outright because
``<stdin>`` is no file. There is no per-process switch for that, and fork is unsafe with Playwright's
threads. A worker started as its own program never sees the caller's ``__main__``, whatever that is (a
script, stdin, ``-c``, a notebook kernel, pytest), so ``run()`` works wherever Python runs.

What spawn handed a child is handed here too: the interpreter (``sys.executable``), the parent's ``sys.path``
(through ``PYTHONPATH``, so ``module:Class`` agents and suites import as they do in the parent) and its
working directory. The connection is :mod:`multiprocessing.connection`'s, over a socket pair whose child end
is the only descriptor the worker inherits; stdin is closed, as spawn closes it. Each worker gets its own
process group, so a terminal's Ctrl-C reaches only the parent (even while a worker is still importing).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from typing import Any


class WorkerProcess:
    """A started worker program: its pid, whether it still runs, and how it ended."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self.popen = popen
        self.pid = popen.pid

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)

    @property
    def exitcode(self) -> int | None:
        """None while it runs; the exit status, or minus the signal number that ended it."""
        return self.popen.poll()


def _child_pythonpath() -> str:
    """The parent's import path, with its "current directory" entries made absolute."""
    cwd = os.getcwd()
    entries = [os.path.abspath(p) if p else cwd for p in sys.path]
    return os.pathsep.join(dict.fromkeys(entries))


def start_worker(spec: dict[str, Any]) -> tuple[WorkerProcess, Connection]:
    """Start ``python -m symbiotic_gym.runner.worker_program`` and hand it ``spec``; returns the process and the
    parent's end of its connection (the worker answers ``("ready", pid)`` or ``("fatal", message)``)."""
    parent_end, child_end = socket.socketpair()
    fd = child_end.fileno()
    env = {**os.environ, "PYTHONPATH": _child_pythonpath()}
    try:
        popen = subprocess.Popen(
            [sys.executable, "-m", "symbiotic_gym.runner.worker_program", str(fd)],
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
            env=env,
            process_group=0,  # a terminal's Ctrl-C reaches the parent only, which stops the run cleanly
        )
    finally:
        child_end.close()
    conn = Connection(parent_end.detach())
    conn.send(spec)
    return WorkerProcess(popen), conn


def output_to(log_file: str | None) -> None:
    """Send this worker's own output -- library warnings, model conversion progress bars, Chromium's messages,
    crash tracebacks -- to the run's log file instead of the console, at the file-descriptor level so that
    child processes and C extensions follow. ``None`` (``--verbose``) leaves the console."""
    if log_file is None:
        return
    try:
        fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:
        return  # e.g. a Ray node that does not share the run directory: its output stays where Ray puts it
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    with contextlib.suppress(Exception):
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
