"""Chromium discovery and one reusable Playwright browser per worker process.

* :func:`find_chromium` looks at ``SYMBIOTIC_CHROMIUM``, then, for a headless launch, Chromium's headless
  shell (Debian's ``chromium-headless-shell``), then Debian's ``/usr/lib/chromium/chromium``, then other system
  Chromium/Chrome binaries, then Playwright's own downloads; if none exists it raises with the exact install
  command.
* :func:`patch_playwright_launch` makes *every* ``chromium.launch`` in this process (BrowserGym's task
  browser and its chat window included) use that binary and our offline-safe flags, and names the module
  of each ``<...>`` frame for :mod:`inspect` so Playwright's per-call stack capture stays cheap.
* :func:`shared_browser` returns this process's browser, launched once and reused across episodes; each
  episode gets a fresh ``BrowserContext``. It is closed at interpreter exit. If the Python process is
  killed, Playwright's driver sees its pipe close and kills the browser, so no Chromium is left behind.
* :func:`close_page` closes a tab even when the close races a navigation (Playwright's ``page.close()`` can
  then wait forever); every tab the library closes goes through it.
"""

from __future__ import annotations

import atexit
import functools
import glob
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import ChromiumNotFoundError, SymbioticGymError

CHROMIUM_ENV = "SYMBIOTIC_CHROMIUM"
INSTALL_HINT = "apt-get update && apt-get install -y chromium chromium-headless-shell"
# Flags for a closed network (without them Chromium keeps trying to reach Google services) and for
# screenshots that repeat.
CHROMIUM_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # (AutofillServerCommunication: Chromium asks content-autofill.googleapis.com about every form)
    "--disable-features=OverlayScrollbars,ExtendedOverlayScrollbars,MediaRouter,Translate,"
    "AutofillServerCommunication,OptimizationHints,OptimizationGuideModelDownloading,"
    "CertificateTransparencyComponentUpdater",
    # nothing leaves around the boundary proxy: no UDP for WebRTC, no DNS prefetching of page links
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--dns-prefetch-disable",
    # screenshots that repeat: with partial raster, a tile re-drawn after a small change keeps its old pixels
    # around the change, and a rounded corner's anti-aliasing then differs by one level between two loads of
    # the same page on a busy machine (3 distinct captures in 8 loads); a vision model's recorded answers are
    # keyed by the image's hash, so replay missed. Whole tiles re-drawn: 1 capture in 24 loads.
    "--disable-partial-raster",
)
# Chromium's headless shell: the headless browser without the full browser's UI layers, what Playwright itself
# launches for headless since 1.49 (browsergym-core pins 1.44, which drives whichever binary it is given).
# Measured on this 2-core machine: 12 oracle episodes in 12-16 s and 15-30 s of CPU, against 20-29 s and 35-57 s
# with the full browser in headless mode; the test run's oracle sweep of 70 templates 72 s against 138-148 s.
_HEADLESS_SHELL_CANDIDATES = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium-headless-shell",
)
_CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
)


def _executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def find_chromium(headless: bool = True) -> str:
    """Path of the Chromium binary to use (for a headless launch, the headless shell where installed); raises
    :class:`ChromiumNotFoundError` with the fix."""
    override = os.environ.get(CHROMIUM_ENV)
    if override:
        if _executable(override):
            return override
        raise ChromiumNotFoundError(f"{CHROMIUM_ENV}={override!r} is not an executable file.")
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache" / "ms-playwright"))
    if headless:
        for cand in _HEADLESS_SHELL_CANDIDATES:
            if _executable(cand):
                return cand
        found = sorted(glob.glob(str(cache / "chromium_headless_shell-*" / "chrome-linux" / "headless_shell")))
        if found:
            return found[-1]
    for cand in _CANDIDATES:
        if _executable(cand):
            return cand
    which = shutil.which("chromium") or shutil.which("google-chrome")
    if which:
        return which
    found = sorted(glob.glob(str(cache / "chromium-*" / "chrome-linux" / "chrome")))
    if found:
        return found[-1]
    raise ChromiumNotFoundError(
        "No Chromium found. Install Debian's Chromium with:\n    "
        + INSTALL_HINT
        + f"\nor point {CHROMIUM_ENV} at a Chromium/Chrome binary. (`playwright install` cannot download "
        "browsers on an offline machine.)"
    )


_PATCH_LOCK = threading.Lock()
_PATCHED = False


def patch_playwright_launch() -> None:
    """Make every Playwright ``chromium.launch`` in this process use :func:`find_chromium`, and make the stack
    capture of Playwright's sync calls cheap in this process (:func:`_name_pseudo_file_frames`). Idempotent."""
    global _PATCHED
    with _PATCH_LOCK:
        if _PATCHED:
            return
        from playwright.sync_api._generated import BrowserType

        original = BrowserType.launch

        @functools.wraps(original)
        def launch(self: Any, *args: Any, **kwargs: Any) -> Any:
            if self.name == "chromium":
                if not kwargs.get("executable_path"):
                    kwargs["executable_path"] = find_chromium(headless=kwargs.get("headless", True) is not False)
                extra = [f for f in CHROMIUM_FLAGS if f not in (kwargs.get("args") or [])]
                rules = _resolver_rules()
                if rules and not any(str(a).startswith("--host-resolver-rules") for a in kwargs.get("args") or []):
                    # browsers we did not launch ourselves (stock BrowserGym's) see the stable site names too
                    extra.append(f"--host-resolver-rules={rules}")
                kwargs["args"] = [*(kwargs.get("args") or []), *extra]
            return original(self, *args, **kwargs)

        BrowserType.launch = launch  # type: ignore[method-assign]
        _name_pseudo_file_frames()
        _PATCHED = True


def _name_pseudo_file_frames() -> None:
    """Tell :mod:`inspect` which module runs each ``<...>`` code file on this process's stacks.

    Playwright 1.44 (pinned by browsergym-core) calls ``inspect.stack()`` on every sync call. For a frame
    whose code file is not a file (``<frozen runpy>`` under ``python -m``, ``<string>`` under ``python -c``
    and in spawned workers) ``inspect.getmodule`` finds no cached answer and scans all of ``sys.modules``,
    twice per frame: 18.6 against 1.1 ms a call with ~3,900 modules loaded (torch, transformers). Naming the
    module in inspect's own file-to-module cache answers it at once, and changes nothing else: a ``<...>``
    name has no source lines either way, so the frame's ``code_context`` stays None. Replacing
    ``inspect.stack`` for Playwright instead was tried and left a ``BrowserContext.close`` hanging
    (docs/results-log.md, "Test run times").
    """
    import inspect
    import sys

    for top in sys._current_frames().values():
        frame: Any = top
        while frame is not None:
            filename = frame.f_code.co_filename
            module = frame.f_globals.get("__name__")
            if filename.startswith("<") and filename.endswith(">") and module in sys.modules:
                inspect.modulesbyfile.setdefault(filename, module)
            frame = frame.f_back


class _Shared:
    playwright: Any = None
    browser: Any = None
    pid: int | None = None
    rules: str = ""


_shared = _Shared()
# stable host names served from this process: "shop.embedded.test:80" -> "127.0.0.1:43861"
_host_map: dict[str, str] = {}


def map_host(host_port: str, target: str) -> None:
    """Make this process's Chromium resolve ``host:port`` to ``target`` (``127.0.0.1:PORT``).

    What an agent sees then names the stable host, never the live port, so the same task reads the same in
    every run, process and machine (and recorded model calls replay anywhere). The mapping is Chromium's
    ``--host-resolver-rules``, fixed at launch: a browser launched before a new mapping is relaunched on
    its next use.
    """
    _host_map[host_port] = target


def mapped_target(host_port: str) -> str | None:
    """Where :func:`map_host` sends ``host:port`` (the boundary proxy resolves stable names with it)."""
    return _host_map.get(host_port)


def _resolver_rules() -> str:
    return ", ".join(f"MAP {h} {t}" for h, t in sorted(_host_map.items()))


def playwright_instance() -> Any:
    """The process-wide Playwright instance (shared with BrowserGym's global one)."""
    import browsergym.core as bgym_core

    patch_playwright_launch()
    pw = bgym_core._get_global_playwright()
    pw.selectors.set_test_id_attribute("bid")
    return pw


def shared_browser(headless: bool = True) -> Any:
    """This worker process's browser: launched on first use, relaunched if it died, closed at exit."""
    rules = _resolver_rules()
    if _shared.browser is not None and _shared.pid == os.getpid() and _shared.browser.is_connected():
        if _shared.rules == rules:
            return _shared.browser
        if _shared.browser.contexts:
            raise SymbioticGymError(
                "new site host mappings were registered while this process's browser has open contexts; "
                "start the sites (e.g. symbiotic_gym.suites.embedded.runtime.site_servers()) before the first env"
            )
        close_shared_browser()
    pw = playwright_instance()
    extra = os.environ.get("SYMBIOTIC_CHROMIUM_ARGS", "").split()
    if rules:
        extra.append(f"--host-resolver-rules={rules}")
    _shared.browser = pw.chromium.launch(headless=headless, args=extra)
    _shared.pid = os.getpid()
    _shared.rules = rules
    return _shared.browser


def shared_browser_alive() -> bool | None:
    """Whether this process's browser is connected; None if none was launched here."""
    if _shared.browser is None or _shared.pid != os.getpid():
        return None
    try:
        return bool(_shared.browser.is_connected())
    except Exception:
        return False


def shared_browser_pid() -> int | None:
    """Process id of this process's Chromium (the browser process, parent of its renderers), if known."""
    if _shared.browser is None or _shared.pid != os.getpid():
        return None
    try:
        import psutil
    except ImportError:
        return None
    for child in psutil.Process().children(recursive=True):
        try:
            name = child.name()
            cmd = child.cmdline()
        except psutil.Error:
            continue
        if "chrom" in name.lower() and not any(a.startswith("--type=") for a in cmd):
            return child.pid
    return None


# close_page: how long to wait for a closed tab to report closed before asking Chromium again, and how often
CLOSE_WAIT_MS = 1000
CLOSE_ATTEMPTS = 5


def close_page(page: Any) -> None:
    """Close a tab, also when the close meets a navigation that is committing.

    Chromium acknowledges a target's close that arrives while the page commits a navigation (a form just
    submitted, a script's ``location`` change, a reload) and then drops it (crbug.com/536385539); Playwright's
    ``page.close()`` has no timeout and waits for the close forever (it hung the WebArena doctor's login check,
    which closes its login tab right after submitting the form, about one run in six). Playwright's releases
    have no fix, so here the close is sent over the browser's own DevTools session and sent again until
    the page reports closed. Other browsers (and a page whose browser is not reachable) close the usual way.
    """
    if page.is_closed():
        return
    context = page.context
    browser = context.browser
    if browser is None or browser.browser_type.name != "chromium":
        page.close()
        return
    from playwright.sync_api import Error as PlaywrightError

    try:
        session = context.new_cdp_session(page)
        target = session.send("Target.getTargetInfo")["targetInfo"]["targetId"]
        session.detach()
    except PlaywrightError:
        if page.is_closed():
            return
        raise
    root = browser.new_browser_cdp_session()
    try:
        for _ in range(CLOSE_ATTEMPTS):
            try:
                root.send("Target.closeTarget", {"targetId": target})
            except PlaywrightError:
                pass  # no such target any more: it closed
            if page.is_closed():
                return
            try:
                page.wait_for_event("close", timeout=CLOSE_WAIT_MS)
            except PlaywrightError:
                pass  # not closed yet (a timeout), or closed while the wait began
            if page.is_closed():
                return
    finally:
        try:
            root.detach()
        except PlaywrightError:
            pass
    raise SymbioticGymError(f"the tab {page.url} did not close after {CLOSE_ATTEMPTS} requests to Chromium")


def close_shared_browser() -> None:
    """Close this process's browser (and Playwright) if they were started here."""
    if _shared.browser is not None and _shared.pid == os.getpid():
        try:
            _shared.browser.close()
        except Exception:
            pass
    _shared.browser = None


atexit.register(close_shared_browser)
