"""Success-rate statistics: standard error, the Wilson score interval and the exact McNemar test."""

from __future__ import annotations

import math
from typing import Any


def success_rate(successes: int, n: int) -> tuple[float, float]:
    """(rate, standard error) of a binomial proportion; (0, 0) when n is 0."""
    if n <= 0:
        return 0.0, 0.0
    p = successes / n
    return p, math.sqrt(p * (1 - p) / n)


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95% Wilson score interval (better than the normal interval near 0 or 1 and for small n)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_summary(successes: int, n: int) -> dict[str, Any]:
    """n, successes, success_rate, stderr and the 95% Wilson interval, as every table and summary prints them."""
    rate, stderr = success_rate(successes, n)
    lo, hi = wilson_interval(successes, n)
    return {"n": n, "successes": successes, "success_rate": rate, "stderr": stderr, "wilson95": [lo, hi]}


def mcnemar_exact(regressions: int, fixes: int) -> float:
    """Two-sided exact McNemar p-value of paired outcomes: P(a split at least as uneven as this) with the
    flips (pass -> fail, fail -> pass) ~ Binomial(b + c, 1/2)."""
    n = regressions + fixes
    if n == 0:
        return 1.0
    k = min(regressions, fixes)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)
