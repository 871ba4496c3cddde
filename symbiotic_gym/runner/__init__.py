"""The run engine as a library: ``run(RunConfig(...)) -> RunResult``.

```python
from symbiotic_gym.runner import RunConfig, run

result = run(RunConfig(agent="oracle", suite="embedded", tasks="shop.*", limit=3, out="runs/api"))
print(result.success_rate, result.stderr, result.wilson95, result.errors_by_kind)
for ep in result.episodes:  # typed EpisodeRecord per task
    print(ep.task_id, ep.success, ep.steps, ep.error_kind)
```

Everything the CLI ``python -m benchmarks.run`` does goes through :func:`run`: the same run directory,
resume rules, workers (processes or Ray) with timeouts and retries, the cloud-request audit and summary.
"""

from __future__ import annotations

from symbiotic_gym.results.records import SCHEMA_VERSION, EpisodeRecord
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.results.summary import NOT_SCORED, scored, summarize
from symbiotic_gym.runner.config import RESUME_KEYS, RunConfig, WorkerSpec
from symbiotic_gym.runner.engine import RunInterrupted, RunResult, WorkerStartError, run
from symbiotic_gym.runner.episode import run_episode

__all__ = [
    "NOT_SCORED",
    "RESUME_KEYS",
    "SCHEMA_VERSION",
    "EpisodeRecord",
    "RunConfig",
    "RunDir",
    "RunInterrupted",
    "RunResult",
    "WorkerSpec",
    "WorkerStartError",
    "run",
    "run_episode",
    "scored",
    "summarize",
]
