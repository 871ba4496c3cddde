"""Which embedded tasks the default test run checks one by one, and which it leaves to ``tox -e slow``.

Every template is covered: the oracle, the spoiled solution and stopping at once take the first task of each
template (``FIRST_OF_EACH_TEMPLATE``, also exported as ``SAMPLE``); the test split's tasks differ from them
only in their held-out values and run under ``slow`` (they cost ~1 minute of the default run). The
environment checker, which reads only the start page a task's setup leaves, takes one task per distinct
start state (``ONE_PER_START_STATE``: the sites reset, the start URL, logged in or not, and each injection
template's seeded content): 14 of the 70 templates; the other 56 showed the same pages again at ~1.5 s each.
The other tasks, which differ from a sampled one only in their values, carry the ``slow`` mark (``tox -e
slow``; ``python -m benchmarks.run --agent oracle --split all`` runs the oracle on all of them in one go).
"""

from __future__ import annotations

import pytest

from symbiotic_gym.suites.embedded.task_configs import load_tasks, task_ids

TASKS = load_tasks()


FIRST_OF_EACH_TEMPLATE: set[str] = set()
for _tpl in {t.template_id for t in TASKS.values()}:
    FIRST_OF_EACH_TEMPLATE.add(next(tid for tid in task_ids() if TASKS[tid].template_id == _tpl))
SAMPLE = FIRST_OF_EACH_TEMPLATE


def start_state(task_id: str) -> tuple:
    """What an embedded task's setup does before the agent's first observation (see ``BrowserTask.setup``):
    reset its sites, seed an injection's rows, log in or not, open the start URL; the goal text aside, two
    tasks with the same start state show the same first page."""
    config = TASKS[task_id]
    injection = config.template_id if config.injection is not None else None
    return (tuple(config.raw["sites"]), config.raw["start_url"], bool(config.raw["require_login"]), injection)


_FIRST_BY_STATE: dict[tuple, str] = {}
for _tid in sorted(FIRST_OF_EACH_TEMPLATE):
    _FIRST_BY_STATE.setdefault(start_state(_tid), _tid)
ONE_PER_START_STATE = set(_FIRST_BY_STATE.values())


def params(sample: set[str]) -> list:
    """Every task id as a pytest param; those outside ``sample`` marked ``slow``."""
    return [pytest.param(tid, marks=() if tid in sample else pytest.mark.slow) for tid in task_ids()]
