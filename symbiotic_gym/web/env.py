"""A fast Gymnasium web environment that runs BrowserGym tasks with one reused browser per process.

Compared with stock ``browsergym.core.env.BrowserEnv`` it keeps the same task interface
(``AbstractBrowserTask.setup/validate/teardown``), action strings and observation keys, but:

* reuses this process's Chromium (:func:`symbiotic_gym.web.browser.shared_browser`) with a fresh
  ``BrowserContext`` per episode, instead of launching two browsers (task + chat window) per reset;
* keeps the chat in memory instead of in a second browser;
* waits for the page to settle (load state + one animation frame) instead of fixed sleeps;
* parses actions with :mod:`symbiotic_gym.web.actions` (no ``exec``); any bad action becomes
  ``last_action_error`` in the next observation;
* returns text observations (``axtree_txt``) and per-phase timings in ``info["timings"]``; BrowserGym's
  raw keys (``dom_object``, ``axtree_object``, ``extra_element_properties``, ``screenshot``,
  ``focused_element_bid``, ``pruned_html``) only when asked for with ``obs_keys=`` (:mod:`symbiotic_gym.web.raw_obs`),
  so a text agent pays for none of them;
* records the episode's network traffic as a HAR when asked (``record_network=True``,
  :mod:`symbiotic_gym.web.network_trace`): available from :meth:`WebEnv.take_network_trace` once the episode's
  context has closed (``close()`` or the next ``reset()``);
* keeps the episode inside its navigation boundary (:mod:`symbiotic_gym.web.boundary`): the task's declared
  origins (``task.allowed_origins()``) plus ``boundary=``; the context's requests go through the env's
  boundary proxy, refused schemes (``file:``, ``chrome:`` ...) are refused by the actions and a route, and
  refused requests are listed in ``info["blocked_requests"]``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import gymnasium as gym
from browsergym.core.spaces import AnyDict, Float, Unicode

from symbiotic_gym.errors import BrowserCrashedError
from symbiotic_gym.web.actions import ACTIONS, ActionContext, ActionError, execute_action, parse_action
from symbiotic_gym.web.boundary import Boundary, blocked_message, refusal
from symbiotic_gym.web.browser import close_page, shared_browser
from symbiotic_gym.web.observation import AXSnapshot, AXTreeExtractor
from symbiotic_gym.web.raw_obs import empty_raw, extract_raw, obs_keys_of, raw_spaces
from symbiotic_gym.web.task_hooks import TaskHooks

log = logging.getLogger(__name__)

# one animation frame, then the document's load state
# (a page whose script called window.close() answers 'closing': the tab goes away a moment later)
SETTLE_JS = """() => window.closed ? 'closing'
  : new Promise(resolve => requestAnimationFrame(() => resolve(document.readyState)))"""
DEFAULT_VIEWPORT = {"width": 1280, "height": 720}


class WebEnv(gym.Env):
    """Gymnasium env over a BrowserGym task; ``step`` takes action strings such as ``click('12')``."""

    metadata = {"render_modes": []}

    def __init__(
        self,
        task_entrypoint: Callable[..., Any],
        task_kwargs: dict[str, Any] | None = None,
        *,
        max_steps: int = 30,
        action_timeout_ms: int = 5000,
        settle_timeout_ms: int = 5000,
        element_timeout_ms: int = 5000,
        viewport: dict[str, int] | None = None,
        headless: bool = True,
        boundary: Boundary | None = None,
        enforce_boundary: bool = True,
        obs_keys: Iterable[str] | str | None = (),
        record_network: bool = False,
    ) -> None:
        super().__init__()
        self.task_entrypoint = task_entrypoint
        self.task_kwargs = dict(task_kwargs or {})
        self.max_steps = max_steps
        self.action_timeout_ms = action_timeout_ms  # page-level default (loads, evaluations)
        self.element_timeout_ms = element_timeout_ms  # an element action, incl. the navigation it starts
        self.settle_timeout_ms = settle_timeout_ms
        self.viewport = dict(viewport or DEFAULT_VIEWPORT)
        self.headless = headless
        self.obs_keys = obs_keys_of(obs_keys)  # BrowserGym's raw keys to add to each observation
        self._raw_s = 0.0  # time the last observation spent on them
        self.record_network = record_network
        self._har_dir: str | None = None  # this episode's recording, while its context is open
        self._har_since: str | None = None
        self._network_trace: dict[str, Any] | None = None  # the last closed episode's HAR
        self.extra_boundary = boundary  # origins added to the task's own
        self.enforce_boundary = enforce_boundary  # False: no proxy (local schemes stay refused)
        self.boundary: Boundary | None = None  # this episode's, set at reset
        self._proxy: Any = None
        self._blocked: list[dict[str, str]] = []
        self._navigations: set[Any] = set()  # main-frame navigation requests still in flight
        self._opened: list[Any] = []  # tabs opened since the last settle (popups, target=_blank)
        self._opening = 0  # tabs an observed page started to open (Page.windowOpen), not yet in _opened
        self.task: Any = None
        self.context: Any = None
        self.page: Any = None
        self.chat_messages: list[dict[str, Any]] = []
        self.goal = ""
        self.snapshot = AXSnapshot(text="")
        self._extractor = AXTreeExtractor(self._on_window_open)
        self._steps = 0
        self._start = 0.0
        self._last_action = ""
        self._last_error = ""
        self._http_errors: list[str] = []
        self.observation_space = gym.spaces.Dict(
            {
                "goal": Unicode(),
                "url": Unicode(),
                "axtree_txt": Unicode(),
                "last_action": Unicode(),
                "last_action_error": Unicode(),
                "open_pages_urls": gym.spaces.Sequence(Unicode()),
                "open_pages_titles": gym.spaces.Sequence(Unicode()),
                "active_page_index": gym.spaces.Discrete(256),
                "chat_messages": gym.spaces.Sequence(AnyDict()),
                "step": gym.spaces.Discrete(1 << 20),
                "elapsed_time": Float(),
                **raw_spaces(self.obs_keys),
            }
        )
        self.action_space = Unicode()

    # --- chat and tabs (used by actions) -------------------------------------------------------------
    def chat_message(self, role: str, text: str) -> None:
        if not isinstance(text, str):
            raise ActionError("The message must be a string")
        self.chat_messages.append({"role": role, "timestamp": time.time(), "message": text})

    def _on_page(self, page: Any) -> None:
        """A popup or target=_blank link becomes the active tab, as in BrowserGym -- but only at the start or end
        of a settle (:meth:`_adopt_opened`): Playwright delivers this event during any call, and switching
        here, halfway through an observation, gave url and tabs of the new page with the old page's tree."""
        self._opened.append(page)

    def _on_window_open(self) -> None:
        self._opening += 1

    def _await_opened(self) -> None:
        """A page said a tab is opening (a target=_blank link, window.open) but Playwright has not announced
        it yet: wait for it (at most 2 s: a tab normally arrives within a few hundred ms, and one the browser
        then refused to open must not cost the whole settle timeout), so it is active in this observation."""
        deadline = time.perf_counter() + min(self.settle_timeout_ms, 2000) / 1000
        while self._opening and not self._opened and time.perf_counter() < deadline:
            try:
                self.page.wait_for_timeout(5)  # lets Playwright deliver the page event
            except Exception:
                break
        self._opening = 0

    def _adopt_opened(self) -> bool:
        """Make the newest tab opened since the last call the active one; whether there was one."""
        opened = [p for p in self._opened if not p.is_closed()]
        self._opened = []
        if opened:
            self.page = opened[-1]
        return bool(opened)

    def _on_request(self, request: Any) -> None:
        """Track main-frame navigation requests (every redirect hop too): a form submitted by Enter starts
        its navigation only after the key press returned, and :meth:`_settle` waits for it."""
        try:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self._navigations.add(request)
        except Exception:
            pass

    def _on_request_done(self, request: Any) -> None:
        self._navigations.discard(request)

    def _on_response(self, response: Any) -> None:
        """Remember documents the site answered with a server error (5xx): a broken site, not a bad agent."""
        try:
            if response.status >= 500 and response.request.resource_type == "document":
                self._http_errors.append(f"HTTP {response.status} {response.request.method} {response.url}")
        except Exception:
            pass

    def take_http_errors(self) -> list[str]:
        errors, self._http_errors = self._http_errors, []
        return errors

    def frame_of(self, bid: str) -> Any | None:
        """The frame of the active page that holds element ``bid`` as the last observation saw it (None: the
        page's main frame)."""
        return self._extractor.frame_of(bid)

    def new_tab(self) -> None:
        self.page = self.context.new_page()
        self._opened = []

    def close_tab(self) -> None:
        remaining = [p for p in self.context.pages if p is not self.page]
        self._extractor.forget(self.page)
        close_page(self.page)
        self.page = remaining[-1] if remaining else self.context.new_page()
        self._opened = []

    def focus_tab(self, index: int) -> None:
        pages = self.context.pages
        if not 0 <= index < len(pages):
            raise ActionError(f"No tab with index {index}; {len(pages)} tab(s) are open.")
        self.page = pages[index]
        self.page.bring_to_front()

    # --- gym API --------------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict, dict]:
        super().reset(seed=seed)
        t0 = time.perf_counter()
        self._close_episode()
        browser = shared_browser(headless=self.headless)
        t1 = time.perf_counter()
        self.task = self.task_entrypoint(seed=seed, **self.task_kwargs)
        self.boundary = self._episode_boundary()
        self._blocked = []  # an interrupted step of the last episode may have left some
        self.context = browser.new_context(viewport=self.viewport, **self._proxy_options(), **self._recording_options())
        self.context.set_default_timeout(self.action_timeout_ms)
        self.context.on("page", self._on_page)
        self.context.on("response", self._on_response)
        self._navigations = set()
        self.context.on("request", self._on_request)
        self.context.on("requestfinished", self._on_request_done)
        self.context.on("requestfailed", self._on_request_done)
        # file: URLs never reach the proxy; the browser itself refuses the other local schemes from pages
        self.context.route("file://**", lambda route: route.abort("accessdenied"))
        self._http_errors = []
        self.page = self.context.new_page()
        self._extractor.open(self.page)
        self._opened = []
        t2 = time.perf_counter()
        goal, task_info = self.task.setup(page=self.page)
        if self.record_network:
            from symbiotic_gym.web.network_trace import now_iso

            self._har_since = now_iso()  # what the setup did (login, start pages) is not the agent's
        self.goal = goal if isinstance(goal, str) else "\n".join(m.get("text", "") for m in goal or [])
        self.chat_messages = [{"role": "user", "timestamp": time.time(), "message": self.goal}]
        t3 = time.perf_counter()
        self._settle()
        self._steps, self._start = 0, time.time()
        self._last_action, self._last_error = "", ""
        t4 = time.perf_counter()
        obs = self._observe()
        t5 = time.perf_counter()
        info = {
            "task_info": task_info,
            "http_errors": self.take_http_errors(),
            "blocked_requests": self.take_blocked(),
            "timings": {
                "browser": t1 - t0,
                "context": t2 - t1,
                "task_setup": t3 - t2,
                "settle": t4 - t3,
                "observe": t5 - t4,
                "total": t5 - t0,
                **self._raw_timing(),
            },
        }
        return obs, info

    def step(self, action: str) -> tuple[dict, float, bool, bool, dict]:
        if self.task is None:
            raise RuntimeError("Call reset() before step().")
        t0 = time.perf_counter()
        self._steps += 1
        self._last_action, self._last_error = str(action), ""
        parsed = None
        try:
            parsed = parse_action(action)
        except ActionError as err:
            self._last_error = str(err)
        t1 = time.perf_counter()
        if parsed is not None:
            try:
                execute_action(parsed, ActionContext(self))
            except ActionError as err:
                self._last_error = str(err)
        t2 = time.perf_counter()
        self._settle()
        self._check_browser()
        if self._collect_blocked():  # a refused page may still be opening (a new tab): let it land
            self._settle()
        t3 = time.perf_counter()
        reward, done, user_message, task_info = self.task.validate(self.page, self.chat_messages)
        # after validate: a suite may end the episode when the agent left (WebArena, MiniWoB); the pages
        # go back inside only if it goes on, the observation names the blocked URL either way
        self._return_inside(restore=not done)
        if user_message:
            self.chat_message("user", user_message)
        truncated = False
        if parsed is not None and ACTIONS[parsed.name].terminal:
            done = True
        if not done and self._steps >= self.max_steps:
            truncated = True
            # WebArena semantics: a run out of steps answers ""
            result = self.task.evaluate_answer(self.page, "") if isinstance(self.task, TaskHooks) else None
            if result is not None:
                reward = float(result.score or 0.0)
                task_info = {"eval": result.to_info()}
        t4 = time.perf_counter()
        obs = self._observe()
        t5 = time.perf_counter()
        info = {
            "task_info": task_info,
            "action": str(parsed) if parsed else None,
            "http_errors": self.take_http_errors(),
            "blocked_requests": self.take_blocked(),
            "timings": {
                "parse": t1 - t0,
                "action": t2 - t1,
                "settle": t3 - t2,
                "validate": t4 - t3,
                "observe": t5 - t4,
                "total": t5 - t0,
                **self._raw_timing(),
            },
        }
        return obs, float(reward), bool(done), truncated, info

    def take_network_trace(self) -> dict[str, Any] | None:
        """The HAR of the last episode whose context has closed (after ``close()`` or the next
        ``reset()``), once; None when not recording or already taken."""
        trace, self._network_trace = self._network_trace, None
        return trace

    def close(self) -> None:
        self._close_episode()
        if self._proxy is not None:
            self._proxy.stop()
            self._proxy = None

    # --- the navigation boundary ----------------------------------------------------------------------
    def refuse_url(self, url: str) -> str | None:
        """Why the agent may not open ``url`` (``goto`` asks before navigating), or None; a refusal is
        recorded with the blocked requests (method ``GOTO``): nothing was requested. Only refused schemes
        are refused here: an http(s) URL outside the boundary is answered by the boundary proxy, so every
        suite's rule for leaving its sites applies to it (WebArena ends the episode as a failure)."""
        reason = refusal(url)
        if reason:
            self._blocked.append({"method": "GOTO", "url": url})
            self._tell_task([{"method": "GOTO", "url": url}])
        return reason

    def take_blocked(self) -> list[dict[str, str]]:
        """Requests refused by the boundary since the last call: ``[{"method", "url"}, ...]``."""
        self._collect_blocked()
        out, self._blocked = self._blocked, []
        return out

    def _episode_boundary(self) -> Boundary | None:
        if not self.enforce_boundary:
            return None
        origins = list(self.task.allowed_origins()) if isinstance(self.task, TaskHooks) else []
        if not origins and self.extra_boundary is None:
            return None  # a task that declares no sites and no boundary given: only refused schemes apply
        boundary = Boundary.of(origins)
        return boundary + self.extra_boundary if self.extra_boundary is not None else boundary

    def _proxy_options(self) -> dict[str, Any]:
        if self.boundary is None:
            return {}
        if self._proxy is None:
            from symbiotic_gym.web.boundary_proxy import BoundaryProxy

            self._proxy = BoundaryProxy()
        self._proxy.boundary = self.boundary
        self._proxy.take_blocked()  # nothing of an earlier episode
        return {"proxy": {"server": self._proxy.url, "bypass": "<-loopback>"}}

    def _collect_blocked(self) -> int:
        """Move the proxy's refusals into this step's list (and tell a task that listens: ``on_blocked``,
        e.g. a prompt-injection task scoring security); returns how many there were."""
        if self._proxy is None:
            return 0
        new = [{"method": b.method, "url": b.url} for b in self._proxy.take_blocked()]
        self._blocked.extend(new)
        self._tell_task(new)
        return len(new)

    def _tell_task(self, blocked: list[dict[str, str]]) -> None:
        if blocked and isinstance(self.task, TaskHooks):
            self.task.on_blocked(blocked)

    def _return_inside(self, restore: bool = True) -> None:
        """Pages that left the boundary go back, or close if they cannot (a new tab); the agent's next
        observation says what was blocked."""
        if self.boundary is None or self.context is None:
            return
        outside = [p for p in self.context.pages if not self.boundary.allows(p.url)]
        if not outside:
            return
        message = blocked_message(outside[0].url, self.boundary)
        self._last_error = f"{self._last_error} {message}".strip() if self._last_error else message
        if not restore:
            return
        for page in outside:
            try:
                page.go_back(timeout=self.settle_timeout_ms)
            except Exception:
                pass
            if self.boundary.allows(page.url):
                continue
            if len(self.context.pages) > 1:  # a new tab that opened outside: close it
                self._extractor.forget(page)
                close_page(page)
            else:
                page.goto("about:blank")
        if self.page is None or self.page.is_closed():
            self.page = self.context.pages[-1]
        self._settle()

    # --- internals ------------------------------------------------------------------------------------
    def _close_episode(self) -> None:
        if self.task is not None:
            try:
                self.task.teardown()
            finally:
                self.task = None
        if self.context is not None:
            try:
                self.context.close()
            except Exception:
                pass  # the browser may already be gone (crash); nothing left to close
            self.context, self.page = None, None
            self._extractor = AXTreeExtractor(self._on_window_open)
        self._finish_recording()

    def _recording_options(self) -> dict[str, Any]:
        if not self.record_network:
            return {}
        import tempfile
        from pathlib import Path

        from symbiotic_gym.web.network_trace import har_context_options

        self._har_dir = tempfile.mkdtemp(prefix="symbiotic-har-")
        self._har_since = None
        return har_context_options(Path(self._har_dir) / "episode.har")

    def _finish_recording(self) -> None:
        if self._har_dir is None:
            return
        import shutil
        from pathlib import Path

        from symbiotic_gym.web.network_trace import finish_har

        self._network_trace = finish_har(Path(self._har_dir) / "episode.har", self._har_since)
        shutil.rmtree(self._har_dir, ignore_errors=True)
        self._har_dir = None

    def _check_browser(self) -> None:
        browser = self.context.browser if self.context is not None else None
        if browser is not None and not browser.is_connected():
            raise BrowserCrashedError("Chromium died during the episode (killed or out of memory)")

    def _settle(self) -> None:
        """Wait until every open page has loaded and the active page has rendered a frame. A tab the action
        opened becomes the active page here, before the observation (again if one arrives while settling)."""
        for _ in range(3):
            self._adopt_opened()
            closed = self._settle_page()
            if self._opening:
                self._await_opened()
            if not self._opened and not closed:
                return
        if self.page is None or self.page.is_closed():  # tabs kept closing: observe the last one left
            pages = self.context.pages
            self.page = pages[-1] if pages else self.context.new_page()

    def _settle_page(self) -> bool:
        """Settle the active page; True when it closed itself (window.close()): settle the one left."""
        pages = self.context.pages
        if not pages:
            self.page = self.context.new_page()
            pages = [self.page]
        if self.page is None or self.page.is_closed():
            self.page = pages[-1]
        # a navigation the action started may not have reached us yet (Enter submitting a form): let the
        # page render a frame, which delivers its request event, and wait while one is in flight
        deadline = time.perf_counter() + self.settle_timeout_ms / 1000
        try:
            state = self.page.evaluate(SETTLE_JS)
        except Exception:
            state = None  # the document went away: a navigation is committing
        if state == "closing" or self.page.is_closed():
            try:
                self.page.wait_for_event("close", timeout=self.settle_timeout_ms)
            except Exception:
                pass  # closed already
            self._extractor.forget(self.page)
            self.page = None
            return True
        waited = False
        while self._navigations and time.perf_counter() < deadline:
            waited = True
            try:
                self.page.wait_for_timeout(5)  # lets Playwright deliver the request's finished event
            except Exception:
                break
        self._navigations.clear()
        for page in pages:
            try:
                page.wait_for_load_state("load", timeout=self.settle_timeout_ms)
            except Exception:
                pass  # a page that never finishes loading is observed as it is
        if state == "complete" and not waited:
            return False  # the active page had loaded and rendered a frame, with no navigation in flight
        try:
            self.page.evaluate(SETTLE_JS)
        except Exception:
            pass  # navigation in flight destroyed the context; extraction below retries
        return False

    def _raw_timing(self) -> dict[str, float]:
        return {"observe_raw": self._raw_s} if self.obs_keys else {}

    def _observe(self) -> dict[str, Any]:
        """One page state: the active page and the tab list are fixed before the page is read (a tab opening
        meanwhile becomes active at the next settle, after the next action)."""
        raw: dict[str, Any] = {}
        pages = list(self.context.pages)
        for attempt in range(3):
            try:
                self.snapshot = self._extractor.extract(self.page)
                if self.obs_keys:
                    t0 = time.perf_counter()
                    raw = extract_raw(self.page, self.obs_keys)
                    self._raw_s = time.perf_counter() - t0
                break
            except Exception as err:
                if attempt == 2:
                    # say what failed: a page still navigating and a broken extractor look alike otherwise
                    log.warning("observation of %s failed after 3 attempts", _url(self.page), exc_info=True)
                    self.snapshot = AXSnapshot(text="")
                    raw = empty_raw(self.obs_keys)
                    what = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}".rstrip(": ")
                    self._last_error = self._last_error or (
                        f"The page could not be read after 3 attempts ({what}); it may still have been loading."
                    )
                    break
                self._extractor.forget(self.page)
                try:
                    self.page.wait_for_load_state("load", timeout=self.settle_timeout_ms)
                except Exception:
                    pass
        return {
            "goal": self.goal,
            "url": self.page.url,
            "axtree_txt": self.snapshot.text,
            "last_action": self._last_action,
            "last_action_error": self._last_error,
            "open_pages_urls": tuple(p.url for p in pages),
            "open_pages_titles": tuple(_title(p) for p in pages),
            "active_page_index": pages.index(self.page) if self.page in pages else 0,
            "chat_messages": tuple(dict(m) for m in self.chat_messages),
            "step": self._steps,
            "elapsed_time": time.time() - self._start,
            **raw,
        }


def _title(page: Any) -> str:
    try:
        return str(page.title())
    except Exception:
        return ""


def _url(page: Any) -> str:
    try:
        return str(page.url)
    except Exception:
        return "?"
