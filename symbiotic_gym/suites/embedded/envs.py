"""The embedded tasks as Gymnasium environments: ``gymnasium.make("symbiotic/<task_id>")``."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from symbiotic_gym.web.env import WebEnv


def make_embedded_env(task_id: str, **kwargs: Any) -> WebEnv:
    """Entry point of ``gymnasium.make("symbiotic/<task_id>")``; ``kwargs`` go to :class:`WebEnv`."""
    from symbiotic_gym.suites.embedded.browser_task import EmbeddedTask
    from symbiotic_gym.suites.embedded.runtime import site_servers

    site_servers()  # started (and their stable host names mapped) before this process's browser launches
    return WebEnv(EmbeddedTask, {"task_id": task_id}, **kwargs)


def register_embedded_envs() -> None:
    """Register every embedded task as ``symbiotic/<task_id>`` (reads file names only; cheap)."""
    from symbiotic_gym.suites.embedded.task_configs import task_ids

    for tid in task_ids():
        env_id = f"symbiotic/{tid}"
        if env_id not in gym.registry:
            gym.register(
                id=env_id,
                entry_point="symbiotic_gym.suites.embedded.envs:make_embedded_env",
                kwargs={"task_id": tid},
                disable_env_checker=True,
            )
