"""symbiotic-gym: run, compare and distill web agents on Gymnasium web environments."""

from __future__ import annotations

import os

# Nothing leaves the machine unasked: litellm downloads its model cost map from GitHub when it is imported,
# unless told to use the copy it ships. Set here, before anything can import litellm (our LLM layer, or a
# third-party agent such as AgentLab); a value the user set is kept.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

__version__ = "0.1.0"

from symbiotic_gym import _compat  # old module paths, kept for one release

_compat.install()


def _register() -> None:
    try:
        from symbiotic_gym.suites.embedded.envs import register_embedded_envs
    except ImportError:  # gymnasium missing: the package still imports for tooling
        return
    register_embedded_envs()


_register()
