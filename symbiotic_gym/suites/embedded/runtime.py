"""The embedded sites of this process: started once, reset to their seed state before each episode.

Each site listens on a free 127.0.0.1 port, but what the browser (and so the agent) sees is a stable
address, ``http://<site>.embedded.test``: this process's Chromium maps those names to the live ports
(:func:`symbiotic_gym.web.browser.map_host`). Observations, goals, answers, trajectories and every prompt
therefore read the same in every run, process and machine, and recorded model calls replay anywhere.
``.test`` is reserved (RFC 2606): these names can never reach a real host.
"""

from __future__ import annotations

import atexit
import os
import threading

from symbiotic_gym.suites.embedded.sites import SITE_NAMES, load_app
from symbiotic_gym.suites.embedded.task_configs import PLACEHOLDERS
from symbiotic_gym.suites.embedded.webapp import SiteServer
from symbiotic_gym.web.browser import map_host

_lock = threading.Lock()
_servers: dict[str, SiteServer] = {}
_owner_pid: int | None = None
SITE_HOSTS = {name: f"{name}.embedded.test" for name in SITE_NAMES}


def site_servers() -> dict[str, SiteServer]:
    """All embedded site servers of this process (started on first use, on free 127.0.0.1 ports)."""
    global _owner_pid
    with _lock:
        if _owner_pid != os.getpid():  # a forked worker must not share its parent's server threads
            _servers.clear()
            _owner_pid = os.getpid()
        for name in SITE_NAMES:  # a site serving another's database comes after it in SITE_NAMES
            if name not in _servers:
                app = load_app(name)
                share = _servers[app.database_of] if app.database_of else None
                _servers[name] = SiteServer(app, share=share)
                map_host(f"{SITE_HOSTS[name]}:80", f"127.0.0.1:{_servers[name].port}")
        return dict(_servers)


def site_urls() -> dict[str, str]:
    """The stable address of every site (what agents see), the sites started if they were not."""
    site_servers()
    return {name: f"http://{SITE_HOSTS[name]}" for name in SITE_NAMES}


def live_urls() -> dict[str, str]:
    """Where the sites really listen in this process (for Python clients; never shown to agents)."""
    return {name: server.url for name, server in site_servers().items()}


def substitute(text: str) -> str:
    """Replace ``__SHOP__``-style placeholders with the live site URLs."""
    for name, url in site_urls().items():
        text = text.replace(PLACEHOLDERS[name], url)
    return text


def stop_sites() -> None:
    with _lock:
        if _owner_pid == os.getpid():
            for server in _servers.values():
                server.close()
        _servers.clear()


atexit.register(stop_sites)
