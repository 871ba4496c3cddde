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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.runner.config import WorkerSpec
from symbiotic_gym.runner.pool import Ended, Outcome, Slot, WorkerPool, kill_tree

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
    host: str | None = None
    run_ref: Any = None


class RayBackend:
    """Workers as Ray actors: ready when the actor says where it runs, its outcome when its ``run`` call
    returns, its heartbeat pulled (measured on the actor's clock) while a step timeout is set."""

    name = "Ray actor"

    def __init__(self, spec: WorkerSpec, workers: int, address: str | None) -> None:
        self.ray = import_ray()
        self.spec = spec
        self.n_workers = workers
        self.address = address
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

    def start(self) -> Slot:
        if self._actor_cls is None:
            self._init()
        handle = self._actor_cls.remote(asdict(self.spec))
        return Slot(handle=_Actor(handle, handle.where.remote()), started=time.monotonic())

    def assign(self, slot: Slot, task_id: str) -> None:
        slot.handle.run_ref = slot.handle.handle.run.remote(task_id)

    def poll(self, slots: list[Slot], timeout: float) -> list[Ended]:
        ray = self.ray
        ended: list[Ended] = []
        for slot in slots:
            if not slot.ready:
                news = self._check_started(slot)
                if news is not None:
                    ended.append(news)
        refs = [s.handle.run_ref for s in slots if s.handle.run_ref is not None]
        done: list[Any] = []
        if refs:
            done, _ = ray.wait(refs, num_returns=len(refs), timeout=timeout)
        else:
            time.sleep(timeout)
        for slot in slots:
            actor = slot.handle
            if actor.run_ref is None:
                continue
            if actor.run_ref in done:
                try:
                    tid, record, steps = ray.get(actor.run_ref)
                except Exception as err:  # the actor died mid-episode (crash, OOM, killed browser taking it down)
                    ended.append(Ended(slot, died=f"Ray actor died: {_cause(err)}"))
                    continue
                actor.run_ref = None
                ended.append(Ended(slot, outcome=Outcome(tid, record, steps)))
            elif self.spec.step_timeout:
                self._pull_heartbeat(slot)
        return ended

    def _check_started(self, slot: Slot) -> Ended | None:
        ready, _ = self.ray.wait([slot.handle.where_ref], timeout=0)
        if not ready:
            return None
        try:
            slot.pid, slot.handle.host = self.ray.get(slot.handle.where_ref)
        except Exception as err:  # the actor's constructor failed: the agent or model is broken
            return Ended(slot, fatal=_cause(err))
        slot.ready = True
        return None

    def _pull_heartbeat(self, slot: Slot) -> None:
        try:
            tid, step, idle = self.ray.get(slot.handle.handle.progress.remote(), timeout=10)
        except Exception:
            return  # an unresponsive actor is caught by the episode timeout or its death
        if tid == slot.task_id:  # else the episode has not sent its first heartbeat yet
            slot.step, slot.last_beat = step, time.monotonic() - idle

    def retire(self, slot: Slot) -> None:
        actor = slot.handle
        if slot.pid and actor.host == socket.gethostname():
            kill_tree(slot.pid)  # the actor's Chromium too; ray.kill alone would orphan it
        with contextlib.suppress(Exception):
            self.ray.kill(actor.handle, no_restart=True)

    def close(self, slots: list[Slot]) -> None:
        """Stop the actors: idle ones exit on their own (their Chromium closed by their exit handlers), so Ray
        sees an intended exit instead of a worker killed mid-task (its "A worker died ... OOM killer" notes);
        an actor still busy or slow to exit is killed with everything under it."""
        idle = [s for s in slots if s.ready and s.handle.run_ref is None]
        for slot in idle:
            with contextlib.suppress(Exception):
                slot.handle.handle.__ray_terminate__.remote()  # Ray's graceful exit: queued after any running call
        here = [s.pid for s in idle if s.pid and s.handle.host == socket.gethostname()]
        if here:
            with contextlib.suppress(Exception):
                import psutil

                psutil.wait_procs([psutil.Process(pid) for pid in here if psutil.pid_exists(pid)], timeout=15)
        for slot in slots:
            exited = slot in idle and slot.pid and slot.handle.host == socket.gethostname() and not _alive(slot.pid)
            if not exited:
                self.retire(slot)
        if self._started_ray:
            with contextlib.suppress(Exception):
                self.ray.shutdown()
            self._started_ray = False


class RayPool(WorkerPool):
    """``workers`` Ray actors running the tasks of one run; ``run`` yields one Outcome per task."""

    def __init__(self, spec: WorkerSpec, workers: int = 1, *, address: str | None = None, poll_s: float = 0.5) -> None:
        n = max(1, workers)
        super().__init__(spec, RayBackend(spec, n, address), n, poll_s=poll_s)


def _alive(pid: int) -> bool:
    try:
        import psutil

        return psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:
        return False


def _cause(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[-1] if text else type(err).__name__
