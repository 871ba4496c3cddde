"""The embedded web sites, by name."""

from __future__ import annotations

import importlib

from symbiotic_gym.suites.embedded.webapp import App

SITE_NAMES = ("shop", "forum", "tracker", "admin")  # admin: the shop's back office, on the shop's database


def load_app(name: str) -> App:
    if name not in SITE_NAMES:
        raise KeyError(f"Unknown embedded site {name!r}. Available: {', '.join(SITE_NAMES)}")
    return importlib.import_module(f"symbiotic_gym.suites.embedded.sites.{name}").app
