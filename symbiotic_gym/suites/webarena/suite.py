"""The WebArena suite: task ids ``webarena.<n>``, metadata, and an env per task on your WebArena sites."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.suites.base import TaskMeta
from symbiotic_gym.suites.webarena import configs as wa

if TYPE_CHECKING:
    from symbiotic_gym.agent import TaskInfo
    from symbiotic_gym.env import WebEnv

MODE_ENV = "SYMBIOTIC_EVAL_MODE"
NA_HINT_ENV = "SYMBIOTIC_WEBARENA_NA_HINT"


class WebArenaSuite:
    """WebArena's 812 tasks (all in its test split). ``eval_mode`` comes from ``--eval-mode``."""

    name = "webarena"

    @property
    def eval_mode(self) -> str:
        mode = os.environ.get(MODE_ENV, "stock")
        if mode not in ("stock", "rectified"):
            raise SymbioticGymError(f"--eval-mode must be stock or rectified, got {mode!r}")
        return mode

    def task_ids(self, split: str = "all") -> list[str]:
        if split == "train":
            raise SymbioticGymError("WebArena has no train split: use --split test or all (the same 812 tasks)")
        return wa.order([f"webarena.{n}" for n in sorted(wa.load_configs())])

    def config(self, task_id: str) -> dict[str, Any]:
        return wa.load_configs()[wa.task_number(task_id)]

    def meta(self, task_id: str) -> TaskMeta:
        cfg = self.config(task_id)
        return TaskMeta(
            task_id=task_id,
            split="test",
            sites=tuple(cfg["sites"]),
            template=str(cfg["intent_template_id"]),
            eval_types=tuple(cfg["eval"]["eval_types"]),
            extra={"changes_state": wa.changes_state(cfg), "needs_judge": wa.needs_judge(cfg)},
        )

    def task_info(self, task_id: str) -> TaskInfo:
        from symbiotic_gym.agent import TaskInfo

        cfg = wa.substitute(self.config(task_id), wa.site_urls())
        return TaskInfo(
            task_id=task_id,
            intent=cfg["intent"],
            sites=tuple(cfg["sites"]),
            start_url=cfg.get("start_url") or "",
            config=cfg,
        )

    def make_env(self, task_id: str, *, max_steps: int) -> WebEnv:
        from symbiotic_gym.env import WebEnv
        from symbiotic_gym.suites.webarena.task import WebArenaTask

        kwargs = {
            "task_id": wa.task_number(task_id),
            "mode": self.eval_mode,
            "with_na_hint": os.environ.get(NA_HINT_ENV) == "1",
        }
        return WebEnv(WebArenaTask, kwargs, max_steps=max_steps, action_timeout_ms=10000, settle_timeout_ms=10000)

    def eval_config(self, task_id: str) -> dict[str, Any]:
        ev = dict(self.config(task_id)["eval"])
        ev["site_placeholders"] = dict(wa.PLACEHOLDERS)
        return ev

    def site_urls(self) -> dict[str, str]:
        return wa.site_urls()
