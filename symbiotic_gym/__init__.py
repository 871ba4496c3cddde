"""symbiotic-gym: run, compare and distill web agents on Gymnasium web environments."""

from __future__ import annotations

__version__ = "0.1.0"

from symbiotic_gym import _compat  # old module paths, kept for one release

_compat.install()


def _register() -> None:
    try:
        from symbiotic_gym.suites.embedded.envs import register_embedded_envs
    except ImportError:  # gymnasium or browsergym missing: the package still imports for tooling
        return
    register_embedded_envs()


_register()
