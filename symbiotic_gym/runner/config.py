"""The settings of a run: :class:`RunConfig` (what a user gives) and :class:`WorkerSpec` (what a worker gets).

Everything a run needs travels in these objects -- to spawned worker processes and to Ray actors alike --
never through environment variables. Environment variables are read only where a user gives defaults:
the CLI (``SYMBIOTIC_LARGE_MODEL``, ``SYMBIOTIC_SMALL_MODEL``, ``SYMBIOTIC_JUDGE_MODEL``,
``SYMBIOTIC_TORCH_THREADS``) and the LLM layer's no-key fallback (``ANTHROPIC_API_KEY``, ``OPENAI_API_KEY``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.llm.cache import CACHE_MODES
from symbiotic_gym.llm.precision import DTYPES
from symbiotic_gym.suites.base import EVAL_MODES, SPLITS

BACKENDS = ("process", "ray")
# keys of config.json that must match for a resume to continue a run
RESUME_KEYS = ("agent", "agent_args", "suite", "split", "tasks", "max_steps", "seed", "models", "eval_mode")


@dataclass
class RunConfig:
    """Everything one run needs. ``run(RunConfig(...))`` returns a :class:`~symbiotic_gym.runner.RunResult`.

    Defaults match ``python -m benchmarks.run`` with no flags.
    """

    agent: str = field(default="oracle", metadata={"help": "registered agent name or package.module:Class"})
    agent_args: dict[str, Any] = field(
        default_factory=dict,
        metadata={"help": "agent arguments (fields of the agent's Config; strings are typed from it)"},
    )
    suite: str = field(
        default="embedded",
        metadata={"help": "task suite: embedded, miniwob, webarena, a registered suite, or package.module:attribute"},
    )
    suite_args: dict[str, Any] = field(
        default_factory=dict,
        metadata={"help": "the suite's own options (-S KEY=VALUE), e.g. the webapp suite's tasks and base_url"},
    )
    split: str = field(default="all", metadata={"help": "task split", "choices": SPLITS})
    tasks: str | list[str] | None = field(
        default=None,
        metadata={
            "help": "task selectors, comma-separated: id globs, WebArena numbers, site:NAME, template:ID, @FILE",
            "metavar": "SEL",
        },
    )
    limit: int | None = field(default=None, metadata={"help": "run at most N tasks", "metavar": "N"})
    max_steps: int = field(default=30, metadata={"help": "step budget per episode"})
    seed: int = field(default=0, metadata={"help": "episode seed"})
    out: str | Path | None = field(
        default=None, metadata={"help": "run directory (default: runs/<agent>-<suite>-<timestamp>)", "metavar": "DIR"}
    )
    resume: bool = field(default=False, metadata={"help": "continue the run in --out, skipping finished episodes"})
    retry_errors: bool = field(
        default=False,
        metadata={"help": "with --resume: also run again the episodes that ended with an error (the new record wins)"},
    )
    large_model: str | None = field(
        default=None,
        metadata={
            "help": "model of the large role: litellm string (anthropic/claude-sonnet-4-6, openai/gpt-4o, "
            "hosted_vllm/NAME, openai/NAME@http://host:port/v1) or local[:PATH]; env SYMBIOTIC_LARGE_MODEL; "
            "default: a cloud model if an API key is set, else the small role's local model",
            "metavar": "SPEC",
        },
    )
    small_model: str | None = field(
        default=None,
        metadata={
            "help": "model of the small role (default: the shipped distilled student if installed, else local, "
            "the bundled SmolLM2-135M-Instruct); "
            "env SYMBIOTIC_SMALL_MODEL",
            "metavar": "SPEC",
        },
    )
    llm_cache: str | Path | None = field(
        default=None, metadata={"help": "record/replay cache directory for LLM calls", "metavar": "DIR"}
    )
    llm_cache_mode: str | None = field(
        default=None,
        metadata={
            "help": "off | record (call and store) | replay (stored answers, call on a miss) | replay-strict "
            "(a miss is an error; no model is called). Default: replay when --llm-cache is given, else off",
            "choices": CACHE_MODES,
        },
    )
    eval_mode: str = field(
        default="stock",
        metadata={
            "help": "WebArena scoring: stock (WebArena's rules), rectified (AgentOccam-style partial credit) or "
            "verified (WebArena-Verified's configs and evaluators, scored from each episode's HAR and JSON answer)",
            "choices": EVAL_MODES,
        },
    )
    judge_model: str | None = field(
        default=None,
        metadata={
            "help": "LLM judge for WebArena's fuzzy_match checks (any model spec; env SYMBIOTIC_JUDGE_MODEL); "
            "without one those tasks are reported as not scored",
            "metavar": "SPEC",
        },
    )
    na_hint: bool = field(default=False, metadata={"help": "WebArena: tell the agent it may answer N/A"})
    record_network: bool = field(
        default=False,
        metadata={
            "help": "save each episode's HTTP traffic as a HAR (trajectories/TASK.har; on with --eval-mode verified)"
        },
    )
    save_screenshots: bool = field(
        default=False,
        metadata={"help": "save what the agent saw at each step as a JPEG (trajectories/TASK/step-NNN.jpg)"},
    )
    allow_origins: str | list[str] | None = field(
        default=None,
        metadata={
            "help": "origins the browser may reach besides the task's own sites, comma-separated "
            "scheme://host[:port] (everything else is blocked; see the README's navigation boundary)",
            "metavar": "ORIGINS",
        },
    )
    audit: bool = field(
        default=True,
        metadata={
            "help": "do not log cloud-bound LLM requests to RUN_DIR/cloud_requests.jsonl (logged by default)",
            "flag": "--no-audit",
        },
    )
    workers: int = field(
        default=1,
        metadata={"help": "parallel workers, each with its own browser; 0 runs in this process, without timeouts"},
    )
    backend: str = field(default="process", metadata={"help": "worker backend", "choices": BACKENDS})
    ray_address: str | None = field(
        default=None,
        metadata={
            "help": "with --backend ray: a running cluster (auto, ray://host:10001); default: a local Ray instance"
        },
    )
    step_timeout: float | None = field(
        default=300.0,
        metadata={
            "help": "kill and restart a worker whose reset or step (agent + browser) takes longer; 0 = none",
            "metavar": "S",
        },
    )
    episode_timeout: float | None = field(
        default=1800.0,
        metadata={"help": "kill and restart a worker whose episode takes longer; 0 = none", "metavar": "S"},
    )
    retries: int = field(
        default=2, metadata={"help": "run again an episode whose worker or browser crashed, up to N times"}
    )
    torch_threads: int | None = field(
        default=None,
        metadata={
            "help": "CPU threads of each worker's in-process model (env SYMBIOTIC_TORCH_THREADS; "
            "default: cores / workers when --workers > 1)",
            "metavar": "N",
        },
    )
    local_dtype: str = field(
        default="auto",
        metadata={
            "help": "precision of in-process models: auto (bfloat16 where the CPU or GPU has it natively, "
            "else float32), float32 or bfloat16",
            "choices": DTYPES,
        },
    )
    preflight: bool = field(
        default=True,
        metadata={"help": "do not run the suite's pre-flight checks", "flag": "--skip-doctor"},
    )
    suite_reset: bool = field(
        default=True,
        metadata={
            "help": "WebArena: do not reset the instance through WA_FULL_RESET before a new run",
            "flag": "--no-full-reset",
        },
    )
    show_progress: bool = field(
        default=False, metadata={"help": "draw a progress bar on stderr (off in the API, on in the CLI)"}
    )
    verbose: bool = field(
        default=False,
        metadata={
            "help": "show what workers and libraries print (warnings, model conversion progress bars) on the "
            "console; by default it goes to run.log in the run directory"
        },
    )
    progress: Callable[[str, dict[str, Any]], None] | None = field(
        default=None,
        metadata={"help": "called with (event, data) as the run goes (see symbiotic_gym.runner.progress)"},
    )
    command: list[str] | None = field(
        default=None, metadata={"help": "the command line that made this run (recorded in config.json)"}
    )

    def __post_init__(self) -> None:
        if self.split not in SPLITS:
            raise SymbioticGymError(f"split must be one of {', '.join(SPLITS)}, got {self.split!r}")
        if self.workers < 0 or self.retries < 0:
            raise SymbioticGymError("--workers and --retries must be >= 0")
        if self.max_steps < 1:
            raise SymbioticGymError(f"max_steps must be >= 1, got {self.max_steps}")
        if self.retry_errors and not self.resume:
            raise SymbioticGymError("--retry-errors only makes sense with --resume")
        if self.backend not in BACKENDS:
            raise SymbioticGymError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if self.eval_mode not in EVAL_MODES:
            raise SymbioticGymError(f"eval_mode must be one of {', '.join(EVAL_MODES)}, got {self.eval_mode!r}")
        if self.llm_cache_mode is not None and self.llm_cache_mode not in CACHE_MODES:
            raise SymbioticGymError(f"llm_cache_mode must be one of {', '.join(CACHE_MODES)}")
        if isinstance(self.tasks, (list, tuple)):
            self.tasks = ",".join(str(t) for t in self.tasks)
        if isinstance(self.allow_origins, (list, tuple)):
            self.allow_origins = ",".join(str(o) for o in self.allow_origins)
        from symbiotic_gym.web.boundary import Boundary, BoundaryConfigError

        try:
            Boundary.of(self.origins())
        except BoundaryConfigError as err:
            raise SymbioticGymError(f"--allow-origins: {err}") from err

    def network_recorded(self) -> bool:
        """Whether episodes record a HAR: asked for, or needed (WebArena-Verified scores from it)."""
        return bool(self.record_network or self.eval_mode == "verified")

    def origins(self) -> tuple[str, ...]:
        """``allow_origins`` as a tuple of origins."""
        return tuple(o.strip() for o in (self.allow_origins or "").split(",") if o.strip())

    @property
    def cache_mode(self) -> str:
        return self.llm_cache_mode or ("replay" if self.llm_cache else "off")

    def threads_per_worker(self, cpu_count: int) -> int | None:
        if self.torch_threads:
            return self.torch_threads
        # in-process models in several workers, each with every core, slow down ~10x (OpenMP threads
        # spin-waiting on each other): share the cores out
        return max(1, cpu_count // self.workers) if self.workers > 1 else None


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs to run episodes exactly as the parent would (picklable)."""

    agent: str
    agent_args: dict[str, Any]
    suite: str
    max_steps: int
    seed: int
    suite_options: dict[str, Any] = field(default_factory=dict)  # SuiteOptions fields
    llm: dict[str, Any] = field(default_factory=dict)  # large, small, cache_dir, cache_mode, torch_threads
    audit_log: str | None = None  # the cloud-request audit file, or None
    step_timeout: float | None = None
    episode_timeout: float | None = None
    retries: int = 2
    save_screenshots: bool = False
    record_network: bool = False
    log_file: str | None = None  # where workers' own output goes (run.log); None: the console (--verbose)
