"""Playwright's sync calls with the frame walk (symbiotic_gym.web.playwright_stack): the same frames as
inspect.stack, and Playwright still names the failing call in its errors."""

from __future__ import annotations

import inspect

import pytest

from symbiotic_gym.web import playwright_stack
from symbiotic_gym.web.browser import playwright_instance, shared_browser


def _inner() -> tuple[list[inspect.FrameInfo], list[inspect.FrameInfo]]:
    return playwright_stack.frame_walk(), inspect.stack(0)


def test_the_frame_walk_gives_the_frames_files_lines_and_names_of_inspect_stack() -> None:
    walked, stacked = _inner()
    assert len(walked) == len(stacked)
    for w, s in zip(walked, stacked, strict=True):
        assert w.frame is s.frame and w.lineno == s.lineno and w.function == s.function
        # inspect resolves a file name through its module; for a file on disk both name the same file
        if not s.filename.startswith("<"):
            assert w.filename == s.filename


def test_playwright_calls_work_and_errors_still_name_the_api_call() -> None:
    from playwright._impl import _connection, _sync_base
    from playwright.sync_api import Error

    playwright_instance()  # installs the frame walk
    playwright_stack.install()  # idempotent
    assert _sync_base.inspect.stack is playwright_stack.frame_walk
    assert _connection.inspect.stack is playwright_stack.frame_walk
    assert _sync_base.inspect.getmodule is inspect.getmodule  # the rest of inspect as it is
    context = shared_browser().new_context()
    try:
        page = context.new_page()
        page.set_content("<button>ok</button>")
        assert page.evaluate("1 + 1") == 2
        with pytest.raises(Error, match=r"^Page\.click: "):
            page.click("#missing", timeout=50)
    finally:
        context.close()
