"""``run(RunConfig) -> RunResult``: select tasks, check the setup, record the run, run the episodes, summarise.

The CLI ``python -m benchmarks.run`` and the experiments (symbiosis, ablations) all call :func:`run`.
Setup problems raise :class:`~symbiotic_gym.errors.SymbioticGymError` before any episode starts; a worker
that cannot start raises :class:`WorkerStartError`; Ctrl-C raises :class:`RunInterrupted` (a
``KeyboardInterrupt``) after every finished episode is saved. A run in which every episode ended in an
error returns normally, with ``RunResult.all_errors`` set (the CLI exits 3 for it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.files import atomic_write_json
from symbiotic_gym.llm.precision import cpu_native_bf16
from symbiotic_gym.results.manifest import BoundaryRecord, ExecutionRecord, RunManifest
from symbiotic_gym.results.records import EpisodeRecord
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.runner.config import RESUME_KEYS, RunConfig, WorkerSpec
from symbiotic_gym.runner.progress import LiveReporter

LOG_FILE = "run.log"  # what workers and libraries print (warnings, progress bars), unless --verbose


class WorkerStartError(SymbioticGymError):
    """A worker could not start (the agent or its model failed to build); no episode ran."""


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C, SIGINT or SIGTERM during a run: the finished episodes are saved, the running ones recorded as
    ``interrupted`` (not scored), summary.json written; the same config with ``resume=True`` runs the
    interrupted and the remaining episodes."""

    def __init__(self, out: Path, done: int, total: int, signal_name: str = "SIGINT") -> None:
        super().__init__(f"interrupted: {done} of {total} episodes are saved in {out} ({signal_name})")
        self.out, self.done, self.total, self.signal_name = out, done, total, signal_name


class _Stop(KeyboardInterrupt):
    """Raised in the main thread by :class:`_StopSignals` when SIGINT or SIGTERM arrives."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


INTERRUPTED = "interrupted"  # the error_kind of an episode a stopped run left unfinished; --resume runs it again


class _StopSignals:
    """SIGINT and SIGTERM stop the run the same way, while it runs (then the old handlers come back).

    Installed explicitly for both: a run started as a background job of a non-interactive shell inherits
    SIGINT *ignored* (Python then never raises KeyboardInterrupt), and SIGTERM's default kills the process
    without a summary. The first signal raises :class:`_Stop` where the main thread is; a second one while
    the run is saving its records is ignored (a third falls back to the default: the process ends).
    Only from the main thread (signal handlers can only be set there); elsewhere nothing changes.
    """

    def __init__(self) -> None:
        self._old: dict[int, Any] = {}
        self.received: list[str] = []

    def _handle(self, signum: int, frame: Any) -> None:
        self.received.append(signal.Signals(signum).name)
        if len(self.received) == 1:
            raise _Stop(self.received[0])
        if len(self.received) >= 3:
            self.restore()

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def restore(self) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
        self._old = {}

    def __exit__(self, *exc: Any) -> None:
        self.restore()


@dataclass
class RunResult:
    """What a run produced: its directory, the summary (as in summary.json) and one record per task."""

    out: Path
    summary: dict[str, Any]
    episodes: list[EpisodeRecord] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Scored episodes (errors count as failures; not-scored ones are left out)."""
        return int(self.summary["n"])

    @property
    def successes(self) -> int:
        return int(self.summary["successes"])

    @property
    def success_rate(self) -> float:
        return float(self.summary["success_rate"])

    @property
    def stderr(self) -> float:
        return float(self.summary["stderr"])

    @property
    def wilson95(self) -> tuple[float, float]:
        lo, hi = self.summary["wilson95"]
        return float(lo), float(hi)

    @property
    def errors(self) -> int:
        return int(self.summary["errors"])

    @property
    def errors_by_kind(self) -> dict[str, int]:
        return dict(self.summary["errors_by_kind"])

    @property
    def all_errors(self) -> bool:
        """Every episode ended in an error: a broken setup, not a 0% agent."""
        return bool(self.episodes) and all(e.errored for e in self.episodes)

    def __str__(self) -> str:
        lo, hi = self.wilson95
        return (
            f"n={self.n} success {self.success_rate:.1%} ± {self.stderr:.1%} (95% CI {lo:.1%}-{hi:.1%}), "
            f"errors {self.errors} -> {self.out}"
        )


def default_out(config: RunConfig) -> Path:
    """``runs/<agent>-<suite>-<time>``; the names pass through :func:`~symbiotic_gym.file_names.file_name`,
    so whatever an agent or suite spec holds, the folder is one name under ``runs/``."""
    from symbiotic_gym.file_names import file_name

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    agent, suite = file_name(config.agent.replace(":", "_")), file_name(config.suite.replace(":", "_"))
    return Path("runs") / f"{agent}-{suite}-{stamp}"


class _Progress:
    """Forwards events to the config's callback and to the console reporter when ``show_progress``."""

    def __init__(self, config: RunConfig) -> None:
        self.reporters: list[Any] = []
        if config.show_progress:
            from symbiotic_gym.runner.progress import ConsoleReporter

            self.reporters.append(ConsoleReporter(bar=True))
        if config.progress is not None:
            self.reporters.append(config.progress)

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        for r in self.reporters:
            r(kind, data)

    def __enter__(self) -> _Progress:
        for r in self.reporters:
            if isinstance(r, LiveReporter):
                r.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        for r in self.reporters:
            if isinstance(r, LiveReporter):
                r.stop()


def prepare(config: RunConfig, emit: Any) -> tuple[RunDir, dict[str, Any], WorkerSpec, list[str]]:
    """Everything before the first episode: suite, tasks, checks, models, run directory, worker spec."""
    from symbiotic_gym.agent import AgentHooks, check_agent_args, names_large_role, resolve_agent
    from symbiotic_gym.llm import configure
    from symbiotic_gym.llm.registry import announce_fallback, role_labels
    from symbiotic_gym.privacy.audit import AUDIT_FILE
    from symbiotic_gym.runner.environment import environment_info
    from symbiotic_gym.suites import SuiteOptions, before_run, get_suite, preflight, select_tasks
    from symbiotic_gym.suites.checks import blocking_failures, format_report

    cls = resolve_agent(config.agent)
    agent_args = check_agent_args(cls, config.agent_args)
    options = SuiteOptions(
        eval_mode=config.eval_mode,
        judge_model=config.judge_model,
        na_hint=config.na_hint,
        allow_origins=config.origins(),
        suite_args=dict(config.suite_args),
    )
    suite = get_suite(config.suite, options)
    task_ids = select_tasks(suite, config.split, config.tasks, config.limit)
    if config.preflight:
        checks = preflight(suite, task_ids)
        warnings = [c for c in checks if not c.ok and not c.blocking]
        if warnings:
            emit("warning", {"message": format_report(warnings)})
        failed = blocking_failures(checks)
        if failed:
            raise SymbioticGymError(
                f"{config.suite} is not ready (python -m benchmarks.doctor --suite {config.suite}):\n"
                f"{format_report(failed)}"
            )
    threads = config.threads_per_worker(os.cpu_count() or 1)
    llm = configure(
        config.large_model,
        config.small_model,
        cache_dir=str(config.llm_cache) if config.llm_cache else None,
        cache_mode=config.cache_mode,
        announce=True,
        torch_threads=threads,
        local_dtype=config.local_dtype,
    )
    if isinstance(cls, type) and issubclass(cls, AgentHooks):
        # defaults that depend on the configured models, recorded as the run used them
        agent_args = cls.settle_args(agent_args)
    if config.workers > 0 and names_large_role(cls, agent_args):
        # workers are configured silently (one note per run, not per worker): say the fallback here
        announce_fallback()
    run_dir = RunDir(config.out or default_out(config))
    manifest = RunManifest(
        agent=config.agent,
        agent_class=f"{cls.__module__}:{cls.__qualname__}",
        agent_args=agent_args,
        suite=config.suite,
        suite_args=dict(config.suite_args or {}),
        split=config.split,
        tasks=task_ids,
        max_steps=config.max_steps,
        seed=config.seed,
        # models by name (a local model's with its content hash), never by a path: rows from any checkout pool
        models=role_labels(),
        llm={**llm.to_dict(), **role_labels()},
        eval_mode=config.eval_mode,
        judge=config.judge_model,
        na_hint=config.na_hint,
        save_screenshots=config.save_screenshots,
        record_network=config.network_recorded(),
        boundary=BoundaryRecord(list(config.origins()), _task_origins(suite, task_ids)),
        execution=ExecutionRecord(
            workers=config.workers,
            backend=config.backend,
            step_timeout=config.step_timeout,
            episode_timeout=config.episode_timeout,
            retries=config.retries,
            torch_threads=threads,
            local_dtype=config.local_dtype,
            cpu_native_bf16=cpu_native_bf16(),
        ),
        audit=config.audit,
        created=dt.datetime.now().isoformat(timespec="seconds"),
        command=config.command or ["python", "-c", "symbiotic_gym.runner.run(...)"],
        environment=environment_info(),
    )
    record = manifest.to_dict()
    if run_dir.exists():
        if not config.resume:
            raise SymbioticGymError(
                f"{run_dir.root} already holds a run. Pass --resume to continue it, or choose another --out."
            )
        old = run_dir.load_config()
        diff = [k for k in RESUME_KEYS if old.get(k) != record.get(k)]
        if diff:
            raise SymbioticGymError(
                f"Cannot resume {run_dir.root}: its {', '.join(diff)} differ from this command "
                f"(stored: {', '.join(f'{k}={old.get(k)!r}' for k in diff)})."
            )
    run_dir.check_writable()
    if not run_dir.exists():
        if config.suite_reset:
            manifest.extra.update(before_run(suite) or {})
            record = manifest.to_dict()
        run_dir.write_config(record)
    else:
        run_dir.append_resume_note(record)
    spec = WorkerSpec(
        agent=config.agent,
        agent_args=agent_args,
        suite=config.suite,
        max_steps=config.max_steps,
        seed=config.seed,
        suite_options=dataclasses.asdict(options),
        llm={
            "large": llm.large,
            "small": llm.small,
            "cache_dir": llm.cache_dir,
            "cache_mode": llm.cache_mode,
            "torch_threads": threads,
            "local_dtype": llm.local_dtype,
            "fallback_reason": llm.fallback_reason,
        },
        audit_log=str(run_dir.root.resolve() / AUDIT_FILE) if config.audit else None,
        step_timeout=config.step_timeout or None,
        episode_timeout=config.episode_timeout or None,
        retries=config.retries,
        save_screenshots=config.save_screenshots,
        record_network=config.network_recorded(),
        log_file=None if config.verbose else str(run_dir.root.resolve() / LOG_FILE),
    )
    return run_dir, record, spec, task_ids


@contextlib.contextmanager
def warnings_to(log_file: str | None) -> Iterator[None]:
    """Python warnings raised in this process during the run (an in-process agent's libraries: transformers'
    deprecations, ...) go to ``log_file`` instead of the console; ``None`` leaves them on the console."""
    if log_file is None:
        yield
        return
    with open(log_file, "a", encoding="utf-8") as log, warnings.catch_warnings():
        shown = warnings.showwarning

        def to_log(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
            log.write(warnings.formatwarning(message, category, filename, lineno, line))
            log.flush()

        warnings.showwarning = to_log
        try:
            yield
        finally:
            warnings.showwarning = shown


def make_pool(spec: WorkerSpec, workers: int, backend: str, ray_address: str | None) -> Any:
    from symbiotic_gym.runner.pool import InlinePool, ProcessPool

    if backend == "ray":
        from symbiotic_gym.runner.ray_pool import RayPool

        return RayPool(spec, max(1, workers), address=ray_address)
    if workers == 0:
        return InlinePool(spec)
    return ProcessPool(spec, workers)


def run(config: RunConfig) -> RunResult:
    """Run ``config.agent`` on the selected tasks; every finished episode is saved as soon as it ends.

    SIGINT (Ctrl-C) and SIGTERM stop it cleanly: the episodes still running are recorded as interrupted,
    summary.json is written, and :class:`RunInterrupted` is raised; ``resume=True`` continues the run."""
    from symbiotic_gym.llm import registry
    from symbiotic_gym.runner.pool import WorkerFatalError

    saved_llm = registry.snapshot()
    stop = _StopSignals()
    started_ids: list[str] = []  # episodes a worker pool started
    saved: set[str] = set()  # ... and those saved
    started = time.perf_counter()
    try:
        with stop:
            progress = _Progress(config)
            run_dir, record, spec, task_ids = prepare(config, progress)
            pool = make_pool(spec, config.workers, config.backend, config.ray_address)
            finished = run_dir.results()
            if config.retry_errors:
                finished = [r for r in finished if not r.get("error")]
            finished = [r for r in finished if r.get("error_kind") != INTERRUPTED]
            done = {r["task_id"] for r in finished}
            todo = [t for t in task_ids if t not in done]
            where = f"{config.workers} {config.backend} worker(s)" if config.workers else "in-process"
            count = len(finished)
            try:
                with progress, warnings_to(spec.log_file):
                    progress(
                        "run_start",
                        {
                            "agent": config.agent,
                            "suite": config.suite,
                            "split": config.split,
                            "total": len(task_ids),
                            "done": len(done),
                            "finished": finished,
                            "where": where,
                            "out": str(run_dir.root),
                        },
                    )

                    def on_event(kind: str, data: dict[str, Any]) -> None:
                        if kind == "start":  # a worker pool's episode began
                            started_ids.append(str(data["task_id"]))
                        progress(kind, data)

                    pool.on_event = on_event
                    for outcome in pool.run(todo):
                        saved.add(outcome.task_id)
                        run_dir.write_network(outcome.task_id, outcome.record)
                        run_dir.write_trajectory(outcome.task_id, outcome.steps)
                        run_dir.append_result(outcome.record)
                        count += 1
                        progress("episode", {"task_id": outcome.task_id, "record": outcome.record})
            except WorkerFatalError as err:
                raise WorkerStartError(f"a worker could not start: {err}") from err
            except KeyboardInterrupt as err:
                signal_name = err.signal_name if isinstance(err, _Stop) else "SIGINT"
                # in-process, the episode running is the first not saved; a worker pool says which started
                running = started_ids if config.workers else [t for t in todo if t not in saved][:1]
                _record_interrupted(run_dir, spec, [t for t in running if t not in saved], signal_name)
                _write_summary(config, run_dir, record, started, len(done))
                raise RunInterrupted(run_dir.root, count, len(task_ids), signal_name) from None
    finally:
        registry.restore(saved_llm)
    return _write_summary(config, run_dir, record, started, len(done))


def _record_interrupted(run_dir: RunDir, spec: WorkerSpec, running: list[str], signal_name: str) -> None:
    """A record for each episode a stopped run left running: not scored, ``error_kind`` interrupted."""
    from symbiotic_gym.runner.pool import failure_record

    finished = run_dir.finished_ids()
    for task_id in running:
        if task_id in finished:
            continue
        try:
            rec = failure_record(spec, task_id, f"the run was stopped ({signal_name}) during this episode", INTERRUPTED)
        except Exception:  # the suite could not describe it: the bare record still lets --resume run it again
            rec = {"task_id": task_id, "agent": spec.agent, "success": False, "reward": 0.0, "steps": 0}
            rec.update(error=f"the run was stopped ({signal_name}) during this episode", error_kind=INTERRUPTED)
        rec["eval_status"] = "not_scored"
        run_dir.append_result(rec)


def _write_summary(
    config: RunConfig, run_dir: RunDir, record: dict[str, Any], started: float, resumed: int
) -> RunResult:
    from symbiotic_gym.results.summary import summarize

    results = run_dir.results()
    summary = summarize(results)
    modes = sorted({r.get("eval_mode") or "stock" for r in results})
    summary.update(
        {
            "agent": config.agent,
            "agent_args": record["agent_args"],
            "suite": config.suite,
            "split": config.split,
            "eval_mode": modes[0] if len(modes) == 1 else modes,
            # wall_s sums the episodes' own times (what the run cost, whatever the workers); elapsed_s is this
            # invocation's clock time, which covers only the episodes it ran (resumed_episodes were done before)
            "elapsed_s": round(time.perf_counter() - started, 1),
            "resumed_episodes": resumed,
            "interrupted": sum(r.get("error_kind") == INTERRUPTED for r in results),
        }
    )
    result = RunResult(run_dir.root, summary, [EpisodeRecord.from_dict(r) for r in results], record)
    summary["all_errors"] = result.all_errors
    atomic_write_json(run_dir.summary_path, summary)
    return result


def _task_origins(suite: Any, task_ids: list[str]) -> list[str] | str:
    """The origins the selected tasks declare (their union), for config.json."""
    from symbiotic_gym.suites import suite_hooks

    hooks = suite_hooks(suite)
    try:
        declared = [hooks.origins(t) for t in task_ids]
        if any(origins is None for origins in declared):
            return "declared by each task (allowed_origins), if at all"
        return sorted({o for origins in declared for o in origins or ()})
    except Exception as err:  # e.g. WebArena sites not configured: preflight reports it
        return f"unknown ({type(err).__name__}: {err})"
