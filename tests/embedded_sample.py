"""Which embedded tasks the default test run checks one by one, and which it leaves to ``tox -e slow``.

Every template is covered: the oracle and the spoiled solution run on every unseen task and the first
train and the first test task of each template (``SAMPLE``); checks that need one task of a template
(the environment checker, stopping at once) take its first (``FIRST_OF_EACH_TEMPLATE``). The other train tasks, which
differ from the sampled one only in their values, carry the ``slow`` mark.
"""

from __future__ import annotations

import pytest

from symbiotic_gym.suites.embedded.tasks import load_tasks, task_ids

TASKS = load_tasks()


def _first_of_each_template(split: str) -> set[str]:
    first: dict[str, str] = {}
    for tid in task_ids():  # in id order: template.0, template.1, ...
        t = TASKS[tid]
        if t.split == split:
            first.setdefault(t.template_id, tid)
    return set(first.values())


FIRST_OF_EACH_TEMPLATE: set[str] = set()
for _tpl in {t.template_id for t in TASKS.values()}:
    FIRST_OF_EACH_TEMPLATE.add(next(tid for tid in task_ids() if TASKS[tid].template_id == _tpl))
UNSEEN = {tid for tid, t in TASKS.items() if t.split == "unseen"}
SAMPLE = UNSEEN | _first_of_each_template("train") | _first_of_each_template("test")


def params(sample: set[str]) -> list:
    """Every task id as a pytest param; those outside ``sample`` marked ``slow``."""
    return [pytest.param(tid, marks=() if tid in sample else pytest.mark.slow) for tid in task_ids()]
