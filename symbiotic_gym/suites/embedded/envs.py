"""The embedded tasks as Gymnasium environments: ``gymnasium.make("symbiotic/<task_id>-v0")``.

Registration happens at ``import symbiotic_gym`` and must stay cheap: every id points at a string entry
point (``module:function``), so neither the env, BrowserGym nor Playwright is imported until an env is made.
The unversioned ids of earlier releases (``symbiotic/<task_id>``) still make the same env, with a
``DeprecationWarning``; they go in the next release.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symbiotic_gym.web.env import WebEnv

NAMESPACE = "symbiotic"
VERSION = 0


def env_id(task_id: str) -> str:
    """The Gymnasium id of an embedded task: ``symbiotic/<task_id>-v0``."""
    return f"{NAMESPACE}/{task_id}-v{VERSION}"


def make_embedded_env(task_id: str, **kwargs: Any) -> WebEnv:
    """Entry point of ``gymnasium.make("symbiotic/<task_id>-v0")``; ``kwargs`` go to :class:`WebEnv`."""
    from symbiotic_gym.suites.embedded.browser_task import EmbeddedTask
    from symbiotic_gym.suites.embedded.runtime import site_servers
    from symbiotic_gym.web.env import WebEnv

    site_servers()  # started (and their stable host names mapped) before this process's browser launches
    return WebEnv(EmbeddedTask, {"task_id": task_id}, **kwargs)


def make_embedded_env_unversioned(task_id: str, **kwargs: Any) -> WebEnv:
    """Entry point of the old id ``symbiotic/<task_id>`` (kept for one release)."""
    warnings.warn(
        f"gymnasium id 'symbiotic/{task_id}' is deprecated; use '{env_id(task_id)}'",
        DeprecationWarning,
        stacklevel=3,
    )
    return make_embedded_env(task_id, **kwargs)


def register_embedded_envs() -> None:
    """Register every embedded task as ``symbiotic/<task_id>-v0`` (reads file names only; cheap).

    The embedded sites are local and reset per episode, and the same seed and actions give the same pages,
    so the envs are registered deterministic (``nondeterministic=False``, Gymnasium's default).
    """
    import gymnasium as gym
    from gymnasium.envs.registration import EnvSpec

    from symbiotic_gym.suites.embedded.task_configs import task_ids

    for tid in task_ids():
        versioned = env_id(tid)
        if versioned not in gym.registry:
            gym.register(
                id=versioned,
                entry_point="symbiotic_gym.suites.embedded.envs:make_embedded_env",
                kwargs={"task_id": tid},
                nondeterministic=False,
                disable_env_checker=True,
            )
        alias = f"{NAMESPACE}/{tid}"
        if alias not in gym.registry:
            # gym.register refuses an unversioned id beside a versioned one of the same name (it would make
            # ``gym.make`` ambiguous); the alias is a plain spec in the registry dict, pointing at a
            # warning entry point, so the old id keeps working for one release
            gym.registry[alias] = EnvSpec(
                id=alias,
                entry_point="symbiotic_gym.suites.embedded.envs:make_embedded_env_unversioned",
                kwargs={"task_id": tid},
                disable_env_checker=True,
            )
