"""Playwright's sync API without a source lookup of the whole call stack on every call.

Why this exists: Playwright 1.44 (the version ``browsergym-core`` pins) records its caller's stack with
``inspect.stack()`` on every sync API call, and evaluates it a second time as a ``getattr`` default in
``Connection.wrap_api_call_sync``. ``inspect.stack()`` asks :func:`inspect.getmodule` for each frame's module,
and for a frame whose file is no module's (``<frozen runpy>`` under ``python -m``, code run by ``exec``, a
notebook cell, a ``beartype`` wrapper) that scans all of ``sys.modules``; it also reads a line of source per
frame. With torch and transformers imported (~4,000 modules) and a deep stack (pytest, a notebook) one call
took ~17 ms here, so a step of a dozen browser calls paid ~0.4 s for stacks nobody reads. Playwright uses
only each entry's frame, file name and line (to name the API call and the caller's location in traces and
errors), which a plain walk up ``frame.f_back`` gives for ~0.1 ms. Upstream Playwright made the same change
(microsoft/playwright-python#2835 and #3147) in releases BrowserGym does not yet allow; there is nothing to
configure in 1.44, so :func:`install` swaps the ``inspect`` those two Playwright modules see for one whose
``stack`` walks the frames. Process-wide, like :func:`symbiotic_gym.web.browser.patch_playwright_launch`:
stock BrowserGym environments in the same process get the same speed (``benchmarks.perf.env_speed`` measures
stock in a process of its own for that reason).
"""

from __future__ import annotations

import inspect
import sys
import threading
from types import FrameType
from typing import Any

_LOCK = threading.Lock()
_INSTALLED = False


def frame_walk(context: int = 1) -> list[inspect.FrameInfo]:
    """What ``inspect.stack()`` returns, innermost caller first, without source lines or module lookups
    (``code_context`` and ``index`` are None; ``filename`` is the code's own, as Playwright compares it)."""
    out: list[inspect.FrameInfo] = []
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        out.append(inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None))
        frame = frame.f_back
    return out


class _InspectWithFrameWalk:
    """The ``inspect`` module as Playwright's modules see it after :func:`install`: all of it, with
    ``stack`` replaced by :func:`frame_walk`."""

    stack = staticmethod(frame_walk)

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)


def install() -> None:
    """Give Playwright's sync call path :func:`frame_walk` instead of ``inspect.stack`` (idempotent; a
    Playwright whose modules no longer call ``inspect.stack`` is left as it is)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        from playwright._impl import _connection, _network, _sync_base

        for module in (_sync_base, _connection, _network):
            if getattr(module, "inspect", None) is inspect:  # the module as shipped: still imports inspect
                module.inspect = _InspectWithFrameWalk()  # type: ignore[attr-defined]
        _INSTALLED = True


__all__ = ["frame_walk", "install"]
