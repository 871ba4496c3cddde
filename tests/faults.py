"""Fault injection for harness tests: a tiny suite served from each worker and an agent that misbehaves on cue.

Used as ``--suite faults:FaultSuite --agent faults:FaultyAgent -A sleep_on=... -A raise_on=...``; the tests
directory is on the workers' ``sys.path`` (spawn copies it; subprocess tests set PYTHONPATH).

* ``fault.ok.N``: a page whose heading is the answer; the agent answers it and passes.
* ``fault.http500``: the site answers HTTP 500 to every page.
"""

from __future__ import annotations

import fnmatch
import os
import signal
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from browsergym.core.task import AbstractBrowserTask

from symbiotic_gym.agent import AgentStep, Observation, TaskInfo
from symbiotic_gym.suites import TaskMeta

N_OK = 12
_server: dict[str, Any] = {}
_lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/ok/"):
            n = self.path.rsplit("/", 1)[1]
            body, status = f"<html><body><h1>answer-{n}</h1><button>Next</button></body></html>", 200
        else:
            body, status = "<html><body><h1>Internal Server Error</h1></body></html>", 500
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def base_url() -> str:
    with _lock:
        if _server.get("pid") != os.getpid():
            httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            _server.update(pid=os.getpid(), url=f"http://127.0.0.1:{httpd.server_address[1]}")
        return str(_server["url"])


def _path(task_id: str) -> str:
    return "/500" if task_id == "fault.http500" else f"/ok/{task_id.rsplit('.', 1)[1]}"


class PageTask(AbstractBrowserTask):
    @classmethod
    def get_task_id(cls) -> str:
        return "faults.page"

    def __init__(self, seed: int | None, task_id: str) -> None:
        super().__init__(seed)
        self.task_id = task_id

    def setup(self, page: Any) -> tuple[str, dict[str, Any]]:
        page.goto(base_url() + _path(self.task_id))
        return "Report the heading of the page.", {"task_id": self.task_id}

    def validate(self, page: Any, chat_messages: list[Any]) -> tuple[float, bool, str, dict[str, Any]]:
        answers = [m["message"] for m in chat_messages if m.get("role") == "assistant"]
        if not answers:
            return 0.0, False, "", {}
        want = f"answer-{self.task_id.rsplit('.', 1)[1]}"
        ok = answers[-1] == want
        return float(ok), True, "", {"eval": {"status": "pass" if ok else "fail", "score": float(ok), "details": []}}

    def teardown(self) -> None:
        pass


class FaultSuite:
    name = "faults"
    eval_mode = "stock"

    def task_ids(self, split: str = "all") -> list[str]:
        return [f"fault.ok.{i}" for i in range(N_OK)] + ["fault.http500"]

    def meta(self, task_id: str) -> TaskMeta:
        return TaskMeta(task_id=task_id, split="test", sites=("faults",), template="fault", eval_types=("custom",))

    def task_info(self, task_id: str) -> TaskInfo:
        return TaskInfo(task_id=task_id, intent="Report the heading of the page.", sites=("faults",))

    def make_env(self, task_id: str, *, max_steps: int) -> Any:
        from symbiotic_gym.web.env import WebEnv

        return WebEnv(PageTask, {"task_id": task_id}, max_steps=max_steps)

    def eval_config(self, task_id: str) -> dict[str, Any]:
        return {}

    def site_urls(self) -> dict[str, str]:
        return {"faults": base_url()}


def _matches(task_id: str, globs: str) -> bool:
    return any(fnmatch.fnmatchcase(task_id, g) for g in globs.split(",") if g)


class FaultyAgent:
    """Answers the page heading after ``steps`` clicks, unless a fault is due for this task.

    ``once_dir``: where "do it only on the first attempt" markers go (crash/kill faults then succeed on retry).
    """

    @dataclass
    class Config:
        steps: int = 1
        step_sleep: float = 0.0
        sleep_on: str = ""
        raise_on: str = ""
        segfault_on: str = ""
        kill_browser_on: str = ""
        once_dir: str = ""
        fail_init: bool = False
        crash_init: bool = False
        noisy: bool = False  # acts like a model library: a FutureWarning and a progress bar on stderr

    def __init__(self, **kwargs: Any) -> None:
        self.cfg = FaultyAgent.Config(**kwargs)
        if self.cfg.fail_init:
            raise ValueError("model weights not found at /nowhere")
        if self.cfg.crash_init:
            os.kill(os.getpid(), signal.SIGSEGV)
        if self.cfg.noisy:
            import sys
            import warnings

            warnings.warn("`noisy_library` is deprecated", FutureWarning, stacklevel=1)
            sys.stderr.write("Converting and de-quantizing GGUF tensors: 100%|##########| 272/272\n")
            sys.stderr.flush()
        self.task_id = ""
        self.n = 0

    def reset(self, task: TaskInfo) -> None:
        self.task_id, self.n = task.task_id, 0

    def _first_time(self, what: str) -> bool:
        marker = Path(self.cfg.once_dir) / f"{what}-{self.task_id}"
        if not self.cfg.once_dir or marker.exists():
            return not self.cfg.once_dir
        marker.write_text(str(os.getpid()))
        return True

    def act(self, obs: Observation) -> AgentStep:
        self.n += 1
        cfg = self.cfg
        if cfg.step_sleep:
            time.sleep(cfg.step_sleep)
        if _matches(self.task_id, cfg.sleep_on):
            time.sleep(3600)
        if _matches(self.task_id, cfg.raise_on):
            raise RuntimeError(f"agent bug on {self.task_id}")
        if _matches(self.task_id, cfg.segfault_on) and self._first_time("segv"):
            os.kill(os.getpid(), signal.SIGSEGV)
        if _matches(self.task_id, cfg.kill_browser_on) and self._first_time("kill"):
            from symbiotic_gym.web.browser import shared_browser_pid

            pid = shared_browser_pid()
            if pid is None:
                raise RuntimeError("no Chromium to kill")
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
        if self.n <= cfg.steps - 1:
            return AgentStep("noop()", "waiting")
        heading = next((line for line in obs["axtree_txt"].splitlines() if "heading" in line), "")
        answer = heading.split("'")[1] if "'" in heading else "?"
        return AgentStep(f"send_msg_to_user({answer!r})", "the heading is the answer")
