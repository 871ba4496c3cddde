"""A ``check_env``-style checker for web environments.

Gymnasium's own ``gymnasium.utils.env_checker.check_env`` cannot apply as is: it samples random actions
from the action space (random unicode strings, which our env rightly turns into action errors but which
exercise nothing), and it checks that two resets with the same seed give *equal* observations, which a
live browser cannot promise (``elapsed_time``, chat timestamps and element ids assigned by page order all
differ, and site state is the point of the env). This checker keeps the spirit: it verifies the API
contract that agents and the harness rely on.
"""

from __future__ import annotations

from typing import Any

REQUIRED_KEYS = ("goal", "url", "axtree_txt", "last_action", "last_action_error", "open_pages_urls")
TIMING_KEYS = ("parse", "action", "settle", "validate", "observe", "total")


class EnvCheckError(AssertionError):
    pass


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise EnvCheckError(message)


def check_obs(obs: Any, where: str) -> None:
    _check(isinstance(obs, dict), f"{where}: observation must be a dict, got {type(obs).__name__}")
    for key in REQUIRED_KEYS:
        _check(key in obs, f"{where}: observation lacks {key!r}")
    for key in ("goal", "url", "axtree_txt", "last_action", "last_action_error"):
        _check(isinstance(obs[key], str), f"{where}: obs[{key!r}] must be str")
    _check(all(isinstance(u, str) for u in obs["open_pages_urls"]), f"{where}: open_pages_urls must hold str")


def check_web_env(env: Any) -> dict[str, Any]:
    """Reset, step a no-op, an invalid action and an unknown element; returns the last info. Raises on a breach."""
    obs, info = env.reset(seed=0)
    check_obs(obs, "reset")
    _check(isinstance(info, dict) and "timings" in info, "reset: info must be a dict with 'timings'")
    _check(obs["goal"].strip() != "", "reset: the goal is empty")
    _check(obs["axtree_txt"].strip() != "", "reset: the start page has an empty accessibility tree")
    _check(obs["last_action_error"] == "", "reset: last_action_error must start empty")
    _check(env.observation_space.contains(obs), "reset: observation is not in observation_space")

    out = env.step("noop(0)")
    _check(isinstance(out, tuple) and len(out) == 5, "step must return (obs, reward, terminated, truncated, info)")
    obs, reward, terminated, truncated, info = out
    check_obs(obs, "step(noop)")
    _check(isinstance(reward, float), "step: reward must be a float")
    _check(isinstance(terminated, bool) and isinstance(truncated, bool), "step: terminated/truncated must be bool")
    _check(obs["last_action_error"] == "", f"step(noop): unexpected error {obs['last_action_error']!r}")
    _check(not terminated, "step(noop): a no-op must not end the episode")
    for key in TIMING_KEYS:
        _check(key in info.get("timings", {}), f"step: info['timings'] lacks {key!r}")

    obs, *_ = env.step("this is not an action")
    _check(obs["last_action_error"] != "", "step: a malformed action must be reported in last_action_error")
    obs, *_ = env.step("click('no-such-bid')")
    _check("not found" in obs["last_action_error"], "step: a click on a missing element must report it")
    _check(env.observation_space.contains(obs), "step: observation is not in observation_space")
    env.close()
    return info
