"""MiniWoB++ (``--suite miniwob``): the 125 BrowserGym MiniWoB tasks, fully offline.

The task pages ship in the ``miniwob`` PyPI package (``miniwob/html/miniwob/*.html``); BrowserGym's task
classes (``browsergym-miniwob``) drive them. Unless you set ``MINIWOB_URL`` yourself, the folder is served
from this process on 127.0.0.1 and shown to the browser as ``http://miniwob.test/miniwob/`` (mapped to the live port
inside Chromium, like the embedded sites), so observations and prompts name the same address on every
machine -- a ``file://`` URL would carry the install path into every prompt. Each episode's goal and page
are generated from the episode seed (``--seed``), which is saved with every result; MiniWoB++ has no
train/test split, so every split selects all tasks and runs differ by seed.
"""

from __future__ import annotations

import importlib.util
import os
import urllib.parse
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symbiotic_gym.errors import SymbioticGymError, did_you_mean
from symbiotic_gym.suites.base import SuiteHooks, SuiteOptions, TaskMeta
from symbiotic_gym.web.task_hooks import TaskHooks

if TYPE_CHECKING:
    from symbiotic_gym.agent import TaskInfo
    from symbiotic_gym.web.env import WebEnv

INSTALL_HINT = "pip install 'symbiotic-gym[miniwob]' (or EXTRAS=dev,miniwob bash scripts/setup.sh)"


def miniwob_html_dir() -> Path:
    """The folder of the MiniWoB++ task pages inside the installed ``miniwob`` package."""
    spec = importlib.util.find_spec("miniwob")
    if spec is None or not spec.submodule_search_locations:
        raise SymbioticGymError(f"--suite miniwob needs the MiniWoB++ pages: {INSTALL_HINT}")
    folder = Path(next(iter(spec.submodule_search_locations))) / "html" / "miniwob"
    if not (folder / "click-button.html").exists():
        raise SymbioticGymError(f"The miniwob package at {folder.parent.parent} has no task pages; reinstall it.")
    return folder


STABLE_URL = "http://miniwob.test/miniwob/"  # the pages load ../core/ and ../common/ beside them
_served: dict[int, Any] = {}  # pid -> the static server of this process


def _serve_pages() -> None:
    """Serve the task pages on a free 127.0.0.1 port (once per process) and map the stable host to it."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from symbiotic_gym.web.browser import map_host

    if os.getpid() in _served:
        return

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(miniwob_html_dir().parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, name="miniwob-pages", daemon=True).start()
    _served[os.getpid()] = httpd
    map_host("miniwob.test:80", f"127.0.0.1:{httpd.server_address[1]}")


def ensure_miniwob_url() -> str:
    """``MINIWOB_URL``: the user's if set, else the packaged pages at the stable ``http://miniwob.test/miniwob/``.

    BrowserGym's MiniWoB tasks read the page location from this variable, so it is set for them; a worker
    that inherits our stable URL serves the pages itself.
    """
    url = os.environ.get("MINIWOB_URL")
    if not url or url == STABLE_URL:
        _serve_pages()
        url = os.environ["MINIWOB_URL"] = STABLE_URL
    elif not url.endswith("/"):
        raise SymbioticGymError(f"MINIWOB_URL must end with '/', got {url!r}")
    return url


@cache
def task_classes() -> dict[str, Any]:
    """``miniwob.<name>`` -> BrowserGym task class, for every MiniWoB task BrowserGym defines."""
    try:
        import browsergym.miniwob as bg_miniwob
    except ImportError as err:
        raise SymbioticGymError(f"--suite miniwob needs browsergym-miniwob: {INSTALL_HINT}") from err
    return {cls.get_task_id(): cls for cls in bg_miniwob.ALL_MINIWOB_TASKS}


@cache
def miniwob_origins() -> list[str]:
    """The navigation boundary of every MiniWoB++ task: the pages' own origin."""
    split = urllib.parse.urlsplit(os.environ.get("MINIWOB_URL") or STABLE_URL)
    return [f"{split.scheme}://{split.netloc}"]


def scored_task(cls: Any) -> type:
    """The BrowserGym task class, with its reward reported as our evaluation record when the episode ends."""

    class Scored(cls, TaskHooks):  # type: ignore[misc, valid-type]
        def allowed_origins(self) -> list[str]:
            """The navigation boundary: the MiniWoB++ pages' own origin."""
            return miniwob_origins()

        def validate(self, page: Any, chat_messages: list[Any]) -> tuple[float, bool, str, dict[str, Any]]:
            reward, done, msg, info = super().validate(page, chat_messages)
            if done:
                raw = info.get("RAW_REWARD_GLOBAL")
                status = "pass" if reward >= 1.0 else "fail"
                detail = {"check": "miniwob_reward", "raw_reward": raw, "reason": info.get("REWARD_REASON")}
                if "error" in info:
                    detail["error"] = info["error"]
                info = {**info, "eval": {"status": status, "score": float(reward), "details": [detail]}}
            return reward, done, msg, info

    Scored.__name__ = Scored.__qualname__ = f"Scored{cls.__name__}"
    return Scored


class MiniwobSuite(SuiteHooks):
    """125 MiniWoB++ tasks; success is MiniWoB's own reward (raw reward > 0), as in BrowserGym."""

    name = "miniwob"
    eval_mode = "stock"
    browsergym_action_set = "miniwob_all"  # BrowserGym's MiniWoB++ action set (coordinates included)
    multi_tab = False

    def __init__(self, options: SuiteOptions | None = None) -> None:
        self.options = options or SuiteOptions()

    def task_ids(self, split: str = "all") -> list[str]:
        if split == "unseen":
            raise SymbioticGymError("MiniWoB++ has no unseen split: use --split all (its tasks have no train/test)")
        return sorted(task_classes())

    def _cls(self, task_id: str) -> Any:
        classes = task_classes()
        if task_id not in classes:
            hint = did_you_mean(task_id, classes)
            raise SymbioticGymError(f"Unknown MiniWoB task {task_id!r}.{hint}")
        return classes[task_id]

    def meta(self, task_id: str) -> TaskMeta:
        self._cls(task_id)
        return TaskMeta(
            task_id=task_id, split="test", sites=("miniwob",), template=task_id, eval_types=("miniwob_reward",)
        )

    def task_info(self, task_id: str) -> TaskInfo:
        from symbiotic_gym.agent import TaskInfo

        # the goal is generated by the page from the seed: agents read it from obs["goal"]
        return TaskInfo(task_id=task_id, intent="", sites=("miniwob",), config={"suite": "miniwob"})

    def origins(self, task_id: str) -> list[str]:
        return miniwob_origins()

    def make_env(
        self, task_id: str, *, max_steps: int, obs_keys: tuple[str, ...] = (), record_network: bool = False
    ) -> WebEnv:
        from symbiotic_gym.web.env import WebEnv

        ensure_miniwob_url()
        cls = self._cls(task_id)
        return WebEnv(
            _make_task,
            {"task_cls": cls},
            max_steps=max_steps,
            viewport={"width": 500, "height": 400},
            boundary=self.options.extra_boundary(),
            obs_keys=obs_keys,
            record_network=record_network,
        )

    def eval_config(self, task_id: str) -> dict[str, Any]:
        return {"eval_types": ["miniwob_reward"]}

    def site_urls(self) -> dict[str, str]:
        return {"miniwob": os.environ.get("MINIWOB_URL", "")}

    def preflight(self, task_ids: list[str] | None = None, *, logins: bool = True) -> list[Any]:
        """The task pages and BrowserGym's MiniWoB task classes."""
        from symbiotic_gym.suites.checks import Check

        try:
            url = ensure_miniwob_url()
            n = len(task_classes())
        except SymbioticGymError as err:
            return [Check("MiniWoB++", False, str(err))]
        return [Check("MiniWoB++ pages", True, url), Check("MiniWoB++ tasks", n > 0, f"{n} tasks")]

    def before_run(self) -> dict[str, Any] | None:
        return None


def _make_task(seed: int | None, task_cls: Any) -> Any:
    return scored_task(task_cls)(seed=seed if seed is not None else 0)
