"""WebArena task configs (from ``libwebarena``), the site variables they need, and task ordering."""

from __future__ import annotations

import importlib.resources
import json
import os
from functools import cache
from typing import Any

from symbiotic_gym.errors import SymbioticGymError

# site key in the configs -> the environment variable holding its base URL
SITE_VARS = {
    "shopping": "WA_SHOPPING",
    "shopping_admin": "WA_SHOPPING_ADMIN",
    "reddit": "WA_REDDIT",
    "gitlab": "WA_GITLAB",
    "wikipedia": "WA_WIKIPEDIA",
    "map": "WA_MAP",
    "homepage": "WA_HOMEPAGE",
}
PLACEHOLDERS = {
    "shopping": "__SHOPPING__",
    "shopping_admin": "__SHOPPING_ADMIN__",
    "reddit": "__REDDIT__",
    "gitlab": "__GITLAB__",
    "wikipedia": "__WIKIPEDIA__",
    "map": "__MAP__",
    "homepage": "__HOMEPAGE__",  # WebArena-Verified names it; libwebarena's configs do not use it
}
RESET_VAR = "WA_FULL_RESET"
INSTALL_HINT = "pip install 'symbiotic-gym[webarena]' (or EXTRAS=dev,webarena bash scripts/setup.sh)"
EXAMPLE_PORTS = {
    "WA_SHOPPING": 7770,
    "WA_SHOPPING_ADMIN": 7780,
    "WA_REDDIT": 9999,
    "WA_GITLAB": 8023,
    "WA_WIKIPEDIA": 8888,
    "WA_MAP": 3000,
    "WA_HOMEPAGE": 4399,
}


@cache
def load_configs() -> dict[int, dict[str, Any]]:
    """The 812 task configs of ``webarena/test.raw.json`` by task id (placeholders not substituted)."""
    try:
        import webarena
    except ImportError as err:
        raise SymbioticGymError(f"--suite webarena needs libwebarena and browsergym-webarena: {INSTALL_HINT}") from err
    raw = importlib.resources.files(webarena).joinpath("test.raw.json").read_text(encoding="utf-8")
    return {int(cfg["task_id"]): cfg for cfg in json.loads(raw)}


def task_number(task_id: str) -> int:
    prefix, _, number = task_id.partition(".")
    if prefix != "webarena" or not number.isdigit():
        raise SymbioticGymError(f"WebArena task ids look like webarena.<number> (0-811), got {task_id!r}")
    n = int(number)
    if n not in load_configs():
        raise SymbioticGymError(f"Unknown WebArena task {task_id!r}: ids run from webarena.0 to webarena.811")
    return n


def missing_vars() -> list[str]:
    return [var for var in SITE_VARS.values() if not os.environ.get(var)]


def site_urls() -> dict[str, str]:
    """Base URL of every site whose variable is set (trailing slash removed)."""
    return {site: os.environ[var].rstrip("/") for site, var in SITE_VARS.items() if os.environ.get(var)}


def require_sites() -> dict[str, str]:
    missing = missing_vars()
    if missing:
        raise SymbioticGymError(
            "WebArena needs the URL of every site: "
            + ", ".join(missing)
            + " not set. For a local install: "
            + " ".join(f"export {v}=http://localhost:{EXAMPLE_PORTS[v]}" for v in missing)
            + " (python -m benchmarks.doctor --suite webarena checks them)"
        )
    urls = site_urls()
    # libwebarena reads the same URLs without the WA_ prefix when it is imported
    for site, var in SITE_VARS.items():
        os.environ.setdefault(var[3:], urls[site])
    return urls


def substitute(value: Any, urls: dict[str, str]) -> Any:
    """A config (or any JSON value) with ``__SITE__`` placeholders replaced by the site URLs."""
    text = json.dumps(value)
    for site in sorted(PLACEHOLDERS, key=lambda s: -len(PLACEHOLDERS[s])):
        if site in urls:
            text = text.replace(PLACEHOLDERS[site], urls[site])
    return json.loads(text)


def changes_state(cfg: dict[str, Any]) -> bool:
    """Tasks checked with program_html inspect the sites' state after the agent changed it."""
    return "program_html" in cfg["eval"]["eval_types"]


def needs_judge(cfg: dict[str, Any]) -> bool:
    refs = cfg["eval"].get("reference_answers") or {}
    return "fuzzy_match" in refs


def order(task_ids: list[str]) -> list[str]:
    """Read-only tasks first, then the state-changing ones (each group by id), so no read-only task sees
    state left behind by another task of the run."""
    configs = load_configs()
    return sorted(task_ids, key=lambda t: (changes_state(configs[task_number(t)]), task_number(t)))
