"""Which embedded tasks the default test run checks one by one, and which it leaves to ``tox -e slow``.

Every template is covered: the oracle, the spoiled solution, the environment checker and stopping at once
take the first task of each template (``FIRST_OF_EACH_TEMPLATE``, also exported as ``SAMPLE``); the test
split's tasks differ from them only in their held-out values and run under ``slow`` (they cost ~1 minute of
the default run). The other tasks, which differ from a sampled one only in their values, carry
the ``slow`` mark (``tox -e slow``; ``python -m benchmarks.run --agent oracle --split all`` runs the oracle
on all of them in one go).
"""

from __future__ import annotations

import pytest

from symbiotic_gym.suites.embedded.task_configs import load_tasks, task_ids

TASKS = load_tasks()


FIRST_OF_EACH_TEMPLATE: set[str] = set()
for _tpl in {t.template_id for t in TASKS.values()}:
    FIRST_OF_EACH_TEMPLATE.add(next(tid for tid in task_ids() if TASKS[tid].template_id == _tpl))
SAMPLE = FIRST_OF_EACH_TEMPLATE


def params(sample: set[str]) -> list:
    """Every task id as a pytest param; those outside ``sample`` marked ``slow``."""
    return [pytest.param(tid, marks=() if tid in sample else pytest.mark.slow) for tid in task_ids()]
