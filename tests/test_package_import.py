"""``import symbiotic_gym`` and ``--help`` stay cheap: no browser, BrowserGym, torch, transformers or litellm
at import (Gymnasium ids register with string entry points; heavy dependencies load when used)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import gymnasium as gym
import pytest

import symbiotic_gym  # noqa: F401  (registers symbiotic/<task_id>-v0)

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("playwright", "browsergym", "torch", "transformers", "litellm", "ray", "peft", "sentence_transformers")

PROBE = """
import contextlib, io, json, runpy, sys
if sys.argv[1] == "import":
    import symbiotic_gym
else:
    sys.argv = ["benchmarks.run", "--help"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        runpy.run_module("benchmarks.run", run_name="__main__")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


@pytest.mark.parametrize("what", ["import", "help"])
def test_package_import_and_help_load_no_heavy_module(what: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, what], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not loaded & set(HEAVY), f"{what} imported {sorted(loaded & set(HEAVY))}"


def test_ids_are_versioned_and_the_old_ids_are_deprecated_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = gym.spec("symbiotic/shop.product_price.0-v0")
    assert spec.version == 0 and spec.nondeterministic is False and spec.kwargs == {"task_id": "shop.product_price.0"}
    assert isinstance(spec.entry_point, str)  # a string: registering imports nothing
    alias = gym.spec("symbiotic/shop.product_price.0")
    assert alias.kwargs == spec.kwargs
    from symbiotic_gym.suites.embedded import envs

    monkeypatch.setattr(envs, "make_embedded_env", lambda task_id, **kw: ("env", task_id, kw))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        made = envs.make_embedded_env_unversioned("shop.product_price.0", max_steps=2)
    assert made == ("env", "shop.product_price.0", {"max_steps": 2})
    assert any(issubclass(w.category, DeprecationWarning) and "-v0" in str(w.message) for w in caught)
