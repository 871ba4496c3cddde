"""The embedded suite as a :class:`~symbiotic_gym.suites.base.Suite`."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from symbiotic_gym.suites.base import SuiteHooks, SuiteOptions, TaskMeta

if TYPE_CHECKING:
    from symbiotic_gym.agent import TaskInfo
    from symbiotic_gym.web.env import WebEnv


QUICK_EVERY = 5  # --tasks quick: every 5th task of the test split and every 2nd of unseen, in id order


def quick_subsets(task_id: str) -> tuple[str, ...]:
    """``("quick",)`` for the tasks of the quick sample: 22 of the 108 test tasks (every site, most
    templates) and 22 of the 43 unseen ones, so ``--split test --tasks quick`` is a fast paired check."""
    return ("quick",) if task_id in _quick_ids() else ()


@functools.cache
def _quick_ids() -> frozenset[str]:
    from symbiotic_gym.suites.embedded.task_configs import load_tasks

    tasks = load_tasks()
    ids = sorted(tasks)
    test = [t for t in ids if tasks[t].split == "test"]
    unseen = [t for t in ids if tasks[t].split == "unseen"]
    return frozenset(test[::QUICK_EVERY] + unseen[::2])


class EmbeddedSuite(SuiteHooks):
    """The embedded tasks (679: train, test and unseen splits) on four offline sites, served from this process.

    Its tasks score with their own WebArena-format evaluators: ``options.eval_mode`` does not apply.
    """

    name = "embedded"
    eval_mode = "stock"
    browsergym_action_set = "webarena"  # the BrowserGym action set third-party agents are given
    multi_tab = True

    def __init__(self, options: SuiteOptions | None = None) -> None:
        self.options = options or SuiteOptions()

    def task_ids(self, split: str = "all") -> list[str]:
        from symbiotic_gym.suites.embedded.task_configs import load_tasks

        return [tid for tid, cfg in load_tasks().items() if split == "all" or cfg.split == split]

    def meta(self, task_id: str) -> TaskMeta:
        from symbiotic_gym.suites.embedded.task_configs import get_task

        cfg = get_task(task_id)
        return TaskMeta(
            task_id=task_id,
            split=cfg.split,
            sites=tuple(cfg.sites),
            template=cfg.template_id,
            private=tuple(cfg.private),
            eval_types=tuple(cfg.raw["eval"]["eval_types"]),
            extra={"subsets": quick_subsets(task_id)},
        )

    def task_info(self, task_id: str) -> TaskInfo:
        from symbiotic_gym.agent import TaskInfo
        from symbiotic_gym.suites.embedded.runtime import substitute
        from symbiotic_gym.suites.embedded.task_configs import get_task

        raw = get_task(task_id).raw
        return TaskInfo(
            task_id=task_id,
            intent=substitute(raw["intent"]),
            sites=tuple(raw["sites"]),
            start_url=substitute(raw["start_url"]),
            private=tuple(raw["private"]),
            config=raw,
        )

    def origins(self, task_id: str) -> list[str]:
        """The task's navigation boundary: its sites at their stable addresses."""
        from symbiotic_gym.suites.embedded.runtime import SITE_HOSTS

        return [f"http://{SITE_HOSTS[name]}" for name in self.meta(task_id).sites]

    def make_env(
        self, task_id: str, *, max_steps: int, obs_keys: tuple[str, ...] = (), record_network: bool = False
    ) -> WebEnv:
        from symbiotic_gym.suites.embedded.envs import make_embedded_env

        return make_embedded_env(
            task_id,
            max_steps=max_steps,
            boundary=self.options.extra_boundary(),
            obs_keys=obs_keys,
            record_network=record_network,
        )

    def eval_config(self, task_id: str) -> dict[str, Any]:
        from symbiotic_gym.suites.embedded.task_configs import PLACEHOLDERS, get_task

        ev = dict(get_task(task_id).raw["eval"])
        ev["site_placeholders"] = dict(PLACEHOLDERS)
        return ev

    def site_urls(self) -> dict[str, str]:
        from symbiotic_gym.suites.embedded.runtime import site_urls

        return site_urls()
