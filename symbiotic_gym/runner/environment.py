"""What a run records about where it ran: Python, platform, Chromium, package versions, git revision."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

TRACKED_PACKAGES = (
    "symbiotic-gym",
    "browsergym-core",
    "playwright",
    "gymnasium",
    "litellm",
    "transformers",
    "torch",
    "trl",
    "peft",
)


def package_versions() -> dict[str, str]:
    out = {}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_revision() -> dict[str, Any]:
    root = Path(__file__).resolve().parents[2]  # the checkout holding symbiotic_gym/
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return {"revision": None, "dirty": None}
    if rev.returncode != 0:
        return {"revision": None, "dirty": None}
    return {"revision": rev.stdout.strip(), "dirty": bool(dirty.stdout.strip())}


def environment_info() -> dict[str, Any]:
    from symbiotic_gym.web.browser import find_chromium

    try:
        chromium = find_chromium()
    except Exception:
        chromium = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "chromium": chromium,
        "packages": package_versions(),
        "git": git_revision(),
    }
