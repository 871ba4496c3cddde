"""The WebArena suite: task ids ``webarena.<n>``, metadata, and an env per task on your WebArena sites."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import TYPE_CHECKING, Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.suites.base import SuiteHooks, SuiteOptions, TaskMeta
from symbiotic_gym.suites.webarena import configs as wa

if TYPE_CHECKING:
    from symbiotic_gym.agent import TaskInfo
    from symbiotic_gym.web.env import WebEnv


class WebArenaSuite(SuiteHooks):
    """WebArena's 812 tasks (all in its test split), scored as ``options`` say (mode, judge, N/A hint)."""

    name = "webarena"
    browsergym_action_set = "webarena"  # BrowserGym's WebArena action set, as AgentLab's webarena benchmark
    multi_tab = True

    def __init__(self, options: SuiteOptions | None = None) -> None:
        self.options = options or SuiteOptions()

    @property
    def eval_mode(self) -> str:
        return self.options.eval_mode

    @property
    def verified(self) -> bool:
        return self.options.eval_mode == "verified"

    def task_ids(self, split: str = "all") -> list[str]:
        if split in ("train", "unseen"):
            raise SymbioticGymError(f"WebArena has no {split} split: use --split test or all (the same 812 tasks)")
        ids = [f"webarena.{n}" for n in sorted(wa.load_configs())]
        if not self.verified:
            return wa.order(ids)
        from symbiotic_gym.suites.webarena import verified

        tasks = verified.load_tasks()  # read-only tasks first, then the mutating ones, as in the other modes
        return sorted(ids, key=lambda t: (verified.changes_state(tasks[wa.task_number(t)]), wa.task_number(t)))

    def config(self, task_id: str) -> dict[str, Any]:
        return wa.load_configs()[wa.task_number(task_id)]

    def verified_config(self, task_id: str) -> dict[str, Any]:
        from symbiotic_gym.suites.webarena import verified

        return verified.load_tasks()[wa.task_number(task_id)]

    def meta(self, task_id: str) -> TaskMeta:
        cfg = self.config(task_id)
        if self.verified:
            from symbiotic_gym.suites.webarena import verified

            vcfg = self.verified_config(task_id)
            hard = wa.task_number(task_id) in verified.subset_ids("hard")
            return TaskMeta(
                task_id=task_id,
                split="test",
                sites=tuple(vcfg["sites"]),
                template=str(vcfg["intent_template_id"]),
                eval_types=tuple(sorted({e["evaluator"] for e in vcfg["eval"]})),
                extra={
                    "changes_state": verified.changes_state(vcfg),
                    "task_type": verified.task_type(vcfg),
                    "subsets": ("hard",) if hard else ("non-hard",),
                },
            )
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
        if self.verified:
            from symbiotic_gym.suites.webarena import verified

            vcfg = wa.substitute(self.verified_config(task_id), wa.site_urls())
            return TaskInfo(
                task_id=task_id,
                intent=vcfg["intent"] + verified.response_instructions(vcfg),
                sites=tuple(vcfg["sites"]),
                start_url=" |AND| ".join(vcfg.get("start_urls") or []),
                config={**cfg, "verified": vcfg},
            )
        return TaskInfo(
            task_id=task_id,
            intent=cfg["intent"],
            sites=tuple(cfg["sites"]),
            start_url=cfg.get("start_url") or "",
            config=cfg,
        )

    def finalize_episode(
        self, task_id: str, record: dict[str, Any], har: dict[str, Any] | None, steps: list[dict[str, Any]]
    ) -> None:
        """Verified mode: score the finished episode from its structured answer and its HAR (the package's
        evaluators); the response goes into the record as ``_response`` (the runner saves it)."""
        if not self.verified:
            return
        from symbiotic_gym.suites.webarena import verified

        verified.finalize(wa.task_number(task_id), record, har, steps, self.site_urls())

    def origins(self, task_id: str) -> list[str]:
        """The navigation boundary: the configured WebArena sites (WA_*)."""
        from symbiotic_gym.suites.webarena.task import site_origins

        return site_origins()

    def make_env(
        self, task_id: str, *, max_steps: int, obs_keys: tuple[str, ...] = (), record_network: bool = False
    ) -> WebEnv:
        from symbiotic_gym.suites.webarena.task import WebArenaTask
        from symbiotic_gym.web.env import WebEnv

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
            record_network=record_network,
        )

    def eval_config(self, task_id: str) -> dict[str, Any]:
        if self.verified:
            return {
                "eval_types": list(self.meta(task_id).eval_types),
                "verified": self.verified_config(task_id)["eval"],
            }
        ev = dict(self.config(task_id)["eval"])
        ev["site_placeholders"] = dict(wa.PLACEHOLDERS)
        return ev

    def site_urls(self) -> dict[str, str]:
        return wa.site_urls()

    def preflight(self, task_ids: list[str] | None = None, *, logins: bool = True) -> list[Any]:
        """Packages, offline NLTK data, WA_* variables, reachability, logins (for the selected tasks), judge."""
        from symbiotic_gym.suites.webarena.doctor import check_packages, run_checks

        packages = check_packages()
        extra = []
        if self.verified:
            from symbiotic_gym.suites.webarena.doctor import check_verified_package

            extra.append(check_verified_package())
        if not all(c.ok for c in packages + extra):
            return packages + extra
        return extra + run_checks(
            task_ids, logins=logins, judge_model=self.options.judge_model, judge=not self.verified
        )

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
