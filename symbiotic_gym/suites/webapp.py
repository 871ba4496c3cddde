"""Any web app as a suite, without code (``--suite webapp``): a task file and a base URL.

A task file (JSONL, one task per line; or YAML, a list of tasks or a mapping with ``tasks:`` and an optional
``base_url:``) lists tasks such as::

    - id: search.blue-mug
      start: /search             # a path under the base URL, or a full URL
      goal: Search for "blue mug" and open its page.
      success: {url: "/product/*", page_text: "Blue mug"}
      setup: /reset              # optional: opened before the start page (reset the app's state)
      origins: [http://cdn.test] # optional: origins the browser may reach besides the app's

Success rules (:class:`SuccessRule`; several keys in one rule must all hold):

* ``page_text``: text on the page (the body's visible text, case- and space-insensitive);
* ``answer_text``: text in the agent's answer (``send_msg_to_user``), same matching;
* ``url``: a glob on the page URL (``/path*`` matches path and query, ``http://...`` the whole URL);
  ``url_regex``: a regular expression searched in the whole URL;
* ``js``: a JavaScript expression or function evaluated in the page, true when truthy;
* ``all: [rule, ...]`` / ``any: [rule, ...]``: combinations.

An episode ends as a success as soon as its rule holds; it ends as a failure when the agent answers (or
gives up) while the rule does not hold, or when its steps run out. The navigation boundary is the app's
origin (the base URL's) plus the task's ``origins`` and ``--allow-origins``.

Options (``-S KEY=VALUE`` on ``python -m benchmarks.run``) are the fields of :class:`WebAppConfig`.
See docs/webapp-suite.md for a worked example.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import re
import typing
import urllib.parse
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symbiotic_gym.errors import SymbioticGymError, did_you_mean
from symbiotic_gym.suites.base import SuiteHooks, SuiteOptions, TaskMeta
from symbiotic_gym.web.task_hooks import TaskHooks

if TYPE_CHECKING:
    from symbiotic_gym.agent import TaskInfo
    from symbiotic_gym.web.env import WebEnv

SITE = "webapp"


@dataclass(frozen=True)
class WebAppConfig:
    """The webapp suite's options (``-S KEY=VALUE``; ``RunConfig.suite_args`` from Python)."""

    tasks: str = field(default="", metadata={"help": "the task file: .jsonl, .yaml or .yml"})
    base_url: str = field(
        default="", metadata={"help": "the app's address, e.g. http://127.0.0.1:8000 (or base_url: in a YAML file)"}
    )
    viewport_width: int = field(default=1280, metadata={"help": "browser viewport width in pixels"})
    viewport_height: int = field(default=720, metadata={"help": "browser viewport height in pixels"})

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> WebAppConfig:
        """Typed from ``-S`` strings; an unknown key is refused with the known ones."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for key, value in args.items():
            if key not in fields:
                hint = did_you_mean(key, fields)
                raise SymbioticGymError(f"Unknown webapp suite option {key!r}. Known: {', '.join(fields)}.{hint}")
            kind = hints[key]
            try:
                values[key] = kind(value) if isinstance(value, str) and kind is not str else value
            except ValueError:
                raise SymbioticGymError(f"webapp suite option {key}: expected {kind.__name__}, got {value!r}") from None
        return cls(**values)


RULE_KEYS = ("page_text", "answer_text", "url", "url_regex", "js", "all", "any")


@dataclass(frozen=True)
class SuccessRule:
    """When a task is done (see the module doc); every key given must hold."""

    page_text: str | None = None
    answer_text: str | None = None
    url: str | None = None
    url_regex: str | None = None
    js: str | None = None
    all: tuple[SuccessRule, ...] = ()
    any: tuple[SuccessRule, ...] = ()

    @classmethod
    def parse(cls, data: Any, where: str) -> SuccessRule:
        if isinstance(data, list):
            return cls(all=tuple(cls.parse(d, where) for d in data))
        if not isinstance(data, dict) or not data:
            raise SymbioticGymError(f"{where}: success must be a mapping with any of {', '.join(RULE_KEYS)}")
        unknown = [k for k in data if k not in RULE_KEYS]
        if unknown:
            hint = did_you_mean(unknown[0], RULE_KEYS)
            raise SymbioticGymError(
                f"{where}: unknown success rule {unknown[0]!r}. Known: {', '.join(RULE_KEYS)}.{hint}"
            )
        values: dict[str, Any] = {}
        for key in ("page_text", "answer_text", "url", "url_regex", "js"):
            if key in data:
                if not isinstance(data[key], str) or not data[key].strip():
                    raise SymbioticGymError(f"{where}: success.{key} must be a non-empty string")
                values[key] = data[key]
        if "url_regex" in values:
            try:
                re.compile(values["url_regex"])
            except re.error as err:
                raise SymbioticGymError(f"{where}: success.url_regex is not a regular expression: {err}") from None
        for key in ("all", "any"):
            if key in data:
                if not isinstance(data[key], list) or not data[key]:
                    raise SymbioticGymError(f"{where}: success.{key} must be a non-empty list of rules")
                values[key] = tuple(cls.parse(d, f"{where} ({key})") for d in data[key])
        return cls(**values)

    def needs_answer(self) -> bool:
        """Whether the rule can only hold once the agent has answered."""
        return (
            self.answer_text is not None
            or any(r.needs_answer() for r in self.all)
            or (bool(self.any) and all(r.needs_answer() for r in self.any))
        )

    def check(self, page: Any, answer: str | None) -> tuple[bool, list[dict[str, Any]]]:
        """Whether the rule holds on ``page`` with ``answer`` (None: no answer yet), and one detail per check."""
        details: list[dict[str, Any]] = []
        ok = True
        if self.page_text is not None:
            text = _page_text(page)
            hit = _norm(self.page_text) in _norm(text)
            details.append({"check": "page_text", "expected": self.page_text, "pass": hit})
            ok &= hit
        if self.answer_text is not None:
            hit = answer is not None and _norm(self.answer_text) in _norm(answer)
            details.append({"check": "answer_text", "expected": self.answer_text, "answer": answer, "pass": hit})
            ok &= hit
        if self.url is not None or self.url_regex is not None:
            url = str(page.url)
            if self.url is not None:
                split = urllib.parse.urlsplit(url)
                target = url if "://" in self.url else split.path + (f"?{split.query}" if split.query else "")
                hit = fnmatch.fnmatchcase(target, self.url)
                details.append({"check": "url", "expected": self.url, "url": url, "pass": hit})
                ok &= hit
            if self.url_regex is not None:
                hit = re.search(self.url_regex, url) is not None
                details.append({"check": "url_regex", "expected": self.url_regex, "url": url, "pass": hit})
                ok &= hit
        if self.js is not None:
            try:
                hit = bool(page.evaluate(self.js))
                details.append({"check": "js", "expected": self.js, "pass": hit})
            except Exception as err:  # a predicate that throws does not hold; the detail says why
                hit = False
                details.append({"check": "js", "expected": self.js, "pass": False, "error": str(err).split("\n")[0]})
            ok &= hit
        for rule in self.all:
            hit, sub = rule.check(page, answer)
            details.append({"check": "all", "pass": hit, "details": sub})
            ok &= hit
        if self.any:
            results = [rule.check(page, answer) for rule in self.any]
            hit = any(r[0] for r in results)
            details.append({"check": "any", "pass": hit, "details": [d for r in results for d in r[1]]})
            ok &= hit
        return ok, details


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _page_text(page: Any) -> str:
    try:
        return str(page.evaluate("() => document.body ? document.body.innerText : ''"))
    except Exception:
        return ""


@dataclass(frozen=True)
class WebAppTask:
    """One task of a task file."""

    id: str
    start: str
    goal: str
    success: SuccessRule
    setup: str | None = None
    origins: tuple[str, ...] = ()


TASK_KEYS = ("id", "start", "goal", "success", "setup", "origins")


def parse_task(data: Any, where: str) -> WebAppTask:
    if not isinstance(data, dict):
        raise SymbioticGymError(f"{where}: a task must be a mapping with {', '.join(TASK_KEYS)}")
    unknown = [k for k in data if k not in TASK_KEYS]
    if unknown:
        hint = did_you_mean(unknown[0], TASK_KEYS)
        raise SymbioticGymError(f"{where}: unknown key {unknown[0]!r}. Known: {', '.join(TASK_KEYS)}.{hint}")
    for key in ("id", "start", "goal"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise SymbioticGymError(f"{where}: {key!r} is required (a non-empty string)")
    if "success" not in data:
        raise SymbioticGymError(f"{where} ({data['id']}): 'success' is required")
    where = f"{where} ({data['id']})"
    origins = data.get("origins") or []
    if isinstance(origins, str):
        origins = [origins]
    setup = data.get("setup")
    if setup is not None and (not isinstance(setup, str) or not setup.strip()):
        raise SymbioticGymError(f"{where}: 'setup' must be a URL or path")
    return WebAppTask(
        id=data["id"],
        start=data["start"],
        goal=data["goal"],
        success=SuccessRule.parse(data["success"], where),
        setup=setup,
        origins=tuple(str(o) for o in origins),
    )


@dataclass(frozen=True)
class TaskFile:
    tasks: tuple[WebAppTask, ...]
    base_url: str = ""


def load_task_file(path: str | Path) -> TaskFile:
    """Read a JSONL or YAML task file (see the module doc); duplicate ids and malformed tasks are refused."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise SymbioticGymError(f"Cannot read the webapp task file {path}: {err.strerror or err}") from err
    base_url = ""
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise SymbioticGymError(f"{path} is not valid YAML: {err}") from err
        if isinstance(doc, dict):
            base_url = str(doc.get("base_url") or "")
            doc = doc.get("tasks")
        if not isinstance(doc, list):
            raise SymbioticGymError(f"{path}: expected a list of tasks (or a mapping with 'tasks:')")
        rows = [(f"{path} task {i + 1}", d) for i, d in enumerate(doc)]
    elif path.suffix in (".jsonl", ".json"):
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                rows.append((f"{path}:{n}", json.loads(line)))
            except json.JSONDecodeError as err:
                raise SymbioticGymError(f"{path}:{n}: not a JSON object ({err.msg})") from None
    else:
        raise SymbioticGymError(f"{path}: a webapp task file ends with .jsonl, .yaml or .yml")
    tasks = tuple(parse_task(d, where) for where, d in rows)
    seen: set[str] = set()
    for t in tasks:
        if t.id in seen:
            raise SymbioticGymError(f"{path}: task id {t.id!r} appears twice")
        seen.add(t.id)
    if not tasks:
        raise SymbioticGymError(f"{path} holds no tasks")
    return TaskFile(tasks, base_url)


def _origin(url: str) -> str:
    split = urllib.parse.urlsplit(url)
    return f"{split.scheme}://{split.netloc}"


class WebAppBrowserTask(TaskHooks):
    """A BrowserGym-style task (setup / validate / teardown) for one :class:`WebAppTask`; its declared
    hook ``allowed_origins`` is the navigation boundary."""

    def __init__(self, task: WebAppTask, base_url: str, seed: int | None = None) -> None:
        self.task = task
        self.base_url = base_url

    def url(self, where: str) -> str:
        return urllib.parse.urljoin(self.base_url.rstrip("/") + "/", where) if "://" not in where else where

    def allowed_origins(self) -> list[str]:
        """The navigation boundary: the app's origin, the start page's and the task's own."""
        found = [_origin(self.url(self.task.start))]
        if self.base_url:
            found.append(_origin(self.base_url))
        return list(dict.fromkeys([*found, *self.task.origins]))

    def setup(self, page: Any) -> tuple[str, dict[str, Any]]:
        if self.task.setup:
            page.goto(self.url(self.task.setup))
        page.goto(self.url(self.task.start))
        return self.task.goal, {}

    def validate(self, page: Any, chat_messages: list[Any]) -> tuple[float, bool, str, dict[str, Any]]:
        answered = [m for m in chat_messages if m.get("role") in ("assistant", "infeasible")]
        answer = str(answered[-1]["message"]) if answered and answered[-1]["role"] == "assistant" else None
        ok, details = self.task.success.check(page, answer)
        if not ok and not answered:
            return 0.0, False, "", {}
        score = 1.0 if ok else 0.0
        return score, True, "", {"eval": {"status": "pass" if ok else "fail", "score": score, "details": details}}

    def evaluate_answer(self, page: Any, answer: str) -> Any:
        """The score when the steps ran out (the env asks): the rule with no answer."""
        ok, details = self.task.success.check(page, None)
        return _Evaluation(1.0 if ok else 0.0, details)

    def teardown(self) -> None:
        pass


@dataclass(frozen=True)
class _Evaluation:
    score: float
    details: list[dict[str, Any]]

    def to_info(self) -> dict[str, Any]:
        return {"status": "pass" if self.score >= 1.0 else "fail", "score": self.score, "details": self.details}


def _make_task(seed: int | None = None, *, task: WebAppTask, base_url: str) -> WebAppBrowserTask:
    return WebAppBrowserTask(task, base_url, seed)


@cache
def _cached_file(path: str, mtime: float) -> TaskFile:
    return load_task_file(path)


class WebAppSuite(SuiteHooks):
    """The tasks of one task file against one web app (see the module doc)."""

    name = "webapp"
    eval_mode = "stock"
    multi_tab = True

    def __init__(self, options: SuiteOptions | None = None) -> None:
        self.options = options or SuiteOptions()
        self.config = WebAppConfig.from_args(dict(self.options.suite_args))
        if not self.config.tasks:
            raise SymbioticGymError(
                "--suite webapp needs a task file: -S tasks=FILE.yaml (or .jsonl) and -S base_url=http://HOST:PORT; "
                "see docs/webapp-suite.md"
            )
        path = Path(self.config.tasks).expanduser()
        self.file = _cached_file(str(path.resolve()), path.stat().st_mtime if path.exists() else 0.0)
        self.base_url = self.config.base_url or self.file.base_url
        if self.base_url and not self.base_url.startswith(("http://", "https://")):
            raise SymbioticGymError(f"-S base_url must start with http:// or https://, got {self.base_url!r}")
        relative = [t for t in self.file.tasks if "://" not in t.start]
        if relative and not self.base_url:
            raise SymbioticGymError(
                f"Task {relative[0].id!r} starts at a path ({relative[0].start!r}): give the app's "
                "address with -S base_url=http://HOST:PORT (or base_url: in the YAML file)"
            )
        self._tasks = {t.id: t for t in self.file.tasks}

    def task_ids(self, split: str = "all") -> list[str]:
        return list(self._tasks)  # a task file has no splits: every split selects all, in file order

    def _task(self, task_id: str) -> WebAppTask:
        if task_id not in self._tasks:
            hint = did_you_mean(task_id, self._tasks)
            raise SymbioticGymError(f"Unknown task {task_id!r} in {self.config.tasks}.{hint}")
        return self._tasks[task_id]

    def meta(self, task_id: str) -> TaskMeta:
        task = self._task(task_id)
        return TaskMeta(task_id=task_id, split="test", sites=(SITE,), template=task_id, eval_types=_kinds(task.success))

    def task_info(self, task_id: str) -> TaskInfo:
        from symbiotic_gym.agent import TaskInfo

        task = self._task(task_id)
        start = WebAppBrowserTask(task, self.base_url).url(task.start)
        return TaskInfo(
            task_id=task_id, intent=task.goal, sites=(SITE,), start_url=start, config=self.eval_config(task_id)
        )

    def origins(self, task_id: str) -> list[str]:
        return WebAppBrowserTask(self._task(task_id), self.base_url).allowed_origins()

    def make_env(
        self, task_id: str, *, max_steps: int, obs_keys: tuple[str, ...] = (), record_network: bool = False
    ) -> WebEnv:
        from symbiotic_gym.web.env import WebEnv

        return WebEnv(
            _make_task,
            {"task": self._task(task_id), "base_url": self.base_url},
            max_steps=max_steps,
            viewport={"width": self.config.viewport_width, "height": self.config.viewport_height},
            boundary=self.options.extra_boundary(),
            obs_keys=obs_keys,
            record_network=record_network,
        )

    def eval_config(self, task_id: str) -> dict[str, Any]:
        task = self._task(task_id)
        return {
            "suite": "webapp",
            "task_id": task_id,
            "start": task.start,
            "intent": task.goal,
            "success": dataclasses.asdict(task.success),
            "eval_types": list(_kinds(task.success)),
        }

    def site_urls(self) -> dict[str, str]:
        return {SITE: self.base_url}

    def preflight(self, task_ids: list[str] | None = None, *, logins: bool = True) -> list[Any]:
        """Chromium, and the app answering at its base URL."""
        import urllib.request

        from symbiotic_gym.suites.checks import Check, chromium_check

        checks = [chromium_check()]
        if self.base_url:
            try:
                with urllib.request.urlopen(self.base_url, timeout=5):
                    pass
                checks.append(Check("webapp", True, f"{self.base_url} answers"))
            except urllib.error.HTTPError:
                checks.append(Check("webapp", True, f"{self.base_url} answers (with an HTTP error status)"))
            except OSError as err:
                checks.append(
                    Check(
                        "webapp",
                        False,
                        f"{self.base_url} does not answer ({err})",
                        fix="start the app, or fix -S base_url",
                    )
                )
        return checks


def _kinds(rule: SuccessRule) -> tuple[str, ...]:
    kinds = [k for k in ("page_text", "answer_text", "url", "url_regex", "js") if getattr(rule, k) is not None]
    for sub in (*rule.all, *rule.any):
        kinds.extend(k for k in _kinds(sub) if k not in kinds)
    return tuple(kinds)
