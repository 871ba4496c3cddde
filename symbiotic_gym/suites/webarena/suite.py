"""The WebArena suite: task ids ``webarena.<n>``, metadata, and an env per task on your WebArena sites."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import TYPE_CHECKING, Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.suites.base import SuiteOptions, TaskMeta
from symbiotic_gym.suites.webarena import configs as wa

if TYPE_CHECKING:
    from symbiotic_gym.agent import TaskInfo
    from symbiotic_gym.env import WebEnv


class WebArenaSuite:
    """WebArena's 812 tasks (all in its test split), scored as ``options`` say (mode, judge, N/A hint)."""

    name = "webarena"
    browsergym_action_set = "webarena"  # BrowserGym's WebArena action set, as AgentLab's webarena benchmark
    multi_tab = True

    def __init__(self, options: SuiteOptions | None = None) -> None:
        self.options = options or SuiteOptions()

    @property
    def eval_mode(self) -> str:
        return self.options.eval_mode

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

    def origins(self, task_id: str) -> list[str]:
        """The navigation boundary: the configured WebArena sites (WA_*)."""
        from symbiotic_gym.suites.webarena.task import site_origins

        return site_origins()

    def make_env(self, task_id: str, *, max_steps: int, obs_keys: tuple[str, ...] = ()) -> WebEnv:
        from symbiotic_gym.env import WebEnv
        from symbiotic_gym.suites.webarena.task import WebArenaTask

        kwargs = {
            "task_id": wa.task_number(task_id),
            "mode": self.eval_mode,
            "with_na_hint": self.options.na_hint,
            "judge_model": self.options.judge_model,
        }
        return WebEnv(
            WebArenaTask,
            kwargs,
            max_steps=max_steps,
            action_timeout_ms=10000,
            settle_timeout_ms=10000,
            boundary=self.options.extra_boundary(),
            obs_keys=obs_keys,
        )

    def eval_config(self, task_id: str) -> dict[str, Any]:
        ev = dict(self.config(task_id)["eval"])
        ev["site_placeholders"] = dict(wa.PLACEHOLDERS)
        return ev

    def site_urls(self) -> dict[str, str]:
        return wa.site_urls()

    def preflight(self, task_ids: list[str] | None = None, *, logins: bool = True) -> list[Any]:
        """Packages, offline NLTK data, WA_* variables, reachability, logins (for the selected tasks), judge."""
        from symbiotic_gym.suites.webarena.doctor import check_packages, run_checks

        packages = check_packages()
        if not all(c.ok for c in packages):
            return packages
        return run_checks(task_ids, logins=logins, judge_model=self.options.judge_model)

    def before_run(self) -> dict[str, Any] | None:
        """Reset the instance through ``WA_FULL_RESET`` (when set) so a new run starts from clean state."""
        url = os.environ.get(wa.RESET_VAR)
        if not url:
            return None
        from symbiotic_gym.suites.webarena.nltk_data import ensure_punkt_tab

        wa.require_sites()
        ensure_punkt_tab()
        from browsergym.webarena.instance import WebArenaInstance

        start = time.monotonic()
        WebArenaInstance().full_reset(skip_if_not_set=False)
        return {
            "webarena_full_reset": {
                "url": url,
                "seconds": round(time.monotonic() - start, 1),
                "at": dt.datetime.now().isoformat(timespec="seconds"),
            }
        }
