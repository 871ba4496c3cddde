"""The same episodes on a Ray cluster (``--backend ray``): one actor per worker, each with its own Chromium.

Actors build the agent once and keep their browser between episodes, exactly like the process workers.
Timeouts and crashes follow the same rules (see :mod:`symbiotic_gym.runner.pool`): the driver polls each busy
actor's heartbeat, kills an actor whose step or episode overran (and, on this host, every process
under it), and retries episodes whose actor died. ``address=None`` starts a local Ray instance with
one CPU per worker; ``address="auto"`` or ``"ray://host:10001"`` joins a running cluster, whose nodes
need symbiotic-gym and Chromium installed (the project directory is shipped as the working dir).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.runner.config import WorkerSpec
from symbiotic_gym.runner.pool import (
    STARTUP_TIMEOUT_S,
    Outcome,
    RetryPolicy,
    WorkerFatalError,
    failure_record,
    kill_tree,
)

ROOT = Path(__file__).resolve().parents[2]  # the project folder (agents/, baselines/ beside the package)


def import_ray() -> Any:
    # nothing leaves the machine unasked: Ray reports usage statistics to its developers unless told not to
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as err:
        raise SymbioticGymError(
            "--backend ray needs Ray: pip install 'symbiotic-gym[ray]' "
            "(or EXTRAS=dev,llm,local,ray bash scripts/setup.sh)"
        ) from err
    return ray


class EpisodeActorImpl:
    """The body of the Ray actor (a plain class so it is testable without Ray)."""

    def __init__(self, spec_dict: dict[str, Any]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from symbiotic_gym.runner.pool import EpisodeRunner
        from symbiotic_gym.runner.worker import output_to

        output_to(spec_dict.get("log_file"))
        self.runner = EpisodeRunner(WorkerSpec(**spec_dict))
        # Playwright's sync API belongs to one thread: every episode runs on this one
        self.thread = ThreadPoolExecutor(max_workers=1)
        self.beat: tuple[str | None, int, float] = (None, 0, time.monotonic())

    def where(self) -> tuple[int, str]:
        return os.getpid(), socket.gethostname()

    def run(self, task_id: str) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
        def on_step(n: int) -> None:
            self.beat = (task_id, n, time.monotonic())

        out = self.thread.submit(self.runner.run, task_id, on_step).result()
        return out.task_id, out.record, out.steps

    def progress(self) -> tuple[str | None, int, float]:
        """(task, step, seconds since the last heartbeat), measured on the actor's clock."""
        tid, step, at = self.beat
        return tid, step, time.monotonic() - at


@dataclass
class _Actor:
    handle: Any
    where_ref: Any
    started: float
    pid: int | None = None
    host: str | None = None
    task_id: str | None = None
    run_ref: Any = None
    episode_start: float = 0.0
    step: int = 0


class RayPool:
    """``workers`` Ray actors running the tasks of one run; ``run`` yields one Outcome per task."""

    def __init__(self, spec: WorkerSpec, workers: int = 1, *, address: str | None = None, poll_s: float = 0.5) -> None:
        self.ray = import_ray()
        self.spec = spec
        self.n_workers = max(1, workers)
        self.address = address
        self.poll_s = poll_s
        self.actors: list[_Actor] = []
        self.restarts = 0
        self.on_event: Callable[[str, dict[str, Any]], None] | None = None
        self._started_ray = False
        self._actor_cls: Any = None

    def _init(self) -> None:
        ray = self.ray
        if not ray.is_initialized():
            # actors write their output to the run's log file; with --verbose Ray forwards it to this console
            verbose = self.spec.log_file is None
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": verbose, "configure_logging": False}
            if self.address:
                kwargs["address"] = self.address
                kwargs["runtime_env"] = {"working_dir": str(ROOT), "excludes": ["runs/", ".venv/", ".git/"]}
            else:
                kwargs["num_cpus"] = self.n_workers
                path = os.pathsep.join([str(ROOT), *[p for p in sys.path if p]])
                kwargs["runtime_env"] = {"env_vars": {"PYTHONPATH": path}}
            ray.init(**kwargs)
            self._started_ray = True
        self._actor_cls = ray.remote(num_cpus=1, max_concurrency=2, max_restarts=0)(EpisodeActorImpl)

    def _spawn(self) -> _Actor:
        handle = self._actor_cls.remote(asdict(self.spec))
        return _Actor(handle=handle, where_ref=handle.where.remote(), started=time.monotonic())

    def _retire(self, a: _Actor) -> None:
        if a.pid and a.host == socket.gethostname():
            kill_tree(a.pid)  # the actor's Chromium too; ray.kill alone would orphan it
        with contextlib.suppress(Exception):
            self.ray.kill(a.handle, no_restart=True)
        self.actors.remove(a)

    def close(self) -> None:
        """Stop the actors: idle ones exit on their own (their Chromium closed by their exit handlers), so Ray
        sees an intended exit instead of a worker killed mid-task (its "A worker died ... OOM killer" notes);
        an actor still busy or slow to exit is killed with everything under it."""
        idle = [a for a in self.actors if a.pid is not None and a.run_ref is None]
        for a in idle:
            with contextlib.suppress(Exception):
                a.handle.__ray_terminate__.remote()  # Ray's graceful exit: queued after any running call
        here = [a.pid for a in idle if a.pid and a.host == socket.gethostname()]
        if here:
            with contextlib.suppress(Exception):
                import psutil

                psutil.wait_procs([psutil.Process(pid) for pid in here if psutil.pid_exists(pid)], timeout=15)
        for a in list(self.actors):
            if a in idle and a.pid and a.host == socket.gethostname() and not _alive(a.pid):
                self.actors.remove(a)  # exited cleanly
            else:
                self._retire(a)
        if self._started_ray:
            with contextlib.suppress(Exception):
                self.ray.shutdown()
            self._started_ray = False

    def _emit(self, kind: str, **data: Any) -> None:
        if self.on_event:
            self.on_event(kind, data)

    def run(self, task_ids: list[str]) -> Iterator[Outcome]:
        ray = self.ray
        self._init()
        queue: deque[str] = deque(task_ids)
        policy = RetryPolicy(self.spec.retries)
        pending = len(task_ids)
        try:
            while pending:
                while len(self.actors) < min(self.n_workers, pending):
                    self.actors.append(self._spawn())
                self._check_started()
                for a in self.actors:
                    if a.pid is not None and a.task_id is None and queue:
                        a.task_id = queue.popleft()
                        policy.start(a.task_id)
                        a.run_ref = a.handle.run.remote(a.task_id)
                        a.episode_start, a.step = time.monotonic(), 0
                        self._emit("start", task_id=a.task_id, pid=a.pid)
                refs = [a.run_ref for a in self.actors if a.run_ref is not None]
                done: list[Any] = []
                if refs:
                    done, _ = ray.wait(refs, num_returns=len(refs), timeout=self.poll_s)
                else:
                    time.sleep(self.poll_s)
                for a in list(self.actors):
                    outcome = self._collect(a, done) if a.run_ref is not None else None
                    if outcome is None and a.run_ref is not None:
                        outcome = self._check_deadlines(a)
                    if outcome is None:
                        continue
                    if policy.settle(outcome):
                        pending -= 1
                        yield outcome
                    else:
                        queue.appendleft(outcome.task_id)
                        self._emit("retry", task_id=outcome.task_id, error=outcome.record["error"])
        finally:
            self.close()

    def _check_started(self) -> None:
        ray = self.ray
        for a in list(self.actors):
            if a.pid is not None:
                continue
            ready, _ = ray.wait([a.where_ref], timeout=0)
            if ready:
                try:
                    a.pid, a.host = ray.get(a.where_ref)
                except Exception as err:  # the actor's constructor failed: the agent or model is broken
                    self._retire(a)
                    raise WorkerFatalError(_cause(err)) from err
            elif time.monotonic() - a.started > STARTUP_TIMEOUT_S:
                self._retire(a)
                raise WorkerFatalError(f"a Ray actor did not start within {STARTUP_TIMEOUT_S:.0f} s")

    def _collect(self, a: _Actor, done: list[Any]) -> Outcome | None:
        if a.run_ref not in done:
            return None
        ray = self.ray
        try:
            tid, record, steps = ray.get(a.run_ref)
        except Exception as err:  # the actor died mid-episode (crash, OOM, killed browser taking it down)
            return self._replace(a, "worker", f"Ray actor died: {_cause(err)}")
        a.task_id, a.run_ref = None, None
        return Outcome(tid, record, steps)

    def _check_deadlines(self, a: _Actor) -> Outcome | None:
        spec, ray = self.spec, self.ray
        now = time.monotonic()
        if spec.episode_timeout and now - a.episode_start > spec.episode_timeout:
            return self._replace(a, "timeout", f"episode exceeded the episode timeout of {spec.episode_timeout:g} s")
        if spec.step_timeout:
            try:
                tid, step, idle = ray.get(a.handle.progress.remote(), timeout=10)
            except Exception:
                return None  # an unresponsive actor is caught by the episode timeout or its death
            if tid == a.task_id:
                a.step = step
            else:  # the episode has not sent its first heartbeat yet
                idle = now - a.episode_start
            if idle > spec.step_timeout:
                what = "reset" if a.step == 0 else f"step {a.step}"
                return self._replace(a, "timeout", f"{what} exceeded the step timeout of {spec.step_timeout:g} s")
        return None

    def _replace(self, a: _Actor, kind: str, reason: str) -> Outcome:
        task_id, step, elapsed = a.task_id or "", a.step, time.monotonic() - a.episode_start
        self._retire(a)
        self.restarts += 1
        self._emit("restart", task_id=task_id, reason=reason)
        record = failure_record(self.spec, task_id, reason, kind)
        record["steps"], record["wall_s"] = step, round(elapsed, 4)
        return Outcome(task_id, record, [])


def _alive(pid: int) -> bool:
    try:
        import psutil

        return psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:
        return False


def _cause(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[-1] if text else type(err).__name__
