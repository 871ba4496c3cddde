"""Run episodes in parallel worker processes that survive hung agents, dead browsers and crashed workers.

Each worker is a process started from the package's own entry point (:mod:`symbiotic_gym.runner.worker`,
never the caller's ``__main__``) that configures the run's models, builds the agent once and reuses one
Chromium for all its episodes. It sends a heartbeat before every step; the parent kills a worker whose
step or episode runs past its timeout (the worker and every process under it, Chromium included) and
starts a new one. A worker that dies (segfault, out of memory, killed browser) turns its episode into an
error record, which is retried up to ``retries`` times; an episode that times out or whose agent raised is
recorded once. Every task therefore ends with exactly one record, and the run always finishes.

That loop (:class:`WorkerPool`) is one for every backend: a :class:`Backend` only starts, feeds, polls and
stops its kind of worker -- local processes here (:class:`ProcessBackend`), Ray actors in
:mod:`symbiotic_gym.runner.ray_pool`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from symbiotic_gym.runner.config import WorkerSpec
from symbiotic_gym.runner.episode import RETRYABLE_ERRORS, new_record
from symbiotic_gym.runner.worker import WorkerProcess, start_worker

STARTUP_TIMEOUT_S = 180.0


@dataclass
class Outcome:
    """The final record of one task (after retries) and its trajectory."""

    task_id: str
    record: dict[str, Any]
    steps: list[dict[str, Any]]


def suite_of(spec: WorkerSpec) -> Any:
    from symbiotic_gym.suites import SuiteOptions, get_suite

    return get_suite(spec.suite, SuiteOptions(**spec.suite_options))


class EpisodeRunner:
    """Lives in a worker: the run's models, suite and agent, built once and reused for every episode.

    The models are configured from the spec before the agent is built, with the privacy audit installed
    on every cloud-routed model when the spec names an audit log.
    """

    def __init__(self, spec: WorkerSpec) -> None:
        from symbiotic_gym.agent import make_agent
        from symbiotic_gym.llm import configure
        from symbiotic_gym.privacy.audit import cloud_wrapper

        configure(
            spec.llm.get("large"),
            spec.llm.get("small"),
            cache_dir=spec.llm.get("cache_dir"),
            cache_mode=spec.llm.get("cache_mode", "off"),
            announce=False,
            torch_threads=spec.llm.get("torch_threads"),
            local_dtype=spec.llm.get("local_dtype", "auto"),
            cloud_wrapper=cloud_wrapper(spec.audit_log) if spec.audit_log else None,
            fallback_reason=spec.llm.get("fallback_reason"),
        )
        self.spec = spec
        self.suite = suite_of(spec)
        self.agent = make_agent(spec.agent, spec.agent_args)

    def run(self, task_id: str, on_step: Callable[[int], None] | None = None) -> Outcome:
        from symbiotic_gym.runner.episode import run_episode

        record, steps = run_episode(
            self.agent,
            self.spec.agent,
            task_id,
            max_steps=self.spec.max_steps,
            seed=self.spec.seed,
            suite=self.suite,
            on_step=on_step,
            save_screenshots=self.spec.save_screenshots,
            record_network=self.spec.record_network,
        )
        return Outcome(task_id, record, steps)


def failure_record(spec: WorkerSpec, task_id: str, error: str, kind: str) -> dict[str, Any]:
    """The record of an episode whose worker never reported back (killed on timeout, or crashed)."""
    from symbiotic_gym.llm.registry import model_label

    suite = suite_of(spec)
    record = new_record(spec.agent, task_id, suite.meta(task_id), seed=spec.seed, eval_mode=suite.eval_mode)
    record["models"] = {role: model_label(spec.llm[role]) for role in ("large", "small") if spec.llm.get(role)}
    record["error"], record["error_kind"] = error, kind
    return record


class RetryPolicy:
    """Decides, per finished attempt, whether a task is done or goes back to the queue."""

    def __init__(self, retries: int) -> None:
        self.retries = retries
        self.attempts: dict[str, int] = {}
        self.history: dict[str, list[str]] = {}

    def start(self, task_id: str) -> int:
        self.attempts[task_id] = self.attempts.get(task_id, 0) + 1
        return self.attempts[task_id]

    def settle(self, outcome: Outcome) -> bool:
        """True if the outcome is final; False if the task should run again."""
        tid, rec = outcome.task_id, outcome.record
        rec["attempt"] = self.attempts.get(tid, 1)
        if rec.get("error_kind") in RETRYABLE_ERRORS and rec["attempt"] <= self.retries:
            self.history.setdefault(tid, []).append(f"attempt {rec['attempt']}: {rec['error']}")
            return False
        if self.history.get(tid):
            rec["previous_attempts"] = self.history[tid]
        return True


# --- worker side -------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the parent dies (a kill -9 of the run leaves no orphans)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_main(conn: Connection, spec_dict: dict[str, Any]) -> None:
    """A worker process: build the runner, then run each task id received until told to stop (None)."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        runner = EpisodeRunner(WorkerSpec(**spec_dict))
    except BaseException as err:  # a broken agent spec or model: tell the parent, which stops the run
        conn.send(("fatal", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task_id = conn.recv()
        except (EOFError, OSError):
            return
        if task_id is None:
            return

        def beat(n: int, tid: str = task_id) -> None:
            conn.send(("step", tid, n))

        try:
            outcome = runner.run(task_id, on_step=beat)
        except Exception as err:  # a bug outside the episode's own error handling (e.g. the suite's metadata)
            conn.send(("error", task_id, f"{type(err).__name__}: {err}"))
            continue
        conn.send(("done", outcome.task_id, outcome.record, outcome.steps))


# --- parent side: one loop for every backend ----------------------------------------------------------


class WorkerFatalError(RuntimeError):
    """A worker could not even start (the agent or its model failed to build)."""


def kill_tree(pid: int) -> None:
    """SIGKILL a process and everything under it (its Playwright driver and Chromium)."""
    procs = []
    try:
        import psutil

        parent = psutil.Process(pid)
        procs = [*parent.children(recursive=True), parent]
    except Exception:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        return
    for p in procs:
        with contextlib.suppress(Exception):
            p.kill()
    with contextlib.suppress(Exception):
        psutil.wait_procs(procs, timeout=5)


@dataclass
class Slot:
    """One worker as the loop sees it, whatever runs it: the backend's handle, and the episode it runs."""

    handle: Any
    started: float
    ready: bool = False
    pid: int | None = None
    task_id: str | None = None
    episode_start: float = 0.0
    last_beat: float = 0.0  # when the episode last showed progress (the backend keeps it current)
    step: int = 0


@dataclass
class Ended:
    """What :meth:`Backend.poll` reports of a slot: its episode's outcome, or that the worker died (``died``,
    with why) or could not start (``fatal``). A worker that became ready or showed progress is reported by
    updating its slot (``ready``, ``pid``, ``step``, ``last_beat``), not here."""

    slot: Slot
    outcome: Outcome | None = None
    died: str | None = None
    fatal: str | None = None


class Backend(Protocol):
    """How one kind of worker starts, takes an episode, reports back and stops; :class:`WorkerPool` runs the
    loop (queue, retries, deadlines, replacing dead or hung workers) the same for all of them."""

    name: str  # "worker" or "Ray actor", for messages

    def start(self) -> Slot: ...

    def assign(self, slot: Slot, task_id: str) -> None: ...

    def poll(self, slots: list[Slot], timeout: float) -> list[Ended]:
        """Wait up to ``timeout`` for news, update the slots, and return the slots whose episode or life ended."""
        ...

    def retire(self, slot: Slot) -> None:
        """Kill a worker and everything under it (it is hung, dead or no longer needed)."""
        ...

    def close(self, slots: list[Slot]) -> None:
        """Stop every worker at the end of the run (gracefully where the backend can)."""
        ...


class WorkerPool:
    """``workers`` workers of a :class:`Backend` running the tasks of one run; ``run`` yields one Outcome per
    task. The one loop: keep the workers started, hand each idle one the next task, enforce the startup, step
    and episode deadlines, replace a worker that died or overran (its episode becomes an error record), and
    retry what :class:`RetryPolicy` says."""

    def __init__(self, spec: WorkerSpec, backend: Backend, workers: int = 1, *, poll_s: float = 0.25) -> None:
        if workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.spec = spec
        self.backend = backend
        self.n_workers = workers
        self.poll_s = poll_s
        self.slots: list[Slot] = []
        self.restarts = 0
        self.on_event: Callable[[str, dict[str, Any]], None] | None = None

    def _emit(self, kind: str, **data: Any) -> None:
        if self.on_event:
            self.on_event(kind, data)

    def run(self, task_ids: list[str]) -> Iterator[Outcome]:
        queue: deque[str] = deque(task_ids)
        policy = RetryPolicy(self.spec.retries)
        pending = len(task_ids)
        try:
            while pending:
                while len(self.slots) < min(self.n_workers, pending):
                    self.slots.append(self.backend.start())
                self._assign(queue, policy)
                finished = []
                ended = self.backend.poll(list(self.slots), self.poll_s)
                outcomes = [self._settle(e) for e in ended] + [self._check_deadlines(s) for s in list(self.slots)]
                for outcome in outcomes:
                    if outcome is None:
                        continue
                    if policy.settle(outcome):
                        finished.append(outcome)
                    else:
                        queue.appendleft(outcome.task_id)
                        self._emit("retry", task_id=outcome.task_id, error=outcome.record["error"])
                self._assign(queue, policy)  # idle workers start their next episode before results are saved
                for outcome in finished:
                    pending -= 1
                    yield outcome
        finally:
            self.close()

    def close(self) -> None:
        slots, self.slots = self.slots, []
        self.backend.close(slots)

    def _assign(self, queue: deque[str], policy: RetryPolicy) -> None:
        for slot in self.slots:
            if slot.ready and slot.task_id is None and queue:
                slot.task_id = queue.popleft()
                policy.start(slot.task_id)
                slot.episode_start = slot.last_beat = time.monotonic()
                slot.step = 0
                self.backend.assign(slot, slot.task_id)
                self._emit("start", task_id=slot.task_id, pid=slot.pid)

    def _settle(self, ended: Ended) -> Outcome | None:
        slot = ended.slot
        if ended.fatal is not None:
            self._retire(slot)
            raise WorkerFatalError(ended.fatal)
        if ended.died is not None:
            if not slot.ready:  # it died while starting: a new one would too
                self._retire(slot)
                raise WorkerFatalError(f"{ended.died} before it was ready")
            return self._replace(slot, "worker", ended.died)
        slot.task_id = None
        return ended.outcome

    def _check_deadlines(self, slot: Slot) -> Outcome | None:
        if slot not in self.slots:
            return None  # replaced while its news was settled
        now, spec = time.monotonic(), self.spec
        if not slot.ready:
            if now - slot.started > STARTUP_TIMEOUT_S:
                self._retire(slot)
                raise WorkerFatalError(f"a {self.backend.name} did not start within {STARTUP_TIMEOUT_S:.0f} s")
            return None
        if slot.task_id is None:
            return None
        if spec.step_timeout and now - slot.last_beat > spec.step_timeout:
            what = "reset" if slot.step == 0 else f"step {slot.step}"
            return self._replace(slot, "timeout", f"{what} exceeded the step timeout of {spec.step_timeout:g} s")
        if spec.episode_timeout and now - slot.episode_start > spec.episode_timeout:
            return self._replace(slot, "timeout", f"episode exceeded the episode timeout of {spec.episode_timeout:g} s")
        return None

    def _retire(self, slot: Slot) -> None:
        if slot in self.slots:
            self.slots.remove(slot)
        self.backend.retire(slot)

    def _replace(self, slot: Slot, kind: str, reason: str) -> Outcome | None:
        """Kill a worker (and its Chromium), let the loop start a fresh one, and turn its episode into an
        error record."""
        task_id, step, elapsed = slot.task_id, slot.step, time.monotonic() - slot.episode_start
        self._retire(slot)
        self.restarts += 1
        self._emit("restart", task_id=task_id, reason=reason)
        if task_id is None:
            return None
        record = failure_record(self.spec, task_id, reason, kind)
        record["steps"] = step
        record["wall_s"] = round(elapsed, 4)
        return Outcome(task_id, record, [])


@dataclass
class _Process:
    proc: WorkerProcess
    conn: Connection


class ProcessBackend:
    """Workers as local processes (:mod:`symbiotic_gym.runner.worker`) that push their news down a pipe: ready,
    a heartbeat before every step, the episode's outcome."""

    name = "worker"

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec

    def start(self) -> Slot:
        proc, conn = start_worker(asdict(self.spec))
        return Slot(handle=_Process(proc, conn), started=time.monotonic(), pid=proc.pid)

    def assign(self, slot: Slot, task_id: str) -> None:
        slot.handle.conn.send(task_id)

    def poll(self, slots: list[Slot], timeout: float) -> list[Ended]:
        # a worker that dies closes its end of the connection, which wakes this wait too
        readable = wait([s.handle.conn for s in slots], timeout)
        ended = []
        for slot in slots:
            news = self._read(slot) if slot.handle.conn in readable else None
            if news is None and not slot.handle.proc.is_alive():
                news = Ended(slot, died=self._death_reason(slot))
            if news is not None:
                ended.append(news)
        return ended

    def _read(self, slot: Slot) -> Ended | None:
        conn = slot.handle.conn
        try:
            while conn.poll():
                msg = conn.recv()
                if msg[0] == "ready":
                    slot.ready = True
                elif msg[0] == "fatal":
                    return Ended(slot, fatal=msg[1])
                elif msg[0] == "step":
                    slot.step, slot.last_beat = msg[2], time.monotonic()
                elif msg[0] == "done":
                    return Ended(slot, outcome=Outcome(msg[1], msg[2], msg[3]))
                elif msg[0] == "error":  # a bug outside the episode's own error handling
                    record = failure_record(self.spec, msg[1], msg[2], "harness")
                    return Ended(slot, outcome=Outcome(msg[1], record, []))
        except (EOFError, OSError):
            pass  # the worker died; poll() sees its exit
        return None

    def _death_reason(self, slot: Slot) -> str:
        proc = slot.handle.proc
        proc.join(timeout=1)
        code = proc.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            return f"worker process died from signal {name}"
        return f"worker process exited with code {code}"

    def retire(self, slot: Slot) -> None:
        kill_tree(slot.handle.proc.pid)
        with contextlib.suppress(Exception):
            slot.handle.proc.join(timeout=5)
        with contextlib.suppress(Exception):
            slot.handle.conn.close()

    def close(self, slots: list[Slot]) -> None:
        for slot in slots:
            with contextlib.suppress(Exception):
                slot.handle.conn.send(None)  # "no more tasks": the worker closes its browser and exits
        deadline = time.monotonic() + 10
        for slot in slots:
            slot.handle.proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if slot.handle.proc.is_alive():
                kill_tree(slot.handle.proc.pid)
            with contextlib.suppress(Exception):
                slot.handle.conn.close()


class ProcessPool(WorkerPool):
    """``workers`` local worker processes running the tasks of one run; ``run`` yields one Outcome per task."""

    def __init__(self, spec: WorkerSpec, workers: int = 1, *, poll_s: float = 0.25) -> None:
        super().__init__(spec, ProcessBackend(spec), workers, poll_s=poll_s)


class InlinePool:
    """Episodes one after another in this process (``--workers 0``): easiest to debug, but no timeouts."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.restarts = 0
        self.on_event: Callable[[str, dict[str, Any]], None] | None = None

    def run(self, task_ids: list[str]) -> Iterator[Outcome]:
        runner = EpisodeRunner(self.spec)
        policy = RetryPolicy(self.spec.retries)
        for tid in task_ids:
            while True:
                policy.start(tid)
                outcome = runner.run(tid)
                if policy.settle(outcome):
                    yield outcome
                    break
