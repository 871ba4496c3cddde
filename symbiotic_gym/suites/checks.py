"""Pre-flight checks of a suite's setup: each says what is wrong and how to fix it.

Suites return lists of :class:`Check` from their ``preflight`` hook; ``python -m benchmarks.doctor`` prints
them and a run stops before its first episode when a blocking one failed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    blocking: bool = True  # a failed blocking check stops a run; the others are warnings


def chromium_check() -> Check:
    """The one check every browser suite shares: a Chromium to drive."""
    from symbiotic_gym.web.browser import find_chromium

    try:
        return Check("Chromium", True, find_chromium())
    except Exception as err:
        return Check("Chromium", False, str(err))


def format_report(checks: list[Check]) -> str:
    lines = []
    for c in checks:
        mark = "ok  " if c.ok else ("FAIL" if c.blocking else "warn")
        lines.append(f"[{mark}] {c.name}: {c.detail}")
        if not c.ok and c.fix:
            lines.append(f"       fix: {c.fix}")
    return "\n".join(lines)


def blocking_failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok and c.blocking]


def summary(checks: list[Check]) -> dict[str, Any]:
    return {"ok": not blocking_failures(checks), "checks": [asdict(c) for c in checks]}
