"""The BrowserGym task of one WebArena config: log in, open the start page(s), evaluate the final answer.

Unlike BrowserGym's own WebArena task, evaluation runs once, when the agent answers (or runs out of
steps, with an empty answer, as in WebArena's harness), not after every step; and the LLM-judged checks go
through :mod:`symbiotic_gym.suites.webarena.judge`, so a missing judge makes the episode *not scored*
instead of crashing it. ``mode`` is ``stock`` (libwebarena's evaluators), ``rectified`` (partial
credit, :mod:`symbiotic_gym.suites.webarena.rectified`) or ``verified`` (WebArena-Verified's reworded
intents, start URLs and answer format; scored after the episode from the response and the HAR by
:mod:`symbiotic_gym.suites.webarena.verified`, so the episode's own evaluation is ``pending``).
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.parse
from typing import Any

from browsergym.core.task import AbstractBrowserTask

from symbiotic_gym.suites.embedded.browser_task import final_answer
from symbiotic_gym.suites.evaluators import EvalResult
from symbiotic_gym.suites.webarena import configs as wa_configs
from symbiotic_gym.suites.webarena import judge
from symbiotic_gym.suites.webarena.login import log_in
from symbiotic_gym.web.task_hooks import TaskHooks

MODES = ("stock", "rectified", "verified")
NA_HINT = '\n\nIf you believe the task is impossible to complete, provide the answer "N/A".'


def _install_judge() -> None:
    """Route libwebarena's judge calls (OpenAI-only upstream) to our judge."""
    from webarena.evaluation_harness import evaluators as wa

    if getattr(wa, "_symbiotic_judge", False):
        return
    wa.llm_fuzzy_match = judge.fuzzy_match
    wa.llm_ua_match = judge.unachievable_match
    wa._symbiotic_judge = True


class WebArenaTask(AbstractBrowserTask, TaskHooks):
    @classmethod
    def get_task_id(cls) -> str:
        return "symbiotic.webarena"

    def __init__(
        self,
        seed: int | None,
        task_id: int,
        mode: str = "stock",
        with_na_hint: bool = False,
        judge_model: str | None = None,
    ) -> None:
        super().__init__(seed)
        if mode not in MODES:
            raise ValueError(f"evaluator mode must be one of {MODES}, got {mode!r}")
        self.task_id = task_id
        self.mode = mode
        self.with_na_hint = with_na_hint
        self.judge_model = judge_model
        self.config: dict[str, Any] = {}
        self.config_file = ""
        self.evaluator: Any = None
        self.urls: dict[str, str] = {}

    def allowed_origins(self) -> list[str]:
        """The navigation boundary: the configured WebArena sites (``WA_*``)."""
        return site_origins()

    def setup(self, page: Any) -> tuple[str, dict[str, Any]]:
        from symbiotic_gym.suites.webarena.nltk_data import ensure_punkt_tab

        self.urls = wa_configs.require_sites()
        ensure_punkt_tab()
        from browsergym.webarena.instance import WebArenaInstance

        _install_judge()
        self.config = wa_configs.substitute(wa_configs.load_configs()[self.task_id], self.urls)
        if self.mode == "verified":
            return self._setup_verified(page)
        fd, self.config_file = tempfile.mkstemp(prefix=f"webarena-{self.task_id}-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.config, fh)
        if self.mode == "stock":
            from webarena.evaluation_harness.evaluators import evaluator_router

            self.evaluator = evaluator_router(self.config_file)
        else:
            from symbiotic_gym.suites.webarena.rectified import router

            self.evaluator = router(self.config_file)
        instance = WebArenaInstance()
        if self.config.get("require_login"):
            for site in self.config["sites"]:
                log_in(instance, site, page.context)
        if self.config.get("geolocation"):
            page.context.set_geolocation(self.config["geolocation"])
        if self.config.get("start_url"):
            urls = self.config["start_url"].split(" |AND| ")
            for i, url in enumerate(urls):
                page.goto(url)
                if i < len(urls) - 1:
                    page = page.context.new_page()
        goal = self.config["intent"] + (NA_HINT if self.with_na_hint else "")
        return goal, {"task_id": self.task_id, "sites": self.config["sites"], "mode": self.mode}

    def _setup_verified(self, page: Any) -> tuple[str, dict[str, Any]]:
        """Log in as the original config says (the verified configs keep its ids and sites), then open the
        verified start URLs, one tab each; the goal is the verified intent with the answer format."""
        from browsergym.webarena.instance import WebArenaInstance

        from symbiotic_gym.suites.webarena import verified

        task = wa_configs.substitute(verified.load_tasks()[self.task_id], self.urls)
        instance = WebArenaInstance()
        if self.config.get("require_login"):
            for site in task["sites"]:
                log_in(instance, site, page.context)
        if self.config.get("geolocation"):
            page.context.set_geolocation(self.config["geolocation"])
        for i, url in enumerate(task.get("start_urls") or []):
            page.goto(url)
            if i < len(task["start_urls"]) - 1:
                page = page.context.new_page()
        goal = task["intent"] + verified.response_instructions(task)
        return goal, {"task_id": self.task_id, "sites": task["sites"], "mode": self.mode}

    def teardown(self) -> None:
        if self.config_file:
            try:
                os.unlink(self.config_file)
            except OSError:
                pass
            self.config_file = ""

    def _unauthorized(self, page: Any) -> str | None:
        allowed = {"", "newtab"} | {urllib.parse.urlparse(u).netloc for u in self.urls.values()}
        for open_page in page.context.pages:
            where = urllib.parse.urlparse(open_page.url)
            if where.scheme in ("about", "chrome", "data"):
                continue
            if where.netloc not in allowed:
                return open_page.url
        return None

    def evaluate_answer(self, page: Any, answer: str) -> EvalResult:
        from webarena.browser_env.actions import ActionTypes

        details: list[dict[str, Any]] = [{"check": "mode", "mode": self.mode, "judge": self.judge_model}]
        outside = self._unauthorized(page)
        if outside:
            details.append({"check": "authorized_urls", "url": outside, "score": 0.0})
            return EvalResult(score=0.0, status="fail", details=details)
        if self.mode == "verified":  # scored from the response and the HAR once the context has closed
            details.append({"check": "verified", "status": "pending"})
            return EvalResult(score=None, status="pending", details=details)
        trajectory = [{}, {"action_type": ActionTypes.STOP, "answer": answer}]
        try:
            with judge.using(self.judge_model):
                score = float(
                    self.evaluator(trajectory=trajectory, config_file=self.config_file, page=page, client=None)
                )
        except judge.NoJudgeError as err:
            details.append({"check": "fuzzy_match", "status": "not_scored", "reason": str(err)})
            return EvalResult(score=None, status="not_scored", details=details)
        details.append({"check": "+".join(self.config["eval"]["eval_types"]), "score": score, "answer": answer})
        return EvalResult(score=score, status="pass" if score >= 1.0 else "fail", details=details)

    def validate(self, page: Any, chat_messages: list[Any]) -> tuple[float, bool, str, dict[str, Any]]:
        answer = final_answer(list(chat_messages))
        if answer is None:
            outside = self._unauthorized(page)
            if outside:  # leaving the WebArena sites ends the episode, as in BrowserGym
                result = EvalResult(0.0, "fail", [{"check": "authorized_urls", "url": outside, "score": 0.0}])
                return 0.0, True, "", {"eval": {"status": "fail", "score": 0.0, "details": result.details}}
            return 0.0, False, "", {}
        result = self.evaluate_answer(page, answer)
        info = {"eval": {"status": result.status, "score": result.score, "details": result.details}}
        return float(result.score or 0.0), True, "", info


def site_origins() -> list[str]:
    """The origins of the configured WebArena sites (``WA_*``): their navigation boundary."""
    out = []
    for url in wa_configs.require_sites().values():
        split = urllib.parse.urlsplit(url)
        if split.scheme and split.netloc and f"{split.scheme}://{split.netloc}" not in out:
            out.append(f"{split.scheme}://{split.netloc}")
    return out
