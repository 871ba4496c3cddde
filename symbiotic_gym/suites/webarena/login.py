"""Log in to a WebArena site with BrowserGym's own ``ui_login``, on a login tab whose close cannot hang.

``ui_login`` opens a tab of its own, submits the site's login form and closes the tab at once. That close
meets the navigation the form submit started, and Chromium can drop it; Playwright's ``page.close()`` then
waits forever (:func:`symbiotic_gym.web.browser.close_page` says why). It hung the doctor's login check (about
one run in six) and, in CI on 2026-12-07, a task's setup. Every login here goes through :func:`log_in`, which
hands ``ui_login`` a stand-in page whose login tab closes with ``close_page``; BrowserGym's login steps stay
BrowserGym's.
"""

from __future__ import annotations

from typing import Any


class _LoginTab:
    """What ``ui_login`` uses of the tab it opens (``goto``, ``get_by_label``, ``get_by_role``, ``close``)."""

    def __init__(self, page: Any) -> None:
        self._page = page

    def goto(self, url: str, **kwargs: Any) -> Any:
        return self._page.goto(url, **kwargs)

    def get_by_label(self, text: str, **kwargs: Any) -> Any:
        return self._page.get_by_label(text, **kwargs)

    def get_by_role(self, role: str, **kwargs: Any) -> Any:
        return self._page.get_by_role(role, **kwargs)

    def close(self) -> None:
        from symbiotic_gym.web.browser import close_page

        close_page(self._page)


class _LoginContext:
    def __init__(self, context: Any) -> None:
        self._context = context

    def new_page(self) -> _LoginTab:
        return _LoginTab(self._context.new_page())


class _LoginOpener:
    """The page ``ui_login`` is given: it only reads ``page.context.new_page()`` to open its own login tab."""

    def __init__(self, context: Any) -> None:
        self.context = _LoginContext(context)


def log_in(instance: Any, site: str, context: Any) -> None:
    """Log ``context`` (a Playwright browser context) in to ``site`` with ``instance.ui_login``
    (a ``browsergym.webarena.instance.WebArenaInstance``)."""
    instance.ui_login(site=site, page=_LoginOpener(context))
